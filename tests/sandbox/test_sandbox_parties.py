"""Organizations, companies and people in the sandbox: the documented shapes, the upstream's
rules (valid and unique documents, names, CEPs, delete protections), its searches, its 404s
and 400s, and the default data set."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from upstream_sandbox import Contract, create_app
from upstream_sandbox.documents import cnpj_digits, cnpj_from, cpf_digits, cpf_from, is_cep
from upstream_sandbox.formats import SAO_PAULO
from upstream_sandbox.parties import Parties

from .support import client_for, load_fixture

pytestmark = pytest.mark.asyncio

NOW = datetime(2025, 7, 1, 9, 30, tzinfo=SAO_PAULO)
LATER = datetime(2025, 7, 2, 14, 5, 9, tzinfo=SAO_PAULO)
BLANK, TAKEN, INVALID = "não pode ficar em branco", "já está em uso", "inválido"
BAD_ZIPCODE = "Por favor digite um CEP válido."
# What the sandbox answers differently from a recording: the record's own id and times, the
# account, and the sister product's id, which the sandbox never has.
OWN = {"id", "account_id", "created_at", "updated_at", "myfinance_customer_id"}


@pytest.fixture
def sandbox() -> Starlette:
    app = create_app(token="sandbox-token")
    app.state.store.clock = lambda: NOW
    return app


def new_cnpj(number: int) -> str:
    return cnpj_from(f"{number:08d}0001")


def new_cpf(number: int) -> str:
    return cpf_from(f"{number:09d}")


def assert_answers_like(recorded: dict[str, Any], answered: dict[str, Any]) -> None:
    """The same keys in the same order, and the same values but the record's own."""
    assert list(answered) == list(recorded)
    assert {k: v for k, v in answered.items() if k not in OWN} == {
        k: v for k, v in recorded.items() if k not in OWN
    }


