"""The gap sparkline: the overall gap between the principals over the whole timeline, with
the current step marked underneath."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Sparkline


class GapPanel(Vertical):
    """A Sparkline of sampled gaps and a caret under the current step."""

    DEFAULT_CSS = """
    GapPanel { height: 4; }
    GapPanel Sparkline { height: 2; }
    GapPanel #gap-caret { height: 1; width: 1fr; color: $accent; }
    GapPanel #gap-label { height: 1; width: 1fr; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fraction = 0.0
        #: why the gaps could not be computed (the label says so instead of the gap)
        self.failed: str | None = None
        #: the text each label shows, by selector
        self._texts: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Label("gap over time: computing…", id="gap-label")
        yield Sparkline([], id="gap-spark", summary_function=max)
        yield Label("", id="gap-caret")

    def set_series(self, values: list[float], done: bool, gap: float | None) -> None:
        """Show the sampled gaps (0 where unknown)."""
        self.query_one(Sparkline).data = values or [0.0]
        self.set_gap(gap, done)

    def fail(self, reason: str | None, values: list[float] | None = None) -> None:
        """Say that the gaps are unavailable and why, with the gaps sampled before (None:
        they are being computed again)."""
        self.failed = reason
        if reason is not None:
            if values is not None:
                self.query_one(Sparkline).data = values or [0.0]
            self._label(f"gap over time unavailable: {reason}")

    def set_gap(self, gap: float | None, done: bool = True) -> None:
        """Show the current overall gap in the label."""
        if self.failed is not None:
            return
        now = "—" if gap is None else f"{gap:.2f}"
        suffix = "" if done else " (computing…)"
        self._label(f"gap over time — now {now}{suffix}")

    def mark(self, fraction: float) -> None:
        """Put the caret at `fraction` (0..1) of the width."""
        self.fraction = fraction
        width = max(self.query_one(Sparkline).size.width, 1)
        column = min(int(fraction * width), width - 1)
        self._label(" " * column + "▲", "#gap-caret")

    def _label(self, text: str, label: str = "#gap-label") -> None:
        """Show `text` in a one-line label of fixed size (no layout of the screen for it),
        unless it shows it already: a label repaints on every update (~0.6 ms a step
        each, on a slow machine), and the caret moves once in thousands of steps at
        10^6."""
        if self._texts.get(label) != text:
            self._texts[label] = text
            self.query_one(label, Label).update(text, layout=False)

    def on_resize(self) -> None:
        self.mark(self.fraction)
