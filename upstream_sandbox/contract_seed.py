"""The default data set's contracts and invoices: the three default contracts, which
organization 1 supplies to its customers (person 1, companies 2 and 3), named and dated, and
a few invoices on them, made through the store's own create path so they follow its rules.
Their invoice rules are in invoice_rule_seed.py."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .formats import SAO_PAULO

if TYPE_CHECKING:
    from .store import Store

# When the default data set was made.
SEEDED_AT = datetime(2025, 1, 6, 9, 0, tzinfo=SAO_PAULO)

_CONTRACTS: dict[int, dict[str, Any]] = {
    1: {
        "name": "Consultoria financeira Mariana Souza Lima",
        "token": "5f0c8a9e2d7b4c1a8e6f3b2d9c0a7e41",
        "raw": {
            "title": "Consultoria em finanças pessoais",
            "description": "Acompanhamento mensal das finanças da cliente",
            "comments": "",
            "init_date": "01/02/2025",
        },
    },
    2: {
        "name": "Sistema de gestão Pão Dourado",
        "token": "a3e9d1c7b5f24e08b6c4a2d0f8e6c4b2",
        "raw": {
            "title": "Licença do sistema de gestão",
            "description": "Licença mensal do sistema de gestão de padarias",
            "comments": "",
            "init_date": "03/02/2025",
        },
    },
    3: {
        "name": "Suporte Horizonte Engenharia",
        "token": "c81f4b7a9e2d46c0b3a5e7f9d1c3b5a7",
        "raw": {
            "title": "Suporte e manutenção de software",
            "description": "Suporte técnico e manutenção dos sistemas de obras",
            "comments": "Reajuste anual pelo IPCA",
            "init_date": "10/03/2025",
            "end_date": "09/03/2027",
        },
    },
}

# (contract, the invoice's request); each bills one service, in DD-MM-YYYY as documented.
_INVOICES = (
    (
        1,
        {
            "description": "Consultoria de fevereiro",
            "issue_date": "10-02-2025",
            "gross_value": "800.00",
            "receivables": [{"gross_value": "800.00", "due_date": "20-02-2025"}],
            "services": [
                {"description": "Consultoria", "units": "4", "unit_value": "200.00"},
            ],
        },
    ),
    (
        2,
        {
            "description": "Licença de março",
            "issue_date": "03-03-2025",
            "gross_value": "450.00",
            "receivables": [{"gross_value": "450.00", "due_date": "13-03-2025"}],
            "services": [{"description": "Licença mensal", "units": "1", "unit_value": "450.00"}],
            "payment_information": {"payment_method": "billet"},
        },
    ),
    (
        3,
        {
            "description": "Suporte de abril",
            "issue_date": "10-04-2025",
            "gross_value": "1500.00",
            "receivables": [
                {"gross_value": "750.00", "due_date": "20-04-2025"},
                {"gross_value": "750.00", "due_date": "20-05-2025"},
            ],
            "services": [{"description": "Suporte mensal", "units": "1", "unit_value": "1500.00"}],
            "payment_information": {"payment_method": "transfer"},
        },
    ),
)


def seed(store: Store) -> None:
    """Names and dates the default contracts and bills them; only on the default data set."""
    clock, store.clock = store.clock, lambda: SEEDED_AT
    try:
        for contract_id, values in _CONTRACTS.items():
            contract = store.contracts[contract_id]
            store.contracts[contract_id] = dataclasses.replace(
                contract, created_at=SEEDED_AT, **values
            )
        invoices = [store.create_invoice(contract_id, body) for contract_id, body in _INVOICES]
        # Contract 1's customer paid its invoice on time.
        (receivable,) = invoices[0].receivables
        store.receive(1, receivable.id, {"received_at": "18/02/2025"})
    finally:
        store.clock = clock
