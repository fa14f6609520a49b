"""A stored timeline's statements as a sequence read from the store page by page, on
first use: a viewer can show the first rows of a 10^6-event timeline without reading
10^6 statements first (~6 s from SQLite).

Pages are kept once read (a viewer that searches or replays the whole timeline then
holds it in memory, as a timeline read at once would). Reads are serialised by a lock:
the UI thread and a worker (the gap sparkline) read the same pages.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any, overload

from eventsourcing.application import Application

from domain import collector, fastread
from events.catalogue import Event as Statement


class StoredStatements(Sequence[Statement]):
    """Statements 1..`count` of timeline `name` in `app`'s store, read `page` at a time."""

    def __init__(self, app: Application[Any], name: str, count: int,
                 page: int = fastread.PAGE) -> None:
        if page < 1:
            raise ValueError("a page holds at least one statement")
        self._app = app
        self._name = name
        self._count = count
        self._page = page
        self._pages: dict[int, tuple[Statement, ...]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Statement: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Statement]: ...

    def __getitem__(self, index: int | slice) -> Statement | Sequence[Statement]:
        if isinstance(index, slice):
            start, stop, stride = index.indices(self._count)
            if stride != 1:
                return [self[i] for i in range(start, stop, stride)]
            return self._span(start, stop)
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(f"statement {index} is outside 0..{self._count - 1}")
        return self._read(index // self._page)[index % self._page]

    def __iter__(self) -> Iterator[Statement]:
        for number in range((self._count + self._page - 1) // self._page):
            yield from self._read(number)

    @property
    def pages_read(self) -> int:
        """How many pages have been read from the store so far."""
        return len(self._pages)

    def _span(self, start: int, stop: int) -> list[Statement]:
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
                    after = number * self._page
                    upto = min(after + self._page, self._count)
                    with collector.paused():  # thousands of new objects at once
                        page = tuple(fastread.statements(self._app, self._name, upto=upto,
                                                         after=after))
                    if len(page) != upto - after:
                        raise LookupError(
                            f"the store holds fewer statements of {self._name!r} than "
                            f"{self._count}: page {number} has {len(page)}")
                    self._pages[number] = page
                    collector.keep_alive_objects()  # pages are kept: don't rescan them
        return page
