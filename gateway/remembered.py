"""A function with its answers kept, bounded: what recurs over a page's or an invoice's items
(dates, amounts, states) is worked out once and looked up after.

Only inputs of the given classes are kept, by exact class: equal values of other classes can
be one key of a dict with different answers (`1`, `1.0` and `True`; `Decimal("7.0")` and
`Decimal("7.00")`). An input whose answer raises is not kept. Once it holds `size` answers it
starts over, so no client can grow it. Compiled code looks `answers` up inline and calls on a
miss. Imports nothing of the gateway: the REST layer and the speed-up layer both use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

SIZE = 4096


class Remembered:
    __slots__ = ("answers", "compute", "kinds", "size")

    def __init__(
        self, compute: Callable[[Any], Any], kinds: Iterable[type] = (str,), size: int = SIZE
    ) -> None:
        self.compute, self.kinds, self.size = compute, frozenset(kinds), size
        self.answers: dict[object, Any] = {}

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
