"""The default data set's invoice rules: contract 3's monthly support fee, readjusted by the
IPCA every year, and contract 2's quarterly licence fee. Made through the rules' own create
path, so they follow its rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .contract_seed import SEEDED_AT
from .models import Raw

if TYPE_CHECKING:
    from .invoice_rules import InvoiceRules

_RULES: tuple[tuple[int, Raw], ...] = (
    (
        3,
        {
            "description": "Mensalidade de suporte",
            "nfe_body": "$DESCRICAO",
            "charge_type": "fixed_day",
            "additional_information": {
                "title": "Mensalidade de suporte",
                "init_date": "10-04-2025",
                "end_date": "09-03-2027",
                "period_unit": "monthly",
                "month_quantity": 1,
            },
            "receivables_additional_information": {"day_number": 20},
            "services": [
                {
                    "service_item_id": 1,
                    "description": "Suporte mensal",
                    "units": "1",
                    "unit_value": "1500.00",
                }
            ],
            "scheduled_updates": [
                {
                    "service_item_id": 1,
                    "price_index": "ipca",
                    "init_date": "10-03-2026",
                    "month_quantity": 12,
                    "days_until_update": 30,
                }
            ],
            "payment_information": {"payment_method": "transfer"},
        },
    ),
    (
        2,
        {
            "description": "Licença trimestral",
            "nfe_body": "$DESCRICAO",
            "gross_value": "1350.00",
            "charge_type": "day_quantity",
            "additional_information": {
                "title": "Licença trimestral",
                "init_date": "03-06-2025",
                "period_unit": "monthly",
                "month_quantity": 3,
            },
            "receivables_additional_information": {"day_quantity": 10, "only_business_days": True},
        },
    ),
)


def seed(rules: InvoiceRules) -> None:
    store = rules.store
    clock, store.clock = store.clock, lambda: SEEDED_AT
    try:
        for contract_id, body in _RULES:
            rules.create(contract_id, body)
    finally:
        store.clock = clock