async def created(api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.post(path, json=body)
    assert response.status_code == 201, response.text
    (record,) = response.json().values()
    assert isinstance(record, dict)
    return record


async def rejected(response: httpx.Response) -> Any:
    assert response.status_code == 422, response.text
    return response.json()["errors"]


# The documented examples.


async def test_an_organization_is_answered_as_recorded(api: httpx.AsyncClient) -> None:
    recorded = load_fixture("organization_create.response.json")["organization"]
    organization = await created(
        api, "/organizations", load_fixture("organization_create.request.json")
    )
    assert_answers_like(recorded, organization)
    assert organization["created_at"] == "01/07/2025 09:30:00 -03:00"


async def test_a_company_created_with_the_documented_wrapped_body_answers_as_documented(
    api: httpx.AsyncClient,
) -> None:
    company = await created(api, "/companies", load_fixture("company_create.request.json"))
    latest = load_fixture("company_search.response.json")["companies"][0]
    assert list(company) == list(latest)  # the newest documented shape, with updated_at
    documented = load_fixture("company_create.response.json")["company"]
    assert_answers_like(documented, {k: v for k, v in company.items() if k in documented})
    assert company["updated_at"] == company["created_at"]


async def test_a_person_is_answered_as_documented_keeping_empty_text(
    api: httpx.AsyncClient,
) -> None:
    person = await created(api, "/people", load_fixture("person_create.request.json"))
    shown = load_fixture("person_show.response.json")["person"]
    assert_answers_like(shown, person)
    # Sent as "", answered as ""; the placeholder "date" answered as null.
    assert (person["complement"], person["comments"], person["client_since"]) == ("", "", None)


async def test_a_cpf_sent_formatted_is_answered_as_its_digits(api: httpx.AsyncClient) -> None:
    person = await created(api, "/people", load_fixture("person_create_2017.request.json"))
    assert (person["cpf"], person["client_since"]) == ("24198947317", "16/01/2017")


async def test_a_cnpj_sent_as_digits_is_answered_formatted(api: httpx.AsyncClient) -> None:
    organization = await created(
        api, "/organizations", {"name": "Dígitos", "cnpj": "25029551000109"}
    )
    company = await created(api, "/companies", {"name": "Dígitos", "cnpj": "25029551000109"})
    assert organization["cnpj"] == company["cnpj"] == "25.029.551/0001-09"


# Ids.


async def test_organizations_and_companies_take_ids_from_one_sequence_above_the_seeded(
    api: httpx.AsyncClient,
) -> None:
    organization = await created(api, "/organizations", {"name": "A", "cnpj": new_cnpj(111)})
    company = await created(api, "/companies", {"name": "B", "cnpj": new_cnpj(222)})
    person = await created(api, "/people", {"name": "C", "cpf": new_cpf(333)})
    assert (organization["id"], company["id"], person["id"]) == (4, 5, 2)


async def test_without_the_default_contracts_nothing_is_seeded_and_contract_ids_are_kept() -> None:
    contracts = [Contract(id=9, customer_id=40, customer_type="Person", organization_id=30)]
    app = create_app(token="t", contracts=contracts)
    async with client_for(app, "t") as api:
        assert (await api.get("/organizations")).json() == {"organizations": []}
        assert (await api.get("/people")).json() == {"people": []}
        company = await created(api, "/companies", {"name": "B", "cnpj": new_cnpj(222)})
        person = await created(api, "/people", {"name": "C", "cpf": new_cpf(333)})
    assert (company["id"], person["id"]) == (31, 41)


# Organizations.


async def test_an_organization_cnpj_must_be_given_valid_and_unique(api: httpx.AsyncClient) -> None:
    seeded = "27438156000105"  # organization 1's, unformatted
    assert await rejected(await api.post("/organizations", json={"name": "", "cnpj": seeded})) == {
        "name": [BLANK],
        "cnpj": [TAKEN],
    }
    for cnpj in ("foo", "123456", "27.438.156/0001-06", "00000000000000"):
        errors = await rejected(await api.post("/organizations", json={"name": "X", "cnpj": cnpj}))
        assert errors == {"cnpj": [INVALID]}, cnpj
    assert await rejected(await api.post("/organizations", json={"name": "X"})) == {"cnpj": [BLANK]}


async def test_a_cep_is_8_digits_without_hyphen(api: httpx.AsyncClient) -> None:
    for zipcode in ("123", "1234", "22290-080"):
        body = {"name": "X", "cnpj": new_cnpj(444), "zipcode": zipcode}
        assert await rejected(await api.post("/organizations", json=body)) == {
            "zipcode": [BAD_ZIPCODE]
        }
    assert (await api.put("/organizations/1", json={"zipcode": "0100100"})).status_code == 422
    assert (await api.put("/organizations/1", json={"zipcode": "01001000"})).status_code == 200


async def test_an_organization_update_changes_only_what_is_sent_and_is_checked_again(
    api: httpx.AsyncClient, sandbox: Starlette
) -> None:
    sandbox.state.store.clock = lambda: LATER
    before = (await api.get("/organizations")).json()["organizations"][0]
    response = await api.put("/organizations/1", json={"name": "Aurora Tech", "number": 1600})
    after = response.json()["organization"]
    assert {k for k in before if before[k] != after[k]} == {"name", "number"}
    assert after["number"] == "1600"
    assert await rejected(await api.patch("/organizations/1", json={"cnpj": "foo"})) == {
        "cnpj": [INVALID]
    }
    # Its own CNPJ is not "taken" by itself.
    assert (await api.put("/organizations/1", json={"cnpj": "27438156000105"})).status_code == 200


async def test_an_organization_has_no_show_endpoint_and_unknown_ids_are_empty_404s(
    api: httpx.AsyncClient,
) -> None:
    for response in (
        await api.get("/organizations/1"),
        await api.put("/organizations/99", json={"name": "X"}),
        await api.delete("/organizations/99"),
    ):
        assert (response.status_code, response.content) == (404, b"")


async def test_an_organization_search_answers_one_object_or_an_empty_404(
    api: httpx.AsyncClient,
) -> None:
    for cnpj in ("27.438.156/0001-05", "27438156000105"):
        response = await api.get("/organizations/search", params={"cnpj": cnpj})
        assert response.json()["organization"]["id"] == 1
    for cnpj in ("foo", new_cnpj(555)):
        response = await api.get("/organizations/search", params={"cnpj": cnpj})
        assert (response.status_code, response.content) == (404, b"")


@pytest.mark.parametrize(
    ("path", "param"),
    [("/organizations/search", "cnpj"), ("/companies/search", "cnpj"), ("/people/search", "cpf")],
)
async def test_a_search_without_its_parameter_is_a_400(
    api: httpx.AsyncClient, path: str, param: str
) -> None:
    for query in (f"?{param}=", "", f"?{param}=%20"):
        response = await api.get(path + query)
        assert response.status_code == 400
        assert response.json() == {"errors": f"Parâmetro(s) inválido(s) para busca: {param}"}


async def test_an_organization_with_contracts_cannot_be_deleted(api: httpx.AsyncClient) -> None:
    assert await rejected(await api.delete("/organizations/1")) == {
        "base": ["Não foi possível apagar esta organização, pois há contratos associados à mesma."]
    }
    fresh = await created(api, "/organizations", {"name": "Nova", "cnpj": new_cnpj(666)})
    response = await api.delete(f"/organizations/{fresh['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert [o["id"] for o in (await api.get("/organizations")).json()["organizations"]] == [1]


# Companies.


async def test_a_company_rejected_as_recorded(api: httpx.AsyncClient) -> None:
    seeded = (await api.get("/companies/2")).json()["company"]
    body = {
        "name": seeded["name"],
        "company_name": seeded["company_name"],
        "cnpj": "50812739000176",
        "zipcode": "80020-310",
    }
    errors = await rejected(await api.post("/companies", json=body))
    assert list(errors.items()) == [
        ("cnpj", [TAKEN]),
        ("name", [TAKEN]),
        ("company_name", [TAKEN]),
        ("zipcode", [BAD_ZIPCODE]),
    ]


async def test_a_company_update_keeps_names_unique_and_stamps_updated_at(
    api: httpx.AsyncClient, sandbox: Starlette
) -> None:
    assert await rejected(
        await api.patch("/companies/3", json={"name": "Pão Dourado", "company_name": ""})
    ) == {"name": [TAKEN]}
    sandbox.state.store.clock = lambda: LATER
    response = await api.patch("/companies/3", json={"company": {"contacts": "Ana"}})
    company = response.json()["company"]
    assert (company["contacts"], company["updated_at"]) == ("Ana", "02/07/2025 14:05:09 -03:00")
    assert company["created_at"] == "06/01/2025 09:00:00 -03:00"


async def test_an_organizations_id_is_no_company(api: httpx.AsyncClient) -> None:
    for response in (
        await api.get("/companies/1"),
        await api.patch("/companies/1", json={"name": "X"}),
        await api.delete("/companies/1"),
    ):
        assert (response.status_code, response.content) == (404, b"")


async def test_a_company_search_answers_a_list_empty_when_nothing_matches(
    api: httpx.AsyncClient,
) -> None:
    for cnpj in ("50.812.739/0001-76", "50812739000176"):
        response = await api.get("/companies/search", params={"cnpj": cnpj})
        assert [c["id"] for c in response.json()["companies"]] == [2]
    # The official client's authentication probe.
    probe = await api.get("/companies/search", params={"cnpj": "auth_test"})
    assert (probe.status_code, probe.json()) == (200, {"companies": []})
    organization = await api.get("/companies/search", params={"cnpj": "27438156000105"})
    assert organization.json() == {"companies": []}


async def test_a_company_with_contracts_is_protected_like_the_other_parties(
    api: httpx.AsyncClient,
) -> None:
    assert await rejected(await api.delete("/companies/2")) == {
        "base": ["Não foi possível apagar esta empresa, pois há contratos associados à mesma."]
    }
    fresh = await created(api, "/companies", {"name": "Nova", "cnpj": new_cnpj(777)})
    assert (await api.delete(f"/companies/{fresh['id']}")).status_code == 204
    assert (await api.get(f"/companies/{fresh['id']}")).status_code == 404


# People.


async def test_a_person_cpf_must_be_given_valid_and_unique(api: httpx.AsyncClient) -> None:
    for cpf, problem in (
        ("318.754.062-71", TAKEN),  # person 1's
        ("31875406271", TAKEN),
        ("12345678900", INVALID),
        ("", BLANK),
    ):
        body = {"name": "Ana", "cpf": cpf}
        assert await rejected(await api.post("/people", json=body)) == {"cpf": [problem]}, cpf
    assert await rejected(await api.put("/people/1", json={"name": ""})) == {"name": [BLANK]}
    assert await rejected(
        await api.post("/people", json={"name": "Ana", "cpf": new_cpf(888), "zipcode": "123"})
    ) == {"zipcode": [BAD_ZIPCODE]}


async def test_people_are_shown_searched_and_protected(api: httpx.AsyncClient) -> None:
    person = (await api.get("/people/1")).json()["person"]
    assert (person["cpf"], person["client_since"], person["allow_email_on_nfse"]) == (
        "31875406271",
        "15/01/2025",
        True,
    )
    found = await api.get("/people/search", params={"cpf": "318.754.062-71"})
    assert [p["id"] for p in found.json()["people"]] == [1]
    none = await api.get("/people/search", params={"cpf": new_cpf(999)})
    assert none.json() == {"people": []}
    assert await rejected(await api.delete("/people/1")) == {
        "base": ["Não foi possível apagar esta pessoa, pois há contratos associados à mesma."]
    }
    assert (await api.get("/people/99")).status_code == 404


# Bodies and the data set.


async def test_an_empty_body_is_the_rails_400(api: httpx.AsyncClient) -> None:
    for response in (
        await api.post("/people", json={}),
        await api.patch("/companies/2", json={"company": {}}),
    ):
        assert response.status_code == 400
    assert (await api.put("/people/1", content=b"{nope")).status_code == 400


async def test_the_default_data_set_names_the_default_contracts_parties(
    api: httpx.AsyncClient, sandbox: Starlette
) -> None:
    parties = sandbox.state.store.part(Parties)
    assert [
        parties.kind_of(c.customer_type, c.customer_id)
        for c in sandbox.state.store.contracts.values()
    ] == ["person", "company", "company"]
    assert parties.kind_of("Company", 1) == "organization"
    assert parties.kind_of("Person", 2) is parties.kind_of("Company", 99) is None
    listed = (await api.get("/companies")).json()["companies"]
    assert [(c["id"], c["name"]) for c in listed] == [
        (2, "Pão Dourado"),
        (3, "Horizonte Engenharia"),
    ]
    for company in listed:
        assert cnpj_digits(company["cnpj"]) is not None
        assert is_cep(company["zipcode"])


# Documents.


async def test_check_digits_of_recorded_documents() -> None:
    for cnpj in ("87.667.729/0001-02", "25029551000109", "46.181.656/0001-59"):
        assert cnpj_digits(cnpj) is not None
    assert cpf_digits("241.989.473-17") == "24198947317"
    assert cpf_digits("11111111111") is cpf_digits("2419894731") is None
    assert cnpj_digits("87.667.729/0001-03") is cnpj_digits("8766772900010") is None
    assert cnpj_from("876677290001") == "87.667.729/0001-02"
    assert cpf_from("241989473") == "24198947317"
    assert [is_cep(v) for v in ("01001000", "0100100", "01001-000", 1001000)] == [
        True,
        False,
        False,
        False,
    ]
