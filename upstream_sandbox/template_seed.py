"""The default data set's templates and financial account, all of organization 1: a one-off
and a recurring invoice template (with services, the recurring one with a scheduled price
update), a notification e-mail template, an NFS-e template, a charge template and the financial
account it charges into.

Rendered from the gateway's declarations, then given what those do not declare: the ISO 8601
timestamps with milliseconds some of these resources write.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from gateway.types.charge_template import ChargeTemplate
from gateway.types.email_template import EmailTemplate
from gateway.types.financial_account import FinancialAccount
from gateway.types.invoice_template import InvoiceTemplate
from gateway.types.nfse_template import NfseTemplate

from .formats import SAO_PAULO
from .models import Raw
from .render import Record, render

if TYPE_CHECKING:
    from .store import Store
    from .templates import Templates

ORGANIZATION_ID = 1
SEEDED_AT = datetime(2025, 1, 6, 9, 0, tzinfo=SAO_PAULO)
CHANGED_AT = datetime(2025, 1, 20, 14, 32, 5, 418000, tzinfo=SAO_PAULO)


def iso_timestamp(value: datetime) -> str:
    """`2020-11-25T14:29:02.532-03:00`: how NFS-e templates, charge templates, financial
    accounts and scheduled updates write their timestamps."""
    return value.isoformat(timespec="milliseconds")


def with_iso_timestamps(body: Raw, created_at: datetime, updated_at: datetime) -> Raw:
    return {
        **body,
        "created_at": iso_timestamp(created_at),
        "updated_at": iso_timestamp(updated_at),
    }


def seed(templates: Templates) -> None:
    store = templates.store
    email = _email_template(store)
    templates.email_templates[email["id"]] = email
    nfse = _nfse_template(store)
    templates.nfse_templates[nfse["id"]] = nfse
    account = _financial_account(store)
    templates.financial_accounts[account["id"]] = account
    charge = _charge_template(store, account["id"])
    templates.charge_templates[charge["id"]] = charge
    for template in (
        _one_off_template(store, account["id"], charge["id"]),
        _recurring_template(store, email["id"], account["id"], charge["id"]),
    ):
        templates.invoice_templates[template["id"]] = {
            **template,
            "organization_id": ORGANIZATION_ID,
        }


def _email_template(store: Store) -> Raw:
    values = {
        "id": store.next_id("email_template"),
        "company_id": ORGANIZATION_ID,
        "name": "Fatura mensal",
        "cc": None,
        # The attribute of the REST `from` (a keyword in Python), which the renderer reads.
        "from_": None,
        "body": "Olá,\n\nSegue a fatura $NUMERO, de $VALOR_BRUTO, com vencimento em "
        "$DATAS_VENCIMENTO.\n\nNota fiscal: $NFSE_PDF_LINK\n\n$NOME_PRESTADOR",
        "subject": "Fatura $NUMERO de $NOME_PRESTADOR",
        "description": "Enviada com cada fatura emitida.",
        "include_billet": True,
        "include_nfse_pdf": True,
        "include_nfse_xml": False,
        "include_attachments": False,
        "include_invoice_pdf": True,
        "default_template": True,
        "subscription_default_template": False,
        "created_at": SEEDED_AT,
    }
    return render(EmailTemplate, Record(values, {}))


def _nfse_template(store: Store) -> Raw:
    values = {
        "id": store.next_id("nfse_template"),
        "company_id": ORGANIZATION_ID,
        "name": "Licenciamento de software (São Paulo)",
        "codigo_servico_municipal": "010501",
        "item_lista_servico": "01.05",
        "cnae": "6203100",
        "servico_prestado_municipio_cliente": False,
        "iss_retido_fonte": False,
        "aliquota_iss": Decimal("2.9"),
        "aliquota_ir": Decimal("1.5"),
        "aliquota_pis": Decimal("0.65"),
        "aliquota_cofins": Decimal("3.0"),
        "aliquota_csll": Decimal("1.0"),
        "aliquota_inss": None,
        "aliquota_iss_retido": None,
        "retencoes_destacadas_nota": ["IR", "PIS", "COFINS", "CSLL"],
        "percentual_carga_tributaria": Decimal("13.45"),
        "fonte_carga_tributaria": "IBPT",
        "limite_retencao_ir": Decimal("666.67"),
        "limite_retencao_pcc": Decimal("215.06"),
        "limite_retencao_inss": Decimal("1000.0"),
        "limite_retencao_iss": Decimal("500.0"),
        "external_service_id": "",
        "external_service_description": "",
    }
    return with_iso_timestamps(render(NfseTemplate, Record(values, {})), SEEDED_AT, CHANGED_AT)


def _financial_account(store: Store) -> Raw:
    values = {
        "id": store.next_id("financial_account"),
        "status": "processing",
        "bank_code": "341",
        "bank_branch": "0912",
        "bank_account": "457812",
        "organization_id": ORGANIZATION_ID,
        "payout_bank_code": "001",
        "payout_bank_branch": "3069",
        "payout_bank_account": "998877",
        "payment_methods": ["boleto"],
        "accept_fixed_fine": True,
    }
    return with_iso_timestamps(render(FinancialAccount, Record(values, {})), SEEDED_AT, CHANGED_AT)


def _charge_template(store: Store, financial_account_id: int) -> Raw:
    values = {
        "id": store.next_id("charge_template"),
        "name": "Boleto com multa e juros",
        "interest_value": Decimal("1.0"),
        "fine_value": Decimal("10.0"),
        "instructions": "Não receber após 30 dias do vencimento.",
        "organization_id": ORGANIZATION_ID,
        "financial_account_id": financial_account_id,
        "charging_account_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "payment_method": "boleto",
        "fine_type": "fixed",
        "interest_type": "percentage",
    }
    return with_iso_timestamps(render(ChargeTemplate, Record(values, {})), SEEDED_AT, SEEDED_AT)


def _service(store: Store, name: str, description: str, unit_value: str, units: str) -> Record:
    value = Decimal(unit_value) * Decimal(units)
    return Record(
        {
            "id": store.next_id("invoice_template_service"),
            "name": name,
            "description": description,
            "unit_value": Decimal(unit_value),
            "units": Decimal(units),
            "value": value,
        },
        {},
    )


def _receivables_terms(**terms: object) -> Record:
    values: dict[str, object] = {
        "charge_type": None,
        "day_number": None,
        "day_quantity": None,
        "month_quantity": None,
        "parcel_number": None,
        "only_business_days": None,
        "move_due_date_to_business_day": False,
        "create_parcels": False,
        "fixed_week_day": False,
        "week_day": None,
    }
    values.update(terms)
    return Record(values, {})


def _template_values(services: list[Record], **values: object) -> dict[str, object]:
    """What the two seeded templates share; `values` sets the rest."""
    gross_value = sum((cast("Decimal", s.values["value"]) for s in services), Decimal(0))
    return {
        "gross_value": gross_value,
        "notification_ruler_id": None,
        "accrual_month_quantity": "same_month",
        "emites_service_values_id": None,
        "emites_service_value_name": "",
        "days_until_automatic_nfe_emission": 0,
        "nfe_body": "$DESCRICAO",
        "payment_method": "billet",
        "card_installments": None,
        "cobrato_charge_config_id": None,
        "cobrato_charge_config_name": "",
        "cobrato_charge_template_id": None,
        "cobrato_charge_template_name": "",
        "finance_category": "",
        "finance_revenue_center": "",
        "myfinance_sale_account_id": None,
        "myfinance_sale_account_name": "",
        "apply_negative_updates": False,
        "created_at": SEEDED_AT,
        "issue_nfse": True,
        "charging_account_id": None,
        "services": services,
        **values,
    }


def _one_off_template(store: Store, financial_account_id: int, charge_template_id: int) -> Raw:
    services = [
        _service(store, "Implantação", "Configuração inicial e migração de dados", "1800", "1"),
        _service(store, "Treinamento", "Turma de até 10 pessoas", "150", "4"),
    ]
    values = _template_values(
        services,
        id=store.next_id("invoice_template"),
        name="Implantação",
        month_quantity=None,
        period_unit="monthly",
        management_type="manual",
        automatic_email_template_id=None,
        description="Implantação e treinamento da equipe",
        receivables_additional_information=_receivables_terms(
            charge_type="day_quantity", day_quantity=15, only_business_days=False
        ),
        notify_customer=False,
        financial_account_id=financial_account_id,
        financial_charge_template_id=charge_template_id,
        scheduled_updates=[],
    )
    return render(InvoiceTemplate, Record(values, {}))


def _recurring_template(
    store: Store, email_template_id: int, financial_account_id: int, charge_template_id: int
) -> Raw:
    template_id = store.next_id("invoice_template")
    services = [
        _service(store, "Licença Plano Pro", "Até 20 usuários", "790", "1"),
        _service(store, "Suporte", "Atendimento em horário comercial", "100", "1"),
    ]
    update = {
        "id": store.next_id("scheduled_update"),
        "invoice_rule_id": None,
        "execution_date": None,
        "month_quantity": 12,
        "price_index": "ipca",
        "init_date": None,
        "days_until_update": 30,
        "remind_at": None,
        "notified": False,
        "service_item_id": None,
        "invoice_template_id": template_id,
    }
    values = _template_values(
        services,
        id=template_id,
        name="Mensalidade Plano Pro",
        month_quantity=1,
        period_unit="monthly",
        management_type="automatic",
        automatic_email_template_id=email_template_id,
        description="Mensalidade do Plano Pro",
        receivables_additional_information=_receivables_terms(
            charge_type="fixed_day", day_number=10, only_business_days=False
        ),
        notify_customer=True,
        financial_account_id=financial_account_id,
        financial_charge_template_id=charge_template_id,
        scheduled_updates=[Record(update, {})],
    )
    body = render(InvoiceTemplate, Record(values, {}))
    body["scheduled_updates"] = [
        with_iso_timestamps(rendered, SEEDED_AT, SEEDED_AT)
        for rendered in body["scheduled_updates"]
    ]
    return body
