"""The positions matrix on its own (`tui.components.matrix`): its cursor, its clicks, its
scrolling, and the cells it draws only once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import load, proposal, scenario
from rich.console import Console
from textual.app import App, ComposeResult
from textual.renderables.styled import Styled

from domain.replay import Replay
from events.scenario import Header
from tui.components.matrix import PositionsMatrix
from tui.messages import CellChosen

EVENTS = [proposal("p1", "russia", "crimea", "russian"),
          proposal("p2", "ukraine", "crimea", "ukrainian"),
          proposal("p3", "ukraine", "neutrality", "neutral"),
          proposal("p4", "russia", "neutrality", "nato")]


class Host(App[None]):
    """A matrix alone on the screen; the cells it chooses are kept."""

    CSS = "PositionsMatrix { max-height: 100%; }"

    def __init__(self, css: str = "") -> None:
        super().__init__()
        self.chosen: list[tuple[str, str]] = []
        if css:
            self.CSS = css

    def compose(self) -> ComposeResult:
        yield PositionsMatrix(id="matrix")

    def on_cell_chosen(self, message: CellChosen) -> None:
        self.chosen.append((message.party, message.issue))


def steps(tmp_path: Path) -> tuple[Header, list[dict[str, Any]]]:
    """The fixture's header and its JSON state at every step."""
    timeline = load(tmp_path, scenario(EVENTS))
    replay = Replay(timeline)
    return timeline.header, [replay.json(step) for step in range(replay.steps + 1)]


async def showing(pilot: Any, header: Header, state: dict[str, Any],
                  event: str | None = None) -> PositionsMatrix:
    """The host's matrix, showing `state` (painted)."""
    matrix: PositionsMatrix = pilot.app.query_one(PositionsMatrix)
    matrix.show(header, state, event)
    await pilot.pause()
    return matrix


def text_of(matrix: PositionsMatrix) -> list[str]:
    """The matrix's painted lines as text."""
    return [matrix.render_line(y).text for y in range(matrix.scrollable_content_region.height)]


@pytest.mark.asyncio
async def test_the_arrow_keys_move_the_cursor_and_enter_chooses_its_cell(tmp_path) -> None:
    header, states = steps(tmp_path)
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        matrix = await showing(pilot, header, states[-1])
        matrix.focus()
        await pilot.pause()
        assert matrix.cursor_coordinate == (0, 0)
        assert matrix.current_cell() is None  # the issues' column
        await pilot.press("up", "left")  # already at the edge: stays
        assert matrix.cursor_coordinate == (0, 0)
        await pilot.press("right", "right", "down")
        assert matrix.current_cell() == ("ukraine", "neutrality")
        assert str(matrix.border_subtitle) == "ukraine × neutrality: Permanent neutrality"
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == [("ukraine", "neutrality")]
        await pilot.press("down", "enter")  # the overall gap's row: no cell to choose
        await pilot.pause()
        assert app.chosen == [("ukraine", "neutrality")]
        assert matrix.cursor_coordinate == (2, 2)


@pytest.mark.asyncio
async def test_a_click_on_a_cell_moves_the_cursor_there_and_chooses_it(tmp_path) -> None:
    header, states = steps(tmp_path)
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        matrix = await showing(pilot, header, states[-1])
        lines = text_of(matrix)
        x = lines[1].index("Part of Russia")  # russia × crimea, under the headings
        await pilot.click(PositionsMatrix, offset=(x, 2))  # (the border is line 0)
        assert matrix.current_cell() == ("russia", "crimea")
        assert app.chosen == [("russia", "crimea")]
        await pilot.click(PositionsMatrix, offset=(x, 1))  # the headings: nothing
        assert app.chosen == [("russia", "crimea")]


@pytest.mark.asyncio
async def test_the_matrix_paints_each_cell_under_its_heading(tmp_path) -> None:
    header, states = steps(tmp_path)
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        matrix = await showing(pilot, header, states[-1], "p4")
        lines = text_of(matrix)
        assert lines[0].split() == ["issue", "Russian", "Federation", "Ukraine", "gap"]
        for line, (issue, russia, ukraine, gap) in zip(lines[1:], [
                ("crimea", "Part of Russia", "Ukrainian sovereignty", "1.00"),
                ("neutrality", "• NATO membership", "Permanent neutrality", "1.00")],
                strict=False):
            assert line.index(issue) == 1
            assert line.index(russia) == lines[0].index("Russian")
            assert line.index(ukraine) == lines[0].index("Ukraine")
            assert line.index(gap) == lines[0].index("gap")
        assert lines[3].split() == ["overall", "gap", "1.00"]
        assert matrix.row_texts()[1] == ["neutrality", "• NATO membership",
                                         "Permanent neutrality", "1.00"]


