"""A bounded cache for the large imports: the readers and the writer keep what they
worked out for each name and cast they meet, and must not grow with the file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


class Bounded(dict[_K, _V]):
    """A cache that forgets its older half when it is full: cheaper than
    least-recently-used bookkeeping on every hit, and an import meets the same names
    in runs (and, in a file in no order, keeps more of them than emptying it would).

    Full is ``size`` entries, or ``size`` units of ``weigh`` for entries that differ
    in size (casts of two actors or of five hundred)."""

    def __init__(self, size: int, weigh: Callable[[_K, _V], int] | None = None) -> None:
        super().__init__()
        self.size = size
        self.weigh = weigh
        self.weight = 0

    def __setitem__(self, key: _K, value: _V) -> None:
        weight = 1 if self.weigh is None else self.weigh(key, value)
        if key in self:
            self.weight -= 1 if self.weigh is None else self.weigh(key, self[key])
        if self.weight + weight > self.size:
            self._forget_older(self.size // 2 - weight)
        self.weight += weight
        super().__setitem__(key, value)

    def _forget_older(self, weight: int) -> None:
        """Forget the entries put in first until the rest weigh at most ``weight``."""
        for key in list(self):
            if self.weight <= weight:
                return
            self.weight -= 1 if self.weigh is None else self.weigh(key, self[key])
            super().__delitem__(key)
        self.weight = 0  # all forgotten (an entry heavier than the whole cache comes)

    def clear(self) -> None:
        self.weight = 0
        super().clear()


def exact_key(parts: Sequence[str | None]) -> str:
    """Texts in one string that no other texts give: a key for the caches of a large
    import, which keep one for every drama and cast, where one string takes a fraction
    of the memory of a tuple of them.

    The texts are joined with a unit separator, None written as a record separator.
    Stored names never hold either (they are control characters); for texts that do,
    the key is their repr, marked with two record separators, which no joined key has.
    """
    nones = 0
    texts = []
    for part in parts:
        if part is None:
            nones += 1
            texts.append(_NONE)
        else:
            texts.append(part)
    key = _UNIT.join(texts)
    if key.count(_UNIT) == len(texts) - 1 and key.count(_NONE) == nones:
        return key
    return _NONE + _NONE + repr(tuple(parts))


_UNIT, _NONE = "\x1f", "\x1e"
