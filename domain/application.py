"""The application service: record timelines into a store and read their state at any step."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.persistence import EventStore
from eventsourcing.utils import get_topic

from domain import branches, fastread, snapshot_store, state_delta
from domain.aggregate import Negotiation, negotiation_id
from domain.index import INDEX_ID, Entry, TimelineIndex
from domain.persistence import OrjsonTranscoder, PydanticMapper
from domain.state_codec import StaleSnapshot
from domain.state_json import state_json
from events.catalogue import Event as Statement
from events.timeline import Timeline


class StoreConflict(Exception):
    """The store holds a history that the given timeline contradicts; nothing was written."""


class StepOutOfRange(ValueError):
    """A step or event id that the timeline does not have."""


@dataclass(frozen=True)
class Recorded:
    """What `record` did: how many statements were already stored and how many it appended."""

    name: str
    already: int
    appended: int

    @property
    def total(self) -> int:
        """Statements stored now."""
        return self.already + self.appended


class Negotiations(Application[UUID]):
    """Timelines in an event store (in memory, SQLite or PostgreSQL).

    The store is append-only: recording a timeline whose stored statements are a prefix
    appends the rest; one that contradicts the stored history is refused.
    """

    name = "accord"
    #: a snapshot table next to the events (`domain.snapshots` writes it)
    is_snapshotting_enabled = True
    env: ClassVar[dict[str, str]] = {
        "TRANSCODER_TOPIC": get_topic(OrjsonTranscoder),
        "MAPPER_TOPIC": get_topic(PydanticMapper),
    }

    def construct_repository(self) -> Repository[UUID]:
        """The library's repository, reading past a snapshot of other fold rules and
        reading a partial snapshot with its full one (`_Snapshots`)."""
        assert self.snapshots is not None
        return _Repository(event_store=self.events,
                           snapshot_store=_Snapshots(self.snapshots.mapper,
                                                     self.snapshots.recorder))

    def record(self, timeline: Timeline) -> Recorded:
        """Store `timeline` (append-only; an overlay as a branch of its base). Raises
        StoreConflict if it contradicts the store."""
        if timeline.base is not None:  # a what-if: a branch of its base
            return branches.record_branch(self, timeline)
        try:
            aggregate: Negotiation = self.repository.get(negotiation_id(timeline.name))
        except AggregateNotFoundError:
            aggregate = Negotiation.start(timeline.name, timeline.title, timeline.header)
            index = self.index()
            index.list(Entry(name=timeline.name, title=timeline.title))
            # one transaction, batch by batch (not a million pending aggregate events)
            fastread.append(self, timeline.name, aggregate.version, timeline.events,
                            opening=[*aggregate.collect_events(), *index.collect_events()])
            return Recorded(timeline.name, 0, len(timeline.events))
        stored = list(self.statements(timeline.name))
        _check_prefix(timeline, aggregate, stored)
        fastread.append(self, timeline.name, aggregate.version, timeline.events[len(stored):])
        return Recorded(timeline.name, len(stored), len(timeline.events) - len(stored))

    def index(self) -> TimelineIndex:
        """The store's index of timelines (a new, unsaved one if the store is empty)."""
        try:
            index: TimelineIndex = self.repository.get(INDEX_ID)
            return index
        except AggregateNotFoundError:
            return TimelineIndex.open()

    def timelines(self) -> list[tuple[Entry, int]]:
        """Every timeline in the store, with its number of steps (`steps`)."""
        return [(entry, self.steps(entry.name)) for entry in self.index().entries]

    def opened(self, name: str) -> Negotiation.Started:
        """The first stored event of timeline `name`: its name, title and header (a
        branch's: its base and fork too). KeyError if it is not stored."""
        first = next(iter(self.events.get(negotiation_id(name), lte=1)), None)
        if not isinstance(first, Negotiation.Started):
            raise KeyError(name)
        return first

    def steps(self, name: str) -> int:
        """How many statements timeline `name` holds (KeyError if it is not stored): a
        negotiation's from the version of its last stored event (its aggregate, read
        from its latest snapshot, took 1.5-2.6 s at 10^6 statements), a branch's from
        its aggregate (its own statements after the fork: it has no snapshots)."""
        branch = branches.stored_branch(self, name)
        return branch.steps if branch is not None else fastread.stored_count(self, name)

    def statements(self, name: str, upto: int | None = None) -> Iterator[Statement]:
        """The stored statements of timeline `name`, in order (the first `upto` only):
        a negotiation's read by the fast reader (`domain.fastread`: the library's path
        validates each, ~30 s for 10^6)."""
        branch = branches.stored_branch(self, name)
        if branch is not None:
            yield from branches.statements(self, branch, upto)
            return
        yield from fastread.statements(self, name, upto=upto)

    def negotiation(self, name: str, step: int | None = None) -> Negotiation:
        """The aggregate of timeline `name` after `step` statements (the end when None):
        read from the stored snapshot nearest at or before the step (the library's
        repository), with no read of the latest one first."""
        branch = branches.stored_branch(self, name)
        if branch is not None:
            return branches.state_at(self, branch, step)
        steps = fastread.stored_count(self, name)
        step = steps if step is None else step
        if not 0 <= step <= steps:
            raise StepOutOfRange(f"step {step} is beyond the last step ({steps})")
        aggregate: Negotiation = self.repository.get(negotiation_id(name), version=step + 1)
        return aggregate

    def state(self, name: str, step: int | None = None, at: str | None = None) -> dict[str, Any]:
        """The JSON state of timeline `name` after `step` statements, or after event `at`."""
        steps = self.steps(name)
        if at is not None:
            step = self.step_of(name, at)
        return state_json(self.negotiation(name, step).state, steps)

    def step_of(self, name: str, event_id: str) -> int:
        """The step after which event `event_id` has been applied."""
        for step, statement in enumerate(self.statements(name), start=1):
            if statement.id == event_id:
                return step
        raise StepOutOfRange(f"no event {event_id!r} in timeline {name!r}")


