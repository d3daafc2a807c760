"""A `Deferred` stands in for its mapped object: it maps only when something needs all of it,
and then behaves as the object would."""

from __future__ import annotations

import pytest

from examples.seed import seed_response
from gateway.errors import MissingId, UpstreamInvalidValue
from gateway.rest.mapping import invoice_deferred, invoice_from_rest
from gateway.types.base import Deferred, Mapped, resolve_field
from gateway.types.invoice import Invoice, InvoiceState


def counting(raw: dict[str, object], **private: object) -> tuple[Invoice, list[int]]:
    """A stand-in for `raw` and how many times it was mapped."""
    invoice = invoice_deferred(raw, **private)
    assert type(invoice) is Deferred
    builds: list[int] = []
    build = invoice._build

    def counted(source: object) -> Mapped:
        builds.append(1)
        return build(source)

    invoice._build = counted
    return invoice, builds


def test_it_passes_for_its_type_and_reads_scalars_without_mapping() -> None:
    invoice, builds = counting(seed_response()["invoice"], found_under="1")
    assert isinstance(invoice, Invoice)
    assert isinstance(invoice, Mapped)
    assert invoice.id == "61"
    assert invoice.contract_id == "3"
    assert invoice.state is InvoiceState.TO_EMIT
    assert invoice.found_under == "1"
    assert not hasattr(invoice, "__await__")  # graphql-core asks this of every list item
    assert builds == []


def test_a_nested_object_or_anything_else_maps_it_once() -> None:
    raw = seed_response()["invoice"]
    invoice, builds = counting(raw, found_under="1")
    assert [receivable.id for receivable in invoice.receivables or []] == ["62"]
    assert invoice.problems == {}
    assert invoice == invoice_from_rest(raw)
    assert invoice.found_under == "1"  # set on the mapped object too
    assert builds == [1]


def test_a_value_mapping_flags_is_read_from_the_mapped_object_and_reported() -> None:
    raw = {**seed_response()["invoice"], "issue_date": "30/02/2025"}
    invoice, builds = counting(raw)
    assert invoice.issue_date is None
    assert builds == [1]
    with pytest.raises(UpstreamInvalidValue, match=r"Invoice\.issue_date"):
        resolve_field(invoice, "issue_date")


def test_attributes_are_not_set_on_a_stand_in() -> None:
    invoice, _ = counting(seed_response()["invoice"])
    with pytest.raises(AttributeError):
        invoice.found_under = "2"  # type: ignore[misc]


def test_an_object_without_an_id_is_refused_when_the_stand_in_is_made() -> None:
    with pytest.raises(MissingId):
        invoice_deferred({**seed_response()["invoice"], "id": "  "})
