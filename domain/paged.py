"""A stored timeline's statements as a sequence read from the store page by page, on
first use: a viewer can show the first rows of a 10^6-event timeline without reading
10^6 statements first (~6 s from SQLite).

It keeps the pages it read last, up to a bound (`KEEP` pages of `PAGE`): a viewer that
replays or searches the whole timeline streams through it instead of holding every
statement (~1.1 KB each: 1.1 GB at 10^6). A page dropped is read again when needed
(~6 ms for 1,024 statements). Reads are serialised by a lock: the UI thread and a worker
(the gap sparkline) read the same pages; a page already held is served without it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import Any

from eventsourcing.application import Application

from domain import collector, fastread
from domain.lazy import LazySequence
from events.catalogue import Event as Statement

#: Statements per page: a jump folds at most `domain.replay.EVERY` (1,024) events from a
#: checkpoint, so it reads at most two pages; sequential reads are as fast as with pages
#: of 5,000 (docs/benchmark.md).
PAGE = 1_024
#: Pages kept: 128 × 1,024 statements, ~145 MB at most, whatever the timeline's length.
KEEP = 128


class StoredStatements(LazySequence[Statement]):
    """Statements 1..`count` of timeline `name` in `app`'s store, read `page` at a time."""

    noun = "statement"

    def __init__(self, app: Application[Any], name: str, count: int,
                 page: int = PAGE, keep: int = KEEP) -> None:
        if page < 1 or keep < 1:
            raise ValueError("a page holds at least one statement, and one page is kept")
        self._app = app
        self._name = name
        self._count = count
        self._page = page
        self._keep = keep
        self._pages: dict[int, tuple[Statement, ...]] = {}
        #: page number → when it was last used (a tick of `_clock`): the least recently
        #: used page is dropped first
        self._used: dict[int, int] = {}
        self._clock = itertools.count()
        self._reads = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count

    def _at(self, index: int) -> Statement:
        return self._read(index // self._page)[index % self._page]

    def __iter__(self) -> Iterator[Statement]:
        for number in range((self._count + self._page - 1) // self._page):
            yield from self._read(number)

    @property
    def store(self) -> tuple[Application[Any], str]:
        """The application the statements are read from, and the timeline's name."""
        return self._app, self._name

    @property
    def pages_read(self) -> int:
        """How many page reads from the store there have been so far."""
        return self._reads

    @property
    def pages_held(self) -> int:
        """How many pages are held now (at most `keep`)."""
        return len(self._pages)

    def _slice(self, start: int, stop: int) -> list[Statement]:
        out: list[Statement] = []
        while start < stop:
            number, offset = divmod(start, self._page)
            taken = self._read(number)[offset: offset + stop - start]
            out.extend(taken)
            start += len(taken)
        return out

    def _read(self, number: int) -> tuple[Statement, ...]:
        page = self._pages.get(number)
        if page is None:
            with self._lock:
                page = self._pages.get(number)
                if page is None:
                    page = self._fetch(number)
                    while len(self._pages) >= self._keep:  # pages change under the lock
                        oldest = min(list(self._pages), key=lambda n: self._used.get(n, -1))
                        del self._pages[oldest]
                        self._used.pop(oldest, None)
                    self._pages[number] = page
        self._used[number] = next(self._clock)  # a stale entry is harmless
        return page

    def _fetch(self, number: int) -> tuple[Statement, ...]:
        """Page `number` read from the store."""
        after = number * self._page
        upto = min(after + self._page, self._count)
        with collector.paused():  # thousands of new objects at once
            page = tuple(fastread.statements(self._app, self._name, upto=upto, after=after))
        if len(page) != upto - after:
            raise LookupError(
                f"the store holds fewer statements of {self._name!r} than "
                f"{self._count}: page {number} has {len(page)}")
        self._reads += 1
        collector.keep_alive_objects()  # held a while: the collector need not rescan it
        return page
