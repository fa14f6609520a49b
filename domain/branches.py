"""What-if branches in the store: an overlay recorded as an aggregate of its own.

A branch stores only the statements after its fork; the steps up to the fork are its
base's history, shared, not copied. Its state at step N <= fork is the base's; after the
fork it is the base's state at the fork with the branch's own statements folded on top.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from eventsourcing.application import AggregateNotFoundError

from domain import fold
from domain.aggregate import Negotiation, negotiation_id
from domain.diff import common_prefix
from domain.index import Entry
from events.catalogue import Event as Statement
from events.timeline import Timeline

if TYPE_CHECKING:
    from domain.application import Negotiations, Recorded


class Branch(Negotiation):
    """A what-if: its base's name, the step it forks after, and its own statements.

    Its recorded statements are kept, not folded: folding needs the base's state at the
    fork, which only the application can read (`state_at`)."""

    class Started(Negotiation.Started):
        """The branch is opened on its base."""

        def apply(self, aggregate: Any) -> None:
            """As for a timeline, plus an empty list of own statements."""
            super().apply(aggregate)
            aggregate.own = []

    class Recorded(Negotiation.Recorded):
        """One statement of the branch after its fork."""

        def apply(self, aggregate: Any) -> None:
            """Keep the statement; the application folds it onto the base's state."""
            aggregate.own.append(self.statement)

    if TYPE_CHECKING:
        own: list[Statement]

    @property
    def steps(self) -> int:
        """The shared steps up to the fork plus the branch's own."""
        return (self.fork_step or 0) + len(self.own)


def state_at(app: Negotiations, branch: Branch, step: int | None) -> Negotiation:
    """The branch after `step` statements (the end when None): the base's aggregate for a
    step up to the fork, else a copy of the branch holding the folded state."""
    from domain.application import StepOutOfRange

    fork = branch.fork_step or 0
    assert branch.base is not None
    step = branch.steps if step is None else step
    if not 0 <= step <= branch.steps:
        raise StepOutOfRange(f"step {step} is beyond the last step ({branch.steps})")
    if step <= fork:
        return app.negotiation(branch.base, step)
    state = app.negotiation(branch.base, fork).state.copy()
    for statement in branch.own[: step - fork]:
        fold.apply(state, statement)
    view = copy.copy(branch)
    view.state = state
    return view


def statements(app: Negotiations, branch: Branch, upto: int | None) -> Iterator[Statement]:
    """The branch's statements in order: the base's up to the fork, then its own."""
    fork = branch.fork_step or 0
    assert branch.base is not None
    stop = branch.steps if upto is None else upto
    yield from app.statements(branch.base, min(fork, stop))
    yield from branch.own[: max(0, stop - fork)]


def stored_branch(app: Negotiations, name: str) -> Branch | None:
    """The branch called `name`, or None if `name` is a stored negotiation (one read of
    its first event, so that plain timelines are not replayed for nothing); KeyError if
    nothing is stored under `name`."""
    if not isinstance(app.opened(name), Branch.Started):
        return None
    branch: Branch = app.repository.get(negotiation_id(name))
    return branch


def record_branch(app: Negotiations, timeline: Timeline) -> Recorded:
    """Record an overlay's timeline as a branch of its base (recording the base first).

    The fork is the number of leading statements the overlay shares with its base."""
    from domain.application import Recorded

    base = timeline.base
    assert base is not None
    app.record(base)
    fork = common_prefix(base.events, timeline.events)
    try:
        stored: Negotiation = app.repository.get(negotiation_id(timeline.name))
    except AggregateNotFoundError:
        branch = Branch.start(timeline.name, timeline.title, timeline.header, base=base.name,
                              fork_step=fork)
        for statement in timeline.events[fork:]:
            branch.record(statement)
        index = app.index()
        index.list(Entry(name=timeline.name, title=timeline.title, base=base.name,
                         fork_step=fork))
        app.save(branch, index)
        return Recorded(timeline.name, fork, len(timeline.events) - fork)
    _check_branch(timeline, stored, fork)
    assert isinstance(stored, Branch)
    already = stored.steps
    for statement in timeline.events[already:]:
        stored.record(statement)
    app.save(stored)
    return Recorded(timeline.name, already, len(timeline.events) - already)


def _check_branch(timeline: Timeline, stored: Negotiation, fork: int) -> None:
    """The stored branch must be a prefix of this one: same base, fork, header, statements."""
    from domain.application import StoreConflict, difference

    where = f"{timeline.file}: {timeline.name!r}"
    assert timeline.base is not None
    if not isinstance(stored, Branch) or stored.base != timeline.base.name:
        stored_as = f"a branch of {stored.base!r}" if stored.base else "a timeline of its own"
        raise StoreConflict(f"{where} is stored as {stored_as}, not as a branch of "
                            f"{timeline.base.name!r}; record the what-if under a new id")
    if timeline.header.bare() != stored.header:
        raise StoreConflict(f"{where}: the parties, issues or sources differ from the stored "
                            "ones; the store is append-only")
    stored_fork = stored.fork_step or 0
    if fork < stored_fork:
        raise StoreConflict(f"{where} leaves its base after step {fork}, the stored branch "
                            f"after step {stored_fork}; stored history is never rewritten: "
                            "record the what-if under a new id")
    if stored.steps > timeline.steps:
        raise StoreConflict(f"{where}: the store holds {stored.steps} steps, the file only "
                            f"{timeline.steps}; stored history is never rewritten")
    for step, old in enumerate(stored.own, start=stored_fork + 1):
        new = timeline.events[step - 1]
        if old != new:
            raise StoreConflict(f"{where}: step {step} differs from the stored branch "
                                f"({difference(old, new)}); the store is append-only: "
                                "record the what-if under a new id")
