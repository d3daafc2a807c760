"""The NFS-e search, as a typed call: an organization's service invoices, page by page.

`GET organizations/{organization_id}/nfses/search` pages like the invoice search (`page`,
`per_page` up to 100, `{"page", "per_page", "total_pages", "nfses"}`), so it is served as the
same cursor connection (see `gateway.rest.pagination`).
"""

from __future__ import annotations

from gateway.rest import pagination, wire_objects
from gateway.rest.mapping import deferred
from gateway.rest.paged_search import read_window
from gateway.rest.session import UpstreamSession
from gateway.rest.translate import query_params
from gateway.rest.writer import integer_id
from gateway.types.nfse import Nfse, NfseConnection, NfseEdge, NfseFilter

nfse_deferred = deferred(Nfse)
_SEARCH_PAGE = wire_objects.page_decoder("nfses", Nfse)


def nfse_search_params(filter: NfseFilter | None, *, page: int, per_page: int) -> dict[str, str]:
    """The page, then each criterion as the Ransack predicate its field declares, sent as
    `q[predicate]`; the day bounds as `DD/MM/YYYY` and the status as its numeric code, as
    the search documents them."""
    params = {"page": str(page), "per_page": str(per_page)}
    if filter is not None:
        params |= query_params(filter, "q[{}]")
    return params


class NfsesAPI:
    """The NFS-e endpoint, through one GraphQL request's upstream session."""

    def __init__(self, session: UpstreamSession) -> None:
        self._session = session

    async def search(
        self,
        organization_id: str,
        filter: NfseFilter | None,
        *,
        first: int | None,
        after: str | None,
    ) -> NfseConnection:
        """One or two pages of the search, as the window `first`/`after` names.

        Raises `InvalidPageRequest` for a `first` or `after` that names no page; an unknown
        organization, or a criterion no NFS-e can meet, is an empty result.
        """
        try:
            path: str | None = f"organizations/{integer_id(organization_id)}/nfses/search"
        except ValueError:
            path = None
        found = await read_window(
            self._session,
            path,
            lambda page, size: nfse_search_params(filter, page=page, per_page=size),
            "nfses",
            nfse_deferred,
            lambda nfse: str(nfse.id),
            first=first,
            after=after,
            decode=_SEARCH_PAGE,
        )
        return _connection(found)


def _connection(found: pagination.Slice[Nfse]) -> NfseConnection:
    return NfseConnection(
        edges=[NfseEdge(cursor=cursor, node=node) for cursor, node in found.edges],
        page_info=found.page_info,
        total_pages=found.total_pages,
    )
