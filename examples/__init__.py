"""The documented example (create-invoice.md and its recorded payloads), in the one place the
tests and the benchmark both read it from.

- `examples/fixtures/`: the documented request and response bodies, as recorded.
- `examples.seed`: the same invoice as GraphQL (documents and variables), and the fixtures.
- `examples.scaled`: the example scaled to any number of receivables and services, for the
  benchmark and the equivalence tests.

Standard library only: the benchmark's processes import it with whichever interpreter runs
them, and nothing of it ships with the gateway.
"""
