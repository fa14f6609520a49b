"""A fold state as compact JSON-ready data and back: what a stored snapshot holds.

`encode` writes every field of the state (not the JSON contract of DESIGN.md, which
derives measures and drops what the fold keeps for later events: the histories, the
stance and pledge-event indexes). `decode` gives the same state back, on plain
containers or on the structure-sharing ones a `domain.replay.Replay` folds on; maps keep
their slot numbers (deleted slots as a null key), so a state read back compares with the
states a Replay folded from step 0 chunk by chunk.

Each part of the state is packed as tables of columns cut into JSON texts of about
`TEXT_BYTES` (`domain.persistence.Texts`, stored one per line after the snapshot's
JSON), so that reading a snapshot back never parses much in one call: `orjson.loads`
holds the interpreter while it runs, and a viewer reading a snapshot in a worker left
its keys waiting for the whole 51 MB at 10^6 steps (0.35 s). A map is one table (its
keys, then a column per field of its values); a cell is a head text (its scalars and how
many texts each of its lists takes) followed by the texts of its history table, its
claim ids and its event ids. The few distinct names (parties, issues, options, kinds,
findings) and conditions are written once, in `names` and `conditions`, and the columns
hold their numbers. Columns, not rows, because reading back is then mostly C: values
built by `map` and `zip` over whole columns, where a Python call per row (a history
entry, a stance) took ~1.2 s of a 10^6-step snapshot's 1.75 s.

A snapshot is only as good as the rules that folded it: `RULES` is a digest of the fold's
source, and `decode` refuses data folded by other rules (`StaleSnapshot`), so a change
to `domain/fold.py` or `domain/state.py` never reads an old snapshot as current.
"""

from __future__ import annotations

import hashlib
import inspect
import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

import orjson

from domain import fold, state
from domain.deferred import DeferredMap, Source
from domain.persistence import Texts
from domain.persistent import ChunkedList, ChunkedMap
from domain.state import Cell, ClaimState, PledgeState, State
from events.scenario import Header

#: The layout of the encoded data; raise it when `encode` changes.
FORMAT = 5
#: The maps of a state decoded for a Replay that are built on their first read: the
#: fold's indexes, never shown (`domain.deferred`; ~40 % of a 10^6-step decode)
DEFERRED = frozenset({"stances", "pledge_events"})
#: About how long a packed text is (one `orjson.loads` call each when read back, ~2 ms
#: for 64 KB here); never more than twice this unless it holds one row (`_pack`).
TEXT_BYTES = 64_000
#: Digest of the fold rules and the state they fold into.
RULES = hashlib.sha256(
    (inspect.getsource(fold) + inspect.getsource(state) + str(FORMAT)).encode()
).hexdigest()[:16]


class StaleSnapshot(ValueError):
    """Snapshot data written by other fold rules or in another layout."""


class _Numbers:
    """A number for each distinct name and conditions list of a state, in the order met
    (0 stands for none)."""

    def __init__(self) -> None:
        self.names: dict[str | None, int] = {None: 0}
        self.conditions: dict[tuple[str, ...] | None, int] = {None: 0}

    def names_of(self, values: Iterable[str | None]) -> list[int]:
        """The numbers of the names `values`, in order."""
        return _numbered(self.names, list(values))

    def conditions_of(self, values: Iterable[Iterable[str] | None]) -> list[int]:
        """The numbers of the conditions lists `values` (None: none given), in order."""
        return _numbered(self.conditions,
                         [None if value is None else tuple(value) for value in values])


def _numbered(table: dict[Any, int], values: list[Any]) -> list[int]:
    """`values` as their numbers in `table`, numbering the new ones in the order met
    (distinct values first, then a lookup each in C: with a Python call per value,
    `encode` of the 10^6-step state took 1.17 s instead of 0.8 s)."""
    for value in dict.fromkeys(values):
        table.setdefault(value, len(table))
    return list(map(table.__getitem__, values))


