"""Stored snapshots of a timeline's fold state: a far step read without folding from 0.

The eventsourcing library keeps them in the store's snapshot table (`Application.snapshots`,
one `Negotiation.Snapshot` per snapshotted version) and starts `repository.get` from the
nearest one. `take` writes them for a stored timeline, every `EVERY` statements and at the
step before its last (so a jump to the last step also knows what that step changed),
folding with the fast path (`domain.fastread`) from the latest snapshot already
written; `nearest` reads the one nearest at or before a step, on the containers of a
`domain.replay.Replay`, so a viewer folds only what lies after it.

Between two full snapshots, every `PARTIAL` statements, `take` writes a partial one: what
changed since the last full one (`domain.state_delta`), a few MB where a full one is tens.
A read of a partial snapshot reads its full one too and puts the changes on it; the
repository's reads do the same (`domain.application`).

Snapshots are derived data, written after the statements (`accord record` does it; an
append never waits for them). One folded by other rules than the running code's
(`domain.state_codec.RULES`) is never read as current: `nearest` passes over it to an
older one, and `take` writes it anew at the same step, in place of the old row
(`domain.snapshot_store.replace`: the library never overwrites a snapshot).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import TopicError

from domain import collector, fastread, fold, snapshot_store, state_codec, state_delta
from domain.aggregate import Negotiation, negotiation_id
from domain.state import State
from events.scenario import Header

#: Statements between full stored snapshots. A far step reads the nearest snapshot (its
#: cost grows with the step: ~35 bytes of JSON per statement folded into it, 35 MB and
#: ~0.5-1 s to read and decode at 10^6) and folds what lies after it; the partial
#: snapshots between the full ones (`PARTIAL`) bound that fold. Full ones every 100,000
#: take ~190 MB at 10^6 statements (every 200,000: ~100 MB). docs/benchmark.md has the
#: figures.
EVERY = 100_000
#: Statements between partial snapshots (`domain.state_delta`), between the full ones: a
#: far step folds at most this many statements after the nearest snapshot, full or
#: partial. Each holds what changed since the last full one, so they grow along the
#: interval (at 10^6: 1.2, 2.4, 3.5 MB). Measured at 10^6 (docs/benchmark.md): every
#: 25,000 the worst far step from a store just opened takes ~1.4 s (2.3 s without
#: partial ones) for ~7 s more writing and ~67 MB more snapshots; every 12,500 ~1.2 s,
#: for ~20 s and ~155 MB more.
PARTIAL = 25_000


@dataclass(frozen=True)
class Taken:
    """What `take` did for timeline `name` of `steps` statements."""

    name: str
    steps: int
    #: the steps snapshots were written at, in order (new ones and replacements)
    written: tuple[int, ...] = ()
    #: those of `written` that replaced a snapshot folded by other rules
    replaced: tuple[int, ...] = ()
    #: a what-if branch's base (nothing is written for a branch: it reads its base's)
    base: str | None = None
    #: a branch's last step shared with its base
    fork_step: int = 0


def _snapshot(app: Application[Any], ident: UUID, version: int) -> Negotiation.Snapshot | None:
    """The stored snapshot at aggregate `version`, if any."""
    assert app.snapshots is not None, "the application keeps snapshots"
    found = snapshot_store.select_events(app.snapshots.recorder, ident, gt=version - 1,
                                         lte=version)
    return app.snapshots.mapper.to_domain_event(found[0]) if found else None  # type: ignore[return-value]


def _read_rules(app: Application[Any], ident: UUID, version: int) -> str | None:
    """The rules of the snapshot at `version`, read whole (None if it cannot be read)."""
    try:
        snapshot = _snapshot(app, ident, version)
        rules = snapshot.state["fold"].get("rules") if snapshot is not None else None
    except (TopicError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no snapshot of ours: replaced like a stale one
    return rules if isinstance(rules, str) else None


def _kept(app: Application[Any], ident: UUID, step: int) -> dict[int, str | None]:
    """The fold rules of every stored snapshot at or before `step`, by step."""
    found = snapshot_store.rules(app, ident, lte=step + 1)
    return {version - 1: rules if rules is not None else _read_rules(app, ident, version)
            for version, rules in found.items()}


def nearest(app: Application[Any], name: str, step: int, header: Header,
            persistent: bool = True, pace: Callable[[], None] | None = None) -> State | None:
    """The fold state of timeline `name` from the stored snapshot nearest at or before
    `step` folded by the running rules, passing over those folded by others (None when
    there is none). Snapshots are read newest first, one at a time: the nearest is
    almost always of the running rules (`take` replaces the others), and reading the rules
    of every snapshot first (`snapshot_store.rules`) cost SQLite a read of each whole
    row (0.23 s of a far step's ~1.2 s at 10^6). `pace()` is called between the parts
    of the state read (`state_codec.decode`): a thread can stand aside there."""
    assert app.snapshots is not None, "the application keeps snapshots"
    ident = negotiation_id(name)
    top = step + 1  # the aggregate's version after `step` statements
    with collector.paused() as pause:  # ~5·10^6 new objects at 10^6 steps
        pause.keep = True  # they live on (a checkpoint): no pass over them on the way out
        while top >= 1:
            stored = snapshot_store.latest(app, ident, top)  # (not the library's `get`:
            # it held the interpreter while fetching the row, up to 90 ms at 10^6 steps)
            if stored is None:
                return None
            snapshot: Negotiation.Snapshot = app.snapshots.mapper.to_domain_event(
                stored)  # type: ignore[assignment]
            data = snapshot.state.get("fold")
            if isinstance(data, dict) and data.get("rules") == state_codec.RULES:
                try:  # (decode checks the rules too, and the layout's version)
                    return state_delta.decode(data, _base_of(app, ident, data), header,
                                              persistent, pace)
                except state_codec.StaleSnapshot:
                    pass
            top = snapshot.originator_version - 1  # folded by other rules: an older one
    return None


def _base_of(app: Application[Any], ident: UUID, data: dict[str, Any]
             ) -> dict[str, Any] | None:
    """The data of the full snapshot a partial one's `data` holds changes since (None
    for a full one, one based on step 0, or a base not stored)."""
    step = state_delta.partial_of(data)
    if not step:
        return None
    stored = snapshot_store.latest(app, ident, step + 1)
    if stored is None or stored.originator_version != step + 1:
        return None
    assert app.snapshots is not None
    base = app.snapshots.mapper.to_domain_event(stored).state.get("fold")  # type: ignore[attr-defined]
    return base if isinstance(base, dict) else None


def _due(valid: list[int], count: int, every: int, partial: int) -> set[int]:
    """The steps after the last valid snapshot that want one: every `every` and every
    `partial` (0: none) before the last step, and the step before the last
    (`count - 1`): a jump to the last step folds one statement from it and holds the
    state before that step, so what the step changed shows as soon as the state does (a
    snapshot at the last step itself left that to a second read and a fold of up to
    `every` statements: 7 s at 10^6)."""
    last = max(valid, default=0)
    tail = count - 1
    due = set(range((last // every + 1) * every, tail + 1, every))
    if partial:
        due |= set(range((last // partial + 1) * partial, tail, partial))
    if tail > last:
        due.add(tail)
    return due


def take(app: Application[Any], name: str, every: int | None = None,
         partial: int | None = None) -> Taken:
    """Store full snapshots of timeline `name` every `every` steps (`EVERY` by default)
    and at the step before its last, partial ones every `partial` steps between them
    (`PARTIAL` by default; 0 for none), those after the latest snapshot already stored
    of the running rules (`_due`), and replace every stored one folded by other rules
    (written anew at its step, each in one transaction: a failure leaves it stale, never
    half-written). Nothing for a what-if branch. KeyError if the store has no such
    timeline."""
    every = EVERY if every is None else every
    partial = PARTIAL if partial is None else partial
    if every < 1 or partial < 0:
        raise ValueError("snapshots need an interval of at least one step")
    assert app.snapshots is not None, "the application keeps snapshots"
    ident = negotiation_id(name)
    started = app.recorder.select_events(ident, lte=1)
    if not started:
        raise KeyError(name)
    opened: Any = app.mapper.to_domain_event(started[0])
    count = fastread.stored_count(app, name)
    if opened.base is not None:  # a what-if branch: it reads its base's statements
        fork = opened.fork_step or 0
        return Taken(name, fork + count, base=opened.base, fork_step=fork)
    kept = _kept(app, ident, count)
    valid = [step for step, rules in kept.items() if rules == state_codec.RULES]
    stale = {step for step, rules in kept.items() if rules != state_codec.RULES}
    due = _due(valid, count, every, partial) | stale
    if not due:
        return Taken(name, count)
    state = _start(app, ident, [s for s in valid if s < min(due)], opened.header, stale)
    due |= stale  # the start read may have found one more
    state_delta.track(state)
    base = state_delta.mark(state)
    written: list[int] = []
    replaced: list[int] = []
    apply = fold.apply
    statements: Iterator[Any] = fastread.statements(app, name, after=state.step)
    for target in sorted(due):
        with collector.paused():
            for _ in range(target - state.step):
                apply(state, next(statements))
        full = target % every == 0 or target == count - 1 or not partial
        snapshot = Negotiation.Snapshot.of(ident, target + 1, opened.name, opened.title,
                                           opened.header, state,
                                           since=None if full else base)
        if full:
            base = state_delta.mark(state)
        try:
            if target in stale:
                snapshot_store.replace(app, app.mapper.to_stored_event(snapshot))
                replaced.append(target)
            else:
                app.snapshots.put([snapshot])
        except IntegrityError:  # a concurrent take stored this one first
            continue
        written.append(target)
    return Taken(name, count, tuple(written), tuple(replaced))


def _start(app: Application[Any], ident: UUID, before: list[int], header: Header,
           stale: set[int]) -> State:
    """The state to fold on from: the latest of the valid full snapshots at steps
    `before` (the partial snapshots written from it hold the changes since), else the
    empty state. One that decodes as stale after all joins `stale`."""
    with collector.paused():
        for step in sorted(before, reverse=True):
            snapshot = _snapshot(app, ident, step + 1)
            if snapshot is None or state_delta.partial_of(snapshot.state["fold"]) is not None:
                continue
            try:
                return state_codec.decode(snapshot.state["fold"], header)
            except state_codec.StaleSnapshot:
                stale.add(step)
    return State.empty(header)
