"""An organization's templates and financial accounts, which the API only reads.

Every route is a GET under `organizations/{organization_id}/`: 404 with an empty body for an
unknown organization, and for an id that is not one of that organization's. The records are
kept as the upstream renders them, rendered once from the gateway's declarations when the
part is made (see `template_seed`); they never change, since nothing writes them.

A one-off invoice template (usable for one invoice, `search?type=invoice`) is one without a
periodicity (`month_quantity` null); the upstream's own representation is undocumented. A
recurring one (`type=invoice_rule`) has its `month_quantity`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .errors import BadRequest, NotFound
from .models import Raw
from .parties import Parties
from .routing import endpoint, path_int
from .store import Store
from .template_seed import seed

ORGANIZATION = "/organizations/{organization_id:int}"
# The values of the template search's `type`, and which templates each finds.
TEMPLATE_TYPES: dict[str, Callable[[Raw], bool]] = {
    "invoice": lambda template: template.get("month_quantity") is None,
    "invoice_rule": lambda template: template.get("month_quantity") is not None,
}


class Templates:
    """The templates and financial accounts of one store; seeded with the default data set's.

    Each collection maps an id to the record as the upstream renders it.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        # Each with its `organization_id`, which the upstream does not render. Invoice rules
        # created from a template read theirs from here.
        self.invoice_templates: dict[int, Raw] = {}
        # Owned through `company_id` (the organization's id).
        self.email_templates: dict[int, Raw] = {}
        self.nfse_templates: dict[int, Raw] = {}
        # Owned through `organization_id`.
        self.charge_templates: dict[int, Raw] = {}
        self.financial_accounts: dict[int, Raw] = {}
        if store.seeded:
            seed(self)


def known_organization(store: Store, organization_id: int) -> None:
    """Raises `NotFound` unless the store knows the organization: as a record of its own, or
    as the organization of one of its contracts (the sandbox's contracts name organizations
    the parties part may not hold)."""
    if organization_id in store.part(Parties).organizations:
        return
    if any(c.organization_id == organization_id for c in store.contracts.values()):
        return
    raise NotFound


@dataclass(frozen=True)
class _Collection:
    """One of the part's collections, and how its records name their organization."""

    singular: str
    plural: str
    owner: str
    # Whether the upstream has `GET .../{plural}/{id}`.
    has_show: bool = True

    def owned(self, request: Request, store: Store) -> list[Raw]:
        organization_id = path_int(request, "organization_id")
        known_organization(store, organization_id)
        records: dict[int, Raw] = getattr(store.part(Templates), self.plural)
        return [
            records[key] for key in sorted(records) if records[key][self.owner] == organization_id
        ]

    def answer(self, record: Raw) -> Raw:
        if self.singular == "invoice_template":
            return {key: value for key, value in record.items() if key != "organization_id"}
        return record

    async def list(self, request: Request, store: Store) -> Response:
        return JSONResponse({self.plural: [self.answer(r) for r in self.owned(request, store)]})

    async def show(self, request: Request, store: Store) -> Response:
        wanted = path_int(request, "id")
        for record in self.owned(request, store):
            if record["id"] == wanted:
                return JSONResponse({self.singular: self.answer(record)})
        raise NotFound

    async def search(self, request: Request, store: Store) -> Response:
        """The invoice-template search by `type`; a blank or unknown type is a 400, as the
        upstream answers its other searches' blank parameters."""
        chosen = TEMPLATE_TYPES.get(request.query_params.get("type", "").strip())
        records = self.owned(request, store)
        if chosen is None:
            raise BadRequest("Parâmetro(s) inválido(s) para busca: type")
        return JSONResponse({self.plural: [self.answer(r) for r in records if chosen(r)]})


INVOICE_TEMPLATES = _Collection("invoice_template", "invoice_templates", "organization_id")
EMAIL_TEMPLATES = _Collection("email_template", "email_templates", "company_id", has_show=False)
NFSE_TEMPLATES = _Collection("nfse_template", "nfse_templates", "company_id", has_show=False)
CHARGE_TEMPLATES = _Collection("charge_template", "charge_templates", "organization_id")
FINANCIAL_ACCOUNTS = _Collection("financial_account", "financial_accounts", "organization_id")


def routes() -> list[BaseRoute]:
    listed: list[BaseRoute] = [
        Route(
            f"{ORGANIZATION}/invoice_templates/search",
            endpoint(INVOICE_TEMPLATES.search),
            methods=["GET"],
        )
    ]
    for collection in (
        INVOICE_TEMPLATES,
        EMAIL_TEMPLATES,
        NFSE_TEMPLATES,
        CHARGE_TEMPLATES,
        FINANCIAL_ACCOUNTS,
    ):
        path = f"{ORGANIZATION}/{collection.plural}"
        listed.append(Route(path, endpoint(collection.list), methods=["GET"]))
        if collection.has_show:
            listed.append(Route(path + "/{id:int}", endpoint(collection.show), methods=["GET"]))
    return listed
