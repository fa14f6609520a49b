"""The TUI on a long timeline: a far jump before the gap worker has folded that far
waits for the worker instead of folding on the UI thread; a search scans in a worker;
a store that fails under the gap worker is reported, not a crash."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, overload

import pytest
from rich.console import Console

import domain.changes
import domain.lazy
import domain.replay
import tui.app
import tui.components.detail
from domain.changes import brief_changes, step_changes
from domain.measures import overall_gap
from domain.replay import Replay
from events import synthetic
from events.catalogue import Event
from events.timeline import Timeline
from tui.app import AccordApp
from tui.components.claims import ClaimsPledges
from tui.components.detail import EventDetail
from tui.components.matrix import PositionsMatrix
from tui.components.timeline import TimelineView
from tui.messages import GapSeries

SIZE = (120, 34)


class HeldGaps(AccordApp):
    """The app with a gap worker that does nothing until the test says it is done."""

    CSS_PATH = str(Path(tui.app.__file__).with_name("accord.tcss"))

    def compute_gaps(self, timeline: Any, generation: int) -> None:  # type: ignore[override]
        self.held = (timeline, generation)


@pytest.mark.asyncio
async def test_a_far_jump_waits_for_the_gap_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "FAR_STEPS", 20)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    app = HeldGaps(timeline.name, preloaded=timeline, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j", "j")
        assert app.sub_title.startswith("Step 2/300") and app.waiting is None
        await pilot.press("G")  # 298 events from the state in hand: too far
        await pilot.pause()
        assert app.waiting == 300 and app.cursor == 299
        assert app.sub_title.endswith("· folding… 0 %")
        assert app.query_one(PositionsMatrix).loading and app.query_one(ClaimsPledges).loading
        detail = Console(width=200, record=True)
        detail.print(app.query_one(EventDetail).content)
        assert "[folding the timeline to reach this step: 0 % done]" in detail.export_text()
        await pilot.press("g")  # a near step is shown at once meanwhile
        await pilot.pause()
        assert app.waiting is None and app.sub_title.startswith("Step 1/300")
        assert not app.query_one(PositionsMatrix).loading
        await pilot.press("G")
        await pilot.pause()
        # the worker reports progress, then that it is done with its checkpoints
        held, generation = app.held
        worker = Replay(held)
        app.post_message(GapSeries(generation, [0.0], False, 150))
        await pilot.pause()
        assert app.waiting == 300 and app.sub_title.endswith("· folding… 50 %")
        worker.state(300)
        app._gap_replay = worker
        app.post_message(GapSeries(generation, [0.0, 1.0], True, 300))
        await pilot.pause()
        assert app.waiting is None and not app.gap_running
        assert app.sub_title.startswith("Step 300/300")
        assert not app.query_one(PositionsMatrix).loading
        assert app.replay is not None and app.replay.distance(300) <= app.replay.every
        gap = overall_gap(worker.state(300))
        assert f"now {'—' if gap is None else f'{gap:.2f}'}" in str(
            app.query_one("#gap-label").render())


class Rows(Sequence[Event]):
    """A timeline's events as a store pages them, with rows `broken` that the store cannot
    give (LookupError, as `domain.paged` raises it) and rows from `held` on that are read
    only once `release` is set."""

    def __init__(self, events: Sequence[Event], broken: range = range(0),
                 held: int | None = None) -> None:
        self.events = tuple(events)
        self.broken = broken
        self.held = held
        self.release = threading.Event()

    def __len__(self) -> int:
        return len(self.events)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        start, stop, _ = index.indices(len(self)) if isinstance(index, slice) \
            else (index % len(self), index % len(self) + 1, 1)
        if self.held is not None and stop > self.held:
            assert self.release.wait(10), "the test never released the held rows"
        if start < stop and start < self.broken.stop and stop > self.broken.start:
            raise LookupError(f"the store holds fewer statements than {len(self)}: "
                              f"row {max(start, self.broken.start)} is missing")
        return self.events[index]


def with_rows(timeline: Timeline, rows: Rows) -> Timeline:
    return dataclasses.replace(timeline, events=rows)


def held_rows_app(held: int = 200) -> tuple[Rows, HeldGaps]:
    """An app on a 300-event timeline whose rows from `held` on wait for `rows.release`."""
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    rows = Rows(timeline.events, held=held)
    return rows, HeldGaps(timeline.name, preloaded=with_rows(timeline, rows), keymap={})


async def ready(pilot: Any) -> None:
    """Let the workers finish and the app handle what they posted."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settle(pilot: Any, until: Any, tries: int = 200) -> None:
    """Let the app run until `until()` holds (a worker's message arrived)."""
    for _ in range(tries):
        if until():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"the app never got there: {pilot.app.sub_title!r}")


