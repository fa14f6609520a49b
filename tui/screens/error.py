"""The error screen: what is wrong with the input files, located, instead of a traceback."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from events.errors import Problem


class ErrorScreen(ModalScreen[None]):
    """Lists every located problem; `q` quits. Modal and opaque, so that its footer shows
    only its own keys (Textual stops the binding chain at a modal screen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "app.quit", "Quit", id="error_quit"),
    ]
    DEFAULT_CSS = """
    ErrorScreen { background: $background; }
    ErrorScreen #error-title { color: $error; text-style: bold; padding: 1 2 0 2; }
    ErrorScreen #error-list { padding: 1 2; }
    """

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        count = len(self.problems)
        yield Static(f"The input cannot be opened: {count} problem{'s' * (count != 1)}",
                     id="error-title")
        with VerticalScroll(id="error-list"):
            yield Static("\n".join(str(p) for p in self.problems), markup=False)
        yield Footer()
