"""The stand-in of `bench/upstream.py`, which also answers the read of issue 17.

`GET /api/v1/organizations/{id}/invoices/search` (any query string) answers 200 with one fixed
page of 100 invoices, `examples.seed.search_response` (ids 1-100, page 1 of 1, about 210 KB,
compact), built once at start-up. Everything else is `bench/upstream.py`'s: `createInvoice`'s
POST for each size in `--sizes`, the health check. `GET /bench/stats` answers
`{"invoices": N}` where N counts searches answered *and* invoices created: `bench.measure`
divides a server's CPU by that figure, the requests it really passed on, whichever kind
they were.

    python -m bench.reads_upstream --port 8001 --sizes 1,10,100,1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re

from bench import upstream
from examples.seed import search_response

PAGE_SIZE = 100
_SEARCH = re.compile(rb"/api/v1/organizations/(\d+)/invoices/search")


def search_body(page_size: int = PAGE_SIZE) -> bytes:
    page = search_response(list(range(1, page_size + 1)), page=1, per_page=page_size, total_pages=1)
    return json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode()


class ReadAnswers(upstream.Answers):
    def __init__(self, sizes: list[int]) -> None:
        super().__init__(sizes)
        self._search = upstream._response(b"200 OK", search_body())
        self._search_ids = iter(range(1, 1 << 62))

    def answer(self, method: bytes, target: bytes) -> bytes:
        if method == b"GET" and _SEARCH.fullmatch(target.split(b"?", 1)[0]):
            self.invoices += 1
            head, body = self._search
            return head + b"X-Request-Id: bench-read-%d\r\n\r\n" % next(self._search_ids) + body
        return super().answer(method, target)


async def serve(host: str, port: int, sizes: list[int]) -> None:
    answers = ReadAnswers(sizes)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: upstream._Connection(answers), host, port, backlog=1024
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sizes", default="1", help="comma-separated item counts to serve")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(args.host, args.port, sizes))
    else:
        uvloop.run(serve(args.host, args.port, sizes))


if __name__ == "__main__":
    main()