def notes(app: AccordApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


@pytest.mark.asyncio
async def test_a_long_search_runs_in_a_worker_and_goes_to_the_match(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "SEARCH_ON_UI_ROWS", 100)
    monkeypatch.setattr(tui.app, "SEARCH_CHUNK", 10)
    rows, app = held_rows_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await pilot.press("j", "j")
            await pilot.press("slash", *"statement 250", "enter")
            # from row 1, ten rows a read, the worker has read 190 rows when it waits for
            # row 200: the app says how far it got
            await settle(pilot, lambda: app.searching == 63)
            assert app.sub_title.startswith("Step 2/300")
            assert app.sub_title.endswith(" · /statement 250 · searching… 63 %")
            await pilot.press("j")  # keys stay live meanwhile
            assert app.cursor == 2 and app.sub_title.startswith("Step 3/300")
            assert app.sub_title.endswith("searching… 63 %")
            rows.release.set()
            await ready(pilot)
            assert app.cursor == 250 and app.current_event is not None
            assert app.current_event.quote == "statement 250"
            assert app.searching is None
            assert app.sub_title.startswith("Step 251/300")
            assert app.sub_title.endswith(" · /statement 250")
            # n wraps round to the same match; a text found nowhere is said so
            await pilot.press("g", "n")
            await ready(pilot)
            assert app.cursor == 250
            await pilot.press("N")
            await ready(pilot)
            assert app.cursor == 250
            await pilot.press("slash", "ctrl+u", *"nowhere", "enter")
            await ready(pilot)
            assert app.cursor == 250 and app.searching is None
            assert ": no event matches 'nowhere'" in notes(app)[-1]
            assert "searching" not in app.sub_title
    finally:
        rows.release.set()


@pytest.mark.asyncio
async def test_a_new_search_cancels_the_one_running(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "SEARCH_ON_UI_ROWS", 100)
    monkeypatch.setattr(tui.app, "SEARCH_CHUNK", 10)
    rows, app = held_rows_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await pilot.press("slash", *"statement 250", "enter")
            await settle(pilot, lambda: app.searching == 66)
            await pilot.press("slash", "ctrl+u", *"statement 150", "enter")
            # the first worker is cancelled: its match never comes, the new one does
            await settle(pilot, lambda: app.cursor == 150)
            rows.release.set()
            await ready(pilot)
            assert app.cursor == 150 and app.searching is None
    finally:
        rows.release.set()


@pytest.mark.asyncio
async def test_a_store_failing_under_the_gap_worker_is_reported() -> None:
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    broken = with_rows(timeline, Rows(timeline.events, broken=range(200, 300)))
    app = AccordApp(timeline.name, preloaded=broken, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        reason = "the store holds fewer statements than 300: row 200 is missing"
        assert not app.gap_running and app.gap_failed == reason
        assert str(app.query_one("#gap-label").render()) == \
            f"gap over time unavailable: {reason}"
        assert notes(app) == [f"gap over time unavailable: {reason}"]
        assert app.is_running
        await pilot.press("j", "j", "j")
        assert app.sub_title.startswith("Step 3/300")
        assert app.query_one(PositionsMatrix).visible


class GatedGaps(AccordApp):
    """The app with a gap worker that starts when the test says so."""

    CSS_PATH = HeldGaps.CSS_PATH

    def compute_gaps(self, timeline: Any, generation: int) -> None:  # type: ignore[override]
        self.held = (timeline, generation)

    def start_gaps(self) -> None:
        AccordApp.compute_gaps(self, *self.held)


@pytest.mark.asyncio
async def test_a_far_jump_waiting_for_a_failing_gap_worker_stops_waiting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "FAR_STEPS", 20)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    broken = with_rows(timeline, Rows(timeline.events, broken=range(100, 200)))
    app = GatedGaps(timeline.name, preloaded=broken, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G")
        await pilot.pause()
        assert app.waiting == 300 and app.sub_title.endswith("· folding… 0 %")
        app.start_gaps()
        await ready(pilot)
        reason = "the store holds fewer statements than 300: row 100 is missing"
        assert app.waiting is None and not app.gap_running and app.is_running
        assert str(app.query_one("#gap-label").render()) == \
            f"gap over time unavailable: {reason}"
        # the step waited for cannot be folded: said so, no stale state on screen
        assert app.cursor == 299
        assert app.sub_title.startswith("Step 300/300")
        assert app.sub_title.endswith(" · state unavailable")
        detail = Console(width=200, record=True)
        detail.print(app.query_one(EventDetail).content)
        assert f"[state unavailable: not folded: {reason}]" in detail.export_text()
        assert not app.query_one(PositionsMatrix).visible
        assert not app.query_one(PositionsMatrix).loading
        await pilot.press("g", "j")  # near steps fold as before
        assert app.sub_title == "Step 2/300 · " + timeline.events[1].at[:16].replace("T", " ")
        assert app.query_one(PositionsMatrix).visible


@pytest.mark.asyncio
async def test_the_palette_searches_ids_near_the_cursor_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.commands

    monkeypatch.setattr(tui.commands, "EVENT_WINDOW", 50)
    monkeypatch.setattr(tui.commands, "YIELD_EVERY", 7)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    app = HeldGaps(timeline.name, preloaded=timeline, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        provider = tui.commands.AccordCommands(app.screen)

        async def prompts(query: str) -> list[str]:
            return [hit.text or "" async for hit in provider.search(query)]

        # rows 0-99 hold e25 only; e250-e259 are beyond the window: the palette offers
        # the search of the whole timeline instead
        assert await prompts("e25") == ["Jump to event: e25", "Search all events for 'e25'"]
        await pilot.press("G")
        assert await prompts("e25") == [f"Jump to event: e25{k}" for k in range(10)] + [
            "Search all events for 'e25'"]
        hits = [hit async for hit in provider.search("e25")]
        hits[0].command()
        await pilot.pause()
        assert app.cursor == 250
        hits[-1].command()
        await pilot.pause()
        assert app.query_text == "e25" and app.cursor == 250  # e25 from the cursor on: e250
        await pilot.press("n")
        await pilot.app.workers.wait_for_complete()
        assert app.cursor == 251


@pytest.mark.asyncio
async def test_a_long_what_if_drop_is_checked_in_a_worker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.whatif

    monkeypatch.setattr(tui.app, "WHATIF_ON_UI_ROWS", 100)
    monkeypatch.setattr(tui.whatif, "_CHUNK", 10)
    monkeypatch.setattr(domain.lazy, "SLICE", 10)  # the views read ten events at a time
    rows, app = held_rows_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await pilot.press(*"j" * 9, "x")  # e8, a rejection nothing targets
            # ten events a read: the first drop's check indexes the base; it has read 200
            # of its 300 events when it waits for row 200
            await settle(pilot, lambda: app.checked_percent == 66)
            assert app.sub_title.startswith("Step 9/300 · ")
            assert app.sub_title.endswith(" · checking the what-if… 66 %")
            assert app.live is not None and app.live.empty  # not applied before it is checked
            await pilot.press("x", "e", "a")  # further changes wait; no form opens
            assert notes(app)[-3:] == [": a what-if change is being checked"] * 3
            assert len(app.screen_stack) == 1
            await pilot.press("j")  # keys stay live meanwhile
            assert app.cursor == 9 and app.sub_title.startswith("Step 10/300 · ")
            assert app.sub_title.endswith("checking the what-if… 66 %")
            rows.release.set()
            await ready(pilot)
            assert app.checking is None and app.live.dropped == {"e8"}
            assert app.dropped_rows == [8]
            assert app.query_one(TimelineView).dropped == {"e8"}
            assert app.cursor == 9  # the cursor stays where it went meanwhile
            assert app.sub_title.startswith("Step 9/299 · ")  # e8 is no step now
            assert app.sub_title.endswith(" · what-if: 1 dropped, 0 edited, 0 added")
            assert not any("cannot drop" in n for n in notes(app))
    finally:
        rows.release.set()


@pytest.mark.asyncio
@pytest.mark.parametrize("on_ui_rows", [100, 5_000])
async def test_a_drop_that_others_target_is_refused_in_a_worker_as_on_the_ui_thread(
        monkeypatch: pytest.MonkeyPatch, on_ui_rows: int) -> None:
    monkeypatch.setattr(tui.app, "WHATIF_ON_UI_ROWS", on_ui_rows)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    app = HeldGaps(timeline.name, preloaded=timeline, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("j", "j", "j", "x")  # e2: e9 and e276 target it
        await ready(pilot)
        assert app.whatif_generation == (1 if on_ui_rows == 100 else 0)
        assert notes(app) == [
            "cannot drop e2: <synthetic-300-4p6i-s2>: e9.target: unknown event 'e2'\n"
            "<synthetic-300-4p6i-s2>: e276.target: unknown event 'e2'"]
        assert app.checking is None and app.live is not None and app.live.empty
        assert app.dropped_rows == [] and app.cursor == 2
        assert app.sub_title == "Step 3/300 · " + timeline.events[2].at[:16].replace("T", " ")


@pytest.mark.asyncio
async def test_a_store_failing_under_the_what_if_worker_is_reported(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "WHATIF_ON_UI_ROWS", 100)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    broken = with_rows(timeline, Rows(timeline.events, broken=range(250, 300)))
    app = HeldGaps(timeline.name, preloaded=broken, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(*"j" * 9, "x")
        await ready(pilot)
        assert notes(app)[-1] == (
            "cannot drop e8: the what-if could not be checked: the store holds fewer "
            "statements than 300: row 250 is missing")
        assert app.checking is None and app.live is not None and app.live.empty
        assert "checking" not in app.sub_title and app.is_running


@pytest.mark.asyncio
async def test_the_drop_index_is_built_once_the_gap_worker_is_done(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "WHATIF_ON_UI_ROWS", 100)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    held = HeldGaps(timeline.name, preloaded=timeline, keymap={})
    async with held.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert held.gap_running and held.live is not None and not held.live.checks_at_once
    other = synthetic.timeline(synthetic.Spec(300, seed=2))  # its own index
    app = AccordApp(other.name, preloaded=other, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert not app.gap_running and app.live is not None and app.live.checks_at_once
        await pilot.press(*"j" * 9, "x")  # e8, a rejection nothing targets
        assert app.live.dropped == {"e8"} and app.checking is None  # at once, no worker


class FirstGapsOnly(AccordApp):
    """The app whose gap worker runs for the timeline it opens, and is held after that."""

    CSS_PATH = HeldGaps.CSS_PATH

    def compute_gaps(self, timeline: Any, generation: int) -> None:  # type: ignore[override]
        if generation == 1:
            AccordApp.compute_gaps(self, timeline, generation)
        else:
            self.held = (timeline, generation)


@pytest.mark.asyncio
async def test_after_a_change_a_far_jump_before_it_uses_the_base_checkpoints(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "FAR_STEPS", 20)
    monkeypatch.setattr(domain.replay, "EVERY", 16)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    app = FirstGapsOnly(timeline.name, preloaded=timeline, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert not app.gap_running
        await pilot.press("G", *"k" * 20)  # row 279: e.g. a rejection nothing targets
        await ready(pilot)
        event = app.current_event
        assert event is not None and app.cursor == 279
        await pilot.press("x")
        await ready(pilot)
        assert app.live is not None and app.live.dropped == {event.id}
        assert app.gap_running  # the variant's gap worker is held
        await pilot.press("g", "]", "]")  # two days on: ~80 steps, before the change
        await ready(pilot)
        assert app.waiting is None and 40 < app.step < 279
        assert app.replay is not None
        assert app.replay.distance(app.step) < 16  # from a base checkpoint
        await pilot.press("G")  # beyond the change: the held worker's fold, waited for
        await ready(pilot)
        assert app.waiting == 299


@pytest.mark.asyncio
async def test_the_detail_lists_the_first_changes_and_counts_them_all(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A stance that moves flips `contested` on the claims about its cell (thousands at
    10^6 steps): the app reads only the first and latest of them (`brief_changes`), and
    the detail still lists the step's first changed paths and how many more there are.
    (And once the gap worker is done, the last steps are near a checkpoint.)"""
    monkeypatch.setattr(tui.app, "CHANGES_SHOWN", 3)
    monkeypatch.setattr(tui.components.detail, "CHANGES_SHOWN", 3)
    monkeypatch.setattr(tui.app, "CLAIMS_SHOWN", 2)  # so the app reads the ends: max(3, 2·2)
    timeline = synthetic.timeline(synthetic.Spec(3_000, seed=2))
    replay = Replay(timeline)
    step = next(s for s in range(2_500, 3_001)  # one whose brief leaves flips out
                if len(brief_changes(*replay.pair(s), ends=4).paths)
                < len(step_changes(*replay.pair(s))) - 2)
    whole = step_changes(*replay.pair(step))
    app = AccordApp(timeline.name, preloaded=timeline, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        # the gap worker laid the end (`Replay.lay_end`): `G` folds at most FINE events
        assert app.replay is not None and app.replay.distance(3_000) < domain.replay.FINE
        before, after = replay.pair(step)
        about = sum(len(cell.claims) for key, cell in after.cells.items()  # the moved ones'
                    if (cell.option, cell.rejects) != (before.cells[key].option,
                                                       before.cells[key].rejects))
        read = 0
        find = domain.changes.found

        def counted(mapping: Any, keys: Any) -> Any:
            def each() -> Any:
                nonlocal read
                for key in keys:
                    read += 1
                    yield key
            return find(mapping, each())

        monkeypatch.setattr(domain.changes, "found", counted)
        app.go(step - 1)
        await pilot.pause()
        monkeypatch.setattr(domain.changes, "found", find)
        assert 0 < read < about  # not every claim about the moved cell: as far as shown
        assert app.sub_title.startswith(f"Step {step}/3000")
        detail = Console(width=400, record=True)
        detail.print(app.query_one(EventDetail).content)
        text = detail.export_text()
        assert f"changed: {', '.join(whole[:3])} … and {len(whole) - 3:,} more" in text


@pytest.mark.asyncio
async def test_the_gap_worker_is_done_though_laying_the_end_meets_a_store_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Laying the end (`Replay.lay_end`) is only a speed-up: a store error there leaves the
    gap worker done with its series and checkpoints, and the last step still shows."""
    def failing(replay: Replay) -> None:
        raise LookupError("the store holds fewer statements than 300: row 299 is missing")

    monkeypatch.setattr(Replay, "lay_end", failing)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    app = AccordApp(timeline.name, preloaded=timeline, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert not app.gap_running and app.gap_failed is None
        await pilot.press("G")
        await pilot.pause()
        assert app.sub_title.startswith("Step 300/300") and app.waiting is None
