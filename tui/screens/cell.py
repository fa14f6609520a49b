"""Every event that shaped one matrix cell, with its quote and source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from events.catalogue import Event
from events.scenario import Header
from tui.components.detail import source_line, speaker_line
from tui.tables import summary


class CellEventsScreen(ModalScreen[None]):
    """The provenance of `party` × `issue`: its events, then the claims made about it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss", "Close", id="cell_close"),
    ]
    DEFAULT_CSS = """
    CellEventsScreen { align: center middle; }
    CellEventsScreen > VerticalScroll { width: 90%; max-height: 90%; background: $panel;
                                        border: round $accent; padding: 0 1; }
    """

    def __init__(self, header: Header, rows: Sequence[Event], state: dict[str, Any],
                 party: str, issue: str) -> None:
        super().__init__()
        self.header, self.rows, self.state = header, rows, state
        self.party, self.issue = party, issue

    def compose(self) -> ComposeResult:
        cell = self.state["positions"][self.party][self.issue]
        wanted = [*cell["events"], *(e for c in cell["claims"]
                                     for e in self.state["claims"][c]["events"])]
        by_id = {e.id: e for e in self.rows if e.id in set(wanted)}
        title = Text(f"{self.party} × {self.issue}: {len(by_id)} event(s) shaped this cell",
                     style="bold")
        parts = [title]
        for event_id in dict.fromkeys(wanted):
            event = by_id.get(event_id)
            if event is None:
                continue
            parts.append(Text(f"\n{event.at}  {event.id}  {event.type}: {summary(event)}",
                              style="bold cyan"))
            parts.append(Text(f"“{event.quote}”", style="italic"))
            parts.append(Text(f"— {speaker_line(self.header, event)}; "
                              f"{source_line(self.header, event)}", style="dim"))
        with VerticalScroll():
            yield Static(Text("\n").join(parts), id="cell-events")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
