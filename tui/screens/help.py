"""The help screen: every key, from the live bindings (so remapped keys show as remapped)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

PANELS = """\
Panels: the timeline (one row per event; ✗ dropped, + added, ~ edited in the what-if;
a letter is a mark), the positions matrix (• the current event shaped the cell, ⚑ a
contested claim; colour runs from one pole of the issue to the other), the event detail,
claims and pledges, and the gap between the principals over time (▲ the current step)."""


class HelpScreen(ModalScreen[None]):
    """Keys and what they do."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help_close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-height: 90%; background: $panel;
                                  border: round $accent; padding: 0 1; }
    """

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(title="accord — keys", expand=True, show_edge=False)
        table.add_column("key", style="bold cyan", no_wrap=True)
        table.add_column("does")
        table.add_column("binding id", style="dim")
        for row in self.rows:
            table.add_row(*row)
        with VerticalScroll():
            yield Static(table)
            yield Static(PANELS)
            yield Static("Remap keys in $ACCORD_KEYMAP or ~/.config/accord/keys.toml "
                         "(see docs/tui.md). Esc closes.")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
