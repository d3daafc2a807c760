"""Talking HTTP to the upstream: one client owning its transport (aiohttp), circuit breaker
and exact-decimal JSON codec, and the per-request session that makes each read once.

It knows nothing of what the REST API means: `gateway.rest` builds on it.
"""
