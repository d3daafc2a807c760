"""GraphQL over HTTP: request parsing, content negotiation, CSRF, and the `/graphql` endpoint."""
