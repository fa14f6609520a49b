"""The live what-if: events dropped, replaced and added in place, and its overlay file.

Kept apart from the widgets so the rules (which rows exist, which are applied, how the
overlay file is written) are plain code with plain tests.

On a long (stored) timeline the rows and the variant are views over the base events, not
lists: the few changes are placed by bisection, so building them, indexing and slicing
them read only the pages asked for (O(changes · log n + slice length)), never the whole
timeline.

A what-if is checked from an index of who names whom in the base (`events.dependants`),
built by one walk of the base the first time it is needed and kept per base timeline: a
check then reads only the events naming the changed ones, and what those name (the base
must have no problems of its own; otherwise the variant is walked and checked in full).
Once the index is built, an event id is found in the base by it, without a walk.

The overlay file (`overlay_yaml`) states the variant as the format means it, and the rows
place each change as loading that file does (docs/whatif.md, "Saving the live what-if"):
a renamed base event is its base event dropped and a new one added.
"""

from __future__ import annotations

import bisect
import dataclasses
import os
import textwrap
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from domain.lazy import LazySequence
from events.catalogue import Event, when_key
from events.dependants import Dependants, WalkedEvents, index
from events.errors import Problem
from events.loader import check_quotes
from events.references import check_events
from events.scenario import Scenario
from events.timeline import Locator, Timeline
from events.yamldoc import YamlDoc, parse_yaml

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EDIT_FILE = "(edited event)"


class _View(LazySequence[Event]):
    """A lazy sequence of events: `_at` and `_slice` read only what is asked for."""

    noun = "event"


#: Events between two progress reports of a watched walk (`_Watched`, the base's index):
#: a worker's walk looks there whether the UI answers a key (`UiFirst.give_way`), so
#: this is how long a key may wait for it, as the gap worker's `WORKER_STRIDE`. With
#: 1,024 the index walk that starts as the gap worker ends held keys back: at 10^6 on a
#: slow machine the app's work for a key waited 3.9 ms on average beyond its CPU time
#: (22-27 of 86 keys over 5 ms); with 256, 1.9-2.7 ms (11-18 keys); without the walk,
#: 0.8 ms (2 keys). The rest is its page reads (`domain.paged.PAGE`), one piece each.
_CHUNK = 256


class _Substituted(_View):
    """`seq` with the events at some indexes replaced."""

    def __init__(self, seq: Sequence[Event], subs: dict[int, Event]) -> None:
        self._seq, self._subs, self._keys = seq, subs, sorted(subs)

    def __len__(self) -> int:
        return len(self._seq)

    def _at(self, index: int) -> Event:
        found = self._subs.get(index)
        return self._seq[index] if found is None else found

    def _slice(self, start: int, stop: int) -> list[Event]:
        out = list(self._seq[start:stop])
        for k in self._keys[bisect.bisect_left(self._keys, start):
                            bisect.bisect_left(self._keys, stop)]:
            out[k - start] = self._subs[k]
        return out


class _Skipping(_View):
    """`seq` without the events at `skip` (sorted, distinct, in range)."""

    def __init__(self, seq: Sequence[Event], skip: Sequence[int]) -> None:
        self._seq, self.skip = seq, list(skip)
        #: skip[j] - j: the j-th skipped index among the kept ones
        self._shift = [k - j for j, k in enumerate(self.skip)]

    def __len__(self) -> int:
        return len(self._seq) - len(self.skip)

    def source(self, index: int) -> int:
        """The index in `seq` of event `index`."""
        return index + bisect.bisect_right(self._shift, index)

    def _at(self, index: int) -> Event:
        return self._seq[self.source(index)]

    def _slice(self, start: int, stop: int) -> list[Event]:
        out: list[Event] = []
        while start < stop:
            at = self.source(start)
            following = bisect.bisect_left(self.skip, at)
            end = self.skip[following] if following < len(self.skip) else len(self._seq)
            count = min(stop - start, end - at)
            out.extend(self._seq[at:at + count])
            start += count
        return out


