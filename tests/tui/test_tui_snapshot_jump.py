"""A far jump into a stored timeline before the gap worker got there starts from the
store's nearest snapshot (read in a worker) instead of waiting for the gap worker."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest
from rich.console import Console
from test_tui_scale import SIZE, HeldGaps, ready, settle

import domain.replay
import tui.app
from domain import snapshots
from domain.application import Negotiations
from domain.deferred import Source
from domain.replay import Replay
from domain.state_json import state_json
from domain.stores import store_env
from events import synthetic
from tui.app import AccordApp
from tui.components.detail import EventDetail
from tui.components.matrix import PositionsMatrix

TIMELINE = synthetic.timeline(synthetic.Spec(300, seed=2))


def matrix_rows(app: AccordApp) -> list[list[str]]:
    return app.query_one(PositionsMatrix).row_texts()


def detail(app: AccordApp) -> str:
    console = Console(width=200, record=True)
    console.print(app.query_one(EventDetail).content)
    return console.export_text()


def stored(url: str, every: int | None) -> None:
    store = Negotiations(env=store_env(url))
    store.record(TIMELINE)
    if every is not None:
        snapshots.take(store, TIMELINE.name, every=every)


async def shown_at(pilot: Any, keys: str) -> list[list[str]]:
    await ready(pilot)
    await pilot.press(*keys)
    await ready(pilot)
    return matrix_rows(pilot.app)


@pytest.mark.asyncio
async def test_a_far_jump_starts_from_the_nearest_stored_snapshot(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "FAR_STEPS", 20)
    monkeypatch.setattr(domain.replay, "EVERY", 16)  # checkpoints nearer than FAR_STEPS
    stored(sqlite_url, every=100)
    expected: dict[str, Any] = {}
    reference = AccordApp(TIMELINE.name, preloaded=TIMELINE, keymap={})
    async with reference.run_test(size=SIZE) as pilot:  # every step folded from step 0
        expected["G"] = await shown_at(pilot, "G")
        expected["G detail"] = detail(reference)
        reference.go(199)
        expected["200"] = await shown_at(pilot, "")
        expected["200 detail"] = detail(reference)
        expected["k"] = await shown_at(pilot, "k" * 45)
    release = threading.Event()
    nearest = snapshots.nearest

    def held_at_199(app: Any, name: str, step: int, *args: Any, **kwargs: Any) -> Any:
        if step == 199:  # the worker's second read for step 200: the step before it
            assert release.wait(10), "the test never released the second read"
        return nearest(app, name, step, *args, **kwargs)

    monkeypatch.setattr(snapshots, "nearest", held_at_199)
    app = HeldGaps(TIMELINE.name, store=sqlite_url, keymap={})  # its gap worker never runs
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G")
        # the snapshot before the last step (299) holds the state before it: the last
        # step's state and what it changed show at once, from one read
        await settle(pilot, lambda: app.waiting is None)
        await ready(pilot)
        assert matrix_rows(app) == expected["G"]
        assert app.sub_title.startswith("Step 300/300") and app.gap_running
        assert not app.query_one(PositionsMatrix).loading
        assert detail(app) == expected["G detail"]
        # then it reads the snapshot before (200) and folds to 298: the steps back
        await settle(pilot, lambda: app.snapshot_reading is None)
        assert app.replay is not None and app.replay.distance(250) < 20
        # a step with a snapshot of its own (200) shows it at once; what the step changed
        # needs the state before it, which the worker reads next (from the one at 100)
        app.go(199)
        await settle(pilot, lambda: app.snapshot_reading == 199)
        assert app.waiting is None
        assert matrix_rows(app) == expected["200"]
        assert app.sub_title.startswith("Step 200/300")
        assert "changed: not known yet: the state before this step is not folded yet" in \
            detail(app)
        assert app.snapshot_reading == 199
        release.set()
        await ready(pilot)
        assert detail(app) == expected["200 detail"]
        assert app.snapshot_reading is None
        assert await shown_at(pilot, "k" * 45) == expected["k"]  # 155: from the one at 100
        assert app.sub_title.startswith("Step 155/300")
        assert app.replay is not None
        assert state_json(app.replay.state(155), 0) == state_json(Replay(TIMELINE).state(155), 0)
        await pilot.press("g", "]")  # a day on from step 1: 40 steps from step 0
        await ready(pilot)
        waited = app.waiting
        assert waited is not None and waited > 20  # no snapshot before it: the gap worker
        assert app.snapshot_absent == waited and app.snapshot_reading is None
        assert app.query_one(PositionsMatrix).loading


@pytest.mark.asyncio
async def test_without_snapshots_a_far_jump_waits_for_the_gap_worker(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "FAR_STEPS", 20)
    stored(sqlite_url, every=None)
    app = HeldGaps(TIMELINE.name, store=sqlite_url, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G")
        await ready(pilot)
        assert app.waiting == 300 and app.sub_title.endswith("· folding… 0 %")
        assert app.query_one(PositionsMatrix).loading
        assert app.snapshot_absent == 300


@pytest.mark.asyncio
async def test_the_gap_worker_stands_aside_while_a_snapshot_read_is_waited_for(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # both fold at once otherwise, each at half speed: the state a far jump waits for
    # came ~0.2-0.3 s later at 10^6 (1.7-1.9 s against 2.0-2.1 s)
    monkeypatch.setattr(tui.app, "FAR_STEPS", 20)
    stored(sqlite_url, every=100)
    go, release = threading.Event(), threading.Event()
    folded: list[int] = []
    fold = tui.app.fold_giving_way
    nearest = snapshots.nearest

    def gap_held(replay: Any, start: int, step: int, give_way: Any) -> Any:
        if give_way != app.ui_first.give_way:  # the gap worker's (a snapshot read's: not)
            assert go.wait(10), "the test never let the gap worker go"
            give_way()
            folded.append(step)
        return fold(replay, start, step, give_way)

    def held(app: Any, name: str, step: int, *args: Any, **kwargs: Any) -> Any:
        if step == 300:
            assert release.wait(10), "the test never released the read"
        return nearest(app, name, step, *args, **kwargs)

    monkeypatch.setattr(tui.app, "fold_giving_way", gap_held)
    monkeypatch.setattr(snapshots, "nearest", held)
    app = AccordApp(TIMELINE.name, store=sqlite_url, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: app.replay is not None)
        await pilot.press("G")
        await settle(pilot, lambda: app.waiting == 300 and app.snapshot_reading == 300)
        go.set()
        await pilot.pause(0.3)
        assert folded == []  # the read the step waits for goes first
        release.set()
        await settle(pilot, lambda: app.waiting is None and len(folded) > 1)
        await settle(pilot, lambda: not app.gap_running)
        assert folded[-1] == 300


@pytest.mark.asyncio
async def test_the_workers_stand_aside_until_the_state_a_step_waited_for_is_drawn(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The state a far jump waited for, read from a stored snapshot, is drawn as a key's
    step is: the workers (the snapshot worker building what its read left for later and
    reading on, the gap worker) stand aside until the repaint; at 10^6 they held it back
    0.1-0.2 s."""
    monkeypatch.setattr(tui.app, "FAR_STEPS", 20)
    stored(sqlite_url, every=100)
    release = threading.Event()
    nearest = snapshots.nearest

    def held(app: Any, name: str, step: int, *args: Any, **kwargs: Any) -> Any:
        if step == 300:
            assert release.wait(10), "the test never released the read"
        return nearest(app, name, step, *args, **kwargs)

    monkeypatch.setattr(snapshots, "nearest", held)
    app = HeldGaps(TIMELINE.name, store=sqlite_url, keymap={})
    seen: list[tuple[int | None, bool]] = []
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G")
        await settle(pilot, lambda: app.waiting == 300 and not app.ui_first.answering)
        shown = app.refresh_view

        def noted() -> None:
            seen.append((app.waiting, app.ui_first.answering))
            shown()

        app.refresh_view = noted  # type: ignore[method-assign]
        release.set()
        await settle(pilot, lambda: app.waiting is None)
        await ready(pilot)
        assert seen[0] == (300, True)  # the state came: drawn while the workers wait
        assert not app.ui_first.answering  # and they went on after the repaint
        assert matrix_rows(app) != [] and not app.query_one(PositionsMatrix).loading


