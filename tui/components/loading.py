"""The loading indicator of the panels that wait for a far step's state, and of the start."""

from __future__ import annotations

from typing import Any

from textual.geometry import Region
from textual.widgets import LoadingIndicator

#: Frames a second at most. Textual's own indicator paints 16 a second, each on the UI
#: thread holding the interpreter: while `G` right after opening a 10^6-event store waited
#: for the snapshot worker, the two panels' indicators took ~0.25 s of its ~1.3 s decode
#: (1.28-1.40 s against 1.05-1.09 s with no animation).
FRAMES_PER_S = 4

_inherited: Any = LoadingIndicator.auto_refresh  # the property of Textual's widgets


class QuietLoading(LoadingIndicator):
    """Textual's loading indicator, painted at most `FRAMES_PER_S` times a second."""

    # (Textual's indicator sets its rate when mounted, after any handler of a subclass:
    # the rate is capped where it is set)
    @property
    def auto_refresh(self) -> float | None:
        """Seconds between two frames (None: no animation)."""
        interval: float | None = _inherited.fget(self)
        return interval

    @auto_refresh.setter
    def auto_refresh(self, interval: float | None) -> None:
        _inherited.fset(self, None if interval is None else max(interval, 1 / FRAMES_PER_S))

    def automatic_refresh(self) -> None:
        """Repaint the line of dots only: the rest of the panel it covers stays blank, and
        a whole repaint drew every line of it (6-11 ms of the UI thread a frame for the
        two panels at 160x50, measured while `G` waited at 10^6 events)."""
        if self.is_on_screen:
            self.refresh(self.dots_region())

    def dots_region(self) -> Region:
        """The region (in the indicator's content) of the line its dots are drawn on
        (`content-align: center middle`: the middle line, the upper one of two)."""
        width, height = self.content_size
        return Region(0, max(height - 1, 0) // 2, width, 1)