class _Rows(_View):
    """`seq` with `items` inserted so that they stand at rows `at` (strictly ascending).

    `sources[k]` is where item k comes from: a base index (a replacement that moved or
    took a new id), or len(base) + an index into the added events. `subs`: the base
    events `seq` replaces in place (base index -> its replacement)."""

    def __init__(self, seq: _Skipping, items: list[Event], at: list[int],
                 sources: list[int], before: list[int], subs: dict[int, Event]) -> None:
        self._seq, self.items, self._at_rows = seq, items, at
        self.sources, self.subs = sources, subs
        #: before[k]: rows of `seq` before item k
        self._before = before

    def __len__(self) -> int:
        return len(self._seq) + len(self.items)

    def source(self, row: int) -> int:
        """Where row `row` comes from: a base index, or len(base) + an added index."""
        k = bisect.bisect_left(self._at_rows, row)
        if k < len(self._at_rows) and self._at_rows[k] == row:
            return self.sources[k]
        return self._seq.source(row - k)

    @property
    def skipped(self) -> list[int]:
        """The base indexes left out of `seq` (sorted)."""
        return self._seq.skip

    def row_of_item(self, k: int) -> int:
        """The row of inserted item k."""
        return self._at_rows[k]

    def row_of_kept(self, index: int) -> int:
        """The row of event `index` of `seq`."""
        return index + bisect.bisect_right(self._before, index)

    def row_of_index(self, index: int) -> int | None:
        """The row of base event `index` (None if left out)."""
        if index in self.sources:
            return self.row_of_item(self.sources.index(index))
        skipped = self.skipped
        position = bisect.bisect_left(skipped, index)
        if position < len(skipped) and skipped[position] == index:
            return None
        return self.row_of_kept(index - position)

    def _at(self, index: int) -> Event:
        k = bisect.bisect_left(self._at_rows, index)
        if k < len(self._at_rows) and self._at_rows[k] == index:
            return self.items[k]
        return self._seq[index - k]

    def _slice(self, start: int, stop: int) -> list[Event]:
        out: list[Event] = []
        while start < stop:
            k = bisect.bisect_left(self._at_rows, start)
            if k < len(self._at_rows) and self._at_rows[k] == start:
                out.append(self.items[k])
                start += 1
                continue
            end = min(stop, self._at_rows[k] if k < len(self._at_rows) else len(self))
            out.extend(self._seq[start - k:end - k])
            start = end
        return out


class _Changes:
    """A variant, the rows of a `_Rows` view without the `dropped` ones, as
    `Dependants.problems_with` reads it (`events.dependants.Variant`); ranks are rows."""

    def __init__(self, rows: _Rows, dropped: Sequence[int], base_size: int) -> None:
        self._rows = rows
        gone = set(dropped)
        #: the base indexes whose events are not in the variant as they are
        self.removed = {*rows.skipped, *rows.subs}
        self.removed.update(p for row in gone if (p := rows.source(row)) < base_size)
        #: (row, event) of the replacements and added events in the variant
        self.changed = [(row, item) for k, item in enumerate(rows.items)
                        if (row := rows.row_of_item(k)) not in gone]
        self.changed += [(row, event) for index, event in rows.subs.items()
                         if (row := self.rank(index)) not in gone]

    def rank(self, position: int) -> int:
        """The row of base event `position` (one the view keeps)."""
        row = self._rows.row_of_index(position)
        assert row is not None, f"base event {position} is not among the rows"
        return row


class _Watched(WalkedEvents):
    """`events`, whose walk tells `watch(read, total)` after every `_CHUNK` events."""

    def __init__(self, events: Sequence[Event], watch: Callable[[int, int], None]) -> None:
        super().__init__(events)
        self._watch = watch

    def __iter__(self) -> Iterator[Event]:
        total = len(self._events)
        for read, event in enumerate(self._events, start=1):
            yield event
            if read % _CHUNK == 0 or read == total:
                self._watch(read, total)


#: Base timelines whose reference index (`Dependants`) is kept: the latest used ones (the
#: app shows one timeline at a time; the index of 10^6 generated events holds ~50 MB).
_KEPT_INDEXES = 2


class _Indexed:
    """The reference index of one base timeline (None until built), the lock its builder
    holds, and how far the builder has read (for a check waiting on it)."""

    def __init__(self, base: Timeline) -> None:
        self.base = weakref.ref(base)
        self.lock = threading.Lock()
        self.index: Dependants | None = None
        self.read, self.total = 0, len(base.events)


