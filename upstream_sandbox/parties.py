"""Organizations, companies and people: the parties contracts are made between.

Organization and company ids come from one sequence ("party"), as on the upstream, where an
organization is referenced with type "Company" too. A CNPJ is unique among organizations and
among companies (each kind apart), a CPF among people; both match a search formatted or not.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from starlette.routing import BaseRoute

from gateway.types.company import Company, CreateCompanyInput, UpdateCompanyInput
from gateway.types.organization import (
    CreateOrganizationInput,
    Organization,
    UpdateOrganizationInput,
)
from gateway.types.person import CreatePersonInput, Person, UpdatePersonInput

from . import account_records
from .account_records import (
    BLANK,
    INVALID,
    TAKEN,
    Problems,
    Records,
    Stored,
    name_problems,
    taken,
    zipcode_problems,
)
from .documents import cnpj_digits, cpf_digits, digits, format_cnpj
from .formats import is_blank
from .models import Raw
from .party_seed import seed
from .render import JSON
from .store import Store

PartyKind = Literal["organization", "company", "person"]

# Recorded for organizations and people; the upstream's behaviour for a company with
# contracts is unknown, and the sandbox protects it the same way, in the same words.
_CONTRACTED = "Não foi possível apagar {}, pois há contratos associados à mesma."


class Parties:
    """The parties of one store; seeded with the default data set's."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.organizations = Organizations(store)
        self.companies = Companies(store)
        self.people = People(store)
        # A new party never takes an id a contract already names.
        for contract in store.contracts.values():
            store.reserve("party", contract.organization_id)
            for party_type, party_id in _parties_of(contract):
                store.reserve("person" if party_type == "Person" else "party", party_id)
        if store.seeded:
            seed(self.organizations, self.companies, self.people)

    def kind_of(self, party_type: str, party_id: int) -> PartyKind | None:
        """What a REST `*_type` + `*_id` pair names: "Company" ids are companies or
        organizations; `None` when nothing has that id."""
        if party_type == "Person":
            return "person" if party_id in self.people else None
        if party_type == "Company":
            if party_id in self.companies:
                return "company"
            if party_id in self.organizations:
                return "organization"
        return None


class _Party(Records):
    """A party: named, identified by a CNPJ or a CPF (its `search_key`), with an address, and
    kept while contracts name it."""

    party_type: ClassVar[str]
    # How the upstream's message names one ("esta organização").
    this_one: ClassVar[str]

    def document(self, value: Any) -> str | None:
        """The digits of a valid document; `None` for anything else."""
        raise NotImplementedError

    def problems(self, raw: Raw, current: Stored | None) -> Problems:
        problems: Problems = {}
        name_problems(self, raw, current, problems, unique=False)
        self.document_problems(raw, current, problems)
        zipcode_problems(raw, problems)
        return problems

    def document_problems(self, raw: Raw, current: Stored | None, problems: Problems) -> None:
        """Required, valid, and not another record's."""
        key = self.search_key
        value = raw.get(key)
        found = self.document(value)
        if is_blank(value):
            problems[key] = [BLANK]
        elif found is None:
            problems[key] = [INVALID]
        elif taken(self, current, lambda other: self.document(other.raw.get(key)), found):
            problems[key] = [TAKEN]

    def matches(self, stored: Stored, wanted: str) -> bool:
        return digits(wanted) == self.document(stored.raw.get(self.search_key))

    def refusal(self, stored: Stored) -> str | None:
        if self.contracted(stored):
            return _CONTRACTED.format(self.this_one)
        return None

    def contracted(self, stored: Stored) -> bool:
        pair = (self.party_type, stored.id)
        return any(pair in _parties_of(c) for c in self.store.contracts.values())


class _LegalEntity(_Party):
    """An organization or a company: typed "Company", its CNPJ answered formatted."""

    party_type = "Company"
    search_key, search_finds_one = "cnpj", False

    def document(self, value: Any) -> str | None:
        return cnpj_digits(value)

    def values(self, stored: Stored) -> dict[str, object]:
        found = self.document(stored.raw.get("cnpj"))
        return {"cnpj": None if found is None else format_cnpj(found)}


class Organizations(_LegalEntity):
    output = Organization
    inputs = (CreateOrganizationInput, UpdateOrganizationInput)
    singular, plural, sequence = "organization", "organizations", "party"
    search_finds_one = True
    this_one = "esta organização"

    def contracted(self, stored: Stored) -> bool:
        contracts = self.store.contracts.values()
        owned = any(contract.organization_id == stored.id for contract in contracts)
        return owned or super().contracted(stored)


class Companies(_LegalEntity):
    output = Company
    inputs = (CreateCompanyInput, UpdateCompanyInput)
    singular, plural, sequence = "company", "companies", "party"
    this_one = "esta empresa"

    def problems(self, raw: Raw, current: Stored | None) -> Problems:
        # In the order of the recorded 422; a company's names are unique too.
        problems: Problems = {}
        self.document_problems(raw, current, problems)
        name_problems(self, raw, current, problems, unique=True)
        company_name = raw.get("company_name")
        if not is_blank(company_name) and taken(
            self, current, lambda other: other.raw.get("company_name"), company_name
        ):
            problems["company_name"] = [TAKEN]
        zipcode_problems(raw, problems)
        return problems

    def values(self, stored: Stored) -> dict[str, object]:
        return {**super().values(stored), "kind": "company"}

    def render(self, stored: Stored) -> JSON:
        body = super().render(stored)
        # Answered in 2016 only; declared so that such answers still map.
        del body["ibge_code"]
        return body


class People(_Party):
    output = Person
    inputs = (CreatePersonInput, UpdatePersonInput)
    singular, plural, sequence = "person", "people", "person"
    search_key, search_finds_one = "cpf", False
    party_type = "Person"
    this_one = "esta pessoa"

    def document(self, value: Any) -> str | None:
        return cpf_digits(value)

    def values(self, stored: Stored) -> dict[str, object]:
        return {"cpf": self.document(stored.raw.get("cpf"))}


def _parties_of(contract: object) -> list[tuple[str, int]]:
    """The customer a contract names and, where contracts record one, its supplier."""
    pairs = []
    for role in ("customer", "supplier"):
        party_type = getattr(contract, f"{role}_type", None)
        party_id = getattr(contract, f"{role}_id", None)
        if isinstance(party_type, str) and isinstance(party_id, int):
            pairs.append((party_type, party_id))
    return pairs


def _parties(store: Store) -> Parties:
    return store.part(Parties)


def routes() -> list[BaseRoute]:
    return [
        *account_records.routes(
            "/organizations", lambda store: _parties(store).organizations, show=False
        ),
        *account_records.routes("/companies", lambda store: _parties(store).companies),
        *account_records.routes("/people", lambda store: _parties(store).people),
    ]