@pytest.mark.asyncio
async def test_a_state_read_is_out_of_the_collectors_reach_before_the_fold_on(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The objects of a state read from a stored snapshot (~5·10^6 at 10^6 steps) leave
    the collector's generations before the worker folds on from it: the idle collector's
    next pass would otherwise scan them all, on some key (0.29 s seen at 10^6)."""
    monkeypatch.setattr(tui.app, "FAR_STEPS", 20)
    stored(sqlite_url, every=100)
    tracked: list[bool] = []
    fold_on = tui.app.fold_giving_way

    def looking(replay: Replay, start: int, step: int, give_way: Any) -> Any:
        claim = next(iter(replay.state(start).claims.values()))  # as read, not a copy
        tracked.append(any(o is claim for o in gc.get_objects()))
        return fold_on(replay, start, step, give_way)

    monkeypatch.setattr(tui.app, "fold_giving_way", looking)
    app = HeldGaps(TIMELINE.name, store=sqlite_url, keymap={})  # its gap worker never runs
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G")
        await settle(pilot, lambda: app.waiting is None and app.snapshot_reading is None)
    assert tracked and not any(tracked)  # both reads: the last step's, the one before


@pytest.mark.asyncio
async def test_the_snapshot_worker_builds_the_maps_a_read_left_for_later(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A state read from a stored snapshot leaves the fold's indexes unbuilt until read
    (`domain.deferred`); the worker builds them once the state is shown, so that no step
    builds them on the UI thread."""
    monkeypatch.setattr(tui.app, "FAR_STEPS", 20)
    monkeypatch.setattr(domain.replay, "EVERY", 16)  # checkpoints nearer than FAR_STEPS
    stored(sqlite_url, every=100)
    built_in: list[str] = []
    build = Source.map

    def watched(source: Source) -> Any:
        if not source.built:
            built_in.append(threading.current_thread().name)
        return build(source)

    monkeypatch.setattr(Source, "map", watched)
    app = HeldGaps(TIMELINE.name, store=sqlite_url, keymap={})  # its gap worker never runs
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G")
        await settle(pilot, lambda: app.waiting is None and app.snapshot_reading is None)
        await pilot.press(*"k" * 30)  # steps back, folded from the states read
        await ready(pilot)
        assert app.replay is not None
        state = app.replay.state(app.step)
        assert dict(state.stances) == dict(Replay(TIMELINE).state(app.step).stances)
    # two reads (the snapshots before steps 300 and 200), two maps each, each built once
    assert len(built_in) == 4
    assert threading.main_thread().name not in built_in
