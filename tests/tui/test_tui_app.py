"""Pilot tests of the terminal UI on a small fixture negotiation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import refreshes
from textual.geometry import Region
from textual.widgets._footer import FooterKey

from tui.app import AccordApp
from tui.components.footer import SteadyFooter
from tui.components.matrix import PositionsMatrix
from tui.components.timeline import TimelineView

FIXTURES = Path(__file__).parent / "fixtures"
TALKS = FIXTURES / "talks.yaml"
SIZE = (120, 34)


def make_app(*overlays: str) -> AccordApp:
    return AccordApp(TALKS, [FIXTURES / o for o in overlays], keymap={})


async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for the load; widen the matrix labels so cells read in full."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    if pilot.app.replay is not None:
        pilot.app.query_one(PositionsMatrix).fit(400, 3)
        pilot.app.refresh_view()


def matrix_cell(app: AccordApp, party: str, issue: str) -> str | None:
    """The cell's text, None when the party has no stance and is not shown."""
    return app.query_one(PositionsMatrix).cell_at(party, issue)


@pytest.mark.asyncio
async def test_opens_before_the_first_event_and_steps() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.sub_title == "Step 0/10"
        # the principals show from the start, unknown; silent others are named, not shown
        assert matrix_cell(app, "ukraine", "neutrality") == "—"
        assert matrix_cell(app, "russia", "neutrality") == "—"
        assert matrix_cell(app, "turkey", "neutrality") is None
        assert "not shown: turkey" in str(app.query_one(PositionsMatrix).border_title)
        await pilot.press("j")
        assert app.sub_title.startswith("Step 1/10 · 2022-03-29 10:00")
        assert matrix_cell(app, "ukraine", "neutrality") == "• Neutral with guarantees"
        await pilot.press("j", "down")
        assert app.step == 3
        await pilot.press("k")
        assert app.step == 2
        await pilot.press("G")
        assert app.sub_title.startswith("Step 10/10")
        await pilot.press("g")
        assert app.step == 1
        assert app.query_one(TimelineView).cursor == 0


@pytest.mark.asyncio
async def test_day_keys_search_and_marks() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("right_square_bracket")
        assert app.current_event is not None and app.current_event.at.startswith("2022-03-30")
        assert app.step == 6
        await pilot.press("right_square_bracket")
        assert app.step == 9
        await pilot.press("left_square_bracket")
        assert app.step == 6
        await pilot.press("m", "a", "G")
        assert app.step == 10
        await pilot.press("apostrophe", "a")
        assert app.step == 6
        await pilot.press("slash", *"nikolenko", "enter")
        assert app.current_event is not None and app.current_event.id == "nikolenko-rebuts"
        await pilot.press("n")
        assert app.current_event.id == "shelling-report"
        await pilot.press("n")
        assert app.current_event.id == "nikolenko-rebuts"  # wraps
        await pilot.press("N")
        assert app.current_event.id == "shelling-report"
        view = app.query_one(TimelineView)
        assert view.matches is not None
        assert [e.id for e in app.rows if view.matches(e)] == ["nikolenko-rebuts",
                                                               "shelling-report"]
        assert "2022-03-30" not in view.row_text(0).plain  # narrow rows: month-day only


@pytest.mark.asyncio
async def test_filter_dims_rows_but_keeps_them() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#filter-party").value = "russia"
        await pilot.click("#apply")
        await pilot.pause()
        view = app.query_one(TimelineView)
        assert view.passes is not None
        assert [e.id for e in app.rows if view.passes(e)] == [
            "ru-scale-down", "ru-neutral", "ru-crimea", "lavrov-claims"]
        assert len(view.rows) == 10
        assert "filter party=russia" in app.sub_title


