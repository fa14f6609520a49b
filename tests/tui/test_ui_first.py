"""Workers stand aside while the app answers a key (`tui/ui_first.py`)."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from domain.replay import Replay
from domain.state_json import state_json
from events import synthetic
from tui.app import WORKER_STRIDE, AccordApp, fold_giving_way
from tui.ui_first import SWITCH_S, UiFirst


def test_a_worker_waits_from_a_key_until_the_repaint() -> None:
    first = UiFirst()
    first.give_way()  # no key: no wait
    assert first.waits == 0 and not first.answering
    first.key_in()
    assert first.answering
    went_on = threading.Event()

    def worker() -> None:
        first.give_way(longest_s=10)
        went_on.set()

    thread = threading.Thread(target=worker)
    thread.start()
    assert not went_on.wait(0.2)  # the key is being answered: the worker waits
    first.drawn()
    assert went_on.wait(5)  # the repaint: it goes on
    thread.join()
    assert first.waits == 1 and not first.answering


def test_a_worker_never_waits_longer_than_asked() -> None:
    first = UiFirst()
    first.key_in()  # a repaint that never comes
    started = time.perf_counter()
    first.give_way(longest_s=0.05)
    assert 0.04 <= time.perf_counter() - started < 2


def test_the_switch_interval_is_short_while_the_app_runs_and_given_back() -> None:
    before = sys.getswitchinterval()
    first = UiFirst()
    first.start()
    assert sys.getswitchinterval() == SWITCH_S
    first.key_in()
    first.stop()
    assert sys.getswitchinterval() == before
    assert not first.answering  # no worker is left waiting for a repaint


def test_a_fold_giving_way_looks_every_stride_and_folds_the_same_state() -> None:
    timeline = synthetic.timeline(synthetic.Spec(2_000, seed=3))
    looks: list[int] = []
    replay = Replay(timeline)
    replay.state(100)
    state = fold_giving_way(replay, 100, 1_500, lambda: looks.append(1))
    assert len(looks) == -(-(1_500 - 100) // WORKER_STRIDE)  # one before each stride
    assert state_json(state, 0) == state_json(Replay(timeline).state(1_500), 0)


@pytest.mark.asyncio
async def test_a_key_makes_the_workers_stand_aside_until_its_repaint() -> None:
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    app = AccordApp(timeline.name, preloaded=timeline, keymap={})
    seen: list[bool] = []
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.app.workers.wait_for_complete()
        assert sys.getswitchinterval() == SWITCH_S
        original = app.refresh_view

        def noted() -> None:
            seen.append(app.ui_first.answering)
            original()

        app.refresh_view = noted  # type: ignore[method-assign]
        await pilot.press("j")
        await pilot.pause()
        assert seen == [True]  # the key's step was drawn while workers stood aside
        assert not app.ui_first.answering  # and they went on after the repaint
