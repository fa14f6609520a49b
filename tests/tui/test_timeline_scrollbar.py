"""The timeline's scrollbar is repainted only when its thumb moves."""

from __future__ import annotations

import pytest
from helpers import refreshes
from textual.app import App, ComposeResult
from textual.geometry import Region

from events import synthetic
from tui.components.timeline import TimelineView, thumb_at

ROWS = list(synthetic.timeline(synthetic.Spec(2_000, seed=0)).events) * 50  # 100,000


class Alone(App[None]):
    CSS = "TimelineView { height: 20; width: 60; }"

    def compose(self) -> ComposeResult:
        yield TimelineView(id="timeline")


@pytest.mark.asyncio
async def test_a_scroll_that_leaves_the_thumb_in_place_does_not_repaint_the_bar() -> None:
    app = Alone()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TimelineView)
        view.show(ROWS, 0)
        await pilot.pause()
        bar = view.vertical_scrollbar
        while bar.window_virtual_size != len(ROWS) or bar.window_size != bar.size.height:
            await pilot.pause()  # (a loaded machine may lay the bar out a frame later)
        repaints = refreshes(bar)
        height = bar.size.height

        def painted() -> list[object]:
            return list(bar.render_lines(Region(0, 0, 1, height)))

        for cursor in range(20, 60):  # one row a key: a 1/8 cell is 100,000/20/8 rows
            view.move_to(cursor)
            await pilot.pause()
            assert bar.position == view.scroll_y == cursor - 19
        assert repaints == []
        shown = painted()
        bar.refresh()  # drawn anew: the same bar (the thumb had not moved)
        await pilot.pause()
        assert painted() == shown

        repaints.clear()
        before = bar.position
        view.move_to(50_000)  # the thumb moves: repainted, drawn where it now is
        await pilot.pause()
        assert repaints and bar.position == view.scroll_y
        assert thumb_at(bar, bar.position) != thumb_at(bar, before)
        assert painted() != shown


@pytest.mark.asyncio
async def test_a_short_timeline_repaints_its_bar_on_every_scroll() -> None:
    """Where a row is more than an eighth of a cell, every scroll moves the thumb."""
    app = Alone()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TimelineView)
        view.show(ROWS[:60], 0)
        await pilot.pause()
        bar = view.vertical_scrollbar
        drawn = []
        for cursor in range(20, 40):
            view.move_to(cursor)
            await pilot.pause()
            drawn.append(thumb_at(bar, bar.position))
        assert len(set(drawn)) == len(drawn)
        assert bar.position == view.scroll_y == 39 - 19
