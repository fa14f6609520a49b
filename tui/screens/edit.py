"""The event form: an event as YAML, validated as a file would be before it is accepted.

On a long timeline the form checks only what the event can be checked for alone (its YAML,
fields and types) and leaves the check against the whole variant to the app's worker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static, TextArea

from events.catalogue import Event
from events.errors import Problem
from tui.whatif import LiveOverlay, ReadEvent, parse_event, read_event


def problem_text(problems: Sequence[Problem]) -> str:
    """The problems as the form lists them: one a line."""
    return "\n".join(str(p) for p in problems)


class EventForm(ModalScreen[Event | ReadEvent | None]):
    """Edit (or add) one event; `ctrl+s` applies it when valid, problems are listed.

    With `defer` the form dismisses with the `ReadEvent` once it has the shape of an
    event: the caller checks it against the variant. `problems` are shown on opening (the
    caller's check found them)."""

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

    def __init__(self, text: str, live: LiveOverlay, original_id: str | None,
                 defer: bool = False, problems: str = "") -> None:
        super().__init__()
        self.text, self.live, self.original_id = text, live, original_id
        self.defer, self.problems = defer, problems

    def compose(self) -> ComposeResult:
        what = f"Edit {self.original_id}" if self.original_id else "Add an event"
        with Vertical():
            yield Label(f"{what} (YAML, as in a scenario file) — ctrl+s applies, esc cancels")
            yield TextArea(self.text, id="form-text")
            yield Static(self.problems, id="form-problems", markup=False)
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
        text = self.query_one(TextArea).text
        event: Event | ReadEvent | None
        if self.defer:
            event, problems = read_event(text)
        else:
            event, problems = parse_event(text, self.live, self.original_id)
        if event is None:
            self.query_one("#form-problems", Static).update(problem_text(problems))
            return
        self.dismiss(event)

    def action_cancel(self) -> None:
        self.dismiss(None)
