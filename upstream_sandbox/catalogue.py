"""Service items: the account's catalogue of billable services."""

from __future__ import annotations

from starlette.routing import BaseRoute

from gateway.types.service_item import CreateServiceItemInput, ServiceItem, UpdateServiceItemInput

from . import account_records
from .account_records import SEEDED_AT, Problems, Records, Stored, name_problems
from .errors import NOT_NUMERIC
from .formats import is_blank, to_decimal, to_int
from .models import Raw
from .store import Store

IN_USE = (
    "Não foi possível apagar este serviço. Verifique se há faturamentos ou planos associados ao "
    "mesmo."
)


class ServiceItems(Records):
    output = ServiceItem
    inputs = (CreateServiceItemInput, UpdateServiceItemInput)
    singular, plural, sequence = "service_item", "service_items", "service_item"
    search_key, search_finds_one = "name", True

    def problems(self, raw: Raw, current: Stored | None) -> Problems:
        problems: Problems = {}
        name_problems(self, raw, current, problems, unique=True)
        value = raw.get("value")
        if not is_blank(value) and to_decimal(value) is None:
            problems["value"] = [NOT_NUMERIC]
        return problems

    def values(self, stored: Stored) -> dict[str, object]:
        return {"unit": "item"}

    def matches(self, stored: Stored, wanted: str) -> bool:
        # The recordings match the whole name, as written.
        return stored.raw.get("name") == wanted

    def refusal(self, stored: Stored) -> str | None:
        # Invoices keep the item a service line was written with only in its request.
        used = any(
            to_int(service.data.raw.get("service_item_id")) == stored.id
            for invoice in self.store.invoices.values()
            for service in invoice.services
        )
        return IN_USE if used else None


class Catalogue:
    """The service items of one store; seeded with the default data set's."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.service_items = ServiceItems(store)
        if store.seeded:
            for record_id, (name, description, value) in enumerate(_SEEDED, start=1):
                self.service_items.add(
                    {"name": name, "description": description, "value": value},
                    record_id=record_id,
                    at=SEEDED_AT,
                )


_SEEDED = (
    ("Consultoria", "Hora de consultoria em sistemas", "150.0"),
    # The documented invoice example bills item 2, seven units at 100.
    ("Faturamento", "Serviço de faturamento mensal", "100.0"),
    ("Suporte técnico", "Suporte técnico remoto, por chamado", "80.0"),
)


def routes() -> list[BaseRoute]:
    return account_records.routes(
        "/service_items", lambda store: store.part(Catalogue).service_items, show=False
    )
