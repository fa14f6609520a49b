"""The collector runs between keys, not during them, and is given back on exit."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from events import synthetic
from tui.app import AccordApp
from tui.idle_gc import IdleCollector


@pytest.fixture
def passes() -> Iterator[list[int]]:
    """The generations of the collector's passes while the test runs."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def young_garbage(count: int) -> None:
    for _ in range(count):
        cycle: list[Any] = []
        cycle.append(cycle)


def test_it_collects_only_when_idle_or_when_the_young_pile_up(passes: list[int]) -> None:
    clock = Clock()
    collector = IdleCollector(idle_s=0.25, young_limit=50_000, clock=clock)
    gc.collect()  # every generation's count at 0: the passes below are not the tenth
    passes.clear()
    collector.start()
    try:
        assert not gc.isenabled()
        young_garbage(5_000)  # far past the automatic threshold (700): no pass
        assert passes == []
        collector.busy()
        clock.now = 0.2
        collector.tick()  # drawn 0.2 s ago: not idle
        assert passes == []
        clock.now = 0.3
        collector.tick()  # idle
        assert passes == [1] and collector.passes == 1
        collector.tick()  # nothing young left to collect
        assert passes == [1]
        collector.busy()
        young_garbage(60_000)  # a key held down: collected though busy
        collector.tick()
        assert passes == [1, 1]
    finally:
        collector.stop()
    assert gc.isenabled()


def test_it_leaves_alone_what_a_worker_makes_in_bulk(passes: list[int]) -> None:
    from domain import collector as bulk

    clock = Clock()
    collector = IdleCollector(idle_s=0.0, young_limit=50_000, clock=clock)
    collector.start()
    try:
        gc.collect()
        passes.clear()
        with bulk.paused():  # a worker reading a stored snapshot, say
            young_garbage(60_000)
            collector.tick()  # idle, and past the young limit: still no pass
            assert passes == [] and bulk.making_many()
        assert not bulk.making_many() and not gc.isenabled()  # still the app's
        collector.tick()
        assert passes == [1]
    finally:
        collector.stop()


def test_every_tenth_pass_is_a_full_one(passes: list[int]) -> None:
    clock = Clock()
    collector = IdleCollector(idle_s=0.0, clock=clock)
    collector.start()
    try:
        gc.collect()
        passes.clear()
        for _ in range(11):
            young_garbage(1_000)
            collector.tick()
        assert passes == [1] * 10 + [2]
    finally:
        collector.stop()


@pytest.mark.asyncio
async def test_the_app_collects_when_idle_and_gives_the_collector_back() -> None:
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    app = AccordApp(timeline.name, preloaded=timeline, keymap={})
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("j", "j", "j")
        assert not gc.isenabled()
        await pilot.pause(0.5)  # idle: the timer's pass
        assert app.idle_gc.passes >= 1
    assert gc.isenabled()


def test_the_gap_worker_pauses_for_keys_only_while_they_come() -> None:
    from tui.app import GAP_FULL_SPEED_AFTER_S, gap_pause

    clock = Clock()
    collector = IdleCollector(clock=clock)
    collector.busy()  # a step drawn
    clock.now = 0.4
    assert collector.quiet_for() == pytest.approx(0.4)
    assert gap_pause(0.03, collector.quiet_for()) == 0.03  # as long again: keys come
    clock.now = GAP_FULL_SPEED_AFTER_S + 0.1
    assert gap_pause(0.03, collector.quiet_for()) == 0.0  # quiet: full speed
