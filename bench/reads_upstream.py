"""The stand-in of `bench/upstream.py`, which also answers the reads of issue 17.

- `GET /api/v1/organizations/1/invoices/search` (any query string): one fixed page of 100
  invoices, `examples.seed.search_response` (ids 1-100, page 1 of 1, about 210 KB, compact);
- the graph page, `GET /api/v1/organizations/2/invoices/search`: the same 100 invoices
  spread over `GRAPH_CONTRACTS` contracts (ten invoices in a row each) and `GRAPH_CUSTOMERS`
  companies (in turn), with the reads their links need: `GET
  /api/v1/organizations/2/contracts/{id}` (the documented contract, `contract_show`) and
  `GET /api/v1/companies/{id}` (the documented company, `company_show`), each under its id
  and with a name of its own; any other contract or company is a 404.

Everything else is `bench/upstream.py`'s: `createInvoice`'s POST for each size in `--sizes`,
the health check. Every body is built once at start-up.

`GET /bench/stats` answers `{"invoices": N, "calls": C, "searches": S, "contracts": K,
"companies": P, "not_found": F}`: N counts searches answered *and* invoices created, what
`bench.measure` divides a server's CPU by (the pages or invoices it really passed on); C
every request but the health check and the stats, so that the bench can count a server's
upstream calls per page.

    python -m bench.reads_upstream --port 8001 --sizes 1,10,100,1000
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from bench import upstream
from examples.seed import load_fixture, search_response

PAGE_SIZE = 100
READ_ORGANIZATION = 1
GRAPH_ORGANIZATION = 2
GRAPH_CONTRACTS = 10
GRAPH_CUSTOMERS = 20
_SEARCH = re.compile(rb"/api/v1/organizations/(\d+)/invoices/search")
_CONTRACT = re.compile(rb"/api/v1/organizations/(\d+)/contracts/(\d+)")
_COMPANY = re.compile(rb"/api/v1/companies/(\d+)")


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def search_body(page_size: int = PAGE_SIZE) -> bytes:
    page = search_response(list(range(1, page_size + 1)), page=1, per_page=page_size, total_pages=1)
    return _dumps(page)


def graph_contract_id(invoice_id: int) -> int:
    """Invoices 1-10 are billed under contract 101, 11-20 under 102, ..."""
    return 101 + (invoice_id - 1) // (PAGE_SIZE // GRAPH_CONTRACTS) % GRAPH_CONTRACTS


def graph_customer_id(invoice_id: int) -> int:
    """Invoices 1, 21, 41... bill company 201, 2, 22, 42... company 202, ..."""
    return 201 + (invoice_id - 1) % GRAPH_CUSTOMERS


def graph_page() -> dict[str, Any]:
    page = search_response(list(range(1, PAGE_SIZE + 1)), page=1, per_page=PAGE_SIZE, total_pages=1)
    for invoice in page["invoices"]:
        invoice["contract_id"] = graph_contract_id(invoice["id"])
        invoice["customer_id"] = graph_customer_id(invoice["id"])
        invoice["customer_type"] = "Company"
        invoice["number"] = str(invoice["id"])
        invoice["description"] = f"Fatura {invoice['id']}"
    return page


def graph_search_body() -> bytes:
    return _dumps(graph_page())


def graph_contract(contract_id: int) -> dict[str, Any]:
    """The documented contract, a sale the graph's organization supplies."""
    contract: dict[str, Any] = copy.deepcopy(load_fixture("contract_show.response.json"))
    contract["contract"] |= {
        "id": contract_id,
        "name": f"Contrato {contract_id}",
        "supplier_id": GRAPH_ORGANIZATION,
        "supplier_type": "Company",
        "customer_id": 201 + (contract_id - 101) % GRAPH_CUSTOMERS,
        "customer_type": "Company",
    }
    return contract


def graph_company(company_id: int) -> dict[str, Any]:
    company: dict[str, Any] = copy.deepcopy(load_fixture("company_show.response.json"))
    company["company"] |= {"id": company_id, "name": f"Cliente {company_id}"}
    return company


def graph_contract_ids() -> list[int]:
    return sorted({graph_contract_id(i) for i in range(1, PAGE_SIZE + 1)})


def graph_customer_ids() -> list[int]:
    return sorted({graph_customer_id(i) for i in range(1, PAGE_SIZE + 1)})


def minimum_calls() -> int:
    """The fewest upstream requests the graph page can cost over REST: the search, then one
    read per distinct contract and one per distinct customer (there is no batch read)."""
    return 1 + len(graph_contract_ids()) + len(graph_customer_ids())


class ReadAnswers(upstream.Answers):
    def __init__(self, sizes: list[int]) -> None:
        super().__init__(sizes)
        self._searches = {
            READ_ORGANIZATION: upstream._response(b"200 OK", search_body()),
            GRAPH_ORGANIZATION: upstream._response(b"200 OK", graph_search_body()),
        }
        self._contracts = {
            i: upstream._response(b"200 OK", _dumps(graph_contract(i)))
            for i in graph_contract_ids()
        }
        self._companies = {
            i: upstream._response(b"200 OK", _dumps(graph_company(i))) for i in graph_customer_ids()
        }
        self._read_ids = iter(range(1, 1 << 62))
        self.counts = {"calls": 0, "searches": 0, "contracts": 0, "companies": 0, "not_found": 0}

    def _read(self, answer: tuple[bytes, bytes], kind: str) -> bytes:
        self.counts[kind] += 1
        head, body = answer
        return head + b"X-Request-Id: bench-read-%d\r\n\r\n" % next(self._read_ids) + body

    def answer(self, method: bytes, target: bytes) -> bytes:
        path = target.split(b"?", 1)[0]
        if method == b"GET" and path == upstream._STATS:
            stats = {"invoices": self.invoices, **self.counts}
            head, body = upstream._response(b"200 OK", _dumps(stats))
            return head + b"\r\n" + body
        if path != upstream._HEALTH:
            self.counts["calls"] += 1
        if method == b"GET":
            if (match := _SEARCH.fullmatch(path)) and (
                search := self._searches.get(int(match.group(1)))
            ):
                self.invoices += 1
                return self._read(search, "searches")
            if (
                (match := _CONTRACT.fullmatch(path))
                and int(match.group(1)) == GRAPH_ORGANIZATION
                and (contract := self._contracts.get(int(match.group(2))))
            ):
                return self._read(contract, "contracts")
            if (match := _COMPANY.fullmatch(path)) and (
                company := self._companies.get(int(match.group(1)))
            ):
                return self._read(company, "companies")
        answer = super().answer(method, target)
        if answer.startswith(b"HTTP/1.1 404"):
            self.counts["not_found"] += 1
        return answer


def main() -> None:
    upstream.main(ReadAnswers, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
