"""The store's index of timelines: one small aggregate that lists every timeline recorded.

The eventsourcing library has no "list all aggregates"; scanning every stored event would
cost O(events). This aggregate is saved atomically with each new timeline instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate
from pydantic import BaseModel, ConfigDict

INDEX_ID = uuid5(NAMESPACE_URL, "accord:index")


class IndexEvent(BaseModel):
    """Base of the index's stored events."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    originator_id: UUID
    originator_version: int
    timestamp: datetime


class Entry(BaseModel):
    """One timeline in the store: a negotiation, or a branch of one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    base: str | None = None
    fork_step: int | None = None


class TimelineIndex(BaseAggregate[UUID]):
    """Every timeline the store holds, in the order they were first recorded."""

    class Event(IndexEvent, CanMutateAggregate[UUID]):
        """An event of the index."""

    class Opened(Event, CanInitAggregate[UUID]):
        """The index is created with the store's first timeline."""

        originator_topic: str

        def apply(self, aggregate: Any) -> None:
            """Start with no entries."""
            aggregate.entries = []

    class Listed(Event):
        """A timeline joins the store."""

        entry: Entry

        def apply(self, aggregate: Any) -> None:
            """Add the entry."""
            aggregate.entries.append(self.entry)

    if TYPE_CHECKING:
        entries: list[Entry]

    @classmethod
    def open(cls) -> TimelineIndex:
        """A new, empty index."""
        return cls._create(cls.Opened, id=INDEX_ID)

    def list(self, entry: Entry) -> None:
        """Add a timeline to the index."""
        self.trigger_event(self.Listed, entry=entry)
