"""Stored snapshots of a timeline's fold state: a far step read without folding from 0.

The eventsourcing library keeps them in the store's snapshot table (`Application.snapshots`,
one `Negotiation.Snapshot` per snapshotted version) and starts `repository.get` from the
nearest one. `take` writes them for a stored timeline, every `EVERY` statements and at its
last one, folding with the fast path (`domain.fastread`) from the latest snapshot already
written; `nearest` reads the one nearest at or before a step, on the containers of a
`domain.replay.Replay`, so a viewer folds only what lies after it.

Snapshots are derived data, written after the statements (`accord record` does it; an
append never waits for them). One folded by other rules than the running code's is
ignored (`domain.state_codec.RULES`): reading folds from the statements instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from domain import collector, fastread, fold, state_codec
from domain.aggregate import Negotiation, negotiation_id
from domain.state import State
from events.scenario import Header

#: Statements between stored snapshots. A far step reads the nearest snapshot (its cost
#: grows with the step: ~50 bytes of JSON per statement folded into it, 51 MB and 3-4 s
#: at 10^6 on the reference machine) and folds at most this many statements after it
#: (~40,000 a second in the viewer's worker): every 100,000 bounds that fold to ~2.5 s,
#: for ~280 MB of snapshots at 10^6 statements (every 200,000: ~5 s, ~150 MB).
#: docs/benchmark.md has the figures.
EVERY = 100_000


def _stored(app: Application[Any], name: str, step: int) -> Negotiation.Snapshot | None:
    """The stored snapshot of timeline `name` nearest at or before `step`, if any."""
    assert app.snapshots is not None, "the application keeps snapshots"
    found = list(app.snapshots.get(negotiation_id(name), desc=True, limit=1, lte=step + 1))
    return found[0] if found else None  # type: ignore[return-value]


def nearest(app: Application[Any], name: str, step: int, header: Header,
            persistent: bool = True) -> State | None:
    """The fold state of timeline `name` from the stored snapshot nearest at or before
    `step` (None when there is none, or only one folded by other rules)."""
    with collector.paused():  # ~10^6 new objects at 10^6 steps
        snapshot = _stored(app, name, step)
        if snapshot is None:
            return None
        try:
            return state_codec.decode(snapshot.state["fold"], header, persistent)
        except state_codec.StaleSnapshot:
            return None


def take(app: Application[Any], name: str, every: int = EVERY) -> list[int]:
    """Store snapshots of timeline `name` at every `every` steps and at its last step,
    those after the latest snapshot already stored (of the running rules). Returns the
    steps written (none for a what-if branch). KeyError if the store has no such
    timeline."""
    if every < 1:
        raise ValueError("snapshots need an interval of at least one step")
    assert app.snapshots is not None, "the application keeps snapshots"
    started = app.recorder.select_events(negotiation_id(name), lte=1)
    if not started:
        raise KeyError(name)
    opened: Any = app.mapper.to_domain_event(started[0])
    if opened.base is not None:  # a what-if branch: it reads its base's statements
        return []
    count = fastread.stored_count(app, name)
    with collector.paused():
        latest = _stored(app, name, count)
    state = None
    if latest is not None:
        try:
            state = state_codec.decode(latest.state["fold"], opened.header)
        except state_codec.StaleSnapshot:
            state = None
    if state is None:
        state = State.empty(opened.header)
    elif state.step == count:
        return []
    written: list[int] = []
    apply = fold.apply
    statements: Iterator[Any] = fastread.statements(app, name, after=state.step)
    while state.step < count:
        stop = min(count, (state.step // every + 1) * every)
        with collector.paused():
            for _ in range(stop - state.step):
                apply(state, next(statements))
        snapshot = Negotiation.Snapshot.of(opened.originator_id, state.step + 1, opened.name,
                                           opened.title, opened.header, state)
        try:
            app.snapshots.put([snapshot])
        except IntegrityError:  # one folded by other rules holds this step: it stays
            continue
        written.append(state.step)
    return written
