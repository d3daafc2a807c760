"""The scenarios' bodies: `examples.scaled`, under the name the benchmark's modules use."""

from examples.scaled import (
    SEED_CONTRACT_ID,
    contract_id,
    graphql_body,
    invoice_response,
    rest_body,
    rest_path,
)

__all__ = [
    "SEED_CONTRACT_ID",
    "contract_id",
    "graphql_body",
    "invoice_response",
    "rest_body",
    "rest_path",
]
