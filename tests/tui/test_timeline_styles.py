"""The timeline keeps its rows' styles between frames, and works them out again for a new
theme or focus."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region

from events import synthetic
from tui.components.timeline import TimelineView

ROWS = list(synthetic.timeline(synthetic.Spec(200, seed=0)).events)


class Alone(App[None]):
    CSS = "TimelineView { height: 10; width: 60; }"

    def compose(self) -> ComposeResult:
        yield TimelineView(id="timeline")


@pytest.mark.asyncio
async def test_a_new_theme_and_the_focus_repaint_the_rows_in_their_style(
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = Alone()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TimelineView)
        view.show(ROWS, 2)
        view.blur()
        await pilot.pause()

        def styles() -> list[object]:
            return [segment.style for strip in view.render_lines(Region(0, 0, 60, 4))
                    for segment in strip]

        worked_out: list[str] = []
        component_style = TimelineView.get_component_rich_style

        def counted(self: TimelineView, *names: str, partial: bool = False) -> object:
            worked_out.append(names[0])
            return component_style(self, *names, partial=partial)

        monkeypatch.setattr(TimelineView, "get_component_rich_style", counted)
        blurred = styles()
        for cursor in (3, 4, 5):  # frames of steps: the styles as they were
            view.move_to(cursor)
            await pilot.pause()
            styles()
        assert worked_out == []
        view.focus()
        await pilot.pause()
        focused = styles()
        assert worked_out  # worked out again for the focus
        worked_out.clear()
        app.theme = "textual-light"
        await pilot.pause()
        light = styles()
        assert worked_out  # and for the theme
        assert light != focused != blurred
        view._styles = None  # from scratch: the same
        view._styles_for = None
        assert styles() == light
