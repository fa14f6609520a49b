"""The footer: Textual's Footer, recomposed only when the keys it shows change.

Textual's `Footer` recomposes (removes and mounts a `FooterKey` per binding, then lays the
whole screen out) each time the screen publishes that its bindings were updated, after
the next refresh. A focus change publishes twice (once as the focus moves, once after
the refresh), and on a screen that has not painted yet both wait for its first paint:
at 10^6 events the main screen's first frames were followed by two more whole-screen
layouts (~40-65 ms each), and a key pressed as the screen appeared waited behind them
(230-373 ms, against 62-183 ms since: docs/benchmark.md).
Here a publish that leaves the keys shown unchanged is ignored, and a change is
recomposed at once instead of after a refresh (nothing else is drawn in between). The
parts are Textual's own (pinned exactly in pyproject.toml); only `bindings_changed`
differs.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


def keys_shown(screen: Screen[Any]) -> tuple[tuple[str, str, str, bool], ...]:
    """What a footer on `screen` shows: (key, description, action, enabled) per binding
    shown."""
    return tuple((binding.key, binding.description, binding.action, enabled)
                 for _node, binding, enabled, _tooltip in screen.active_bindings.values()
                 if binding.show)


class SteadyFooter(Footer):
    """Textual's footer, recomposed only when the keys it shows change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[tuple[str, str, str, bool], ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Recompose now if the keys shown changed (Footer's own: after a refresh,
        always)."""
        self._bindings_ready = True  # what Footer.bindings_changed sets: compose shows keys
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        shown = keys_shown(screen)
        if shown != self._shown:
            self._shown = shown
            self.call_next(self.recompose)
