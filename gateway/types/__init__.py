"""GraphQL types, one module per domain concept, inputs beside outputs."""
