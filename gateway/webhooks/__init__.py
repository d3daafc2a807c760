"""Webhooks in: the product's signed deliveries to `POST /webhooks`, handed to an event bus.

A delivery is verified (`signature`), read (`delivery`), recognised when it is a retry
(`dedup`) and published once (`bus`); `endpoint` answers the product. A delivery is answered
200 only once it is on the bus, or when it was already: anything else, the product retries.

This package sits beside the HTTP layer: it imports the settings-free parts below it (the
errors), and nothing of the schema, the REST API or the upstream client.
"""
