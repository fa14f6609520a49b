"""Stored snapshots of a timeline's fold state: a far step read without folding from 0.

The eventsourcing library keeps them in the store's snapshot table (`Application.snapshots`,
one `Negotiation.Snapshot` per snapshotted version) and starts `repository.get` from the
nearest one. `take` writes them for a stored timeline, every `EVERY` statements and at the
step before its last (so a jump to the last step also knows what that step changed),
folding with the fast path (`domain.fastread`) from the latest snapshot already
written; `nearest` reads the one nearest at or before a step, on the containers of a
`domain.replay.Replay`, so a viewer folds only what lies after it.

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

from domain import collector, fastread, fold, snapshot_store, state_codec
from domain.aggregate import Negotiation, negotiation_id
from domain.state import State
from events.scenario import Header

#: Statements between stored snapshots. A far step reads the nearest snapshot (its cost
#: grows with the step: ~35 bytes of JSON per statement folded into it, 35 MB and ~1 s to
#: read and decode at 10^6 on a slow hour of the reference machine) and folds at most
#: this many statements after it (~40,000 a second in the viewer's worker): every
#: 100,000 bounds that fold to ~2.5 s, for ~190 MB of snapshots at 10^6 statements
#: (every 200,000: ~5 s, ~100 MB). docs/benchmark.md has the figures.
EVERY = 100_000


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
    found = list(app.snapshots.get(ident, gt=version - 1, lte=version))
    return found[0] if found else None  # type: ignore[return-value]


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
                    return state_codec.decode(data, header, persistent, pace)
                except state_codec.StaleSnapshot:
                    pass
            top = snapshot.originator_version - 1  # folded by other rules: an older one
    return None


def _due(valid: list[int], count: int, every: int) -> set[int]:
    """The steps after the last valid snapshot that want one: every `every` before the
    last step, and the step before the last (`count - 1`): a jump to the last step folds
    one statement from it and holds the state before that step, so what the step changed
    shows as soon as the state does (a snapshot at the last step itself left that to a
    second read and a fold of up to `every` statements: 7 s at 10^6)."""
    last = max(valid, default=0)
    tail = count - 1
    due = set(range((last // every + 1) * every, tail + 1, every))
    if tail > last:
        due.add(tail)
    return due


def take(app: Application[Any], name: str, every: int | None = None) -> Taken:
    """Store snapshots of timeline `name` every `every` steps (`EVERY` by default) and at
    the step before its last (`_due`), those after the latest snapshot already stored of
    the running rules, and replace every stored one folded by other rules (written anew
    at its step, each in one transaction: a failure leaves it stale, never half-written).
    Nothing for a what-if branch. KeyError if the store has no such timeline."""
    every = EVERY if every is None else every
    if every < 1:
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
    due = _due(valid, count, every) | stale
    if not due:
        return Taken(name, count)
    state = _start(app, ident, [s for s in valid if s < min(due)], opened.header, stale)
    due |= stale  # the start read may have found one more
    written: list[int] = []
    replaced: list[int] = []
    apply = fold.apply
    statements: Iterator[Any] = fastread.statements(app, name, after=state.step)
    for target in sorted(due):
        with collector.paused():
            for _ in range(target - state.step):
                apply(state, next(statements))
        snapshot = Negotiation.Snapshot.of(ident, target + 1, opened.name, opened.title,
                                           opened.header, state)
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
    """The state to fold on from: the latest of the valid snapshots at steps `before`,
    else the empty state. One that decodes as stale after all joins `stale`."""
    with collector.paused():
        for step in sorted(before, reverse=True):
            snapshot = _snapshot(app, ident, step + 1)
            if snapshot is None:
                continue
            try:
                return state_codec.decode(snapshot.state["fold"], header)
            except state_codec.StaleSnapshot:
                stale.add(step)
    return State.empty(header)
