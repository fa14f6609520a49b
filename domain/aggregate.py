"""The Negotiation aggregate: a timeline recorded as eventsourcing events.

Its state is the fold state of `domain.fold`; the only way to change it is to record an
event. Aggregate version v holds the state after step v - 1 (version 1 is `Started`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import (
    BaseAggregate,
    CanInitAggregate,
    CanMutateAggregate,
    CanSnapshotAggregate,
)
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel, ConfigDict

from domain import fold, state_codec, state_delta
from domain.state import State
from events.catalogue import Event as Statement
from events.scenario import Header


def negotiation_id(name: str) -> UUID:
    """The aggregate id of the timeline called `name` (a negotiation or overlay id)."""
    return uuid5(NAMESPACE_URL, f"accord:timeline:{name}")


class DomainEvent(BaseModel):
    """Base of the aggregate's stored events (immutable pydantic models)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    originator_id: UUID
    originator_version: int
    timestamp: datetime


class Negotiation(BaseAggregate[UUID]):
    """A negotiation timeline (or a what-if branch of one), event by event."""

    class Event(DomainEvent, CanMutateAggregate[UUID]):
        """An event of this aggregate."""

    class Started(Event, CanInitAggregate[UUID]):
        """The timeline is opened: its parties, issues, sources; for a branch, where it forks."""

        originator_topic: str
        name: str
        title: str
        header: Header
        base: str | None = None
        fork_step: int | None = None

        def apply(self, aggregate: Any) -> None:
            """Open the fold with every cell unknown."""
            aggregate.name = self.name
            aggregate.title = self.title
            aggregate.header = self.header
            aggregate.base = self.base
            aggregate.fork_step = self.fork_step
            aggregate.state = State.empty(self.header)

    class Recorded(Event):
        """One reported statement joins the timeline."""

        statement: Statement

        def apply(self, aggregate: Any) -> None:
            """Fold the statement into the state."""
            fold.apply(aggregate.state, self.statement)

    class Snapshot(DomainEvent, CanSnapshotAggregate[UUID]):
        """The aggregate after some step, kept in the store's snapshot table: reading the
        timeline at a later step starts from it (`domain.snapshots`)."""

        topic: str
        #: name, title, header, base, fork_step, and the fold state (`domain.state_codec`)
        state: dict[str, Any]
        #: fields already JSON-ready (`domain.persistence.PydanticMapper` skips dumping them)
        json_ready: ClassVar[tuple[str, ...]] = ("state",)

        @classmethod
        def take(cls, aggregate: Any) -> Negotiation.Snapshot:
            """A snapshot of `aggregate` (a Negotiation) as it stands."""
            return cls.of(aggregate.id, aggregate.version, aggregate.name, aggregate.title,
                          aggregate.header, aggregate.state, aggregate.base,
                          aggregate.fork_step, type(aggregate))

        @classmethod
        def of(cls, originator_id: UUID, version: int, name: str, title: str,
               header: Header, state: State, base: str | None = None,
               fork_step: int | None = None, kind: type[Any] | None = None,
               since: state_delta.Base | None = None) -> Negotiation.Snapshot:
            """The snapshot of timeline `name` (an aggregate of class `kind`, by default
            a Negotiation) at aggregate `version`, whose fold state is `state`: full, or
            partial with what changed `since` a full one (`domain.state_delta`)."""
            return cls(
                originator_id=originator_id,
                originator_version=version,
                timestamp=cls.create_timestamp(),
                topic=get_topic(kind or Negotiation),
                state={"name": name, "title": title,
                       "header": header.model_dump(mode="json", exclude_none=True),
                       "base": base, "fork_step": fork_step,
                       "fold": state_codec.encode(state) if since is None
                       else state_delta.encode(state, since)},
            )

        def mutate(self, _: None) -> Negotiation:
            """The aggregate this snapshot was taken of (a partial snapshot: with the data
            of its full one as `base_fold`, which the application's snapshot store
            adds). Raises `StaleSnapshot` when the fold rules changed since, or a partial
            snapshot comes without its full one (the caller folds from the statements
            instead)."""
            data = self.state
            header = Header.model_validate(data["header"])
            aggregate: Negotiation = object.__new__(resolve_topic(self.topic))
            object.__setattr__(aggregate, "__dict__", {
                "_id": self.originator_id, "_version": self.originator_version,
                "_pending_events": [], "name": data["name"], "title": data["title"],
                "header": header, "base": data.get("base"),
                "fork_step": data.get("fork_step"),
                "state": state_delta.decode(data["fold"], data.get("base_fold"), header)})
            return aggregate

    if TYPE_CHECKING:  # set by Started.apply; not dataclass fields of the aggregate
        name: str
        title: str
        header: Header
        base: str | None
        fork_step: int | None
        state: State

    @classmethod
    def start(
        cls, name: str, title: str, header: Header, base: str | None = None,
        fork_step: int | None = None,
    ) -> Negotiation:
        """Open a new timeline called `name`."""
        return cls._create(
            cls.Started,
            id=negotiation_id(name),
            name=name,
            title=title,
            header=header.bare(),
            base=base,
            fork_step=fork_step,
        )

    def record(self, statement: Statement) -> None:
        """Append one statement to the timeline."""
        self.trigger_event(self.Recorded, statement=statement)

    @property
    def steps(self) -> int:
        """How many statements this aggregate has recorded."""
        return self.version - 1
