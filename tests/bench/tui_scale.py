"""The TUI on a large stored timeline, timed in-process with Textual's Pilot.

    .venv/bin/python tests/bench/tui_scale.py [--events N] [--store URL] [--name NAME]

Without --store it generates N events (events/synthetic.py) into a temporary SQLite store.
It prints: first paint (the app started → the matrix shown, imports not included;
`first_paint.sh` times a real terminal from process launch), how long the gap worker
takes to fold the whole timeline, a far jump (`G`) made before and after that, and for a
series of keys the app's own work per key (`refresh_view`) and Pilot's press → repaint.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from domain.application import Negotiations
from domain.stores import store_env
from events import synthetic
from tui.app import AccordApp
from tui.components.matrix import PositionsMatrix

KEYS = ["j"] * 30 + ["k"] * 30 + ["]"] * 5 + ["["] * 5 + ["G"] + ["k"] * 30 + ["g"] + \
    ["j"] * 10


def percentiles(values: list[float]) -> str:
    """median / p95 / max in milliseconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"median {statistics.median(ordered) * 1e3:.1f} ms, p95 {p95 * 1e3:.1f} ms, "
            f"max {ordered[-1] * 1e3:.1f} ms (n={len(ordered)})")


async def until(test: Callable[[], bool], pilot: Any, timeout: float = 600) -> float:
    """Seconds until `test()` holds (pausing the pilot in between)."""
    start = time.perf_counter()
    while not test():
        if time.perf_counter() - start > timeout:
            raise TimeoutError
        await pilot.pause(0.01)
    return time.perf_counter() - start


async def run(name: str, url: str) -> None:
    app = AccordApp(name, store=url)
    work: list[float] = []
    original = app.refresh_view

    def timed() -> None:
        started = time.perf_counter()
        original()
        work.append(time.perf_counter() - started)

    app.refresh_view = timed  # type: ignore[method-assign]
    started = time.perf_counter()
    async with app.run_test(size=(160, 50)) as pilot:
        matrix = app.query_one(PositionsMatrix)
        await until(lambda: app.replay is not None and matrix.row_count > 0, pilot)
        print(f"first paint (app start → matrix): {time.perf_counter() - started:.2f} s "
              f"({app.replay.steps if app.replay else 0} steps)")
        await pilot.press("G")
        waited = await until(lambda: app.waiting is None, pilot)
        print(f"G before the gap worker is done: state shown after {waited:.2f} s "
              f"(the keys stay live meanwhile)")
        done = await until(lambda: not app.gap_running, pilot)
        print(f"gap worker done {time.perf_counter() - started:.1f} s after start "
              f"(+{done:.1f} s)")
        wall: list[float] = []
        painted: dict[str, list[float]] = {}
        for key in KEYS:
            work.clear()
            pressed = time.perf_counter()
            await pilot.press(key)
            # the next refresh of the screen after the key's work: key → repaint
            app.call_after_refresh(lambda key=key, pressed=pressed: painted.setdefault(
                key, []).append(time.perf_counter() - pressed))
            await pilot.pause()
            wall.append(time.perf_counter() - pressed)
            if work:
                painted.setdefault(f"{key} (app work)", []).append(sum(work))
        for key, times in painted.items():
            print(f"{key!r}: {percentiles(times)}")
        every = [t for key, times in painted.items() if "work" not in key for t in times]
        print(f"key → repaint, every key: {percentiles(every)}")
        print(f"Pilot press + pause: {percentiles(wall)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--store")
    parser.add_argument("--name")
    args = parser.parse_args()
    if args.store:
        asyncio.run(run(args.name or synthetic.Spec(args.events).name, args.store))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'tui.db'}"
        timeline = synthetic.timeline(synthetic.Spec(args.events))
        Negotiations(env=store_env(url)).record(timeline)
        del timeline
        asyncio.run(run(synthetic.Spec(args.events).name, url))


if __name__ == "__main__":
    main()
