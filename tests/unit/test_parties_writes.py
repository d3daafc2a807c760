"""What the writes of organizations, companies, people and service items refuse before calling
the upstream: an update that changes nothing, and an id that is no number."""

from __future__ import annotations

import pytest

from tests.support.gateway import answer, gateway_with
from tests.support.parties import (
    DELETE_COMPANY,
    DELETE_ORGANIZATION,
    DELETE_PERSON,
    DELETE_SERVICE_ITEM,
    UPDATE_COMPANY,
    UPDATE_ORGANIZATION,
    UPDATE_PERSON,
    UPDATE_SERVICE_ITEM,
)

UPDATES = [
    ("updateOrganization", UPDATE_ORGANIZATION, "organization"),
    ("updateCompany", UPDATE_COMPANY, "company"),
    ("updatePerson", UPDATE_PERSON, "person"),
    ("updateServiceItem", UPDATE_SERVICE_ITEM, "service item"),
]
DELETES = [
    ("deleteOrganization", DELETE_ORGANIZATION),
    ("deleteCompany", DELETE_COMPANY),
    ("deletePerson", DELETE_PERSON),
    ("deleteServiceItem", DELETE_SERVICE_ITEM),
]


@pytest.mark.parametrize(("field", "document", "noun"), UPDATES)
def test_an_update_without_changes_never_reaches_the_upstream(
    field: str, document: str, noun: str
) -> None:
    with gateway_with(answer(200, {})) as gateway:
        result = gateway.graphql(document, {"input": {"id": "7"}})
    assert gateway.sent == []
    assert result["data"][field]["userErrors"] == [
        {
            "field": ["input"],
            "message": f"Nothing to change: give at least one field of the {noun}.",
            "code": "BLANK",
        }
    ]


@pytest.mark.parametrize(
    ("field", "document", "variables"),
    [(field, document, {"input": {"id": "x7", "name": "n"}}) for field, document, _ in UPDATES]
    + [(field, document, {"input": {"id": "x7"}}) for field, document in DELETES],
)
def test_an_id_that_is_no_number_is_a_user_error_without_a_call(
    field: str, document: str, variables: dict[str, object]
) -> None:
    with gateway_with(answer(200, {})) as gateway:
        result = gateway.graphql(document, variables)
    assert gateway.sent == []
    assert result["data"][field]["userErrors"] == [
        {"field": ["input", "id"], "message": "must be a numeric id", "code": "INVALID"}
    ]
