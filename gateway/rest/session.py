"""The upstream as one GraphQL request sees it: the caller's credentials, and reads made once.

Every GET goes through a `DataLoader` that lives as long as the request's context, so the
same read asked for by several fields (aliases, fragments, two pages of one search) costs
one upstream call, and reads asked for in the same tick are sent concurrently.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from gateway.idempotency.writes import IdempotentWrites
from gateway.upstream import codec
from gateway.upstream.client import UpstreamClient, UpstreamResponse


@dataclass(frozen=True, slots=True)
class Read:
    """One GET: the path relative to the base URL and its query parameters, in order, and
    how its body is decoded (which is not part of what the read is: every decoder reads a
    body into the same values)."""

    path: str
    params: tuple[tuple[str, str], ...] = ()
    decode: Callable[[bytes], object] = field(default=codec.decode, compare=False)

    @classmethod
    def of(
        cls,
        path: str,
        params: Mapping[str, str] | None = None,
        decode: Callable[[bytes], object] = codec.decode,
    ) -> Read:
        return cls(path, tuple((params or {}).items()), decode)


ReadAll = Callable[[list[Read]], Awaitable[list[UpstreamResponse | BaseException]]]
ReadLoader = DataLoader[Read, UpstreamResponse]


def reader(client: UpstreamClient, *, authorization: str | None) -> ReadAll:
    """The batch function of a read loader: every read of the batch, concurrently."""

    async def read_all(reads: list[Read]) -> list[UpstreamResponse | BaseException]:
        # A failed read is handed to its callers only; the others still get their answers.
        return await asyncio.gather(
            *(
                client.request(
                    "GET",
                    read.path,
                    params=dict(read.params) or None,
                    authorization=authorization,
                    decode=read.decode,
                )
                for read in reads
            ),
            return_exceptions=True,
        )

    return read_all


class UpstreamSession:
    """Calls to the upstream with one caller's credentials, reads going through `reads`."""

    def __init__(
        self,
        client: UpstreamClient,
        *,
        authorization: str | None,
        reads: ReadLoader,
        writes: IdempotentWrites | None = None,
    ) -> None:
        self._client = client
        self._authorization = authorization
        self._reads = reads
        self._writes = writes

    async def read(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        decode: Callable[[bytes], object] = codec.decode,
    ) -> UpstreamResponse:
        return await self._reads.load(Read.of(path, params, decode))

    async def read_many(self, reads: Iterable[Read]) -> list[UpstreamResponse]:
        return await self._reads.load_many(reads)

    async def write(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        idempotency_key: str | None = None,
        decode: Callable[[bytes], object] = codec.decode,
    ) -> UpstreamResponse:
        """Send a change; with an `idempotency_key`, at most once per key (see
        `gateway.idempotency.writes`)."""
        # Whatever this request read before may no longer be what the upstream holds.
        self._reads.clear_all()

        def send() -> Awaitable[UpstreamResponse]:
            return self._client.request(
                method, path, json=body, authorization=self._authorization, decode=decode
            )

        if idempotency_key is None or self._writes is None:
            return await send()
        return await self._writes.run(
            key=idempotency_key,
            credentials=self._authorization,
            method=method,
            path=path,
            body=body,
            send=send,
        )
