"""The collector is held off while a Replay folds; what a jump lays (its checkpoints) is
moved out of the collector's reach only while the automatic collector runs."""

from __future__ import annotations

import gc

from domain import collector
from domain.replay import Replay
from events import synthetic

TIMELINE = synthetic.timeline(synthetic.Spec(3_000, seed=5))


def test_a_jump_freezes_its_checkpoints_when_the_collector_runs() -> None:
    replay = Replay(TIMELINE, every=256)
    replay.state()
    assert gc.isenabled()
    before = gc.get_freeze_count()
    replay.state(1_000)  # a jump: restores a checkpoint, lays the fine ones
    assert gc.get_freeze_count() > before
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    replay.state(1_001)  # a step on: nothing laid, nothing frozen
    assert gc.get_freeze_count() == frozen


def test_under_a_collector_turned_off_nothing_is_frozen() -> None:
    replay = Replay(TIMELINE, every=256)
    replay.state()
    gc.disable()
    try:
        before = gc.get_freeze_count()
        replay.state(1_000)
        assert gc.get_freeze_count() == before and not gc.isenabled()
    finally:
        gc.enable()


def test_paused_gives_the_collector_back_as_it_was() -> None:
    with collector.paused() as pause:
        assert not gc.isenabled() and not pause.keep
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
