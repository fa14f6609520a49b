"""A map read back from a stored snapshot only when something first reads it.

A far step right after opening a 10^6-event store waits for the nearest stored snapshot
to be decoded: ~5·10^6 objects. Two of its maps are never shown, only read by the fold:
the stance index (event id → party, issue, option; 411,667 entries at 10^6) and the
pledge-event index (55,750), some 40 % of the decode. A `DeferredMap` stands in for
such a map: writes (the fold records every new stance) wait in a log; the first read
builds the stored map (`Source`, once for every copy, in whichever thread asks first)
and replays the log on a copy of it, after which it is a `ChunkedMap` like the others.
Copies made before that share the source and copy the log: a Replay's checkpoints cost
no decode. The snapshot worker builds the source as soon as the state is on screen
(`settle`), so that the fold seldom finds it unbuilt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from domain import collector
from domain.persistent import ChunkedMap

K = TypeVar("K")
V = TypeVar("V")


class Source:
    """Builds the stored map once, for every DeferredMap made from it: the first thread
    to ask builds it (with the collector held off: ~10^6 objects that live on), the
    others wait for it. `build(step)` calls `step()` between two parts of its work, where
    the builder stands aside (`pace`, e.g. while a viewer answers a key) unless another
    thread waits for the map: a viewer's UI thread blocked here would never let a worker
    that waits for its repaint go on."""

    def __init__(self, build: Callable[[Callable[[], None]], ChunkedMap[Any, Any]],
                 pace: Callable[[], None] | None = None) -> None:
        self._build: Callable[[Callable[[], None]], ChunkedMap[Any, Any]] | None = build
        self._pace = pace
        self._lock = threading.Lock()
        self._waited = False
        self._map: ChunkedMap[Any, Any] | None = None

    @property
    def built(self) -> bool:
        """Whether the map has been built."""
        return self._map is not None

    def _step(self) -> None:
        if self._pace is not None and not self._waited:
            self._pace()

    def map(self) -> ChunkedMap[Any, Any]:
        """The stored map (built now if it was not): read it, never change it."""
        if not self._lock.acquire(blocking=False):
            self._waited = True  # the builder stands aside no more
            self._lock.acquire()
        try:
            if self._map is None:
                assert self._build is not None
                with collector.paused() as pause:
                    pause.keep = True
                    self._map = self._build(self._step)
                self._build = None  # and the texts it read from
            return self._map
        finally:
            self._lock.release()


class DeferredMap(ChunkedMap[K, V]):
    """A ChunkedMap whose stored slots are built on its first read (see the module)."""

    __slots__ = ("_log", "_source")

    def __init__(self, source: Source) -> None:  # (no items: they are the source's)
        self._source: Source | None = source
        self._log: list[tuple[K, V]] = []

    @property
    def deferred(self) -> bool:
        """True until this map is first read."""
        return self._source is not None

    def settle(self) -> None:
        """Build the stored map now (for this map and every copy), without reading it."""
        if self._source is not None:
            self._source.map()

    def _ready(self) -> None:
        source = self._source
        if source is None:
            return
        base = source.map()
        self._index, self._slots, self._live = base._index, base._slots.copy(), base._live
        self._source = None
        log, self._log = self._log, []
        for key, value in log:
            ChunkedMap.__setitem__(self, key, value)

    def __setitem__(self, key: K, value: V) -> None:
        if self._source is not None:
            self._log.append((key, value))
        else:
            ChunkedMap.__setitem__(self, key, value)

    def copy(self) -> ChunkedMap[K, V]:
        """A copy: deferred too (sharing the source, with a copy of the log) while this
        map is, a plain ChunkedMap once it has been read."""
        if self._source is None:
            return ChunkedMap.copy(self)
        other: DeferredMap[K, V] = DeferredMap(self._source)
        other._log = self._log.copy()
        return other

    # Every read builds first.

    def _find(self, key: K) -> tuple[int, Any]:
        self._ready()
        return ChunkedMap._find(self, key)

    def entry(self, n: int) -> Any:
        """Slot `n` (see ChunkedMap.entry)."""
        self._ready()
        return ChunkedMap.entry(self, n)

    def slots(self) -> Iterator[tuple[K, V] | None]:
        """Every slot in order (see ChunkedMap.slots)."""
        self._ready()
        return ChunkedMap.slots(self)

    def __len__(self) -> int:
        self._ready()
        return ChunkedMap.__len__(self)

    def __iter__(self) -> Iterator[K]:
        self._ready()
        return ChunkedMap.__iter__(self)

    def items(self) -> Iterator[tuple[K, V]]:  # type: ignore[override]
        """(key, value) in insertion order."""
        self._ready()
        return ChunkedMap.items(self)

    def values(self) -> Iterator[V]:  # type: ignore[override]
        """Values in insertion order."""
        self._ready()
        return ChunkedMap.values(self)

    def __repr__(self) -> str:
        return "DeferredMap(unread)" if self._source is not None else ChunkedMap.__repr__(self)
