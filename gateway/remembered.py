"""A function with its answers kept, bounded: what recurs over a page's or an invoice's items
(dates, amounts, states) is worked out once and looked up after.

Only inputs of the given classes are kept, by exact class: equal values of other classes can
be one key of a dict with different answers (`1`, `1.0` and `True`; `Decimal("7.0")` and
`Decimal("7.00")`). An input whose answer raises is not kept. Once it holds `size` answers it
starts over, so no client can grow it. Compiled code looks `answers` up inline and calls on a
miss. Imports nothing of the gateway: the REST layer and the speed-up layer both use it.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from typing import Any

SIZE = 4096


class Remembered:
    __slots__ = ("answers", "compute", "kinds", "size")

    def __init__(
        self, compute: Callable[[Any], Any], kinds: Iterable[type] = (str,), size: int = SIZE
    ) -> None:
        # In the order given, which compiled tests follow: the commonest first.
        self.compute, self.kinds, self.size = compute, tuple(dict.fromkeys(kinds)), size
        self.answers: dict[object, Any] = {}

    def kept(self, value: str) -> str:
        """Python source testing whether `value` (an expression) is of a class kept here, for
        compiled code that looks `answers` up inline: the kinds are named once, here. Only
        built-in classes, whose names compiled code can use as they are."""
        names = []
        for kind in self.kinds:
            if getattr(builtins, kind.__name__, None) is not kind:
                raise TypeError(f"{kind!r} is not a built-in class")
            names.append(f"{value}.__class__ is {kind.__name__}")
        return " or ".join(names)

    def __call__(self, value: Any) -> Any:
        if value.__class__ not in self.kinds:
            return self.compute(value)
        answers = self.answers
        try:
            return answers[value]
        except KeyError:
            answer = self.compute(value)
            if len(answers) >= self.size:
                answers.clear()
            answers[value] = answer
            return answer


__all__ = ["SIZE", "Remembered"]
