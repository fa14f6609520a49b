"""Finding the next event that matches a search, a slice of rows at a time (a stored
timeline's rows are read from the store page by page)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from events.catalogue import Event


def event_matches(needle: str, event: Event) -> bool:
    """Whether an event's quote, id, speaker or party contains `needle` (lower case)."""
    return bool(needle) and (needle in event.quote.lower() or needle in event.id.lower()
                             or needle in (event.speaker or "").lower()
                             or needle in event.party.lower())


def scan(rows: Sequence[Event], needle: str, start: int, delta: int,
         chunk: int) -> Iterator[tuple[int, int | None]]:
    """Look for a row matching `needle` from row `start` on, forward (`delta` 1) or back
    (-1), wrapping once round the rows. Yields (rows scanned, None) after each `chunk`
    rows read without a match, then (rows scanned, row) at the first match; ends without a
    row when none matches. Rows are read a slice at a time (a stored timeline's pages)."""
    total = len(rows)
    if not total:
        return
    start %= total
    # contiguous spans in scan order: (low, high, forward)
    spans = [(start, total, True), (0, start, True)] if delta > 0 \
        else [(0, start + 1, False), (start + 1, total, False)]
    scanned = 0
    for low, high, forward in spans:
        bounds = range(low, high, chunk) if forward else range(high, low, -chunk)
        for edge in bounds:
            first, stop = (edge, min(edge + chunk, high)) if forward \
                else (max(edge - chunk, low), edge)
            block = rows[first:stop]
            order = range(len(block)) if forward else range(len(block) - 1, -1, -1)
            for k in order:
                if event_matches(needle, block[k]):
                    yield scanned + (k + 1 if forward else len(block) - k), first + k
                    return
            scanned += len(block)
            yield scanned, None
