"""`accord bench`: the JSON holds exactly the benchmark's figures, measured on a small
generated negotiation (the figures' speed is the benchmark's business, not the tests')."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import tui.cli_bench
from domain import snapshots
from tui.cli import app

ISSUE_KEYS = ["events", "replay_events_per_s", "baseline_events_per_s", "replay_ratio",
              "append_events_per_s", "append_ratio", "step_adjacent_ms_p95", "jump_ms_p95",
              "diff_s", "peak_rss_mb"]
POSTGRES_KEYS = ["postgres_replay_events_per_s", "postgres_baseline_events_per_s",
                 "postgres_replay_ratio", "postgres_append_events_per_s"]


@pytest.fixture
def small_diff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two 2,000-event timelines sharing 1,800 for diff_s (100,000/90,000 in the bench)."""
    monkeypatch.setattr(tui.cli_bench, "DIFF_EVENTS", 2_000)
    monkeypatch.setattr(tui.cli_bench, "DIFF_PREFIX", 1_800)


def bench_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["bench", "--events", "1000", "--json", *args])
    assert result.exit_code == 0, result.output
    figures: dict[str, Any] = json.loads(result.stdout)
    return figures


def test_bench_json_has_exactly_the_benchmark_keys(small_diff: None, postgres_url: str
                                                   ) -> None:
    figures = bench_json()  # PostgreSQL answers (the fixture fails under CI if not)
    assert list(figures) == [*ISSUE_KEYS, *POSTGRES_KEYS]
    assert figures["events"] == 1_000
    for key in [*ISSUE_KEYS[1:], *POSTGRES_KEYS]:
        assert figures[key] > 0, key
    # the ratios are what their figures say (both rounded)
    assert figures["replay_ratio"] == pytest.approx(
        figures["replay_events_per_s"] / figures["baseline_events_per_s"], rel=0.01)
    assert figures["postgres_replay_ratio"] == pytest.approx(
        figures["postgres_replay_events_per_s"] / figures["postgres_baseline_events_per_s"],
        rel=0.01)


def test_bench_json_extra_adds_the_other_figures(small_diff: None) -> None:
    figures = bench_json("--no-postgres", "--extra")
    assert list(figures)[:len(ISSUE_KEYS)] == ISSUE_KEYS
    assert set(figures) - set(ISSUE_KEYS) == {"json_ms_p95", "step_view_ms_p95", "snapshot_s",
                                              "snapshot_jump_end_s", "snapshot_jump_far_s"}


@pytest.mark.parametrize(("steps", "far"), [(1_000_000, 899_999), (250_000, 199_999),
                                            (150_000, 99_999), (100_001, 99_999),
                                            (1_000, 500)])
def test_the_worst_far_step_folds_the_most_after_a_snapshot(steps: int, far: int) -> None:
    assert snapshots.EVERY == 100_000
    assert tui.cli_bench.worst_far_step(steps) == far


def test_the_hot_path_suite_runs_each_benchmark_once_on_a_small_timeline() -> None:
    """The pytest-benchmark suite is not part of the default run (it times 10^5 events);
    here each of its benchmarks runs once, untimed, on 2,000 events, so that it keeps up
    with the code (it had kept asserting the last snapshot at the last step after
    `snapshots.take` moved it to the step before)."""
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/bench/test_hot_paths.py", "-o", "addopts=",
         "-p", "no:cacheprovider", "--benchmark-disable", "-q"],
        cwd=root, env={**os.environ, "ACCORD_BENCH_EVENTS": "2000"}, capture_output=True,
        text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "10 passed" in result.stdout
