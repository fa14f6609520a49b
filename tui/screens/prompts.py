"""Small modal prompts: a line of text (search, file name), and a single letter (marks)."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label


class TextPrompt(ModalScreen[str | None]):
    """Asks for one line; Enter answers, Escape cancels (None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt_cancel"),
    ]
    DEFAULT_CSS = """
    TextPrompt { align: center bottom; }
    TextPrompt > Vertical { height: auto; width: 100%; background: $panel; padding: 0 1; }
    """

    def __init__(self, label: str, value: str = "") -> None:
        super().__init__()
        self.label, self.value = label, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.label)
            yield Input(self.value, id="prompt-input")
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LetterPrompt(ModalScreen[str | None]):
    """Waits for one letter (a mark name); any other key cancels."""

    DEFAULT_CSS = """
    LetterPrompt { align: center bottom; background: transparent; }
    LetterPrompt > Label { background: $panel; width: 100%; padding: 0 1; }
    """

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def compose(self) -> ComposeResult:
        yield Label(self.label)

    def on_key(self, event: events.Key) -> None:
        event.stop()
        char = event.character or ""
        self.dismiss(char if len(char) == 1 and char.isalpha() else None)
