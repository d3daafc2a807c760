"""An organization's templates, financial accounts and NFS-e, which the API only reads."""

from __future__ import annotations

from starlette.routing import BaseRoute

from .models import Raw
from .store import Store


class Templates:
    """The templates, accounts and NFS-e of one store; seeded with the default data set's."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # By id; each as the upstream renders it, with its `organization_id`. Invoice rules
        # created from a template read theirs from here.
        self.invoice_templates: dict[int, Raw] = {}


def routes() -> list[BaseRoute]:
    return []