@pytest.mark.asyncio
async def test_dropping_an_event_updates_the_matrix_and_saves_an_overlay(tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G")
        assert matrix_cell(app, "ukraine", "crimea") == "Deferred 15 years ⚑1"
        await pilot.press("k", "k", "k", "x")  # lavrov-claims: nikolenko-rebuts targets it
        assert app.live is not None and app.live.empty
        await pilot.press("j")  # nikolenko-rebuts
        await pilot.press("x")
        assert app.live is not None and app.live.dropped == {"nikolenko-rebuts"}
        assert app.replay is not None and app.replay.steps == 9
        await pilot.press("G")
        assert app.state_json(app.step)["claims"]["lavrov-claims"]["rebutted"] is False
        assert "what-if: 1 dropped" in app.sub_title
        out = tmp_path / "whatif.yaml"
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = str(out)
        await pilot.press("enter")
        await pilot.pause()
    from events.loader import load_timeline

    overlay = load_timeline(out)
    assert [e.id for e in overlay.events if e.id == "nikolenko-rebuts"] == []
    assert overlay.steps == 9


@pytest.mark.asyncio
async def test_edit_form_reports_located_problems_then_applies() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j", "e")
        await pilot.pause()
        area = app.screen.query_one("#form-text")
        area.text = area.text.replace("option: neutral-guaranteed", "option: moon")
        await pilot.press("ctrl+s")
        await pilot.pause()
        problems = str(app.screen.query_one("#form-problems").render())
        assert "(edited event):" in problems and "unknown option 'moon'" in problems
        area.text = area.text.replace("option: moon", "option: nato-open")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert matrix_cell(app, "ukraine", "neutrality") == "• NATO path open"
        assert app.live is not None and set(app.live.replaced) == {"ua-neutral"}


@pytest.mark.asyncio
async def test_compare_marks_the_divergence_and_differing_cells() -> None:
    app = make_app("no-rebuttal.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert screen.divergence == 8
        await pilot.press("d")
        status = str(screen.query_one("#compare-status").render())
        assert "Step 8/10 · diverges at step 8" in status
        assert "1 cell(s) differ" in status


@pytest.mark.asyncio
async def test_enter_on_a_cell_lists_its_events_with_quotes() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G", "tab")
        matrix = app.query_one(PositionsMatrix)
        matrix.move_cursor(row=1, column=[p.id for p in matrix.parties].index("ukraine") + 1)
        assert matrix.current_cell() == ("ukraine", "crimea")
        await pilot.press("enter")
        await pilot.pause()
        text = str(app.screen.query_one("#cell-events").content)
        assert "ukraine × crimea" in text
        assert "“Crimea to be discussed over 15 years”" in text
        assert "“Lavrov demonstrates misunderstanding of the negotiation process”" in text


@pytest.mark.asyncio
async def test_a_bad_file_opens_the_error_screen() -> None:
    app = AccordApp(FIXTURES / "broken.yaml", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        from tui.screens.error import ErrorScreen

        assert isinstance(app.screen, ErrorScreen)
        messages = [p.message for p in app.screen.problems]
        assert any("unknown key" in m for m in messages)
        await pilot.press("q")


def test_keymap_file_is_read_and_checked(tmp_path: Path) -> None:
    from tui.keys import KeymapError, load_keymap

    good = tmp_path / "keys.toml"
    good.write_text('[keys]\nstep_next = "l,down"\n', encoding="utf-8")
    assert load_keymap(good, ["step_next"]) == {"step_next": "l,down"}
    bad = tmp_path / "bad.toml"
    bad.write_text('[keys]\nstep_nxt = "l"\n', encoding="utf-8")
    with pytest.raises(KeymapError, match=r"keys.step_nxt: unknown binding id; expected one "
                       r"of: step_next"):
        load_keymap(bad, ["step_next"])
    assert load_keymap(tmp_path / "missing.toml", ["step_next"]) == {}


@pytest.mark.asyncio
async def test_a_keymap_file_remaps_the_matrix_keys_too(tmp_path, monkeypatch) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text('[keys]\nmatrix_silent = "S"\nmatrix_choose = "o"\n', encoding="utf-8")
    monkeypatch.setenv("ACCORD_KEYMAP", str(keys))
    app = AccordApp(TALKS)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        matrix = app.query_one(PositionsMatrix)
        matrix.focus()
        await pilot.press("s")
        assert not matrix.show_silent
        await pilot.press("S")
        assert matrix.show_silent
        matrix.move_cursor(row=0, column=1)
        await pilot.press("o")
        await pilot.pause()
        assert "× neutrality" in str(app.screen.query_one("#cell-events").content)


@pytest.mark.asyncio
async def test_remapped_key_steps() -> None:
    app = AccordApp(TALKS, keymap={"step_next": "l"})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("l", "l")
        assert app.step == 2


@pytest.mark.asyncio
async def test_istanbul_matrix_reads_at_120_columns_and_names_the_cursor_cell() -> None:
    app = AccordApp(Path(__file__).parents[2] / "scenarios" / "istanbul-2022.yaml", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        matrix = app.query_one(PositionsMatrix)
        # option ids, broken after a hyphen, instead of labels cut to five letters
        assert matrix_cell(app, "russia", "crimea") == "russian-\nterritory"
        assert matrix_cell(app, "russia", "neutrality") == "non-bloc-\nnon-nuclear"
        assert matrix_cell(app, "turkey", "crimea") is None
        assert "not shown: turkey, un, western-governments" in str(matrix.border_title)
        matrix.focus()
        matrix.move_cursor(row=2, column=1)
        await pilot.pause()
        assert str(matrix.border_subtitle) == "russia × crimea: Part of Russia, not negotiable"
        await pilot.press("s")
        assert matrix_cell(app, "turkey", "crimea") == "—"
        await pilot.press("v")
        cell = matrix_cell(app, "russia", "neutrality") or ""
        assert "\n+ non-bloc-non-nuclear, non-bloc-restricted" in cell


@pytest.mark.asyncio
async def test_compare_footer_lists_only_its_own_keys() -> None:
    app = make_app("no-rebuttal.yaml")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await pilot.pause()
        shown = {b.binding.description for b in app.screen.active_bindings.values()
                 if b.binding.show}
        assert shown == {"Step", "Back", "Divergence", "Next variant", "Close", "Silent parties"}
        await pilot.press("x")  # the main screen's "drop" does not act behind it
        assert app.live is not None and app.live.empty


def painted_lines(matrix: PositionsMatrix) -> list[list[tuple[str, object]]]:
    """The matrix's lines as it paints them now (text and style of every segment)."""
    return [[(segment.text, segment.style) for segment in matrix.render_line(y)]
            for y in range(matrix.scrollable_content_region.height)]


@pytest.mark.asyncio
async def test_cells_updated_in_place_read_as_a_rebuilt_matrix() -> None:
    """Stepping redraws only the cells that changed (when no row changes height), taking
    the others as drawn before; at every step the matrix paints what a matrix drawn from
    scratch paints."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        matrix = app.query_one(PositionsMatrix)
        relayouts: list[int] = []
        relayout = matrix._relayout
        matrix._relayout = lambda *args: (  # type: ignore[method-assign]
            relayouts.append(app.step), relayout(*args))
        in_place = 0
        for _ in range(10):
            relayouts.clear()
            await pilot.press("j")
            await pilot.pause()
            in_place += not relayouts
            stepped, heights = matrix.row_texts(), matrix.row_heights()
            painted = painted_lines(matrix)
            matrix._rows, matrix._cells, matrix._rows_drawn = {}, {}, {}  # forget it all
            matrix.redraw()
            await pilot.pause()
            assert matrix.row_texts() == stepped
            assert matrix.row_heights() == heights
            assert painted_lines(matrix) == painted  # no drawn cell left behind
        assert in_place >= 5


@pytest.mark.asyncio
async def test_a_step_repaints_only_the_matrix_rows_it_changed() -> None:
    """A step that updates cells in place repaints their rows, not the whole table (as a
    rebuild, or setting the border's title, does)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        matrix = app.query_one(PositionsMatrix)
        repaints = refreshes(matrix)
        checked = 0
        for _ in range(10):
            rows, titles = dict(matrix._rows), matrix._titles_shown
            layout, heights = matrix._layout, matrix.row_heights()
            repaints.clear()
            await pilot.press("j")
            await pilot.pause()
            if (matrix._layout, matrix.row_heights(), matrix._titles_shown) != (
                    layout, heights, titles):
                continue  # rebuilt, or titled anew: a whole repaint
            changed = [index for index, (key, cells) in enumerate(matrix._rows.items())
                       if cells != rows[key]]
            lines = {y for index in changed
                     for region in [matrix.row_region(index)]
                     for y in range(region.y, region.bottom)}
            assert () not in repaints
            assert {y for regions in repaints for region in regions
                    for y in range(region.y, region.bottom)} == lines
            checked += bool(changed)
        assert checked >= 3


@pytest.mark.asyncio
async def test_matrix_rows_keep_the_tallest_height_they_needed() -> None:
    """Stepping never shrinks a row of the matrix (a change of its height is a layout of
    the whole screen): a row grows when a cell needs more lines and keeps its height when
    they need fewer, also when the columns change (a party speaks first, or falls silent
    again on the way back to step 0); only a resize, `v` or `s` fits the rows anew."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        matrix = app.query_one(PositionsMatrix)

        def needed() -> list[int]:
            width = matrix.cell_width(len(matrix.parties))
            return [matrix._height_needed(key, cells, width)
                    for key, cells in matrix._rows.items()]

        seen, panel = matrix.row_heights(), matrix.virtual_size.height
        grown_at, taller_than_needed, columns_changed = [], [], []
        for key in "jjjjjjjjjjg":
            columns = [column.key for column in matrix.columns]
            await pilot.press(key)
            await pilot.pause()
            now = matrix.row_heights()
            assert now == [max(h0, n) for h0, n in zip(seen, needed(), strict=True)]
            if now != seen:
                grown_at.append(app.step)
            else:  # the panel keeps its height: no layout
                assert matrix.virtual_size.height == panel
            if now != needed():
                taller_than_needed.append(app.step)
            if [column.key for column in matrix.columns] != columns:
                columns_changed.append(app.step)
            seen, panel = now, matrix.virtual_size.height
        # steps 2 and 3 need one line where step 1 needed two; turkey's column comes at
        # step 5 and goes again at step 1 (`g`): no row grows then (test_matrix.py has
        # one that would have shrunk)
        assert grown_at == [1]
        assert columns_changed == [5, 1]
        assert taller_than_needed == [2, 3]
        await pilot.press("v")  # the cells take other lines: the rows are fitted anew
        await pilot.pause()
        assert matrix.row_heights() == needed()


@pytest.mark.asyncio
async def test_search_in_a_worker_goes_to_matches_and_wraps(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The search a long timeline gets (a worker) finds what the UI thread's search finds."""
    import tui.app

    monkeypatch.setattr(tui.app, "SEARCH_ON_UI_ROWS", 0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G")
        assert app.step == 10

        async def press(*keys: str) -> str:
            await pilot.press(*keys)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert app.searching is None and app.current_event is not None
            return app.current_event.id

        assert await press("slash", *"nikolenko", "enter") == "nikolenko-rebuts"  # wraps
        assert await press("n") == "shelling-report"
        assert await press("n") == "nikolenko-rebuts"
        assert await press("N") == "shelling-report"
        assert await press("N") == "nikolenko-rebuts"
        assert app.sub_title.endswith(" · /nikolenko")
        assert await press("slash", "ctrl+u", *"no such words", "enter") == "nikolenko-rebuts"
        assert [n.message for n in app._notifications] == ["no event matches 'no such words'"]


@pytest.mark.asyncio
async def test_an_edit_that_moves_an_event_keeps_the_cursor_and_marks_on_their_events() -> None:
    """The what-if's rows are views over the base: an edited date moves the event to its
    place in timeline order; the cursor follows it, a mark stays on its event, and a
    drop after it marks and skips the right row."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j", "j", "m", "a", "k")  # mark ua-crimea; back to ua-neutral
        await pilot.pause()
        assert app.query_one(TimelineView).marks == {1: "a"}
        await pilot.press("e")
        await pilot.pause()
        area = app.screen.query_one("#form-text")
        assert "2022-03-29T10:00:00" in area.text
        area.text = area.text.replace("2022-03-29T10:00:00", "2022-03-29T15:30:00")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [e.id for e in app.rows][:5] == ["ua-crimea", "ru-scale-down", "ua-neutral",
                                               "ru-neutral", "tr-hope"]
        assert app.cursor == 2 and app.current_event is not None
        assert app.current_event.id == "ua-neutral"
        assert app.current_event.at == "2022-03-29T15:30:00"
        assert app.query_one(TimelineView).marks == {0: "a"}
        await pilot.press("G", "x")  # ua-rejects-demil, the last event
        await pilot.pause()
        assert app.live is not None and app.live.dropped == {"ua-rejects-demil"}
        assert app.cursor == 9 and app.dropped_rows == [9]
        assert app.replay is not None and app.replay.steps == 9
        assert [e.id for e in app.replay.timeline.events][-1] == "shelling-report"
        assert "what-if: 1 dropped, 1 edited, 0 added" in app.sub_title


@pytest.mark.asyncio
async def test_the_claims_panel_repaints_only_when_its_text_changes() -> None:
    from tui.components.claims import ClaimsPledges, claims_lines

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        panel = app.query_one(ClaimsPledges)
        updates: list[str] = []
        original = panel.update

        def counted(content: Any = "", *, layout: bool = True) -> None:
            updates.append(str(content))
            original(content, layout=layout)

        panel.update = counted  # type: ignore[method-assign]
        state: dict[str, Any] = {"claims": {}, "pledges": {}}
        panel.show(state, None)  # step 0 shows the same already: nothing repainted
        assert updates == []
        panel.show(state, None, (3, 0))  # "… 3 earlier not shown" now
        panel.show(state, None, (3, 0))
        assert updates == [str(claims_lines(state, None, (3, 0)))]
        assert "3 earlier not shown" in updates[0]


@pytest.mark.asyncio
async def test_a_waiting_panel_shows_a_quiet_indicator_and_the_start_leaves_none(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # each frame of an indicator is painted on the UI thread, holding the interpreter
    # from the snapshot worker a far step waits for (Textual's own paints 16 a second)
    from textual.widgets import LoadingIndicator

    from tui.components.loading import FRAMES_PER_S, QuietLoading

    frames: list[float] = []
    original = QuietLoading.render

    def counted(self: QuietLoading) -> Any:
        frames.append(1.0)
        return original(self)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert not app.query(LoadingIndicator)  # the start's one is gone, not hidden
        # the step is near, so any repaint shows its state and rightly takes the
        # indicator away: on a loaded machine the harness's first resize can arrive
        # only now (it did in CI), so nothing repaints while the frames are counted
        monkeypatch.setattr(app, "refresh_view", lambda: None)
        QuietLoading.render = counted  # type: ignore[method-assign]
        try:
            app.query_one(PositionsMatrix).loading = True
            await pilot.pause(0.2)
            frames.clear()
            await pilot.pause(1.0)
        finally:
            QuietLoading.render = original  # type: ignore[method-assign]
        # the panel's indicator is a quiet one, and it still moves
        assert 1 <= len(frames) <= FRAMES_PER_S + 1


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [SIZE, (120, 35), (120, 36)])
async def test_a_waiting_panels_indicator_repaints_only_its_line_of_dots(
        size: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.geometry import Region

    from tui.components.claims import ClaimsPledges
    from tui.components.loading import QuietLoading

    app = make_app()
    asked: list[tuple[Region, ...]] = []

    def refresh(*regions: Region, **_: Any) -> None:
        asked.append(regions)

    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        monkeypatch.setattr(app, "refresh_view", lambda: None)  # (as above)
        for panel in (PositionsMatrix, ClaimsPledges):
            app.query_one(panel).loading = True
        await pilot.pause(0.3)
        for panel in (PositionsMatrix, ClaimsPledges):
            indicator = app.query_one(panel)._cover_widget
            assert isinstance(indicator, QuietLoading)
            width, height = indicator.content_size
            dotted = [y for y in range(height) if indicator.render_line(y).text.strip()]
            assert dotted == [(height - 1) // 2]
            assert indicator.render_line(dotted[0]).text.strip() == "● ● ● ● ●"
            asked.clear()
            monkeypatch.setattr(indicator, "refresh", refresh)
            indicator.automatic_refresh()
            assert asked == [(Region(0, dotted[0], width, 1),)]


@pytest.mark.asyncio
async def test_the_footer_recomposes_only_when_the_keys_it_shows_change(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each recompose of the footer lays the whole screen out: none once the timeline is
    on screen (the timeline has the focus from the start, and a publish of unchanged
    bindings is ignored), one when the keys shown change (the matrix takes the focus)."""
    app = make_app()
    loaded: list[bool] = []  # per recompose: whether the timeline was loaded by then
    recompose = SteadyFooter.recompose

    async def counted(self: SteadyFooter) -> None:
        loaded.append(app.replay is not None)
        await recompose(self)

    monkeypatch.setattr(SteadyFooter, "recompose", counted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        footer = app.query_one(SteadyFooter)
        assert isinstance(app.focused, TimelineView)
        await pilot.press("j", "j", "k")
        app.screen.refresh_bindings()
        await pilot.pause()
        assert True not in loaded
        assert "Silent parties" not in " ".join(str(k.description) for k in
                                                 footer.query(FooterKey))
        app.query_one(PositionsMatrix).focus()
        await pilot.pause()
        assert loaded.count(True) == 1
        assert "Silent parties" in " ".join(str(k.description) for k in
                                             footer.query(FooterKey))


@pytest.mark.asyncio
async def test_the_timeline_cuts_its_rows_to_the_width_and_never_scrolls_sideways() -> None:
    """The timeline's virtual size never follows its width (a new virtual size lays the
    whole screen out: one more layout right after the first paint, in the way of the
    first key); its rows are cut to whatever width it has."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.query_one(TimelineView)
        widths = []
        for size in (SIZE, (160, 40), (90, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert view.virtual_size.width == 0 and view.max_scroll_x == 0
            assert view.virtual_size.height == len(app.rows)
            width = view.scrollable_content_region.width
            assert {view.render_line(y).cell_length for y in range(5)} == {width}
            widths.append(width)
        assert len(set(widths)) == 3


@pytest.mark.asyncio
async def test_the_gap_labels_repaint_only_when_their_text_changes() -> None:
    """The caret moves once in many steps on a long timeline and the gap label seldom
    changes: a step that leaves their text as it is does not update (repaint) them."""
    from textual.widgets import Label

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        labels = {name: app.query_one(f"#{name}", Label) for name in ("gap-caret",
                                                                        "gap-label")}
        updates: dict[str, int] = dict.fromkeys(labels, 0)
        changes: dict[str, int] = dict.fromkeys(labels, 0)
        for name, label in labels.items():
            update = label.update

            def spy(content: Any = "", *, layout: bool = True, name: str = name,
                    update: Any = update) -> None:
                updates[name] += 1
                update(content, layout=layout)

            label.update = spy  # type: ignore[method-assign]
        for key in "jjjjjjjjjjjjkkkkjjjj":
            shown = {name: str(label.content) for name, label in labels.items()}
            await pilot.press(key)
            await pilot.pause()
            for name, label in labels.items():
                changes[name] += str(label.content) != shown[name]
        assert updates == changes
        assert 0 < changes["gap-caret"] < 20


@pytest.mark.asyncio
async def test_a_timeline_row_draws_its_gutter_in_colour_and_its_text_plain() -> None:
    """The gutter (what-if flag, mark) in the gutter's colour, the row's text in the
    panel's plain style, cut with an ellipsis; the cursor's highlight (bold) runs across
    the whole row, the gutter included."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        view = app.query_one(TimelineView)
        width = view.scrollable_content_region.width
        view.marks = {0: "a"}
        view.refresh()
        await pilot.pause()

        def line(row: int) -> list[Any]:
            return list(view.render_lines(Region(0, row - int(view.scroll_y), width, 1))[0])

        gutter = view.get_component_rich_style("timeline--gutter")
        marked = line(0)
        assert marked[0].text == " a" and marked[0].style.color == gutter.color
        assert marked[0].style.bold
        assert not any(segment.style.bold for segment in marked[1:])
        text = "".join(segment.text for segment in marked)
        assert text.startswith(" a 1 03-29 PROP  ukraine  neutrality: neu")
        assert text.endswith("…")
        assert len(text) == width
        cursor = line(view.cursor)
        assert {segment.style.bgcolor for segment in cursor} == {
            (view.rich_style + view.get_component_rich_style("timeline--cursor")).bgcolor}
        assert all(segment.style.bold for segment in cursor)
