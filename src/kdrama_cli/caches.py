"""A bounded cache for the large imports: the readers and the writer keep what they
worked out for each name and cast they meet, and must not grow with the file."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


class Bounded(dict[_K, _V]):
    """A cache that empties itself when it is full: cheaper than least-recently-used
    bookkeeping on every hit, and an import meets the same names in runs.

    Full is ``size`` entries, or ``size`` units of ``weigh`` for entries that differ
    in size (casts of two actors or of five hundred)."""

    def __init__(self, size: int, weigh: Callable[[_K, _V], int] | None = None) -> None:
        super().__init__()
        self.size = size
        self.weigh = weigh
        self.weight = 0

    def __setitem__(self, key: _K, value: _V) -> None:
        weight = 1 if self.weigh is None else self.weigh(key, value)
        if self.weight + weight > self.size:
            self.clear()
        self.weight += weight
        super().__setitem__(key, value)

    def clear(self) -> None:
        self.weight = 0
        super().clear()