#: What a deleted slot of each map is written as (its key null)
_BLANK_CLAIM = ClaimState(None, None, None, None)  # type: ignore[arg-type]
_BLANK_PLEDGE = PledgeState(None, None, None, None)  # type: ignore[arg-type]
_BLANK_STANCE = (None, None, None)


def _keys_values(mapping: MutableMapping[str, Any], blank: Any) -> tuple[list[Any], list[Any]]:
    """The keys and values of `mapping`'s slots, in order (null and `blank` for a deleted
    slot of a ChunkedMap)."""
    if isinstance(mapping, ChunkedMap):
        slots = [(None, blank) if e is None else e for e in mapping.slots()]
        return list(map(itemgetter(0), slots)), list(map(itemgetter(1), slots))
    return list(mapping), list(mapping.values())


def encode(s: State) -> dict[str, Any]:
    """The state `s` as JSON-ready data, each part packed as tables of columns in JSON
    texts of about `TEXT_BYTES` (see the module)."""
    numbers = _Numbers()
    names = numbers.names_of
    keys, claims = _keys_values(s.claims, _BLANK_CLAIM)
    claim_columns = [keys, *(names(map(attrgetter(field), claims))
                             for field in ("by", "about", "issue", "option")),
                     list(map(attrgetter("rebuttals"), claims))]
    keys, pledges = _keys_values(s.pledges, _BLANK_PLEDGE)
    names(finding for p in pledges for _, finding in p.evidence)  # numbered, then looked up
    number = numbers.names
    pledge_columns = [keys, names(map(attrgetter("party"), pledges)),
                      list(map(attrgetter("commitment"), pledges)),
                      names(map(attrgetter("issue"), pledges)),
                      list(map(attrgetter("event"), pledges)),
                      [[(report, number[finding]) for report, finding in p.evidence]
                       for p in pledges]]
    keys, stances = _keys_values(s.stances, _BLANK_STANCE)
    stance_columns = [keys, *(names(map(itemgetter(n), stances)) for n in range(3))]
    data: dict[str, Any] = {
        "rules": RULES, "step": s.step, "last_event": s.last_event, "last_at": s.last_at,
        "cells": _cell_texts(s, numbers),
        "claims": _pack(claim_columns),
        "pledges": _pack(pledge_columns),
        "pledge_events": _pack(list(_keys_values(s.pledge_events, None))),
        "stances": _pack(stance_columns),
    }
    data["names"] = list(numbers.names)
    data["conditions"] = [None if c is None else list(c) for c in numbers.conditions]
    return data


def _cell_texts(s: State, numbers: _Numbers) -> Texts:
    """Per cell: its head text (party, issue, option, accepts, rejects, conditions,
    claimed, rebutted, and how many texts its history, claims and events take), then the
    texts of its history table (event, kind, option, conditions), claims and events."""
    names = numbers.names_of
    texts = Texts()
    for (party, issue), c in s.cells.items():
        entries = list(c.history)
        history = _pack([list(map(itemgetter(0), entries)),
                         names(map(itemgetter(1), entries)),
                         names(map(itemgetter(2), entries)),
                         numbers.conditions_of(map(itemgetter(3), entries))])
        claims, events = _pack([list(c.claims)]), _pack([list(c.events)])
        texts.append(orjson.dumps([party, issue, c.option, sorted(c.accepts),
                                   sorted(c.rejects), list(c.conditions), c.claimed,
                                   c.rebutted, len(history), len(claims),
                                   len(events)]).decode())
        texts += history + claims + events
    return texts


