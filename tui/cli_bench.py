"""`accord bench`: replay, append, stepping and diff figures on one generated negotiation.

Every figure is measured in one run on the same synthetic events (`events.synthetic`);
docs/benchmark.md explains each one and records the results on the reference machine.
"""

from __future__ import annotations

import gc
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from domain import fastread, snapshots
from domain.aggregate import negotiation_id
from domain.application import Negotiations
from domain.changes import brief_changes, touched
from domain.diff import compare
from domain.replay import Replay
from domain.state_view import StepView, recent_json
from domain.stored import stored_timeline
from domain.stores import store_env
from events import synthetic
from events.timeline import Timeline

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
DIFF_EVENTS = 100_000
DIFF_PREFIX = 90_000
SAMPLES = 200
#: Whole JSON states timed (each is O(state): ~1 s at 10^6 steps)
JSON_SAMPLES = 20


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def baseline_fold(rows: Iterable[bytes]) -> int:
    """The practical limit: `json.loads` and a plain dict fold (no rules, no models)."""
    positions: dict[tuple[str, str], str | None] = {}
    claims: dict[str, dict[str, Any]] = {}
    pledges: dict[str, list[str]] = {}
    count = 0
    loads = json.loads
    for row in rows:
        event = loads(row)["statement"]
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


def _raw_sqlite_append(rows: list[tuple[str, int, str, bytes]]) -> float:
    """Seconds to executemany `rows` into a table of the store's schema, one transaction."""
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "raw.db")
        db.execute("CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER,"
                   " topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))")
        start = time.perf_counter()
        with db:
            db.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", rows)
        elapsed = time.perf_counter() - start
        db.close()
    return elapsed


def _store_figures(url: str, timeline: Timeline, snapshotted: bool = False
                   ) -> dict[str, float]:
    """Append `timeline` to a fresh store at `url`, replay it; seconds and the baseline.
    With `snapshotted`, then store its snapshots and time far jumps from them."""
    app = Negotiations(env=store_env(url))
    figures: dict[str, float] = {}
    try:
        figures["append_s"] = _timed(lambda: app.record(timeline))
        figures["replay_s"] = _timed(lambda: fastread.state_at(app, timeline.name))
        figures["baseline_s"], figures["raw_append_s"] = _baselines(
            list(fastread.stored_rows(app, timeline.name)), negotiation_id(timeline.name).hex)
        if snapshotted:
            figures["snapshot_s"] = _timed(lambda: snapshots.take(app, timeline.name))
            figures["snapshot_jump_end_s"] = _opened_jump_s(app, timeline.name, timeline.steps)
            figures["snapshot_jump_far_s"] = _opened_jump_s(app, timeline.name,
                                                            worst_far_step(timeline.steps))
    finally:
        app.close()
    return figures


def worst_far_step(steps: int) -> int:
    """The step of a stored timeline of `steps` whose read costs the most (`domain.
    snapshots.take`'s steps): the one before the last full snapshot at a multiple of
    `EVERY`, `PARTIAL - 1` statements after the partial one before it, which is read
    with the full one `EVERY` statements before (the largest changes read on top of the
    largest full snapshot but one). Half way when there is no such snapshot (fewer than
    `EVERY` steps)."""
    below_tail = (steps - 1) // snapshots.EVERY * snapshots.EVERY
    return below_tail - 1 if below_tail else steps // 2


def _opened_jump_s(app: Negotiations, name: str, step: int) -> float:
    """Seconds to the state at `step` of a timeline just opened from the store, as the
    TUI's snapshot worker reads it: the nearest stored snapshot, then a Replay from it."""
    def jump() -> None:
        opened = stored_timeline(app, name, "bench")
        replay = Replay(opened)
        state = snapshots.nearest(app, name, step, opened.header)
        if state is not None:
            replay.install(state)
        replay.state(step)

    return _timed(jump)


def _baselines(rows: list[bytes], ident: str) -> tuple[float, float]:
    """Seconds of the baseline fold and of the raw append, on the stored rows."""
    baseline_s = _timed(lambda: baseline_fold(rows))
    raw = [(ident, version, "topic", row) for version, row in enumerate(rows, start=2)]
    return baseline_s, _raw_sqlite_append(raw)


