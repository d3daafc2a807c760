"""The scenarios' bodies: `examples.scaled`, under the name the benchmark's modules use, and the
read page's query."""

from examples.scaled import (
    SEED_CONTRACT_ID,
    contract_id,
    graphql_body,
    invoice_response,
    rest_body,
    rest_path,
)
from examples.seed import FULL_INVOICE


def read_query(organization: int, first: int) -> str:
    """One page of `first` invoices of `organization`, every `Invoice` field."""
    return (
        f"""
query ReadPage {{
  invoices(organizationId: "{organization}", first: {first}) {{
    edges {{ node {{ ...FullInvoice }} }}
  }}
}}
"""
        + FULL_INVOICE
    )


__all__ = [
    "SEED_CONTRACT_ID",
    "contract_id",
    "graphql_body",
    "invoice_response",
    "read_query",
    "rest_body",
    "rest_path",
]