_INDEXED: OrderedDict[int, _Indexed] = OrderedDict()  # id(base) -> its index
_INDEXED_LOCK = threading.Lock()


def _built(base: Timeline) -> Dependants | None:
    """The index of `base` if it is built (none is made or reordered)."""
    with _INDEXED_LOCK:
        slot = _INDEXED.get(id(base))
        return slot.index if slot is not None and slot.base() is base else None


def _indexed(base: Timeline) -> _Indexed:
    """The index slot of `base` (made if new), now the latest used; the slots of bases
    gone, and beyond the latest `_KEPT_INDEXES`, are forgotten."""
    with _INDEXED_LOCK:
        for key in [k for k, slot in _INDEXED.items() if slot.base() is None]:
            del _INDEXED[key]
        slot = _INDEXED.get(id(base))
        if slot is None or slot.base() is not base:
            slot = _INDEXED[id(base)] = _Indexed(base)
        _INDEXED.move_to_end(id(base))
        while len(_INDEXED) > _KEPT_INDEXES:
            _INDEXED.popitem(last=False)
        return slot


@dataclass
class LiveOverlay:
    """Changes an analyst made in place to `base` (a scenario or overlay timeline).

    The base's events are in timeline order (as a `Timeline`'s are). Its event ids are
    found by the base's index once it is built (`prepare_checks`), else by a walk of the
    base at most once each; `toggle` and `put` given the row they act on learn it without
    one."""

    base: Timeline
    dropped: set[str] = field(default_factory=set)
    replaced: dict[str, Event] = field(default_factory=dict)
    added: list[Event] = field(default_factory=list)
    #: base event id → its base index (None: not in the base), learned or walked for
    _where: dict[str, int | None] = field(default_factory=dict, repr=False, compare=False)
    #: timeline key → the base indexes with that key (bisection results)
    _spans: dict[datetime, tuple[int, int]] = field(default_factory=dict, repr=False,
                                                     compare=False)

    @property
    def empty(self) -> bool:
        """True while nothing has been changed."""
        return not (self.dropped or self.replaced or self.added)

    def rows(self) -> Sequence[Event]:
        """Every event the timeline view lists (dropped ones too), in timeline order:
        the base events, replaced in place, with the added ones (and the replacements
        that moved to another date) merged in as `in_timeline_order` would place them."""
        if self.empty:
            return self.base.events
        return self._view()

    def timeline(self, rows: Sequence[Event] | None = None) -> Timeline:
        """The variant: the rows without the dropped events."""
        if self.empty:
            return self.base
        if rows is None or isinstance(rows, _Rows):
            view = self._view() if rows is None else rows
            events: Sequence[Event] = _Skipping(view, self.dropped_rows(view))
        else:
            events = tuple(e for e in rows if e.id not in self.dropped)
        return dataclasses.replace(self.base, name=f"{self.base.name}-whatif",
                                   title=f"{self.base.title} (what-if)", events=events,
                                   expectations=(), base=self.base)

    def dropped_rows(self, rows: Sequence[Event] | None = None) -> list[int]:
        """The rows (ascending) of the dropped events among `rows` (default: `rows()`)."""
        rows = self.rows() if rows is None else rows
        if not self.dropped:
            return []
        if not isinstance(rows, _Rows) and rows is not self.base.events:
            return [i for i, e in enumerate(rows) if e.id in self.dropped]
        found: set[int] = set()
        for event_id in self.dropped:
            found.update(self._rows_with(rows, event_id))
        return sorted(found)

    def unchanged_prefix(self, rows: Sequence[Event] | None = None,
                         dropped_rows: Sequence[int] | None = None) -> int:
        """How many leading events the variant shares with the base (the same events in
        the same order): those before the first dropped, edited or added row, or the
        place a moved edit left. A replay of the variant may restore its base's
        checkpoints up to there (`Replay.adopt_prefix`). `rows`, `dropped_rows`: as
        `rows()` and `dropped_rows()` give them (computed when not given)."""
        rows = self.rows() if rows is None else rows
        if self.empty:
            return len(self.base.events)
        dropped = self.dropped_rows(rows) if dropped_rows is None else dropped_rows
        first = [dropped[0]] if dropped else []
        if isinstance(rows, _Rows):
            if rows.items:
                first.append(rows.row_of_item(0))
            if rows.skipped:
                first.append(rows.skipped[0])
            if rows.subs:
                first.append(min(rows.subs))
        else:  # plain rows (not what `rows()` gives): compared with the base
            base = self.base.events
            same = 0
            while same < min(len(rows), len(base)) and rows[same] is base[same]:
                same += 1
            first.append(same)
        return min(first, default=len(rows) - len(dropped))

    def find(self, event_id: str, rows: Sequence[Event] | None = None,
             watch: Callable[[int, int], None] | None = None) -> int:
        """The first row of `rows` (default: `rows()`) with event `event_id`; -1 if none.
        `watch(read, total)` is told how far a walk of the base for the id has got."""
        rows = self.rows() if rows is None else rows
        if not isinstance(rows, _Rows) and rows is not self.base.events:
            return next((i for i, e in enumerate(rows) if e.id == event_id), -1)
        return min(self._rows_with(rows, event_id, watch), default=-1)

    def knows(self, event_id: str) -> bool:
        """True when whether (and where) the base holds `event_id` is known (learned, or
        the base's index is built): finding it walks no part of the base."""
        return event_id in self._where or _built(self.base) is not None

    def learn(self, row: int, rows: Sequence[Event] | None = None) -> None:
        """Note which base event stands at `row` of `rows` (default: `rows()`), so that
        finding its id needs no walk of the base."""
        rows = self.rows() if rows is None else rows
        if not 0 <= row < len(rows):
            return
        if isinstance(rows, _Rows):
            index = rows.source(row)
        elif rows is self.base.events:
            index = row
        else:
            return
        if index < len(self.base.events):
            self._where[self.base.events[index].id] = index

    def toggle(self, event_id: str, row: int | None = None) -> None:
        """Drop an event, or restore it if dropped (an added event is removed instead).
        `row`: where the event stands in `rows()`, when known."""
        if row is not None:
            self.learn(row)
        if any(e.id == event_id for e in self.added):
            self.added = [e for e in self.added if e.id != event_id]
        elif event_id in self.dropped:
            self.dropped.discard(event_id)
        else:
            self.dropped.add(event_id)

    def problems(self, watch: Callable[[int, int], None] | None = None) -> list[Problem]:
        """What is wrong with the variant (e.g. a dropped event that others target).
        `watch(read, total)` is told after every page of events read; it may raise to stop
        the check (a worker cancelled).

        The answer is read off the base's index (`prepare_checks`; its first use walks
        the base once): O(the events naming the dropped ones) while the what-if only
        drops events, O(the changed events × the events naming them or named by them)
        with edited or added events. When the base itself has problems, the variant is
        walked and checked in full."""
        built = self.prepare_checks(watch)
        if not self.replaced and not self.added:
            found = built.problems_without(self.dropped, self._locate)
        else:
            view = self._view()
            found = _problems_with(built, self, view, self.dropped_rows(view), self._locate)
        if found is not None:
            return found
        # the variant's view, walked once: a stored timeline is read a page at a time
        events = self.timeline().events
        return check_events(self.base.header,
                            events if watch is None else _Watched(events, watch),
                            self._locate)

    @property
    def checks_at_once(self) -> bool:
        """True when `problems()` (and `check_event`) walk nothing: the base's index is
        built and the base has no problems of its own."""
        built = _indexed(self.base).index
        return built is not None and not built.problems

    def prepare_checks(self, watch: Callable[[int, int], None] | None = None
                       ) -> Dependants:
        """The base's reference index (`events.dependants`), built by one walk of the base
        if no check has built it yet (of this or another `LiveOverlay` on the same base
        timeline). `watch(read, total)` is told how far the walk has got (also when
        another thread builds it meanwhile: this one waits); it may raise to stop it."""
        slot = _indexed(self.base)
        while slot.index is None:
            if not slot.lock.acquire(timeout=0.05):  # another thread builds it
                if watch is not None:
                    watch(slot.read, slot.total)
                continue
            try:
                if slot.index is None:
                    slot.index = self._build_index(slot, watch)
            finally:
                slot.lock.release()
        return slot.index

    def _build_index(self, slot: _Indexed, watch: Callable[[int, int], None] | None
                     ) -> Dependants:
        """One walk of the base for its index, telling `slot` and `watch` how far it is
        after every `_CHUNK` events."""
        def progress(read: int, total: int) -> None:
            slot.read, slot.total = read, total
            if watch is not None:
                watch(read, total)

        slot.read = 0
        return index(self.base.header, self.base.events, self._locate, progress, _CHUNK)

    def _locate(self, event_id: str, fld: str, message: str) -> Problem:
        """A problem of a base event (the what-if's problems are the base file's)."""
        return Problem(self.base.file, None, None, f"{event_id}.{fld}" if fld else event_id,
                       message)

    def put(self, original_id: str | None, event: Event, row: int | None = None) -> None:
        """Store an edited (original_id given: the id of its row) or a new event. `row`:
        where the edited event stands in `rows()`, when known."""
        if row is not None and original_id is not None:
            self.learn(row)
        self.replaced, self.added = self._put(original_id, event)
        self.dropped = self._dropped_after(original_id, event)

    def _put(self, original_id: str | None, event: Event
             ) -> tuple[dict[str, Event], list[Event]]:
        """The replacements and added events `put(original_id, event)` leaves (new
        containers; these are left as they are): an added event is edited in its place
        in the added ones; a row that replaces a base event (under its own id or a new
        one) replaces that base event; any other id is a base event's."""
        if original_id is None:
            return dict(self.replaced), [*self.added, event]
        slot = self.slot_of(original_id)
        if slot is None:
            return dict(self.replaced), [event if e.id == original_id else e
                                         for e in self.added]
        return {**self.replaced, slot: event}, list(self.added)

    def _dropped_after(self, original_id: str | None, event: Event) -> set[str]:
        """The dropped ids `put(original_id, event)` leaves (a new set): a dropped row
        stays dropped under its new id."""
        if original_id is None or original_id == event.id or original_id not in self.dropped:
            return set(self.dropped)
        return self.dropped - {original_id} | {event.id}

    def _row_id(self, slot: str) -> str:
        """The id of the row in the place of base event `slot`."""
        found = self.replaced.get(slot)
        return slot if found is None else found.id

    def slot_of(self, row_id: str | None) -> str | None:
        """The base event whose place the row `row_id` has: its own id, or the base id an
        edit renamed; None for an added row (or None)."""
        if row_id is None or any(e.id == row_id for e in self.added):
            return None
        return next((o for o, e in self.replaced.items() if e.id == row_id), row_id)

    def without(self, original_id: str | None, event: Event,
                rows: Sequence[Event] | None = None) -> Sequence[Event]:
        """The variant `put(original_id, event)` would make (the same events in the same
        order), this what-if left as it is: what the edit form checks. `rows` is not
        needed (the rows of `original_id` are found as `put` finds them)."""
        return _Skipping(*self._without_view(original_id, event))

    def _without_view(self, original_id: str | None, event: Event
                      ) -> tuple[_Rows, list[int]]:
        """`without`'s variant as a view of rows, and its dropped rows."""
        replaced, added = self._put(original_id, event)
        trial = dataclasses.replace(self, dropped=self._dropped_after(original_id, event),
                                    replaced=replaced, added=added)
        # (sharing the base ids' places learned)
        variant = trial._view()
        return variant, trial.dropped_rows(variant)

    # --- the views ----------------------------------------------------------------------

    def _index(self, event_id: str,
               watch: Callable[[int, int], None] | None = None) -> int | None:
        """The base index of the base event `event_id` (None if absent); `watch`: told how
        far a walk of the base for it has got."""
        events = self.base.events
        if event_id in self._where:
            index = self._where[event_id]
            if index is None or (index < len(events) and events[index].id == event_id):
                return index
        built = _built(self.base)
        if built is not None:
            index = built.position(event_id)
        else:
            walked = events if watch is None else _Watched(events, watch)
            index = next((i for i, e in enumerate(walked) if e.id == event_id), None)
        self._where[event_id] = index
        return index

    def _span(self, key: datetime) -> tuple[int, int]:
        """The base indexes [lo, hi) of the events whose timeline key is `key`."""
        span = self._spans.get(key)
        if span is None:
            events = self.base.events

            def order(e: Event) -> datetime:
                return when_key(e.at)

            span = (bisect.bisect_left(events, key, key=order),
                    bisect.bisect_right(events, key, key=order))
            self._spans[key] = span
        return span

    def _view(self) -> _Rows:
        """The rows as a view: base events replaced in place, and the moved replacements,
        renamed ones and added events merged in by (timeline key, position in
        `[*base, *renamed, *added]`) as a stable sort would. A renamed base event is, as
        the overlay file writes it, its base event dropped and a new one added: it stands
        after the base's events at its moment (the renamed ones in base order), before the
        added ones."""
        events = self.base.events
        n = len(events)
        subs: dict[int, Event] = {}
        out: set[int] = set()
        #: (timeline key, place in `[*base, *renamed, *added]`, source, event)
        movers: list[tuple[datetime, int, int, Event]] = []
        for original_id, event in self.replaced.items():
            index = self._index(original_id)
            if index is None:
                continue
            key = when_key(event.at)
            if event.id != original_id:  # a drop from its place, an add at its date
                out.add(index)
                movers.append((key, n + index, index, event))
            elif key == when_key(events[index].at):
                subs[index] = event
            else:  # it moves: a drop from its place, and a merge at its new date
                out.add(index)
                movers.append((key, index, index, event))
        movers += [(when_key(e.at), 2 * n + j, n + j, e) for j, e in enumerate(self.added)]
        movers.sort(key=lambda m: (m[0], m[1]))
        gone = sorted(out)
        gone_keys = [(when_key(events[i].at), i) for i in gone]
        at: list[int] = []
        before: list[int] = []
        for rank, (key, place, _, _) in enumerate(movers):
            lo, hi = self._span(key)
            smaller = hi if place >= n else lo + max(0, min(hi, place) - lo)
            kept = smaller - sum(1 for k in gone_keys if k < (key, place))
            before.append(kept)
            at.append(kept + rank)
        seq = _Skipping(_Substituted(events, subs), gone)
        return _Rows(seq, [m[3] for m in movers], at, [m[2] for m in movers], before, subs)

    def _rows_with(self, rows: Sequence[Event], event_id: str,
                   watch: Callable[[int, int], None] | None = None) -> list[int]:
        """Every row of `rows` (a `_view()`, or the base events) with event `event_id`;
        `watch`: told how far a walk of the base for the id has got."""
        if not isinstance(rows, _Rows):  # the base events themselves
            index = self._index(event_id, watch)
            return [] if index is None else [index]
        found: list[int] = []
        for k, item in enumerate(rows.items):  # added events, moved replacements
            if item.id == event_id:
                found.append(rows.row_of_item(k))
        places = {self._index(o) for o, e in self.replaced.items() if e.id == event_id}
        if not found and not places:  # row ids are unique (parse_event sees to it)
            places.add(self._index(event_id, watch))
        for index in places:
            if index is None or index in rows.sources:  # moved: among the items above
                continue
            row = rows.row_of_index(index)
            if row is not None and rows[row].id == event_id:
                found.append(row)
        return sorted(set(found))

    def overlay_yaml(self, path: Path, overlay_id: str, title: str) -> str:
        """The overlay file (DESIGN.md format) of the variant `timeline()` shows, to be
        written at `path`: loading it gives the same events in the same order
        (`overlay_changes` says how each change is written). When it would not load
        (`overlay_problems`), a comment at its top says why."""
        base = os.path.relpath(Path(self.base.file).resolve(), path.resolve().parent)
        data: dict[str, Any] = {
            "format": "accord/1",
            "overlay": {"id": overlay_id, "title": title},
            "base": Path(base).as_posix(),
        }
        drop, replace, add = self.overlay_changes()
        unloadable = self.overlay_problems()
        if drop:
            data["drop"] = drop
        if replace:
            data["replace"] = [event_data(e) for e in replace]
        if add:
            data["add"] = [event_data(e) for e in add]
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        if unloadable:  # said in the file, where `accord validate` sends the analyst
            lines = ["This what-if does not load as an overlay:"]
            for reason in unloadable:
                lines += textwrap.wrap(reason, 96, initial_indent="- ", subsequent_indent="  ",
                                       break_on_hyphens=False)
            note = "".join(f"# {line}\n" for line in lines)
            text = note + text
        return text

    def overlay_problems(self) -> list[str]:
        """Why the file `overlay_yaml` writes would not load, though the what-if is valid;
        [] when it loads. An overlay names its base by a file, so the one case is a base
        not read from one: a timeline read from a store (its `file` is `label:name`) or
        generated (`<name>`)."""
        if Path(self.base.file).is_file():
            return []
        return [f"its base {self.base.file!r} is not a file: the timeline shown was read from "
                "a store (or generated), and an overlay names its base by a scenario or "
                "overlay file; open that file itself (accord tui FILE, without --store) and "
                "make the what-if there"]

    def overlay_changes(self) -> tuple[list[str], list[Event], list[Event]]:
        """The variant as an overlay's `drop`, `replace` and `add` (each in base order,
        the added events last, in their order): a dropped row drops its base event (an
        edit of it stays in the session, unwritten: it changes nothing in the variant);
        an edit keeping the base id replaces it; a renamed base event is its base event
        dropped and the new one added; an added event is added. Read off the changes
        (O(changes · log n) once the ids' places are known), not the variant."""
        drop: list[tuple[int, str]] = []
        replace: list[tuple[int, Event]] = []
        renamed: list[tuple[int, Event]] = []
        for event_id in self.dropped:  # base rows (edited, renamed or not) dropped
            slot = self.slot_of(event_id)
            index = None if slot is None else self._index(slot)
            if slot is not None and index is not None and self._row_id(slot) == event_id:
                drop.append((index, slot))
        for original_id, event in self.replaced.items():
            index = self._index(original_id)
            if index is None or event.id in self.dropped:
                continue  # no such base event (the view ignores it too), or dropped above
            if event.id == original_id:
                replace.append((index, event))
            else:
                drop.append((index, original_id))
                renamed.append((index, event))
        added = [e for e in self.added if e.id not in self.dropped]
        return ([i for _, i in sorted(drop)], [e for _, e in sorted(replace, key=_first)],
                [*(e for _, e in sorted(renamed, key=_first)), *added])


