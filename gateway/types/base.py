"""What every type mapped from an upstream response shares."""

from __future__ import annotations

import dataclasses

import strawberry

from gateway.errors import UpstreamInvalidValue


@strawberry.type
class Mapped:
    """Base of the output types built from upstream responses.

    `problems` names the fields whose upstream value could not be represented (an unknown
    enum value, an unparseable date). Those fields hold `None`, and the schema's default
    resolver turns a read of one into a field error, so the rest of the object, and above
    all its `id`, still reaches the client.
    """

    problems: strawberry.Private[dict[str, str]] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )


def resolve_field(source: object, name: str) -> object:
    """The schema's default resolver: `getattr`, plus the per-field problems of `Mapped`."""
    value = getattr(source, name)
    if value is None and isinstance(source, Mapped) and name in source.problems:
        raise UpstreamInvalidValue(
            f"The upstream sent a value for {type(source).__name__}.{name} that the gateway "
            f"cannot represent: {source.problems[name]}."
        )
    return value