def _pack(columns: list[list[Any]]) -> Texts:
    """The table of `columns` (of equal length) as JSON texts in order, each a list of
    the columns' slices over some rows, of at most twice `TEXT_BYTES` unless it holds one
    row: as many rows at a time as the last text's bytes per row say fit in
    `TEXT_BYTES`, halved while too long."""
    texts = Texts()
    count = len(columns[0]) if columns else 0
    start, take = 0, 64
    while start < count:
        stop = min(count, start + take)
        text = orjson.dumps([column[start:stop] for column in columns])
        while len(text) > 2 * TEXT_BYTES and stop - start > 1:
            stop = start + (stop - start) // 2
            text = orjson.dumps([column[start:stop] for column in columns])
        texts.append(text.decode())
        take = max(1, TEXT_BYTES * (stop - start) // len(text))
        start = stop
    return texts


def _slots(mapping: MutableMapping[str, Any]) -> Iterable[tuple[str, Any] | None]:
    if isinstance(mapping, ChunkedMap):
        return mapping.slots()
    return mapping.items()


def rows(s: State) -> dict[str, Any]:
    """The state `s` as JSON-ready rows (lists, strings, numbers; null for no value): the
    readable form of what `encode` packs (tests compare states by it)."""
    return {
        "rules": RULES,
        "step": s.step,
        "last_event": s.last_event,
        "last_at": s.last_at,
        "cells": [[party, issue, c.option, sorted(c.accepts), sorted(c.rejects),
                   list(c.conditions), list(c.history), list(c.claims), list(c.events),
                   c.claimed, c.rebutted] for (party, issue), c in s.cells.items()],
        "claims": [None if e is None else (e[0], e[1].by, e[1].about, e[1].issue,
                                           e[1].option, e[1].rebuttals)
                   for e in _slots(s.claims)],
        "pledges": [None if e is None else (e[0], e[1].party, e[1].commitment, e[1].issue,
                                            e[1].event, e[1].evidence)
                    for e in _slots(s.pledges)],
        "pledge_events": list(_slots(s.pledge_events)),
        "stances": [None if e is None else (e[0], *e[1]) for e in _slots(s.stances)],
    }


def _parsed(texts: list[str | bytes | memoryview],
            pace: Callable[[], None] | None) -> Iterator[Any]:
    """Each of `texts` parsed, one at a time (one short call each: the interpreter is
    free between them); `pace()` before each."""
    for text in texts:
        if pace is not None:
            pace()
        yield orjson.loads(text)


def _columns(parsed: Iterator[list[list[Any]]], texts: int, width: int) -> list[list[Any]]:
    """The `width` columns of a table packed in the next `texts` of `parsed`."""
    columns: list[list[Any]] = [[] for _ in range(width)]
    for _ in range(texts):
        for column, part in zip(columns, next(parsed), strict=True):
            column += part
    return columns


@dataclass(frozen=True)
class Changes:
    """What a partial snapshot changes in the state of a full one (`domain.state_delta`):
    the state `later` (its cells' lists hold only what follows the first `kept` items
    of each, by cell: history, claims, events; its maps only the entries written), and
    the keys `gone` from each map."""

    later: State
    kept: dict[tuple[str, str], tuple[int, int, int]]
    gone: dict[str, list[Any]]


def decode(data: dict[str, Any], header: Header, persistent: bool = False,
           pace: Callable[[], None] | None = None, changes: Changes | None = None) -> State:
    """The state `encode` gave `data` for, with `header`, and `changes` made to it;
    on the containers of a Replay when `persistent`, the maps of `DEFERRED` then built
    on their first read (`domain.deferred`). `pace()` is called before each packed text
    is parsed and built (about `TEXT_BYTES` of JSON: a thread can stand aside there; in
    a deferred map built later, only in the thread that called `decode`). The changes are
    made on plain lists and dicts, before the Replay's containers are built from them.
    Raises StaleSnapshot for data folded by other rules."""
    if data.get("rules") != RULES:
        raise StaleSnapshot(f"snapshot folded by rules {data.get('rules')!r}, not {RULES!r}")
    names: list[Any] = data["names"]
    name = names.__getitem__
    condition = [None if c is None else tuple(c) for c in data["conditions"]].__getitem__
    one = {n: n for n in names if n is not None}  # one string object per name
    seq: Callable[[list[Any]], Any] = ChunkedList.of if persistent else _same
    reader = threading.get_ident()

    def own_pace() -> None:  # a deferred map built later: paced only in this thread
        if pace is not None and threading.get_ident() == reader:
            pace()

    cells = {}
    parsed = _parsed(data["cells"], pace)
    for (party, issue, option, accepts, rejects, conditions, claimed, rebutted,
         histories, claim_ids, event_ids) in parsed:
        key = (one.get(party, party), one.get(issue, issue))
        events, kinds, options, conds = _columns(parsed, histories, 4)
        lists: list[list[Any]] = [
            list(zip(events, map(name, kinds), map(name, options), map(condition, conds),
                     strict=True)),
            _columns(parsed, claim_ids, 1)[0], _columns(parsed, event_ids, 1)[0]]
        if changes is None:
            cell = Cell(option, set(accepts), set(rejects), conditions, [], [], [], claimed,
                        rebutted)
        else:  # the cell as it is now, its lists cut and lengthened
            now = changes.later.cells[key]
            cell = Cell(now.option, now.accepts, now.rejects, now.conditions, [], [], [],
                        now.claimed, now.rebutted)
            tails: tuple[Iterable[Any], ...] = (now.history, now.claims, now.events)
            for items, kept, tail in zip(lists, changes.kept[key], tails, strict=True):
                del items[kept:]
                items += tail
        cell.history, cell.claims, cell.events = map(seq, lists)
        cells[key] = cell

    def claims(c: list[list[Any]]) -> Iterable[ClaimState]:
        return map(ClaimState, map(name, c[1]), map(name, c[2]), map(name, c[3]),
                   map(name, c[4]), c[5])

    def pledges(c: list[list[Any]]) -> Iterable[PledgeState]:
        return map(PledgeState, map(name, c[1]), c[2], map(name, c[3]), c[4],
                   [[(report, name(finding)) for report, finding in evidence]
                    for evidence in c[5]])

    def stances(c: list[list[Any]]) -> Iterable[tuple[str, str, str]]:
        return zip(map(name, c[1]), map(name, c[2]), map(name, c[3]), strict=True)

    def plain(blocks: Iterable[tuple[list[Any], Iterable[Any]]], part: str) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for keys, built in blocks:
            out.update(zip(keys, built, strict=True))
        out.pop(None, None)  # deleted slots
        if changes is not None:
            for key in changes.gone[part]:
                del out[key]
            out.update(getattr(changes.later, part))
        return out

    def build(blocks: Iterable[tuple[list[Any], Iterable[Any]]], part: str
              ) -> ChunkedMap[Any, Any]:
        if changes is None:
            return ChunkedMap.of_blocks(blocks)
        return ChunkedMap.of_blocks(blocks, changes.gone[part], getattr(changes.later, part))

    def mapping(part: str, values: Callable[[list[list[Any]]], Iterable[Any]]) -> Any:
        texts = data[part]
        if persistent and part in DEFERRED:
            return DeferredMap(Source(lambda step: build(
                ((c[0], values(c)) for c in _parsed(texts, step)), part), own_pace))
        blocks = ((c[0], values(c)) for c in _parsed(texts, pace))
        return build(blocks, part) if persistent else plain(blocks, part)

    later = changes.later if changes is not None else None
    step, last_event, last_at = ((later.step, later.last_event, later.last_at)
                                 if later is not None
                                 else (data["step"], data["last_event"], data["last_at"]))
    return State(header, cells, mapping("claims", claims), mapping("pledges", pledges),
                 mapping("pledge_events", lambda c: c[1]), mapping("stances", stances),
                 step, last_event, last_at)


def _same(items: list[Any]) -> list[Any]:
    return items


def settle(s: State) -> None:
    """Build the maps `decode` deferred in `s` now, for `s` and every copy of it (a
    worker, once the state is on screen: the fold would otherwise build them on the
    first step that reads one, maybe on the UI thread)."""
    for mapping in (s.stances, s.pledge_events):
        if isinstance(mapping, DeferredMap):
            mapping.settle()
