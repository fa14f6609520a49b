"""The TUI on a long timeline: applying the event form (`e`, `a`) checks the event alone
at once, then the whole variant in the what-if worker; a refusal opens the form again
with the text typed and the problems, as the form shows them on a short timeline."""

from __future__ import annotations

from typing import Any

import pytest
from test_tui_scale import HeldGaps, Rows, held_rows_app, notes, ready, settle, with_rows
from textual.widgets import Static, TextArea

import domain.lazy
import tui.app
import tui.whatif
from events import synthetic
from tui.components.timeline import TimelineView
from tui.screens.edit import EventForm

SIZE = (120, 34)


async def apply_form(pilot: Any, edit: Any) -> str:
    """Change the open form's text with `edit(text)`, apply it; the text applied."""
    area = pilot.app.screen.query_one("#form-text", TextArea)
    area.text = edit(area.text)
    await pilot.press("ctrl+s")
    await pilot.pause()
    return str(area.text)


def form_problems(app: Any) -> str:
    assert isinstance(app.screen, EventForm)
    return str(app.screen.query_one("#form-problems", Static).render())


@pytest.mark.asyncio
async def test_a_long_edit_is_checked_in_a_worker_then_applied(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "WHATIF_ON_UI_ROWS", 100)
    monkeypatch.setattr(tui.whatif, "_CHUNK", 10)
    monkeypatch.setattr(domain.lazy, "SLICE", 10)  # the views read ten events at a time
    rows, app = held_rows_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await pilot.press(*"j" * 9, "e")  # e8
            await pilot.pause()
            await apply_form(pilot, lambda t: t.replace("quote: statement 8",
                                                        "quote: edited 8"))
            # the form is closed at once; ten events a read, the worker has checked 200
            # of the variant's 300 when it waits for the rows from 200 on
            assert len(app.screen_stack) == 1
            await settle(pilot, lambda: app.checked_percent == 66)
            assert app.sub_title.startswith("Step 9/300 · ")
            assert app.sub_title.endswith(" · checking the what-if… 66 %")
            assert app.live is not None and app.live.empty  # not applied before it is checked
            await pilot.press("x", "e", "a")  # further changes wait; no form opens
            assert notes(app)[-3:] == [": a what-if change is being checked"] * 3
            assert len(app.screen_stack) == 1
            await pilot.press("j")  # keys stay live meanwhile
            assert app.cursor == 9 and app.sub_title.startswith("Step 10/300 · ")
            rows.release.set()
            await ready(pilot)
            assert app.checking is None and set(app.live.replaced) == {"e8"}
            assert app.rows[8].id == "e8" and app.rows[8].quote == "edited 8"
            assert app.query_one(TimelineView).replaced == {"e8"}
            assert app.cursor == 9  # the cursor stays where it went meanwhile
            assert app.sub_title.startswith("Step 10/300 · ")
            assert app.sub_title.endswith(" · what-if: 0 dropped, 1 edited, 0 added")
            assert len(app.screen_stack) == 1
            await pilot.press("k")
            assert app.current_event is not None and app.current_event.quote == "edited 8"
    finally:
        rows.release.set()


@pytest.mark.asyncio
@pytest.mark.parametrize("on_ui_rows", [100, 5_000])
async def test_an_edit_with_a_bad_reference_is_refused_with_the_form_open_again(
        monkeypatch: pytest.MonkeyPatch, on_ui_rows: int) -> None:
    monkeypatch.setattr(tui.app, "WHATIF_ON_UI_ROWS", on_ui_rows)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    app = HeldGaps(timeline.name, preloaded=timeline, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(*"j" * 9, "e")  # e8, a rejection of e4
        await pilot.pause()
        typed = await apply_form(pilot, lambda t: t.replace("- e4", "- e400").replace(
            "quote: statement 8", "quote: typed"))
        await ready(pilot)
        assert app.whatif_generation == (1 if on_ui_rows == 100 else 0)
        # the form is open (again), with the text typed and the located problem
        assert len(app.screen_stack) == 2
        assert app.screen.query_one("#form-text", TextArea).text == typed
        assert "quote: typed" in typed
        assert form_problems(app) == "(edited event):9:1: target: unknown event 'e400'"
        assert app.checking is None and app.live is not None and app.live.empty
        assert "checking" not in app.sub_title and notes(app) == []
        # corrected, it is applied
        await apply_form(pilot, lambda t: t.replace("- e400", "- e5"))
        await ready(pilot)
        assert len(app.screen_stack) == 1
        assert app.live.replaced["e8"].target == ["e5"]
        assert app.live.replaced["e8"].quote == "typed"
        assert app.cursor == 8 and app.rows[8].quote == "typed"


@pytest.mark.asyncio
@pytest.mark.parametrize("on_ui_rows", [100, 5_000])
async def test_an_add_with_a_duplicate_id_is_refused(
        monkeypatch: pytest.MonkeyPatch, on_ui_rows: int) -> None:
    monkeypatch.setattr(tui.app, "WHATIF_ON_UI_ROWS", on_ui_rows)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    app = HeldGaps(timeline.name, preloaded=timeline, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j", "a")
        await pilot.pause()
        typed = await apply_form(pilot, lambda t: t.replace("id: new-event-1", "id: e250"))
        await ready(pilot)
        assert app.whatif_generation == (1 if on_ui_rows == 100 else 0)
        assert len(app.screen_stack) == 2
        assert app.screen.query_one("#form-text", TextArea).text == typed
        assert form_problems(app) == "(edited event):1:1: id: duplicate event id 'e250'"
        assert app.live is not None and app.live.empty and app.checking is None
        # a new id is added after the current event
        await apply_form(pilot, lambda t: t.replace("id: e250", "id: fresh"))
        await ready(pilot)
        assert len(app.screen_stack) == 1
        assert [e.id for e in app.live.added] == ["fresh"]
        assert app.current_event is not None and app.current_event.id == "fresh"
        assert app.sub_title.endswith(" · what-if: 0 dropped, 0 edited, 1 added")


@pytest.mark.asyncio
async def test_the_shape_of_an_event_is_checked_in_the_form_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "WHATIF_ON_UI_ROWS", 100)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    app = HeldGaps(timeline.name, preloaded=timeline, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j", "e")
        await pilot.pause()
        await apply_form(pilot, lambda t: t.replace("credibility: ", "credibility: x"))
        # no worker: the form says what is wrong with the event alone
        assert app.whatif_generation == 0 and app.checking is None
        assert form_problems(app).startswith("(edited event):8:1: credibility: ")


@pytest.mark.asyncio
async def test_a_store_failing_under_the_edit_worker_is_reported(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "WHATIF_ON_UI_ROWS", 100)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    broken = with_rows(timeline, Rows(timeline.events, broken=range(250, 300)))
    app = HeldGaps(timeline.name, preloaded=broken, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(*"j" * 9, "e")
        await pilot.pause()
        typed = await apply_form(pilot, lambda t: t.replace("statement 8", "kept"))
        await ready(pilot)
        reason = ("the what-if could not be checked: the store holds fewer statements "
                  "than 300: row 250 is missing")
        assert notes(app) == [f"cannot edit e8: {reason}"]
        assert app.screen.query_one("#form-text", TextArea).text == typed
        assert form_problems(app) == reason
        assert app.live is not None and app.live.empty and app.is_running
        assert "checking" not in app.sub_title