class _Snapshots(EventStore[UUID]):
    """The snapshot table as the repository reads it: a partial snapshot
    (`domain.state_delta`) comes with the data of the full one it holds changes since,
    as `base_fold` in its state (`Negotiation.Snapshot.mutate` reads both). Rows are
    read as `snapshot_store.select_events` reads them (on SQLite, without a seek)."""

    def get(self, originator_id: UUID, *, gt: int | None = None, lte: int | None = None,
            desc: bool = False, limit: int | None = None) -> Iterator[Any]:
        for snapshot in self._rows(originator_id, gt=gt, lte=lte, desc=desc, limit=limit):
            data = snapshot.state.get("fold")
            base = state_delta.partial_of(data) if isinstance(data, dict) else None
            if base:  # (step 0: the empty state)
                found = list(self._rows(originator_id, gt=base, lte=base + 1))
                snapshot.state["base_fold"] = (
                    found[0].state.get("fold") if found else None)
            yield snapshot

    def _rows(self, originator_id: UUID, **kwargs: Any) -> Iterator[Any]:
        return map(self.mapper.to_domain_event,
                   snapshot_store.select_events(self.recorder, originator_id, **kwargs))


class _Repository(Repository[UUID]):
    """Starts from the nearest snapshot, as the library does; when that snapshot was
    folded by other rules (`StaleSnapshot`), folds the stored events from the start."""

    def get(self, aggregate_id: UUID, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().get(aggregate_id, *args, **kwargs)
        except StaleSnapshot:
            plain: Repository[UUID] = Repository(event_store=self.event_store)
            return plain.get(aggregate_id, *args, **kwargs)


def _check_prefix(timeline: Timeline, aggregate: Negotiation, stored: list[Statement]) -> None:
    if timeline.header.bare() != aggregate.header:
        raise StoreConflict(
            f"{timeline.file}: the parties, issues or sources of {timeline.name!r} differ from "
            "the stored ones; the store is append-only: record the change under a new "
            "negotiation id or as a what-if branch"
        )
    if len(stored) > len(timeline.events):
        raise StoreConflict(
            f"{timeline.file}: the store holds {len(stored)} events of {timeline.name!r}, the "
            f"file only {len(timeline.events)}; stored history is never rewritten"
        )
    for step, (old, new) in enumerate(zip(stored, timeline.events, strict=False), start=1):
        if old != new:
            raise StoreConflict(
                f"{timeline.file}: step {step} differs from the stored history of "
                f"{timeline.name!r} ({difference(old, new)}); the store is "
                "append-only: add a correcting event after the stored ones, or record a branch"
            )


def difference(old: Statement, new: Statement) -> str:
    """What differs between a stored statement and the file's, in a few words."""
    if old.id != new.id:
        return f"stored {old.id!r}, file {new.id!r}"
    before, after = old.model_dump(), new.model_dump()
    fields = [k for k in sorted(before.keys() | after.keys()) if before.get(k) != after.get(k)]
    shown = "; ".join(f"{k}: stored {before.get(k)!r}, file {after.get(k)!r}" for k in fields)
    return f"event {old.id!r} changed: {shown}"
