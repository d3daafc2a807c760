"""The schema as a contract: `schema.graphql` matches the code, and everything is described."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLScalarType,
)

from examples.seed import seed_request, seed_response
from gateway.schema import export_sdl, schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"
REGENERATE = "python -m gateway export-schema"


def test_schema_file_is_in_sync_with_the_code() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
    assert committed == export_sdl(), (
        f"schema.graphql differs from the code: run `{REGENERATE}` and commit the result"
    )


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    missing: list[str] = []
    for name, type_ in schema._schema.type_map.items():
        if name.startswith("__") or name in ("String", "Boolean", "Int", "Float", "ID"):
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLEnumType):
            missing += [f"{name}.{value}" for value, v in type_.values.items() if not v.description]
        if isinstance(type_, (GraphQLObjectType, GraphQLInputObjectType)):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(type_, GraphQLScalarType) and not type_.specified_by_url:
            missing.append(f"{name} @specifiedBy")
    assert missing == []


def test_output_types_carry_ids_for_client_caches() -> None:
    for name in ("Invoice", "Receivable", "Service", "Attachment", "PaymentInformation"):
        type_ = schema._schema.type_map[name]
        assert isinstance(type_, GraphQLObjectType)
        assert str(type_.fields["id"].type) == "ID!"


def _fields(type_name: str) -> set[str]:
    type_ = schema._schema.type_map[type_name]
    assert isinstance(type_, (GraphQLObjectType, GraphQLInputObjectType))
    return set(type_.fields)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def test_every_documented_response_field_is_in_the_output_types() -> None:
    invoice = seed_response()["invoice"]
    assert {_camel(k) for k in invoice} <= _fields("Invoice")
    assert {_camel(k) for k in invoice["receivables"][0]} <= _fields("Receivable")
    assert {_camel(k) for k in invoice["services"][0]} <= _fields("Service")
    assert {_camel(k) for k in invoice["attachments"][0]} <= _fields("Attachment")
    assert {_camel(k) for k in invoice["payment_information"]} <= _fields("PaymentInformation")


# Request fields REFERENCE.md documents beyond the example on create-invoice.md.
DOCUMENTED_BEYOND_THE_EXAMPLE = {
    "estimated_issue_date",
    "approval_status",
    "management_type",
    "automatic_email_template_id",
    "notification_ruler_id",
    "charge_now",
}


def test_every_documented_request_field_is_in_the_input_types() -> None:
    invoice = seed_request()["invoice"]
    assert {_camel(k) for k in invoice} | {_camel(k) for k in DOCUMENTED_BEYOND_THE_EXAMPLE} <= (
        _fields("CreateInvoiceInput")
    )
    assert {_camel(k) for k in invoice["receivables"][0]} | {"value"} <= _fields("ReceivableInput")
    assert {_camel(k) for k in invoice["services"][0]} <= _fields("ServiceInput")
    assert {_camel(k) for k in invoice["attachments"][0]} <= _fields("AttachmentInput")
    assert {_camel(k) for k in invoice["payment_information"]} | {"installments"} <= _fields(
        "PaymentInformationInput"
    )


@pytest.mark.parametrize("input_type", ["ReceivableInput", "ReceivableUpdateInput"])
def test_the_receivable_percentage_is_described_and_deprecated(input_type: str) -> None:
    type_ = schema._schema.type_map[input_type]
    assert isinstance(type_, GraphQLInputObjectType)
    field = type_.fields["value"]
    assert field.deprecation_reason
    assert "Percentage" in (field.description or "")
