"""A fold state as compact JSON-ready data and back: what a stored snapshot holds.

`encode` writes every field of the state (not the JSON contract of DESIGN.md, which
derives measures and drops what the fold keeps for later events: the histories, the
stance and pledge-event indexes). `decode` gives the same state back, on plain
containers or on the structure-sharing ones a `domain.replay.Replay` folds on; maps keep
their slot numbers (deleted slots as null), so a state read back compares with the
states a Replay folded from step 0 chunk by chunk.

`encode` packs each part of the state into JSON texts of about `TEXT_BYTES` each
(`domain.persistence.Texts`, stored one per line after the snapshot's JSON), so that
reading a snapshot back never parses much in one call: `orjson.loads` holds the
interpreter while it runs, and a viewer reading a snapshot in a worker left its keys
waiting for the whole 51 MB at 10^6 steps (0.35 s); with a text per cell or per 20,000
slots of a map, for up to 79 ms (a 3.5 MB slice of the pledges). A part is packed as a
flat sequence of rows: a map's slots; a cell's head row (its scalars and the lengths of
its three id lists) followed by the lists' items, so that no cell is one long text.

A snapshot is only as good as the rules that folded it: `RULES` is a digest of the fold's
source, and `decode` refuses data folded by other rules (`StaleSnapshot`), so a change
to `domain/fold.py` or `domain/state.py` never reads an old snapshot as current.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from itertools import islice
from typing import Any

import orjson

from domain import fold, state
from domain.persistence import Texts
from domain.persistent import ChunkedList, ChunkedMap
from domain.state import Cell, ClaimState, PledgeState, State
from events.scenario import Header

#: The layout of the encoded data; raise it when `encode` changes.
FORMAT = 4
#: About how long a packed text is (one `orjson.loads` call each when read back, ~2 ms
#: for 64 KB here); never more than twice this unless it holds one row (`_pack`).
TEXT_BYTES = 64_000
#: The parts of the state `encode` packs
_PACKED = ("cells", "claims", "pledges", "pledge_events", "stances")
#: Digest of the fold rules and the state they fold into.
RULES = hashlib.sha256(
    (inspect.getsource(fold) + inspect.getsource(state) + str(FORMAT)).encode()
).hexdigest()[:16]


class StaleSnapshot(ValueError):
    """Snapshot data written by other fold rules or in another layout."""


def _slots(mapping: MutableMapping[str, Any]) -> Iterable[tuple[str, Any] | None]:
    if isinstance(mapping, ChunkedMap):
        return mapping.slots()
    return mapping.items()


def encode(s: State) -> dict[str, Any]:
    """The state `s` as JSON-ready data: `rows(s)` with each part packed into JSON texts
    of about `TEXT_BYTES` (the cells flattened first: `_cell_rows`)."""
    data = rows(s)
    data["cells"] = _pack(_cell_rows(data["cells"]))
    for part in _PACKED[1:]:
        data[part] = _pack(data[part])
    return data


def _cell_rows(cells: list[list[Any]]) -> list[Any]:
    """The cells of `rows` as one flat sequence: per cell, a head row (party, issue,
    option, accepts, rejects, conditions, claimed, rebutted, and the lengths of history,
    claims and events), then the items of those three lists."""
    flat: list[Any] = []
    for (party, issue, option, accepts, rejects, conditions, history, claims, events,
         claimed, rebutted) in cells:
        flat.append([party, issue, option, accepts, rejects, conditions, claimed, rebutted,
                     len(history), len(claims), len(events)])
        flat += history
        flat += claims
        flat += events
    return flat


def _pack(rows: list[Any]) -> Texts:
    """`rows` as JSON texts in order, each of at most twice `TEXT_BYTES` unless it holds
    one row: as many rows at a time as the last text's bytes per row say fit in
    `TEXT_BYTES`, halved while too long (a cell's short ids followed by the next cell's
    longer history entries)."""
    texts = Texts()
    start, take = 0, 64
    while start < len(rows):
        chunk = rows[start:start + take]
        text = orjson.dumps(chunk)
        while len(text) > 2 * TEXT_BYTES and len(chunk) > 1:
            chunk = chunk[:len(chunk) // 2]
            text = orjson.dumps(chunk)
        texts.append(text.decode())
        start += len(chunk)
        take = max(1, TEXT_BYTES * len(chunk) // len(text))
    return texts


def _unpacked(texts: list[str | bytes | memoryview],
              pace: Callable[[], None] | None) -> Iterator[Any]:
    """The rows of `texts`, parsed one text at a time (one short call each: the
    interpreter is free between them), each text's rows freed before the next is parsed
    (freeing a 10^6-step snapshot's parsed rows all at once held it 0.17 s); `pace()`
    before each text."""
    for text in texts:
        if pace is not None:
            pace()
        yield from orjson.loads(text)


def rows(s: State) -> dict[str, Any]:
    """The state `s` as JSON-ready rows (lists, strings, numbers; null for no value):
    what `encode` packs."""
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


def decode(data: dict[str, Any], header: Header, persistent: bool = False,
           pace: Callable[[], None] | None = None) -> State:
    """The state `encode` gave `data` for, with `header`; on the containers of a Replay
    when `persistent`. `pace()` is called before each packed text is parsed and built
    (about `TEXT_BYTES` of JSON: a thread can stand aside there). Raises
    StaleSnapshot for data folded by other rules."""
    if data.get("rules") != RULES:
        raise StaleSnapshot(f"snapshot folded by rules {data.get('rules')!r}, not {RULES!r}")
    data = {**data, **{part: _unpacked(data[part], pace) for part in _PACKED}}
    ids: dict[str, str] = {}  # one string object per party, issue, option and kind id
    one = ids.setdefault
    seq: Any = ChunkedList.of if persistent else list

    def history(entry: list[Any]) -> tuple[Any, ...]:
        event, kind, option, conditions = entry
        return (event, one(kind, kind), option if option is None else one(option, option),
                None if conditions is None else tuple(conditions))

    cells = {}
    flat = data["cells"]
    for (party, issue, option, accepts, rejects, conditions, claimed, rebutted,
         histories, claim_ids, event_ids) in flat:
        cells[(one(party, party), one(issue, issue))] = Cell(
            option, set(accepts), set(rejects), conditions,
            seq([history(h) for h in islice(flat, histories)]),
            seq(list(islice(flat, claim_ids))), seq(list(islice(flat, event_ids))),
            claimed, rebutted)

    def claim(e: list[Any]) -> tuple[str, ClaimState]:
        key, by, about, issue, option, rebuttals = e
        return key, ClaimState(one(by, by), one(about, about), one(issue, issue),
                               one(option, option), rebuttals)

    def pledge(e: list[Any]) -> tuple[str, PledgeState]:
        key, party, commitment, issue, event, evidence = e
        return key, PledgeState(one(party, party), commitment, issue, event,
                                [(r, one(f, f)) for r, f in evidence])

    def stance(e: list[Any]) -> tuple[str, tuple[str, str, str]]:
        key, party, issue, option = e
        return key, (one(party, party), one(issue, issue), one(option, option))

    def pledge_event(e: list[Any]) -> tuple[str, str]:
        return e[0], e[1]

    def mapping(rows: Iterable[Any], build: Any) -> Any:
        if persistent:  # one pass, paced with the texts' parsing (`_unpacked`)
            return ChunkedMap.of_slots(None if row is None else build(row) for row in rows)
        return dict(build(row) for row in rows if row is not None)

    return State(header, cells, mapping(data["claims"], claim),
                 mapping(data["pledges"], pledge), mapping(data["pledge_events"], pledge_event),
                 mapping(data["stances"], stance), data["step"], data["last_event"],
                 data["last_at"])