def _replay_peak_rss_mb(url: str, name: str) -> float:
    """Peak RSS of a fresh process that replays timeline `name` from the store at `url`."""
    # VmHWM, not getrusage: ru_maxrss survives fork + exec, so a child started by a
    # big parent reports the parent's peak; VmHWM belongs to the new address space.
    code = ("import sys; from domain.application import Negotiations; "
            "from domain.stores import store_env; from domain.fastread import state_at; "
            "state_at(Negotiations(env=store_env(sys.argv[1])), sys.argv[2]); "
            "print(next(l.split()[1] for l in open('/proc/self/status') "
            "if l.startswith('VmHWM')))")
    done = subprocess.run([sys.executable, "-c", code, url, name], check=True,
                          capture_output=True, text=True)
    return int(done.stdout.split()[-1]) / 1024  # kB


def _stepping(timeline: Timeline, rng: random.Random) -> dict[str, float]:
    """Stepping figures in ms: adjacent steps, random jumps, the whole JSON state at a
    random step, and what a viewer of one step builds (`_step_view`) for adjacent steps."""
    replay = Replay(timeline)
    replay.state(timeline.steps)  # as when a timeline opens at its end: checkpoints laid
    step = rng.randrange(0, timeline.steps - SAMPLES)
    replay.state(step)
    adjacent = [_timed(lambda k=k: replay.state(k)) for k in range(step + 1, step + SAMPLES)]
    jumps = [_timed(lambda: replay.state(rng.randrange(0, timeline.steps + 1)))
             for _ in range(SAMPLES // 2)]
    whole = [_timed(lambda: replay.json(rng.randrange(0, timeline.steps + 1)))
             for _ in range(JSON_SAMPLES)]
    step = rng.randrange(1, timeline.steps - SAMPLES)
    views = StepView()
    _step_view(replay, views, step)
    viewed = [_timed(lambda k=k: _step_view(replay, views, k))
              for k in range(step + 1, step + SAMPLES)]
    return {"step_adjacent_ms_p95": _p95(adjacent) * 1e3, "jump_ms_p95": _p95(jumps) * 1e3,
            "json_ms_p95": _p95(whole) * 1e3, "step_view_ms_p95": _p95(viewed) * 1e3}


#: Claims and pledges the step view lists (the TUI's most, `tui.app.CLAIMS_SHOWN`)
LISTED = 60


def _step_view(replay: Replay, views: StepView, step: int) -> None:
    """What the TUI builds for a step: what it changed, the matrix's view, and the latest
    claims and pledges."""
    before, after = replay.pair(step)  # (`after`: the step's state as it stays)
    changes, _ = brief_changes(before, after, ends=2 * LISTED)
    state = replay.state(step)
    views.view(state, after)
    recent_json(state, "claims", LISTED, touched(changes, "claims"))
    recent_json(state, "pledges", LISTED, touched(changes, "pledges"))


def _diff_seconds(spec: synthetic.Spec) -> float:
    """`domain.diff.compare` of two timelines of DIFF_EVENTS sharing DIFF_PREFIX events."""
    shape = {"parties": spec.parties, "issues": spec.issues, "seed": spec.seed}
    base = synthetic.timeline(synthetic.Spec(DIFF_EVENTS, **shape))
    variant = synthetic.timeline(synthetic.Spec(DIFF_EVENTS, **shape, fork_at=DIFF_PREFIX,
                                                fork_seed=spec.seed + 1))
    start = time.perf_counter()
    comparison = compare(base, variant)
    elapsed = time.perf_counter() - start
    assert comparison.diverges_at is not None
    return elapsed


def measure(events: int, postgres: bool = True, seed: int = 0) -> dict[str, Any]:
    """Every figure of `accord bench` on `events` generated events."""
    spec = synthetic.Spec(events, seed=seed)
    timeline = synthetic.timeline(spec)
    # The events live as long as the run: keep the collector from rescanning them at
    # every generation-2 pass (what an application holding a long timeline should do).
    gc.collect()
    gc.freeze()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        sqlite = _store_figures(url, timeline, snapshotted=True)
        peak_rss = _replay_peak_rss_mb(url, timeline.name)
    stepping = _stepping(timeline, random.Random(seed))
    result: dict[str, Any] = {
        "events": events,
        "replay_events_per_s": round(events / sqlite["replay_s"]),
        "baseline_events_per_s": round(events / sqlite["baseline_s"]),
        "replay_ratio": round(sqlite["baseline_s"] / sqlite["replay_s"], 3),
        "append_events_per_s": round(events / sqlite["append_s"]),
        "append_ratio": round(sqlite["raw_append_s"] / sqlite["append_s"], 3),
        "step_adjacent_ms_p95": round(stepping["step_adjacent_ms_p95"], 3),
        "jump_ms_p95": round(stepping["jump_ms_p95"], 3),
        "json_ms_p95": round(stepping["json_ms_p95"], 3),
        "step_view_ms_p95": round(stepping["step_view_ms_p95"], 3),
        "diff_s": round(_diff_seconds(spec), 3),
        "peak_rss_mb": round(peak_rss, 1),
        "snapshot_s": round(sqlite["snapshot_s"], 2),
        "snapshot_jump_end_s": round(sqlite["snapshot_jump_end_s"], 2),
        "snapshot_jump_far_s": round(sqlite["snapshot_jump_far_s"], 2),
    }
    if postgres and _postgres_answers():
        result.update(_postgres_figures(timeline))
    return result


#: The figures `accord bench --json` prints (and the PostgreSQL ones when a server
#: answers): the benchmark's contract. `--extra` adds the others `measure` gives.
CONTRACT = ("events", "replay_events_per_s", "baseline_events_per_s", "replay_ratio",
            "append_events_per_s", "append_ratio", "step_adjacent_ms_p95", "jump_ms_p95",
            "diff_s", "peak_rss_mb")


def contract_figures(result: dict[str, Any], extra: bool = False) -> dict[str, Any]:
    """`result` (from `measure`) with only the contract's figures and the PostgreSQL ones,
    in the contract's order; with `extra`, the others too."""
    chosen = {key: result[key] for key in CONTRACT}
    chosen.update((k, v) for k, v in result.items() if k.startswith("postgres_"))
    if extra:
        chosen.update((k, v) for k, v in result.items() if k not in chosen)
    return chosen


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
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"drop schema {schema} cascade")
    return {
        "postgres_replay_events_per_s": round(timeline.steps / figures["replay_s"]),
        "postgres_baseline_events_per_s": round(timeline.steps / figures["baseline_s"]),
        "postgres_replay_ratio": round(figures["baseline_s"] / figures["replay_s"], 3),
        "postgres_append_events_per_s": round(timeline.steps / figures["append_s"]),
    }


def register(app: typer.Typer) -> None:
    """Add `accord bench` to `app`."""

    @app.command()
    def bench(
        events: Annotated[int, typer.Option("--events", min=1000,
                                            help="How many events to generate.")] = 100_000,
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print the figures as JSON: exactly the benchmark's keys "
                           "(and the PostgreSQL ones).")] = False,
        extra: Annotated[bool, typer.Option(
            "--extra", help="With --json, also the other figures (state JSON and step "
                            "view times, stored snapshots).")] = False,
        postgres: Annotated[bool, typer.Option(help="Also measure PostgreSQL if it answers.")]
        = True,
        seed: Annotated[int, typer.Option(help="Seed of the generated negotiation.")] = 0,
    ) -> None:
        """Measure replay, append, stepping and diff speed on a generated negotiation."""
        result = measure(events, postgres=postgres, seed=seed)
        if as_json:
            print(orjson.dumps(contract_figures(result, extra),
                               option=orjson.OPT_INDENT_2).decode())
            return
        table = Table(title=f"accord bench: {events} generated events")
        table.add_column("figure")
        table.add_column("value", justify="right")
        for key, value in result.items():
            table.add_row(key, f"{value:,}" if isinstance(value, int | float) else str(value))
        Console().print(table)
