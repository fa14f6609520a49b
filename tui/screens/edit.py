"""The event form: an event as YAML, validated as a file would be before it is accepted."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static, TextArea

from events.catalogue import Event
from tui.whatif import LiveOverlay, parse_event


class EventForm(ModalScreen[Event | None]):
    """Edit (or add) one event; `ctrl+s` applies it when valid, problems are listed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", id="form_apply"),
        Binding("escape", "cancel", "Cancel", id="form_cancel"),
    ]
    DEFAULT_CSS = """
    EventForm { align: center middle; }
    EventForm > Vertical { width: 90%; height: 90%; background: $panel;
                           border: round $accent; padding: 0 1; }
    EventForm TextArea { height: 1fr; }
    EventForm #form-problems { color: $error; height: auto; max-height: 8; }
    EventForm Horizontal { height: auto; }
    """

    def __init__(self, text: str, live: LiveOverlay, original_id: str | None) -> None:
        super().__init__()
        self.text, self.live, self.original_id = text, live, original_id

    def compose(self) -> ComposeResult:
        what = f"Edit {self.original_id}" if self.original_id else "Add an event"
        with Vertical():
            yield Label(f"{what} (YAML, as in a scenario file) — ctrl+s applies, esc cancels")
            yield TextArea(self.text, id="form-text")
            yield Static("", id="form-problems", markup=False)
            with Horizontal():
                yield Button("Apply", id="apply", variant="primary")
                yield Button("Cancel", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        else:
            self.action_cancel()

    def action_apply(self) -> None:
        """Validate; dismiss with the event, or list the problems."""
        event, problems = parse_event(self.query_one(TextArea).text, self.live, self.original_id)
        if event is None:
            self.query_one("#form-problems", Static).update(
                "\n".join(str(p) for p in problems))
            return
        self.dismiss(event)

    def action_cancel(self) -> None:
        self.dismiss(None)
