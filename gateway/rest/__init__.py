"""What the upstream REST API means: one module per resource (its endpoints), the shared
envelopes, pagination and rejections, and the translation from GraphQL input to REST bodies
and from REST answers to GraphQL types.

Raw upstream dicts never leave this package: callers hand in GraphQL inputs and get GraphQL
types (or the gateway's exceptions) back. It talks HTTP through `gateway.upstream`.
"""
