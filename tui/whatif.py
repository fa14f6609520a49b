"""The live what-if: events dropped, replaced and added in place, and its overlay file.

Kept apart from the widgets so the rules (which rows exist, which are applied, how the
overlay file is written) are plain code with plain tests.
"""

from __future__ import annotations

import bisect
import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from events.catalogue import Event
from events.errors import Problem
from events.references import check_events
from events.timeline import Timeline, in_timeline_order
from events.yamldoc import parse_yaml

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EDIT_FILE = "(edited event)"


@dataclass
class LiveOverlay:
    """Changes an analyst made in place to `base` (a scenario or overlay timeline)."""

    base: Timeline
    dropped: set[str] = field(default_factory=set)
    replaced: dict[str, Event] = field(default_factory=dict)
    added: list[Event] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True while nothing has been changed."""
        return not (self.dropped or self.replaced or self.added)

    def rows(self) -> Sequence[Event]:
        """Every event the timeline view lists (dropped ones too), in timeline order."""
        if self.empty:
            return self.base.events
        events = [self.replaced.get(e.id, e) for e in self.base.events]
        return in_timeline_order([*events, *self.added])

    def timeline(self, rows: Sequence[Event] | None = None) -> Timeline:
        """The variant: the rows without the dropped events."""
        if self.empty:
            return self.base
        rows = self.rows() if rows is None else rows
        events = tuple(e for e in rows if e.id not in self.dropped)
        return dataclasses.replace(self.base, name=f"{self.base.name}-whatif",
                                   title=f"{self.base.title} (what-if)", events=events,
                                   expectations=(), base=self.base)

    def toggle(self, event_id: str) -> None:
        """Drop an event, or restore it if dropped (an added event is removed instead)."""
        if any(e.id == event_id for e in self.added):
            self.added = [e for e in self.added if e.id != event_id]
        elif event_id in self.dropped:
            self.dropped.discard(event_id)
        else:
            self.dropped.add(event_id)

    def problems(self) -> list[Problem]:
        """What is wrong with the variant (e.g. a dropped event that others target)."""
        base = self.base

        def locate(event_id: str, fld: str, message: str) -> Problem:
            return Problem(base.file, None, None, f"{event_id}.{fld}" if fld else event_id,
                           message)

        return check_events(base.header, self.timeline().events, locate)

    def put(self, original_id: str | None, event: Event) -> None:
        """Store an edited (original_id given) or a new event."""
        if original_id is not None and any(e.id == original_id for e in self.added):
            self.added = [event if e.id == original_id else e for e in self.added]
        elif original_id is not None:
            self.replaced[original_id] = event
        else:
            self.added.append(event)

    def overlay_yaml(self, path: Path, overlay_id: str, title: str) -> str:
        """The overlay file (DESIGN.md format) for these changes, to be written at `path`."""
        base = os.path.relpath(Path(self.base.file).resolve(), path.resolve().parent)
        data: dict[str, Any] = {
            "format": "accord/1",
            "overlay": {"id": overlay_id, "title": title},
            "base": Path(base).as_posix(),
        }
        if self.dropped:
            data["drop"] = sorted(self.dropped)
        if self.replaced:
            data["replace"] = [event_data(e) for e in self.replaced.values()]
        if self.added:
            data["add"] = [event_data(e) for e in self.added]
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def event_data(event: Event) -> dict[str, Any]:
    """An event as it would be written in a file (defaults left out)."""
    data: dict[str, Any] = event.model_dump(mode="json", exclude_defaults=True)
    data["type"] = event.type
    order = ["id", "at", "type", "party", "speaker"]
    keys = [*order, *(k for k in data if k not in order)]
    return {k: data[k] for k in keys if k in data}


def event_yaml(event: Event) -> str:
    """An event as YAML text for the edit form."""
    return yaml.safe_dump(event_data(event), sort_keys=False, allow_unicode=True, width=100)


def parse_event(text: str, live: LiveOverlay, original_id: str | None
                ) -> tuple[Event | None, list[Problem]]:
    """Validate an edited event as a file would be: its shape, then its references against
    the rest of the live timeline. Returns the event, or the located problems."""
    from events.errors import InputError

    try:
        doc = parse_yaml(text, EDIT_FILE)
    except InputError as exc:
        return None, exc.problems
    if not isinstance(doc.data, dict):
        return None, [doc.problem((), "expected a mapping with the event's fields")]
    try:
        event = EVENT_ADAPTER.validate_python(doc.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = tuple(p for p in err["loc"] if p not in _TYPE_NAMES)
            problems.append(doc.problem(path, str(err["msg"]).removeprefix("Value error, ")))
        return None, problems
    rows = [e for e in live.rows() if e.id != original_id]
    if event.id in {e.id for e in rows}:
        return None, [doc.problem(("id",), f"duplicate event id {event.id!r}")]
    events = in_timeline_order([*rows, event])
    events = [e for e in events if e.id not in live.dropped]

    def locate(event_id: str, fld: str, message: str) -> Problem:
        if event_id == event.id:
            return doc.problem(tuple(fld.split(".")) if fld else (), message)
        return Problem(live.base.file, None, None, f"{event_id}.{fld}", message)

    problems = check_events(live.base.header, events, locate)
    return (None, problems) if problems else (event, [])


_TYPE_NAMES = frozenset({"proposal", "acceptance", "rejection", "claim", "pledge", "report",
                         "retraction"})


def replay_step(row: int, dropped_rows: Sequence[int]) -> int:
    """The replay step shown when the cursor is on `row` (0-based; -1 = before the first):
    the rows up to it that are applied."""
    return row + 1 - bisect.bisect_right(dropped_rows, row)
