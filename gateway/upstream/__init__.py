"""Everything that knows the upstream REST API: transport, errors, translation and mapping.

Raw upstream dicts never leave this package: callers hand in GraphQL inputs and get GraphQL
types (or the gateway's exceptions) back.
"""
