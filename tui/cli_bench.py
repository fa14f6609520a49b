"""`accord bench`: replay, append, stepping and diff figures on one generated negotiation.

Every figure is measured in one run on the same synthetic events (`events.synthetic`);
docs/benchmark.md explains each one and records the results on the reference machine.
"""

from __future__ import annotations

import gc
import pickle
import random
import resource
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from domain import fold
from domain.application import Negotiations
from domain.replay import Replay
from domain.state import State
from domain.state_json import state_json
from domain.stores import store_env
from events import synthetic
from events.timeline import Timeline

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
DIFF_EVENTS = 100_000
DIFF_PREFIX = 90_000
SAMPLES = 200


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def baseline_fold(rows: Iterable[bytes]) -> int:
    """The practical limit: `json.loads` (orjson) and a plain dict fold, no rules engine."""
    positions: dict[tuple[str, str], str | None] = {}
    claims: dict[str, dict[str, Any]] = {}
    pledges: dict[str, list[str]] = {}
    count = 0
    for row in rows:
        event = orjson.loads(row)["statement"]
        kind = event["type"]
        if kind in ("proposal", "acceptance"):
            positions[(event["party"], event["issue"])] = event["option"]
        elif kind == "rejection" and "issue" in event:
            positions[(event["party"], event["issue"])] = None
        elif kind == "claim":
            claims[event["id"]] = event
        elif kind == "pledge":
            pledges[event["pledge"]] = []
        elif kind == "report":
            pledges[event["pledge"]].append(event["id"])
        elif kind == "retraction":
            claims.pop(event["target"], None)
        count += 1
    return count


def _stored_rows(app: Negotiations, name: str) -> list[bytes]:
    from domain.aggregate import negotiation_id

    recorder = app.recorder
    return [s.state for s in recorder.select_events(negotiation_id(name), gt=1)]


def _raw_sqlite_append(rows: list[tuple[str, int, str, bytes]]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "raw.db")
        db.execute("CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER,"
                   " topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
                   " WITHOUT ROWID")
        start = time.perf_counter()
        with db:
            db.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", rows)
        elapsed = time.perf_counter() - start
        db.close()
    return elapsed


def _replay_from_store(app: Negotiations, name: str) -> State:
    return app.negotiation(name).state


def _store_figures(url: str, timeline: Timeline) -> dict[str, float]:
    app = Negotiations(env=store_env(url))
    append_s = _timed(lambda: app.record(timeline))
    replay_s = _timed(lambda: _replay_from_store(app, timeline.name))
    return {"append_s": append_s, "replay_s": replay_s, "app": app}  # type: ignore[dict-item]


def _stepping(timeline: Timeline, rng: random.Random) -> tuple[float, float]:
    replay = Replay(timeline)
    replay.json(0)
    adjacent: list[float] = []
    step = rng.randrange(timeline.steps // 2, timeline.steps - SAMPLES)
    replay.json(step)
    for k in range(step + 1, step + SAMPLES + 1):
        adjacent.append(_timed(lambda k=k: replay.json(k)))
    jumps = [_timed(lambda: replay.json(rng.randrange(0, timeline.steps + 1)))
             for _ in range(max(10, SAMPLES // 10))]
    return _p95(adjacent) * 1e3, _p95(jumps) * 1e3


def _diff_seconds(spec: synthetic.Spec) -> tuple[float, str]:
    base = synthetic.timeline(synthetic.Spec(DIFF_EVENTS, spec.parties, spec.issues, spec.seed))
    variant = synthetic.timeline(synthetic.Spec(DIFF_EVENTS, spec.parties, spec.issues,
                                                spec.seed, fork_at=DIFF_PREFIX, fork_seed=99))

    def fold_both_from_prefix() -> None:
        shared = State.empty(base.header)
        for event in base.events[:DIFF_PREFIX]:
            fold.apply(shared, event)
        ends = []
        for timeline in (base, variant):
            state = pickle.loads(pickle.dumps(shared))
            for event in timeline.events[DIFF_PREFIX:]:
                fold.apply(state, event)
            ends.append(state_json(state, timeline.steps))
        assert ends[0] != ends[1]

    return _timed(fold_both_from_prefix), "fold of both timelines (no domain.diff yet)"


def measure(events: int, postgres: bool = True, seed: int = 0) -> dict[str, Any]:
    """Every figure of `accord bench` on `events` generated events."""
    spec = synthetic.Spec(events, seed=seed)
    timeline = synthetic.timeline(spec)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = _store_figures(f"sqlite:///{Path(tmp) / 'bench.db'}", timeline)
        app: Negotiations = sqlite.pop("app")  # type: ignore[assignment]
        from domain.aggregate import negotiation_id

        rows = _stored_rows(app, timeline.name)
        raw = [(negotiation_id(timeline.name).hex, v, "t", row)
               for v, row in enumerate(rows, start=2)]
        raw_s = _raw_sqlite_append(raw)
        start = time.perf_counter()
        baseline_fold(rows)
        baseline_s = time.perf_counter() - start
        del rows, raw, app
    gc.collect()
    adjacent_ms, jump_ms = _stepping(timeline, random.Random(seed))
    diff_s, diff_how = _diff_seconds(spec)
    result: dict[str, Any] = {
        "events": events,
        "replay_events_per_s": round(events / sqlite["replay_s"]),
        "baseline_events_per_s": round(events / baseline_s),
        "replay_ratio": round(baseline_s / sqlite["replay_s"], 3),
        "append_events_per_s": round(events / sqlite["append_s"]),
        "append_ratio": round(raw_s / sqlite["append_s"], 3),
        "step_adjacent_ms_p95": round(adjacent_ms, 3),
        "jump_ms_p95": round(jump_ms, 3),
        "diff_s": round(diff_s, 3),
        "diff_method": diff_how,
    }
    if postgres and _postgres_answers():
        result.update(_postgres_figures(timeline))
    result["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    return result


def _postgres_answers() -> bool:
    import psycopg

    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3) as conn:
            conn.execute("select 1")
    except Exception:  # any failure means: no server to measure
        return False
    return True


def _postgres_figures(timeline: Timeline) -> dict[str, Any]:
    import uuid

    import psycopg

    schema = f"accord_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"create schema {schema}")
    try:
        figures = _store_figures(f"{POSTGRES_URL}?schema={schema}", timeline)
        figures.pop("app").close()  # type: ignore[attr-defined]
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"drop schema {schema} cascade")
    return {
        "postgres_replay_events_per_s": round(timeline.steps / figures["replay_s"]),
        "postgres_append_events_per_s": round(timeline.steps / figures["append_s"]),
    }


def register(app: typer.Typer) -> None:
    """Add `accord bench` to `app`."""

    @app.command()
    def bench(
        events: Annotated[int, typer.Option("--events", min=1000,
                                            help="How many events to generate.")] = 100_000,
        as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")]
        = False,
        postgres: Annotated[bool, typer.Option(help="Also measure PostgreSQL if it answers.")]
        = True,
        seed: Annotated[int, typer.Option(help="Seed of the generated negotiation.")] = 0,
    ) -> None:
        """Measure replay, append, stepping and diff speed on a generated negotiation."""
        result = measure(events, postgres=postgres, seed=seed)
        if as_json:
            print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
            return
        table = Table(title=f"accord bench: {events} generated events")
        table.add_column("figure")
        table.add_column("value", justify="right")
        for key, value in result.items():
            table.add_row(key, f"{value:,}" if isinstance(value, int | float) else str(value))
        Console().print(table)
