"""A validated negotiation as an ordered timeline: what the domain folds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from events.catalogue import Event, when_key
from events.errors import Problem
from events.scenario import Expectation, Header

#: Locates a field of an event for an error message: (event id, field) → Problem factory.
Locator = Callable[[str, str, str], Problem]


def in_timeline_order(events: Sequence[Event]) -> list[Event]:
    """Events sorted by `at` (a bare date is the start of that day); ties keep input order."""
    return sorted(events, key=lambda e: when_key(e.at))  # sorted() is stable


@dataclass(frozen=True)
class Timeline:
    """A negotiation ready to fold: its header and its events in timeline order.

    `name` is the scenario's negotiation id, or the overlay's id for an overlay;
    `base` is the timeline an overlay stands on (None for a scenario).
    """

    name: str
    title: str
    file: str
    header: Header
    #: a tuple, or a sequence that reads a stored timeline page by page
    events: Sequence[Event]
    expectations: tuple[Expectation, ...] = ()
    base: Timeline | None = None
    locate: Locator | None = field(default=None, compare=False, repr=False)

    @property
    def steps(self) -> int:
        """Number of events (the last step)."""
        return len(self.events)

    def step_of(self, event_id: str) -> int:
        """The step (1-based) after which `event_id` has been applied; KeyError if absent."""
        for i, event in enumerate(self.events, start=1):
            if event.id == event_id:
                return i
        raise KeyError(event_id)
