"""The timeline panel when the store cannot give the rows it shows."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pytest

from events import synthetic
from events.catalogue import Event
from tui.app import AccordApp
from tui.components.timeline import TimelineView


class MissingRows(Sequence[Event]):
    """Events whose rows from `missing` on the store cannot give (as `domain.paged`
    raises it)."""

    def __init__(self, events: Sequence[Event], missing: int) -> None:
        self.events, self.missing = tuple(events), missing

    def __len__(self) -> int:
        return len(self.events)

    def __getitem__(self, index: Any) -> Any:
        rows = range(len(self.events))[index]
        if any(row >= self.missing for row in (rows if isinstance(rows, range) else [rows])):
            raise LookupError(f"the store holds fewer statements: row {self.missing} is missing")
        return self.events[index]


@pytest.mark.asyncio
async def test_rows_the_store_cannot_give_are_shown_as_unavailable() -> None:
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    shown = dataclasses.replace(timeline, events=MissingRows(timeline.events, 250))
    app = AccordApp(timeline.name, preloaded=shown, keymap={})
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        assert app.is_running and app.cursor == 299
        view = app.query_one(TimelineView)
        lines = [view.render_line(y).text.strip() for y in range(view.size.height)]
        # each row the store cannot give says so in its place (cut to the panel's width)
        assert "300 unavailable: the store holds fewe…" in lines
        assert all("unavailable" in line for line in lines if line)  # rows 274..300
        assert "state unavailable" in app.sub_title
        await pilot.press("g")  # the rows the store gives still show
        await pilot.pause()
        assert app.cursor == 0 and view.render_line(0).text.split()[0] == "1"
