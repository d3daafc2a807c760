"""Compiled things are kept per object identity, made once, and the least recently used go."""

from __future__ import annotations

from gateway.identity_cache import IdentityCache


class Node:
    """Equal to every other node: only identity may tell them apart."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node)

    def __hash__(self) -> int:
        return 0


def test_a_value_is_made_once_per_objects_and_extra() -> None:
    cache: IdentityCache[int] = IdentityCache(10)
    made: list[str] = []
    first, second = Node(), Node()

    def make(name: str) -> int:
        made.append(name)
        return len(made)

    assert cache.get((first,), lambda: make("first")) == 1
    assert cache.get((first,), lambda: make("again")) == 1
    assert cache.get((second,), lambda: make("second")) == 2  # equal, but another object
    assert cache.get((first,), lambda: make("named"), extra="Op") == 3
    assert made == ["first", "second", "named"]


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: IdentityCache[str] = IdentityCache(2)
    a, b, c = Node(), Node(), Node()
    cache.get((a,), lambda: "a")
    cache.get((b,), lambda: "b")
    cache.get((a,), lambda: "a again")  # a is now the most recently used
    cache.get((c,), lambda: "c")  # b goes
    assert cache.get((a,), lambda: "a remade") == "a"
    assert cache.get((b,), lambda: "b remade") == "b remade"
