"""pytest-benchmark suite for the hot paths (skipped by the default test run).

Run: `.venv/bin/pytest tests/bench -o addopts="" --benchmark-only`
(`ACCORD_BENCH_EVENTS` sets the timeline size, default 100,000). `accord bench` gives the
headline figures; this suite times each path on its own, with statistics.
"""

from __future__ import annotations

import gc
import os
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from domain import fastread, fold, snapshots
from domain.application import Negotiations
from domain.replay import Replay
from domain.state import State
from domain.state_json import state_json
from domain.stores import store_env
from events import synthetic
from events.timeline import Timeline

EVENTS = int(os.environ.get("ACCORD_BENCH_EVENTS", "100000"))


@pytest.fixture(scope="module")
def timeline() -> Timeline:
    generated = synthetic.timeline(synthetic.Spec(EVENTS))
    gc.collect()
    gc.freeze()  # the events live for the whole run (see docs/benchmark.md)
    return generated


@pytest.fixture(scope="module")
def store(timeline: Timeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = tmp_path_factory.mktemp("bench") / "store.db"
    app = Negotiations(env=store_env(f"sqlite:///{path}"))
    app.record(replace(timeline, events=()))
    fastread.append(app, timeline.name, 1, timeline.events)
    yield app
    app.close()


@pytest.fixture(scope="module")
def replay(timeline: Timeline) -> Replay:
    opened = Replay(timeline)
    opened.state()  # lay the checkpoints, as opening a timeline at its end does
    return opened


def test_generate(benchmark: Any) -> None:
    spec = synthetic.Spec(10_000)
    benchmark(lambda: sum(1 for _ in synthetic.events(spec)))


def test_fold_every_event(benchmark: Any, timeline: Timeline) -> None:
    def fold_all() -> State:
        state = State.empty(timeline.header)
        for event in timeline.events:
            fold.apply(state, event)
        return state

    assert benchmark.pedantic(fold_all, rounds=1, iterations=1).step == timeline.steps


def test_decode_a_page(benchmark: Any, store: Any, timeline: Timeline) -> None:
    rows = list(fastread.stored_rows(store, timeline.name, lte=fastread.PAGE + 1))
    benchmark(lambda: [fastread.trusted_statement(orjson.loads(r)["statement"]) for r in rows])


def test_replay_from_sqlite(benchmark: Any, store: Any, timeline: Timeline) -> None:
    state = benchmark.pedantic(lambda: fastread.state_at(store, timeline.name),
                               rounds=1, iterations=1)
    assert state.step == timeline.steps


def test_append_to_sqlite(benchmark: Any, timeline: Timeline, tmp_path: Path) -> None:
    app = Negotiations(env=store_env(f"sqlite:///{tmp_path / 'append.db'}"))
    app.record(replace(timeline, events=()))
    count = benchmark.pedantic(lambda: fastread.append(app, timeline.name, 1, timeline.events),
                               rounds=1, iterations=1)
    assert count == timeline.steps
    app.close()


def test_adjacent_step(benchmark: Any, replay: Replay) -> None:
    steps = iter(range(replay.steps // 3, replay.steps))
    benchmark(lambda: replay.state(next(steps)))


def test_random_jump(benchmark: Any, replay: Replay) -> None:
    rng = random.Random(1)
    benchmark(lambda: replay.state(rng.randrange(replay.steps + 1)))


def test_state_json_at_the_end(benchmark: Any, replay: Replay) -> None:
    state = replay.state()
    benchmark(lambda: state_json(state, replay.steps))


def test_copy_state_at_the_end(benchmark: Any, replay: Replay) -> None:
    state = replay.state()
    benchmark(state.copy)


def test_read_the_snapshot_at_the_end(benchmark: Any, store: Any, timeline: Timeline) -> None:
    """The last stored snapshot, at the step before the last (`snapshots.take`: `G` then
    shows the last step and what it changed from one read)."""
    snapshots.take(store, timeline.name)
    state = benchmark.pedantic(
        lambda: snapshots.nearest(store, timeline.name, timeline.steps, timeline.header),
        rounds=3, iterations=1)
    assert state is not None and state.step == timeline.steps - 1
