"""What every type mapped from an upstream response shares."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

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
            f"The upstream sent a value for {source.__class__.__name__}.{name} that the gateway "
            f"cannot represent: {source.problems[name]}."
        )
    return value


class Deferred:
    """Stands in for a mapped object that is built only when something needs all of it.

    The REST layer answers reads with these (`gateway.rest.mapping.deferred`): a response
    whose selection the compiled execution can project straight from the upstream's object
    (`gateway.rest.projection`) never builds the object at all. Anything else that touches
    one gets the mapped object's attributes, built once, as Django's `SimpleLazyObject` does;
    `__class__` answers the mapped type, so `isinstance` holds too. `id`, which pagination
    reads for every row, is read when the stand-in is made, and `read(source, name)` answers
    one scalar attribute without the rest (a link's resolver needs two or three), raising
    `LookupError` when only the whole object can tell (the value is a problem of mapping).
    Attributes are not set on a stand-in (its slots refuse them): what the mapped object
    needs set after building is `private`.
    """

    __slots__ = ("_build", "_mapped", "_private", "_read", "id", "mapped_type", "source")
    _build: Callable[[object], Mapped]
    _mapped: Mapped
    _private: dict[str, object]
    _read: Callable[[object, str], object] | None
    id: str
    mapped_type: type[Mapped]
    source: object

    def __init__(
        self,
        mapped_type: type[Mapped],
        source: object,
        build: Callable[[object], Mapped],
        id: str,
        read: Callable[[object, str], object] | None = None,
        private: dict[str, object] | None = None,
    ) -> None:
        self.mapped_type, self.source, self.id = mapped_type, source, id
        self._build, self._read, self._private = build, read, private or {}

    def mapped(self) -> Mapped:
        """The object itself, built on first use; its private attributes set."""
        try:
            return self._mapped
        except AttributeError:
            mapped = self._build(self.source)
            for name, value in self._private.items():
                setattr(mapped, name, value)
            self._mapped = mapped
            return mapped

    @property  # type: ignore[misc]
    def __class__(self) -> type[Mapped]:  # type: ignore[override]
        return self.mapped_type

    def __getattr__(self, name: str) -> Any:
        if name in Deferred.__slots__:  # a slot not set yet: never recurse through mapped()
            raise AttributeError(name)
        if name.startswith("__"):
            # Protocol probes (`hasattr(value, "__await__")`, as graphql-core asks of every
            # list item) and type-level names: the type answers them, with nothing mapped.
            return getattr(self.mapped_type, name)
        try:
            mapped = self._mapped
        except AttributeError:
            if name in self._private:
                return self._private[name]
            if self._read is not None:
                try:
                    return self._read(self.source, name)
                except LookupError:
                    pass
            mapped = self.mapped()
        return getattr(mapped, name)

    def __eq__(self, other: object) -> bool:
        return self.mapped() == (other.mapped() if type(other) is Deferred else other)

    __hash__ = None  # type: ignore[assignment]  # as the dataclasses it stands for

    def __repr__(self) -> str:
        return repr(self.mapped())
