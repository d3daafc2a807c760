"""The default data set's NFS-e: organization 1's, issued to contract 2's company (2) and to
contract 1's person (1). Each links the first invoice billed to its customer that the store
holds when the part is made (null when there is none yet), and keeps, as an NFS-e does, the
customer and the organization as they were when it was issued.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .formats import SAO_PAULO
from .store import Store

ORGANIZATION_ID = 1

_ORGANIZATION = {
    "organization_name": "Aurora Tecnologia",
    "organization_company_name": "Aurora Tecnologia da Informação Ltda.",
    "organization_document_number": "27438156000105",
    "organization_city": "São Paulo",
    "organization_city_ibge_code": "3550308",
    "organization_state": "SP",
    "organization_city_inscription": "58231904",
    "organization_state_inscription": None,
    "organization_address": "Avenida Paulista",
    "organization_number": "1578",
    "organization_complement": "conj. 1203",
    "organization_district": "Bela Vista",
    "organization_zipcode": "01310200",
    "organization_is_incentivador_cultural": False,
    "organization_is_optante_simples_nacional": False,
}

_CUSTOMERS: dict[tuple[str, int], dict[str, Any]] = {
    ("Company", 2): {
        "customer_email": "notas@paodourado.com.br",
        "customer_name": "Pão Dourado",
        "customer_company_name": "Pão Dourado Panificadora Ltda.",
        "customer_document_number": "50812739000176",
        "customer_city": "Curitiba",
        "customer_city_ibge_code": "4106902",
        "customer_state": "PR",
        "customer_city_inscription": None,
        "customer_state_inscription": "9087654321",
        "customer_address": "Rua XV de Novembro",
        "customer_number": "820",
        "customer_complement": "",
        "customer_district": "Centro",
        "customer_zipcode": "80020310",
    },
    ("Person", 1): {
        "customer_email": "mariana.lima@exemplo.com.br",
        "customer_name": "Mariana Souza Lima",
        "customer_company_name": "",
        "customer_document_number": "31875406271",
        "customer_city": "Rio de Janeiro",
        "customer_city_ibge_code": "3304557",
        "customer_state": "RJ",
        "customer_city_inscription": None,
        "customer_state_inscription": None,
        "customer_address": "Rua das Laranjeiras",
        "customer_number": "250",
        "customer_complement": "apto 302",
        "customer_district": "Laranjeiras",
        "customer_zipcode": "22240003",
    },
}

# The NFS-e of the data set: who to, when, how much, and what became of it.
_ISSUED = (
    ("Company", 2, datetime(2025, 5, 2, 10, 15, 4, tzinfo=SAO_PAULO), "1200.0", "Cancelada"),
    ("Company", 2, datetime(2025, 6, 2, 10, 20, 31, tzinfo=SAO_PAULO), "700.0", "Emitida"),
    ("Person", 1, datetime(2025, 6, 5, 16, 2, 9, tzinfo=SAO_PAULO), "350.0", "Emitida"),
    ("Company", 2, datetime(2025, 7, 1, 9, 45, 0, tzinfo=SAO_PAULO), "700.0", "Cancelando"),
)
_ISS_RATE = Decimal("2.9")


def seed(store: Store) -> list[dict[str, Any]]:
    found = []
    for number, (customer_type, customer_id, generated_at, value, status) in enumerate(
        _ISSUED, start=1
    ):
        nfse_id = store.next_id("nfse")
        amount = Decimal(value)
        iss = (amount * _ISS_RATE / 100).quantize(Decimal("0.01"))
        cancelling = status in ("Cancelada", "Cancelando")
        requested = generated_at.replace(hour=18) if cancelling else None
        found.append(
            {
                "id": nfse_id,
                "nfse_number": str(4100 + number),
                "generated_at": generated_at,
                "value": amount,
                "verification_code": f"AUR{number:02d}-7QK{nfse_id}",
                "city_nfse_url": "https://nfe.prefeitura.sp.gov.br/contribuinte/notaprint.aspx"
                f"?inscricao=58231904&nf={4100 + number}",
                "status": status,
                "invoice_id": _invoice_of(store, customer_type, customer_id),
                "customer_type": customer_type,
                "customer_id": customer_id,
                "created_at": generated_at,
                "updated_at": requested or generated_at,
                "external_id": f"6f1c2a9e-0b7d-4e3a-9c55-{nfse_id:012d}",
                "servico_prestado_municipio_cliente": False,
                "iss_retido_fonte": False,
                "percentual_carga_tributaria": Decimal("13.45"),
                "carga_tributaria_value": (amount * Decimal("0.1345")).quantize(Decimal("0.01")),
                "fonte_carga_tributaria": "IBPT",
                **dict.fromkeys(
                    ("ir_value", "pis_value", "cofins_value", "csll_value", "inss_value"),
                    Decimal(0),
                ),
                "retained_iss_value": Decimal(0),
                "service_provided_city": "São Paulo",
                "service_provided_city_code": "3550308",
                "service_provided_state": "SP",
                "cancellation_requested_at": requested,
                "cancelled_at": requested if status == "Cancelada" else None,
                "integration_errors": None,
                "request_sent": None,
                "organization_id": ORGANIZATION_ID,
                "iss_value": iss,
                **_CUSTOMERS[(customer_type, customer_id)],
                **_ORGANIZATION,
                "rps_number": number,
                "rps_serie": "1",
                "nfse_environment": "Producao",
                "accrual_date": date(generated_at.year, generated_at.month, 1),
                "outras_value": Decimal(0),
                "servico_prestado_municipio_prestador": True,
                "servico_prestado_municipio_codigo": "3550308",
                "pdf_url": f"https://faturamento.fintera.com.br/docs/sandbox{nfse_id}/nfse.pdf",
                "xml_url": f"https://faturamento.fintera.com.br/docs/sandbox{nfse_id}/nfse.xml",
                "nfse_service_items": [
                    {
                        "id": store.next_id("nfse_service_item"),
                        "description": "Licenciamento de software. Conforme lei 12.741/12, a "
                        "carga tributária aproximada é de 13,45%, segundo a fonte IBPT",
                        "codigo_servico_municipal": "010501",
                        "item_lista_servico": "0105",
                        "external_service_id": "",
                        "cnae": "6203100",
                        "value": amount,
                        "aliquota_iss": _ISS_RATE,
                        "units": Decimal(1),
                        "nfse_id": nfse_id,
                        "created_at": generated_at,
                        "updated_at": generated_at,
                        "descricao_servico_municipal": "Licenciamento de programas de computação",
                    }
                ],
            }
        )
    return found


def _invoice_of(store: Store, customer_type: str, customer_id: int) -> int | None:
    for invoice_id in sorted(store.invoices):
        contract = store.invoices[invoice_id].contract
        if (contract.organization_id, contract.customer_type, contract.customer_id) == (
            ORGANIZATION_ID,
            customer_type,
            customer_id,
        ):
            return invoice_id
    return None
