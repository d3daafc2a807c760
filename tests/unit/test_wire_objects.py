"""Upstream objects decoded into the declarations' structs read exactly as decoded dicts do:
mapped the same, problems and all, whatever the upstream sends; and a body of another shape
is decoded as any body is."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import pytest
import strawberry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examples.seed import FIXTURES, search_response
from gateway.idempotency.writes import decode_outcome, encode_outcome
from gateway.rest import wire_objects
from gateway.rest.invoices import _ENVELOPE, _SEARCH_PAGE
from gateway.rest.mapping import invoice_from_rest
from gateway.types.invoice import Invoice
from gateway.types.receivable import Receivable
from gateway.types.wire import rest
from gateway.upstream import codec
from gateway.upstream.client import UpstreamResponse
from tests.unit.test_projection import (
    INVOICES,
    PAGE,
    TEMPLATE,
    invoices_with,
    page_of,
    varied,
)


def well_nested(key: str) -> st.SearchStrategy[object]:
    """Nested objects and lists still objects and lists, whatever they hold."""
    item = TEMPLATE[key]
    if isinstance(item, list):
        return st.lists(varied(item[0]), max_size=3)
    return st.one_of(st.none(), varied(item))


# Pages the structs read (INVOICES also breaks the nesting: most of its pages are plain ones).
SHAPED_INVOICES = invoices_with(well_nested)


def mapped(invoice: Invoice) -> tuple[str, dict[str, str]]:
    """What mapping made of an object: every value and every problem."""
    return repr(invoice), invoice.problems


def read_both(invoices: list[dict[str, Any]]) -> tuple[object, dict[str, Any]]:
    body = codec.encode(page_of(invoices))
    plain = codec.decode(body)
    assert isinstance(plain, dict)
    return _SEARCH_PAGE(body), plain


def assert_mapped_alike(typed: wire_objects.WireObject, plain: dict[str, Any]) -> None:
    rows = typed["invoices"]
    assert isinstance(rows, list)
    assert [mapped(invoice_from_rest(row)) for row in rows] == [
        mapped(invoice_from_rest(row)) for row in plain["invoices"]
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SHAPED_INVOICES, min_size=1, max_size=3))
def test_an_invoice_read_from_its_struct_maps_as_read_from_a_dict(
    invoices: list[dict[str, Any]],
) -> None:
    typed, plain = read_both(invoices)
    assert isinstance(typed, wire_objects.WireObject)
    assert_mapped_alike(typed, plain)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(INVOICES, min_size=1, max_size=3))
def test_a_page_with_broken_nesting_is_read_either_way_alike(
    invoices: list[dict[str, Any]],
) -> None:
    typed, plain = read_both(invoices)
    if isinstance(typed, wire_objects.WireObject):
        assert_mapped_alike(typed, plain)
    else:
        # A nested value that is not the object or list its field declares: a plain body.
        assert typed == plain


def test_a_documented_page_is_read_into_structs_with_nested_structs() -> None:
    page = _SEARCH_PAGE(codec.encode(PAGE))
    assert isinstance(page, wire_objects.WireObject)
    invoice = page["invoices"][0]  # type: ignore[index]
    assert type(invoice) is wire_objects.struct_of(Invoice)
    assert type(invoice.receivables[0]).__name__ == "WireReceivable"
    assert type(invoice.payment_information).__name__ == "WirePaymentInformation"
    assert invoice.gross_value == PAGE["invoices"][0]["gross_value"]


@pytest.mark.parametrize(
    "change",
    [
        {"payment_information": ""},
        {"payment_information": [1]},
        {"receivables": "none"},
        {"services": [{"id": 1}, 7]},
    ],
    ids=["empty-text", "array-for-object", "text-for-list", "scalar-in-list"],
)
def test_a_nested_value_of_another_shape_makes_the_page_a_plain_one(
    change: dict[str, object],
) -> None:
    page = json.loads(json.dumps(PAGE))
    page["invoices"][1].update(change)
    body = codec.encode(page)
    decoded = _SEARCH_PAGE(body)
    assert type(decoded) is dict
    assert decoded == codec.decode(body)


@pytest.mark.parametrize(
    "body",
    [b"[1, 2]", b'"text"', b'{"invoices": {"id": 1}}', b"null"],
    ids=["array", "text", "object-for-list", "null"],
)
def test_a_body_that_is_no_page_is_decoded_as_any_body(body: bytes) -> None:
    assert _SEARCH_PAGE(body) == codec.decode(body)


@pytest.mark.parametrize("body", [b'{"invoices": [', b"{'a': 1}", b"\xff"])
def test_what_is_no_json_is_refused_in_the_standard_librarys_words(body: bytes) -> None:
    with pytest.raises(ValueError) as plain:  # noqa: PT011 - the message is the assertion
        codec.decode(body)
    with pytest.raises(ValueError, match=re.escape(str(plain.value))):
        _SEARCH_PAGE(body)


def test_a_struct_is_a_read_only_mapping_of_its_declared_keys() -> None:
    raw = dict(PAGE["invoices"][0], unheard_of="x")
    del raw["comments"]
    page = _SEARCH_PAGE(codec.encode({"invoices": [raw]}))
    assert isinstance(page, wire_objects.WireObject)
    invoice = page["invoices"][0]  # type: ignore[index]
    assert isinstance(invoice, Mapping)
    declared = type(invoice).__struct_fields__
    assert list(invoice) == list(declared) == list(invoice.keys())
    assert len(invoice) == len(declared)
    assert invoice["description"] == invoice.get("description") == raw["description"]
    # A declared key left out reads as null, as `raw.get` would; an undeclared one is skipped.
    assert "comments" in invoice
    assert invoice["comments"] is None
    assert "unheard_of" not in invoice
    assert invoice.get("unheard_of", 7) == 7
    with pytest.raises(KeyError):
        invoice["unheard_of"]
    assert dict(invoice.items()) == dict(zip(declared, invoice.values(), strict=True))
    with pytest.raises(AttributeError):
        invoice.description = "changed"  # type: ignore[misc]


def test_an_alias_is_a_field_of_its_own() -> None:
    struct = wire_objects.struct_of(Receivable)
    assert struct is not None
    assert {"billet_url", "boleto_url"} <= set(struct.__struct_fields__)


def test_a_type_embedding_itself_reads_the_embedded_one_as_plain_json() -> None:
    invoice = wire_objects.struct_of(Invoice)
    receivable = wire_objects.struct_of(Receivable)
    assert invoice is not None
    assert receivable is not None
    assert invoice.wire_nested.get("receivables") is receivable
    assert receivable.wire_nested.get("invoice") is None


@strawberry.type
class Clashing:
    id: strawberry.ID
    entries: str | None = strawberry.field(default=None, metadata=rest("items"))


def test_a_type_with_a_key_that_cannot_be_a_field_has_no_struct() -> None:
    assert wire_objects.struct_of(Clashing) is None
    decode = wire_objects.page_decoder("clashings", Clashing)
    body = codec.encode(search_response([1], page=1, per_page=1, total_pages=1))
    assert decode(body) == codec.decode(body)


def test_one_invoice_is_read_into_a_struct_and_recorded_as_its_fields() -> None:
    body = (FIXTURES / "create-invoice.response.json").read_bytes()
    plain = codec.decode(body)
    assert isinstance(plain, dict)
    answer = UpstreamResponse(status=201, data=_ENVELOPE(body), request_id="r-1")
    assert isinstance(answer.data, wire_objects.WireObject)
    # The idempotency store writes the answer as JSON, and a replay decodes it into dicts.
    replay = decode_outcome(encode_outcome(answer))
    assert isinstance(replay, UpstreamResponse)
    for data in (answer.data, replay.data):
        assert isinstance(data, Mapping)
        invoice = data["invoice"]
        assert isinstance(invoice, Mapping)
        assert mapped(invoice_from_rest(invoice)) == mapped(invoice_from_rest(plain["invoice"]))
    assert isinstance(replay.data, dict)
    assert (replay.status, replay.request_id) == (201, "r-1")


@pytest.mark.parametrize("body", [b'{"invoice": ""}', b'{"invoice": [1]}', b"[]", b'"invoice"'])
def test_an_envelope_of_another_shape_is_decoded_as_any_body(body: bytes) -> None:
    decoded = _ENVELOPE(body)
    assert type(decoded) is type(codec.decode(body))
    assert decoded == codec.decode(body)


def test_an_envelope_without_its_object_reads_as_one_without_it() -> None:
    decoded = _ENVELOPE(b'{"invoices": [{"id": 1}]}')
    assert isinstance(decoded, Mapping)
    assert decoded.get("invoice") is None
    assert "invoices" not in decoded


def test_a_struct_is_written_as_the_object_of_its_fields() -> None:
    page = _SEARCH_PAGE(codec.encode(PAGE))
    assert isinstance(page, wire_objects.WireObject)
    written = codec.decode(codec.encode(page))
    assert isinstance(written, dict)
    first = written["invoices"][0]
    assert first == {key: first[key] for key in wire_objects.struct_of(Invoice).__struct_fields__}  # type: ignore[union-attr]
    assert first["receivables"][0]["id"] == PAGE["invoices"][0]["receivables"][0]["id"]
    assert first["gross_value"] == PAGE["invoices"][0]["gross_value"]
