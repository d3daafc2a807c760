"""Who a contract (and so its invoices) is with: the REST `*_type` + `*_id` pairs.

The upstream types an id `"Company"` or `"Person"`; an organization (the account's own legal
entity) is typed `"Company"` too, and `GET companies/{id}` answers 404 for one, so a
`"Company"` id is looked up among companies first and organizations after.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from gateway.types.company import Company
from gateway.types.organization import Organization
from gateway.types.person import Person


@strawberry.enum(
    description="Which table a party id names, as the REST `customer_type`/`supplier_type`."
)
class PartyType(Enum):
    COMPANY = strawberry.enum_value(
        "Company",
        description="A company (CNPJ); also how the upstream types an organization of the account.",
    )
    PERSON = strawberry.enum_value("Person", description="A natural person (CPF).")


@strawberry.input(description="A party of a contract: its type and its id.")
class PartyInput:
    type: PartyType = strawberry.field(description="Company (or organization) or person.")
    id: strawberry.ID = strawberry.field(description="Id of the company, organization or person.")


Party = Annotated[
    Company | Person | Organization,
    strawberry.union(
        "Party",
        description="A party of a contract (and so of its invoices): a company, a person, or "
        'one of the account\'s organizations, which the upstream types `"Company"` too.',
    ),
]
