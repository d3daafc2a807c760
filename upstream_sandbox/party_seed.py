"""The default data set's parties: the organization that supplies the default contracts, and
their customers (contract 1's person, contracts 2 and 3's companies)."""

from __future__ import annotations

from .account_records import SEEDED_AT, Records


def seed(organizations: Records, companies: Records, people: Records) -> None:
    organizations.add(
        {
            "name": "Aurora Tecnologia",
            "company_name": "Aurora Tecnologia da Informação Ltda.",
            "cnpj": "27.438.156/0001-05",
            "address": "Avenida Paulista",
            "number": "1578",
            "complement": "conj. 1203",
            "zipcode": "01310200",
            "district": "Bela Vista",
            "city": "São Paulo",
            "state": "SP",
        },
        record_id=1,
        at=SEEDED_AT,
    )
    companies.add(
        {
            "name": "Pão Dourado",
            "company_name": "Pão Dourado Panificadora Ltda.",
            "cnpj": "50.812.739/0001-76",
            "state_inscription": "9087654321",
            "city_inscription": "",
            "address": "Rua XV de Novembro",
            "number": "820",
            "zipcode": "80020310",
            "district": "Centro",
            "complement": "",
            "city": "Curitiba",
            "state": "PR",
            "contacts": "Helena Martins",
            "billing_contacts": "financeiro@paodourado.com.br",
            "comments": "",
            "client_since": "03/02/2025",
            "nfse_email": "notas@paodourado.com.br",
        },
        record_id=2,
        at=SEEDED_AT,
    )
    companies.add(
        {
            "name": "Horizonte Engenharia",
            "company_name": "Horizonte Engenharia e Construções S.A.",
            "cnpj": "63.194.582/0001-04",
            "state_inscription": "0623145870089",
            "city_inscription": "3154921",
            "address": "Avenida Afonso Pena",
            "number": "3111",
            "zipcode": "30130008",
            "district": "Funcionários",
            "complement": "10º andar",
            "city": "Belo Horizonte",
            "state": "MG",
            "contacts": "Ricardo Alves",
            "billing_contacts": "contas.pagar@horizonte.eng.br",
            "comments": "",
            "client_since": "10/03/2025",
        },
        record_id=3,
        at=SEEDED_AT,
    )
    people.add(
        {
            "name": "Mariana Souza Lima",
            "cpf": "318.754.062-71",
            "email": "mariana.lima@exemplo.com.br",
            "zipcode": "22240003",
            "address": "Rua das Laranjeiras",
            "number": "250",
            "complement": "apto 302",
            "district": "Laranjeiras",
            "city": "Rio de Janeiro",
            "state": "RJ",
            "comments": "",
            "client_since": "15/01/2025",
            "allow_email_on_nfse": True,
        },
        record_id=1,
        at=SEEDED_AT,
    )
