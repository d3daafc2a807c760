"""The people endpoints, as typed calls."""

from __future__ import annotations

from gateway.rest.account_records import Records, RecordsAPI
from gateway.rest.session import UpstreamSession
from gateway.types.person import CreatePersonInput, DeletePersonInput, Person, UpdatePersonInput

PEOPLE = Records(
    Person,
    "person",
    "people",
    create=CreatePersonInput,
    update=UpdatePersonInput,
    delete=DeletePersonInput,
    # The docs say PATCH; the official client sends PUT, the only verb recorded.
    update_method="PUT",
)


class PeopleAPI(RecordsAPI[Person, CreatePersonInput, UpdatePersonInput]):
    """Reads answer `None` (or nothing) for what does not exist; writes raise as
    `OrganizationsAPI`'s do."""

    def __init__(self, session: UpstreamSession) -> None:
        super().__init__(session, PEOPLE)

    async def list(self, cpf: str | None = None) -> list[Person]:
        """`GET people`, or `GET people/search?cpf=` (formatted or digits) when a CPF is given:
        a list either way, empty when nothing matches."""
        if cpf is None:
            return await PEOPLE.all(self._session)
        return await PEOPLE.search(self._session, {"cpf": cpf})

    async def get(self, id: str) -> Person | None:
        """`GET people/{id}`; `None` for an unknown id."""
        return await PEOPLE.show(self._session, id)
