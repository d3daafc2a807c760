"""The NFS-e search through the whole gateway, upstream mocked: the exact query string (Ransack
`q[...]` predicates, days as DD/MM/YYYY, the status as its numeric code), the documented
answer mapped, and the pages a cursor walks."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from examples.seed import load_fixture
from examples.templates import NFSES
from tests.support.gateway import answer, gateway_with

EMPTY = {
    "edges": [],
    "pageInfo": {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    },
    "totalPages": 0,
}

DOCUMENTED_NFSE = {
    "id": "1",
    "nfseNumber": "3200",
    "generatedAt": "2024-08-05T01:00:32-03:00",
    "value": "10.00",
    "verificationCode": "LDCE-BCXB",
    "cityNfseUrl": None,
    "status": "Emitida",
    "invoiceId": "62",
    "customerType": "COMPANY",
    "customerId": "2",
    "createdAt": "2024-08-05T11:37:37-03:00",
    "updatedAt": "2024-08-05T11:40:23-03:00",
    "externalId": "3f90b87d-1a8a-4c32-bddf-cf222f330932",
    "servicoPrestadoMunicipioCliente": False,
    "issRetidoFonte": False,
    "percentualCargaTributaria": "0",
    "cargaTributariaValue": "0.00",
    "fonteCargaTributaria": None,
    "irValue": "0.00",
    "pisValue": "0.00",
    "cofinsValue": "0.00",
    "csllValue": "0.00",
    "inssValue": "0.00",
    "retainedIssValue": "0.00",
    "serviceProvidedCity": "Rio de Janeiro",
    "serviceProvidedCityCode": "3304557",
    "serviceProvidedState": "RJ",
    "cancellationRequestedAt": None,
    "cancelledAt": None,
    "integrationErrors": None,
    "requestSent": None,
    "organizationId": "1",
    "customerEmail": "customer@gmail.com",
    "issValue": "0.50",
    "customerName": "Customer Name",
    "customerCompanyName": "Cutomer Company Name",
    "customerDocumentNumber": "32403309000242",
    "customerCity": "São Paulo",
    "customerCityIbgeCode": None,
    "customerState": None,
    "customerCityInscription": None,
    "customerStateInscription": None,
    "customerAddress": "Rua 01",
    "customerNumber": "199",
    "customerComplement": "CONJ 91",
    "customerDistrict": "Vila 01",
    "customerZipcode": "74552000",
    "organizationName": "Organization Name",
    "organizationCompanyName": "Organization Name",
    "organizationDocumentNumber": "23499377000123",
    "organizationCity": "Rio de Janeiro",
    "organizationCityIbgeCode": "IBGE CODE",
    "organizationState": "RJ",
    "organizationCityInscription": None,
    "organizationStateInscription": None,
    "organizationAddress": "Rua 01",
    "organizationNumber": "01",
    "organizationComplement": None,
    "organizationDistrict": "Centro",
    "organizationZipcode": "74394455",
    "organizationIsIncentivadorCultural": False,
    "organizationIsOptanteSimplesNacional": False,
    "rpsNumber": 1,
    "rpsSerie": "1",
    "nfseEnvironment": "Producao",
    "accrualDate": "2024-08-05",
    "outrasValue": "0.00",
    "servicoPrestadoMunicipioPrestador": True,
    "servicoPrestadoMunicipioCodigo": None,
    "pdfUrl": "https://faturamento.fintera.com.br/docs/MfyrCc2aQPxx81xaTDDhbgy3/nfse-01.pdf",
    "xmlUrl": "https://faturamento.fintera.com.br/docs/XRrVjp6QC6kPsx3NPFtNMDN5/nfse-01.xml",
    "nfseServiceItems": [
        {
            "id": "1",
            "description": "Cobrança pelo volume da utilização do serviço. Conforme lei "
            "12.741/12, a carga tributária aproximada é de R$ 1,63 (16,33%), segundo a fonte IBPT",
            "codigoServicoMunicipal": "010601",
            "itemListaServico": "0106",
            "externalServiceId": None,
            "cnae": None,
            "value": "100.00",
            "aliquotaIss": "5",
            "units": "1",
            "nfseId": "1",
            "createdAt": "2024-08-05T11:37:37-03:00",
            "updatedAt": "2024-08-05T11:37:37-03:00",
            "descricaoServicoMunicipal": None,
        }
    ],
}


def query_of(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode(), keep_blank_values=True)


def test_the_filter_is_sent_as_the_documented_predicates_and_the_answer_mapped() -> None:
    variables = {
        "organizationId": "2115",
        "filter": {
            "status": "ISSUED",
            "statusNot": "CANCELLATION_FAILED",
            "generatedAtFrom": "2024-08-05",
            "generatedAtTo": "2024-08-18",
            "customerId": "2",
            "customerType": "COMPANY",
            "invoiceId": "62",
            "nfseNumber": "3200",
        },
    }
    with gateway_with(answer(200, load_fixture("nfse_search.response.json"))) as gateway:
        result = gateway.graphql(NFSES, variables)
    (sent,) = gateway.sent
    assert (sent.method, sent.url.path) == ("GET", "/api/v1/organizations/2115/nfses/search")
    assert query_of(sent) == [
        ("page", "1"),
        ("per_page", "50"),
        ("q[status_eq]", "1"),
        ("q[status_not_eq]", "6"),
        ("q[generated_at_gteq]", "05/08/2024"),
        ("q[generated_at_lteq]", "18/08/2024"),
        ("q[customer_id_eq]", "2"),
        ("q[customer_type_eq]", "Company"),
        ("q[invoice_id_eq]", "62"),
        ("q[nfse_number_eq]", "3200"),
    ]
    connection = result["data"]["nfses"]
    (edge,) = connection["edges"]
    assert edge["node"] == DOCUMENTED_NFSE
    assert connection["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": edge["cursor"],
        "endCursor": edge["cursor"],
    }
    assert connection["totalPages"] == 1


@pytest.mark.parametrize(
    ("status", "code"),
    [("ISSUED", "1"), ("CANCELLED", "2"), ("CANCELLING", "4"), ("CANCELLATION_FAILED", "6")],
)
def test_each_status_is_sent_as_its_code(status: str, code: str) -> None:
    with gateway_with(answer(200, load_fixture("nfse_search.response.json"))) as gateway:
        gateway.graphql(NFSES, {"organizationId": "1", "filter": {"status": status}})
    (sent,) = gateway.sent
    assert ("q[status_eq]", code) in query_of(sent)


def pages_of(total: int, *, repeat: int | None = None) -> Any:
    """An upstream with NFS-e 1..`total`, `repeat` shown again at the top of the next page."""

    def handle(request: httpx.Request) -> httpx.Response:
        params = dict(query_of(request))
        page, size = int(params["page"]), int(params["per_page"])
        ids = list(range(1, total + 1))
        rows = ids[(page - 1) * size : page * size]
        if repeat is not None and page > 1 and rows:
            rows = [repeat, *rows[:-1]]
        body = {
            "page": page,
            "per_page": size,
            "total_pages": -(-total // size),
            "nfses": [{"id": i, "status": "Emitida"} for i in rows],
        }
        return answer(200, body)(request)

    return handle


def walk(gateway: Any, first: int) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        result = gateway.graphql(
            "query($o: ID!, $first: Int, $after: String) { nfses(organizationId: $o, "
            "first: $first, after: $after) { edges { node { id } } "
            "pageInfo { hasNextPage endCursor } } }",
            {"o": "1", "first": first, "after": after},
        )
        connection = result["data"]["nfses"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return seen
        after = connection["pageInfo"]["endCursor"]


def test_a_walk_with_cursors_serves_every_nfse_once_one_page_per_answer() -> None:
    with gateway_with(pages_of(23)) as gateway:
        seen = walk(gateway, 7)
    assert seen == [str(i) for i in range(1, 24)]
    assert [dict(query_of(r))["page"] for r in gateway.sent] == ["1", "2", "3", "4"]
    assert {dict(query_of(r))["per_page"] for r in gateway.sent} == {"7"}


def test_a_repeat_across_the_page_boundary_is_served_once() -> None:
    with gateway_with(pages_of(6, repeat=3)) as gateway:
        seen = walk(gateway, 3)
    assert seen == ["1", "2", "3", "4", "5"]


def test_first_is_capped_at_the_upstreams_largest_page() -> None:
    with gateway_with(pages_of(3)) as gateway:
        gateway.graphql(NFSES, {"organizationId": "1", "first": 500})
    (sent,) = gateway.sent
    assert dict(query_of(sent))["per_page"] == "100"


def test_a_cursor_this_api_did_not_issue_is_a_bad_request_without_calling() -> None:
    with gateway_with(pages_of(3)) as gateway:
        result = gateway.graphql(NFSES, {"organizationId": "1", "after": "not-a-cursor"})
    assert gateway.sent == []
    (error,) = result["errors"]
    assert error["path"] == ["nfses"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "variables",
    [
        {"organizationId": "one"},
        {"organizationId": "1", "filter": {"customerId": "two"}},
        {"organizationId": "1", "filter": {"invoiceId": "62a"}},
    ],
    ids=["organization", "customer", "invoice"],
)
def test_an_id_that_is_not_a_number_is_an_empty_result_without_calling(
    variables: dict[str, Any],
) -> None:
    with gateway_with(answer(500, b"")) as gateway:
        result = gateway.graphql(NFSES, variables)
    assert gateway.sent == []
    assert result == {"_status": 200, "data": {"nfses": EMPTY}}


def test_an_unknown_organization_is_an_empty_result() -> None:
    with gateway_with(answer(404, b"")) as gateway:
        result = gateway.graphql(NFSES, {"organizationId": "999"})
    assert len(gateway.sent) == 1
    assert result == {"_status": 200, "data": {"nfses": EMPTY}}
