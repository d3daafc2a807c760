"""Organizations, companies and people: the parties contracts are made between.

Organization and company ids come from one sequence ("party"), as on the upstream, where an
organization is referenced with type "Company" too.
"""

from __future__ import annotations

from typing import Literal

from starlette.routing import BaseRoute

from .models import Raw
from .store import Store

PartyKind = Literal["organization", "company", "person"]


class Parties:
    """The parties of one store; seeded with the default data set's."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.organizations: dict[int, Raw] = {}
        self.companies: dict[int, Raw] = {}
        self.people: dict[int, Raw] = {}

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


def routes() -> list[BaseRoute]:
    return []
