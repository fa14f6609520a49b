"""The loading indicator of the panels that wait for a far step's state, and of the start."""

from __future__ import annotations

from typing import Any

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
