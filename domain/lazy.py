"""A sequence read a slice at a time: a stored timeline's statements, and views over
them (a what-if's rows), answer an index or a slice without reading the rest."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

T = TypeVar("T")

#: Items a plain iteration reads at a time.
SLICE = 1_024


class LazySequence(Sequence[T]):
    """A sequence defined by its length, one item, and a contiguous slice: indexing and
    slicing (negative indexes, strides, bounds) are done here once. `noun` names an item
    in the error for an index out of range."""

    noun = "item"

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def _at(self, index: int) -> T:
        """Item `index` (0 <= index < len)."""

    @abstractmethod
    def _slice(self, start: int, stop: int) -> list[T]:
        """Items start..stop-1 (0 <= start < stop <= len)."""

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        size = len(self)
        if isinstance(index, slice):
            start, stop, stride = index.indices(size)
            if stride != 1:
                return [self._at(i) for i in range(start, stop, stride)]
            return self._slice(start, stop) if start < stop else []
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError(f"{self.noun} {index} is outside 0..{size - 1}")
        return self._at(index)

    def __iter__(self) -> Iterator[T]:
        size = len(self)
        for start in range(0, size, SLICE):
            yield from self._slice(start, min(start + SLICE, size))
