"""The command palette (ctrl+p): jump to an event, switch overlay, toggle panels, export."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.app import AccordApp

#: Events offered per search (a big timeline has a million ids).
MAX_EVENT_HITS = 30
#: Rows either side of the cursor whose ids the palette searches at each keystroke: a
#: stored timeline's pages near the cursor are in memory, the rest would be read from the
#: store (~6-9 s for 10^6 events). `/` searches the whole timeline, in a worker.
EVENT_WINDOW = 2_500
#: Rows searched between two yields to the event loop (keys and a newer query go first).
YIELD_EVERY = 2_000


class AccordCommands(Provider):
    """accord's commands for the palette."""

    def commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        """(name, callback, help) of the fixed commands."""
        app: AccordApp = self.app  # type: ignore[assignment]
        out: list[tuple[str, Callable[[], Any], str]] = [
            ("Export state as Markdown", partial(app.action_export, "markdown"),
             "write <timeline>-step<N>.md in the current directory"),
            ("Export state as JSON", partial(app.action_export, "json"),
             "write <timeline>-step<N>.json (the JSON contract)"),
            ("Export SVG screenshot", partial(app.action_export, "svg"),
             "write <timeline>-step<N>.svg"),
            ("Compare base and variant", app.action_compare, "side by side, by step"),
            ("Save what-if as overlay", app.action_write_overlay, "the live changes"),
            ("Toggle cell detail", app.action_cell_detail, "accepts, rejects, conditions"),
        ]
        for panel in ("timeline", "gap", "matrix", "detail", "claims"):
            out.append((f"Toggle panel: {panel}", partial(app.action_toggle_panel, panel),
                        f"show or hide the {panel} panel"))
        if app.base is not None:
            out.append((f"Switch to base: {app.base.title}",
                        partial(app.action_switch_timeline, -1), app.base.file))
        for n, overlay in enumerate(app.overlays):
            out.append((f"Switch to overlay: {overlay.title}",
                        partial(app.action_switch_timeline, n), overlay.file))
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        app: AccordApp = self.app  # type: ignore[assignment]
        needle = query.strip().lower()
        if len(needle) < 2:
            return
        rows, cursor = app.rows, max(app.cursor, 0)
        first = max(0, min(cursor - EVENT_WINDOW, len(rows) - 2 * EVENT_WINDOW))
        stop = min(len(rows), first + 2 * EVENT_WINDOW)
        found = 0
        for edge in range(first, stop, YIELD_EVERY):
            for row, event in enumerate(rows[edge:min(edge + YIELD_EVERY, stop)], edge):
                if needle in event.id.lower() and found < MAX_EVENT_HITS:
                    yield Hit(0.9, f"Jump to event: {event.id}",
                              partial(app.action_goto_event, event.id, row),
                              help=f"{event.at} {event.type} {event.party}")
                    found += 1
            if found >= MAX_EVENT_HITS:
                break
            await asyncio.sleep(0)
        if first > 0 or stop < len(rows):  # a long timeline: the rest via `/`, in a worker
            text = query.strip()
            yield Hit(0.8, Text(f"Search all events for {text!r}"),  # not markup
                      partial(app.search_for, text), text=f"Search all events for {text!r}",
                      help=f"the ids above are from rows {first + 1:,}–{stop:,} only; this "
                      "searches quotes, speakers and ids everywhere, like /")