@pytest.mark.asyncio
async def test_a_matrix_taller_than_its_room_keeps_its_headings_and_follows_the_cursor(
        tmp_path) -> None:
    header, states = steps(tmp_path)
    app = Host("PositionsMatrix { max-height: 5; }")  # 3 lines under the border
    async with app.run_test(size=(60, 20)) as pilot:
        matrix = app.query_one(PositionsMatrix)
        matrix.detailed = True
        matrix.fit(40)  # narrow: each option id takes two lines
        matrix.show(header, states[-1], None)
        matrix.focus()
        await pilot.pause()
        assert matrix.virtual_size.height > matrix.scrollable_content_region.height
        for _ in range(matrix.row_count - 1):
            await pilot.press("down")
        await pilot.pause()
        assert matrix.scroll_y > 0
        lines = text_of(matrix)
        assert lines[0].split()[0] == "issue"  # the headings stay on top
        assert "overall gap" in lines[-1]  # the cursor's row is in view
        for _ in range(matrix.row_count - 1):
            await pilot.press("up")
        await pilot.pause()
        assert matrix.scroll_y == 0
        assert "crimea" in text_of(matrix)[1]


@pytest.mark.asyncio
async def test_a_row_keeps_its_height_when_a_new_column_needs_fewer_lines(tmp_path) -> None:
    """Two columns 20 wide show full labels ("Ukrainian sovereignty": two lines); a
    third party's column makes them 12 wide, with option ids ("ukrainian": one line).
    The row stays two lines tall: the panel keeps its height (no layout of the
    screen)."""
    timeline = load(tmp_path, scenario([
        proposal("p1", "ukraine", "crimea", "ukrainian"),
        proposal("p2", "turkey", "neutrality", "neutral")]))
    replay = Replay(timeline)
    app = Host()
    async with app.run_test(size=(69, 20)) as pilot:
        matrix = await showing(pilot, timeline.header, replay.json(1))
        assert [column.width for column in matrix.columns[1:-1]] == [20, 20]
        assert matrix.row_heights() == [2, 1, 1]
        height = matrix.outer_size.height
        matrix.show(timeline.header, replay.json(2), None)
        await pilot.pause()
        assert [column.width for column in matrix.columns[1:-1]] == [12, 12, 12]
        assert matrix.row_texts()[0][2] == "ukrainian"  # one line would do
        assert matrix.row_heights() == [2, 1, 1]
        assert matrix.outer_size.height == height
        matrix.action_toggle_silent()  # `s`: the rows are fitted anew
        await pilot.pause()
        assert matrix.row_heights() == [1, 1, 1]


@pytest.mark.asyncio
async def test_a_cell_that_reads_as_before_is_not_drawn_again(tmp_path, monkeypatch) -> None:
    header, states = steps(tmp_path)
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        matrix = await showing(pilot, header, states[3])
        drawn: list[str] = []
        render_lines = Console.render_lines

        def spy(console: Console, renderable: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(renderable, Styled):  # a cell: Styled(Padding(text))
                drawn.append(str(renderable.renderable.renderable))
            return render_lines(console, renderable, *args, **kwargs)

        monkeypatch.setattr(Console, "render_lines", spy)
        matrix.show(header, states[4], None)  # russia takes a stance on neutrality
        await pilot.pause()
        assert sorted(drawn) == ["1.00", "NATO membership"]  # (its gap: — before)
        drawn.clear()
        matrix.show(header, states[3], None)  # back: every cell was drawn before
        await pilot.pause()
        assert drawn == []


@pytest.mark.asyncio
async def test_a_new_theme_and_the_focus_repaint_the_matrix_in_their_style(tmp_path) -> None:
    header, states = steps(tmp_path)
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        matrix = await showing(pilot, header, states[-1])
        matrix.blur()  # (the only widget that can take the focus: it has it)
        await pilot.pause()

        def styles() -> list[object]:
            return [segment.style for y in range(3) for segment in matrix.render_line(y)]

        blurred = styles()
        matrix.focus()
        await pilot.pause()
        focused = styles()
        assert focused != blurred
        app.theme = "textual-light"
        await pilot.pause()
        light = styles()
        assert light != focused
        matrix._cells, matrix._rows_drawn = {}, {}  # drawn from scratch, the same
        matrix._drawn_for = None
        assert styles() == light