def _first(pair: tuple[int, Event]) -> int:
    return pair[0]


def event_data(event: Event) -> dict[str, Any]:
    """An event as it would be written in a file (defaults left out)."""
    data: dict[str, Any] = event.model_dump(mode="json", exclude_defaults=True)
    data["type"] = event.type
    order = ["id", "at", "type", "party", "speaker"]
    keys = [*order, *(k for k in data if k not in order)]
    return {k: data[k] for k in keys if k in data}


def event_yaml(event: Event) -> str:
    """An event as YAML text for the edit form."""
    return yaml.safe_dump(event_data(event), sort_keys=False, allow_unicode=True, width=100)


@dataclass(frozen=True)
class ReadEvent:
    """An edited event that has the shape of one (`read_event`), not yet checked against
    the rest of the live timeline (`check_event`): its text, and where its fields are."""

    text: str
    doc: YamlDoc
    event: Event


def read_event(text: str) -> tuple[ReadEvent | None, list[Problem]]:
    """What an edited event can be checked for alone: its YAML, fields and types.
    Returns the event, or the located problems."""
    from events.errors import InputError

    try:
        doc = parse_yaml(text, EDIT_FILE)
    except InputError as exc:
        return None, exc.problems
    if not isinstance(doc.data, dict):
        return None, [doc.problem((), "expected a mapping with the event's fields")]
    try:
        event = EVENT_ADAPTER.validate_python(doc.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = tuple(p for p in err["loc"] if p not in _TYPE_NAMES)
            problems.append(doc.problem(path, str(err["msg"]).removeprefix("Value error, ")))
        return None, problems
    return ReadEvent(text, doc, event), []


def check_event(read: ReadEvent, live: LiveOverlay, original_id: str | None,
                watch: Callable[[int, int], None] | None = None) -> list[Problem]:
    """The rest of the validation of an edited event: its id is new (unless it keeps
    `original_id`), and every reference in the variant with it holds. Both are read off
    the base's index (`LiveOverlay.prepare_checks`: one walk of the base the first time);
    when the base has problems of its own, the variant is walked and checked in full.
    `watch(read, total)` is told how far a walk has got; it may raise to stop it (a
    worker cancelled)."""
    doc, event = read.doc, read.event
    rows = live.rows()
    built = live.prepare_checks(watch)  # the id is found by the index, no walk
    if event.id != original_id and live.find(event.id, rows) >= 0:
        return [doc.problem(("id",), f"duplicate event id {event.id!r}")]
    taken = _renamed_base_id(live, original_id, event.id)
    if taken is not None:
        return [doc.problem(("id",), taken)]

    def locate(event_id: str, fld: str, message: str) -> Problem:
        if event_id == event.id:
            return doc.problem(tuple(fld.split(".")) if fld else (), message)
        return Problem(live.base.file, None, None, f"{event_id}.{fld}", message)

    view, dropped = live._without_view(original_id, event)
    found = _problems_with(built, live, view, dropped, locate)
    if found is None:
        events = _Skipping(view, dropped)  # one walk of the view
        found = check_events(live.base.header, events if watch is None else
                             _Watched(events, watch), locate)
    return found + _quote_problems(read, live, locate)


def _renamed_base_id(live: LiveOverlay, original_id: str | None, new_id: str
                     ) -> str | None:
    """Why the row `original_id` (None: a new event) may not take `new_id`, no row's id:
    it is the id of a base event this what-if renamed, which the overlay file drops (and
    an overlay cannot add an event under a base id). None when it may."""
    if new_id in (original_id, live.slot_of(original_id)) or live._index(new_id) is None:
        return None  # the row's own id kept, a new id, or a renamed row's base id back
    renamed = live._row_id(new_id)
    return (f"event id {new_id!r} is the base's event renamed {renamed!r} in this what-if; "
            f"an overlay drops {new_id!r} and cannot give its id to another event "
            f"(choose a new id, or rename {renamed!r} back)")


def _quote_problems(read: ReadEvent, live: LiveOverlay, locate: Locator) -> list[Problem]:
    """The edited event's quote must stand in its source's text, if it names one with a
    text (`check_quotes`, as the saved overlay's `replace` and `add` are checked). Not
    checked on a timeline read from a store (no scenario file: no overlay file loads on
    it either)."""
    root = live.base
    while root.base is not None:
        root = root.base
    path = Path(root.file)
    if not isinstance(root.header, Scenario) or not path.is_file() or not any(
            s.id == read.event.source and s.text is not None for s in root.header.sources):
        return []
    return check_quotes(root.header, read.doc, path, [read.event], locate)


def _problems_with(built: Dependants, live: LiveOverlay, view: _Rows, dropped: list[int],
                   locate: Locator) -> list[Problem] | None:
    """`check_events` of `view` (rows of `live`) without the rows `dropped`, read off the
    base's index `built`; None when the base has problems of its own."""
    if built.problems:
        return None
    base = live.base
    return built.problems_with(base.header, base.events,
                               _Changes(view, dropped, len(base.events)), locate)


def parse_event(text: str, live: LiveOverlay, original_id: str | None
                ) -> tuple[Event | None, list[Problem]]:
    """Validate an edited event as a file would be: its shape, then its references against
    the rest of the live timeline. Returns the event, or the located problems."""
    read, problems = read_event(text)
    if read is None:
        return None, problems
    problems = check_event(read, live, original_id)
    return (None, problems) if problems else (read.event, [])


_TYPE_NAMES = frozenset({"proposal", "acceptance", "rejection", "claim", "pledge", "report",
                         "retraction"})


def replay_step(row: int, dropped_rows: Sequence[int]) -> int:
    """The replay step shown when the cursor is on `row` (0-based; -1 = before the first):
    the rows up to it that are applied."""
    return row + 1 - bisect.bisect_right(dropped_rows, row)
