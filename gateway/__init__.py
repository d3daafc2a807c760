"""A GraphQL gateway over the invoicing REST API."""
