"""What was compiled for some objects (a document, a selection, a type), kept by their identity.

Compiled plans and coercers are made per parsed document, and documents are kept and reused by
the document cache, so object identity is the cheapest key there is. Each entry keeps its
objects alive, so the ids in its key cannot be reused by other objects while it exists; the
least recently used entries go first past `max_entries`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class IdentityCache(Generic[V]):
    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[Hashable, tuple[tuple[object, ...], V]] = OrderedDict()
        self._max_entries = max_entries

    def get(
        self, objects: tuple[object, ...], make: Callable[[], V], *, extra: Hashable = None
    ) -> V:
        """The value made for `objects` (and `extra`, compared by equality), made now if new."""
        key = (*map(id, objects), extra)
        entry = self._entries.get(key)
        if entry is not None and all(a is b for a, b in zip(entry[0], objects, strict=True)):
            self._entries.move_to_end(key)
            return entry[1]
        value = make()
        self._entries[key] = (objects, value)
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return value
