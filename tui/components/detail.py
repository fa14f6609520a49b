"""The event detail panel: the quote, who said it, where it was reported, what it changed."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from domain.changes import json_changes
from events.catalogue import Event
from events.scenario import Header
from tui.components.lines import LinePanel, TextLines
from tui.components.sizing import sized_by_content
from tui.tables import summary

#: Changed paths listed: when a stance moves at 10^6 steps, thousands of claims about the
#: cell can change `contested`, and wrapping them all took ~200 ms a repaint.
CHANGES_SHOWN = 24


def changed_paths(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Dotted paths of the JSON state whose value an event changed (in state order). The
    app computes the same from the fold states with `domain.changes.step_changes`."""
    return json_changes(before, after)


def speaker_line(header: Header, event: Event) -> str:
    """"Name, role (Party)" for the event's speaker, or the party's name."""
    for party in header.parties:
        if party.id != event.party:
            continue
        for speaker in party.speakers:
            if speaker.id == event.speaker:
                role = f", {speaker.role}" if speaker.role else ""
                return f"{speaker.name}{role} ({party.name})"
        return party.name
    return event.party


def source_line(header: Header, event: Event) -> str:
    """Outlet, date, reliability and credibility grades (Admiralty), or "no source"."""
    grade = f"credibility {event.credibility}" if event.credibility else "no credibility grade"
    for source in header.sources:
        if source.id == event.source:
            parts = [source.outlet or source.id, source.date or ""]
            title = f" — “{source.title}”" if source.title else ""
            code = f"{source.reliability}{event.credibility or ''}"
            return (f"{', '.join(p for p in parts if p)}{title}; reliability "
                    f"{source.reliability}, {grade} ({code})")
    return f"no source; {grade}"


def event_detail(header: Header, event: Event | None, changes: list[str] | None,
                 status: str = "", total: int = 0) -> TextLines:
    """The panel's content for the current event (None: before the first), a line of it
    each: the title, the quote, the speaker, the source, the summary (and note), what
    changed. `changes` None: not known yet (the state before the step is still being
    read). `total`: how many paths changed, when `changes` lists only the first of them
    (`domain.changes.brief_changes`)."""
    if event is None:
        return TextLines([Text("Before the first event. Press j or ↓ to step.",
                               style="dim")])
    title = Text(f"{event.id}  ", style="bold")
    title.append(f"{event.type} · {event.at}", style="cyan")
    if status:
        title.append(f"  [{status}]", style="bold red")
    quote = Text(f"“{event.quote}”" if event.quote else "(no quote)", style="italic")
    who = Text(f"— {speaker_line(header, event)}")
    source = Text(source_line(header, event), style="dim")
    lines = [title, quote, who, source, Text(summary(event))]
    if event.note:
        lines.append(Text(f"note: {event.note}", style="dim"))
    changed = Text("changed: ", style="bold")
    lines.append(changed)
    if changes is None:
        changed.append("not known yet: the state before this step is not folded yet",
                       style="dim")
        return TextLines(lines)
    shown = changes[:CHANGES_SHOWN]
    changed.append(", ".join(shown) if changes else "nothing in the state",
                   style="green" if changes else "dim")
    count = max(total, len(changes))
    if count > len(shown):
        changed.append(f" … and {count - len(shown):,} more", style="dim")
    return TextLines(lines)


class EventDetail(LinePanel):
    """Shows `event_detail` for the current step."""

    def show(self, header: Header, event: Event | None, changes: list[str] | None,
             status: str = "", total: int = 0) -> None:
        """Render the detail of `event` (`total`: as `event_detail`)."""
        self.update(event_detail(header, event, changes, status, total),
                    layout=sized_by_content(self))
