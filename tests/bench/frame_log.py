"""Where a key's time goes in the TUI: a log of each frame, and its summary per key.

    .venv/bin/python tests/bench/frame_log.py LOG tui TARGET [--store URL]

runs `accord tui …` with Textual's drawing timed into LOG: each key received, the app's
`refresh_view`, each layout and compositor refresh of the screen, each panel drawn
(`StylesCache.render_widget`: the panel, its height, how long) and each write to the
terminal (bytes); a key and a write also carry the UI thread's CPU time (`time.thread_time`).
`key_latency.py --frame-log LOG` starts the TUI this way and prints `summary(LOG)` after
its keys: per key, the app's side (key received → its frame written), the UI thread's
CPU time over the same span, `refresh_view`, the first compositor refresh, a layout if
any, and the panels that took longest to draw. The CPU time is the figure to compare
two codes by on a noisy machine: it leaves out the time the thread waited for the other
threads and the machine's other load. The timing wrappers add ~5-10 % to a frame.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

_started = time.perf_counter()


def install(out: TextIO) -> None:
    """Wrap Textual's and the app's drawing so that each step of a frame is logged."""
    from textual import events
    from textual._styles_cache import StylesCache
    from textual.drivers.linux_driver import LinuxDriver
    from textual.screen import Screen

    from tui.app import AccordApp

    def log(*parts: object) -> None:
        out.write(f"{(time.perf_counter() - _started) * 1e3:10.1f} "
                  + " ".join(map(str, parts)) + "\n")

    def timed(cls: type, name: str, label: str) -> None:
        original: Callable[..., Any] = getattr(cls, name)

        def wrapper(self: object, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                log(label, f"{(time.perf_counter() - started) * 1e3:.2f}")

        setattr(cls, name, wrapper)

    timed(AccordApp, "refresh_view", "refresh_view")
    timed(Screen, "_refresh_layout", "layout")
    timed(Screen, "_compositor_refresh", "compositor")

    write = LinuxDriver.write

    def logged_write(self: LinuxDriver, data: str) -> None:
        log("write", len(data), f"cpu={time.thread_time() * 1e3:.2f}")
        write(self, data)

    LinuxDriver.write = logged_write  # type: ignore[method-assign]

    on_event = AccordApp.on_event

    async def logged_event(self: AccordApp, event: events.Event) -> None:
        if isinstance(event, events.Key):
            log("key", event.key, f"cpu={time.thread_time() * 1e3:.2f}")
        await on_event(self, event)

    AccordApp.on_event = logged_event  # type: ignore[method-assign]

    render_widget = StylesCache.render_widget

    def logged_render(self: StylesCache, widget: Any, crop: Any) -> Any:
        started = time.perf_counter()
        lines = render_widget(self, widget, crop)
        log("draw", type(widget).__name__, crop.height,
            f"{(time.perf_counter() - started) * 1e3:.2f}")
        return lines

    StylesCache.render_widget = logged_render  # type: ignore[method-assign]


@dataclass
class Key:
    """What the log says of one key."""

    name: str
    at: float
    written: float | None = None  # ms from the key to the first write after its work
    cpu: float | None = None  # the UI thread's CPU ms over the same span
    work: float = 0.0  # refresh_view, ms
    compositor: list[float] = field(default_factory=list)
    layout: float = 0.0
    drawn: Counter[str] = field(default_factory=Counter)


def keys(lines: list[str]) -> list[Key]:
    """The keys in a frame log, each with what followed it until the next key (Textual
    posts a key to the app twice: the second, within 5 ms, is the same key)."""
    found: list[Key] = []
    cpu_at_key = 0.0
    for line in lines:
        at, what, *rest = line.split()
        now = float(at)
        cpu = next((float(part[4:]) for part in rest if part.startswith("cpu=")), None)
        if what == "key":
            if not found or now - found[-1].at > 5:
                found.append(Key(rest[0], now))
                cpu_at_key = cpu or 0.0
            continue
        if not found:
            continue
        key = found[-1]
        if what == "refresh_view":
            key.work += float(rest[0])
        elif what == "compositor":
            key.compositor.append(float(rest[0]))
        elif what == "layout":
            key.layout += float(rest[0])
        elif what == "draw":
            key.drawn[rest[0]] += float(rest[2])
        elif what == "write" and key.work and key.written is None:
            key.written = now - key.at
            if cpu is not None:
                key.cpu = cpu - cpu_at_key
    return found


def summary(path: str) -> list[str]:
    """One line per key that repainted, then the medians and p95s."""
    with open(path) as log:
        found = [key for key in keys(log.read().splitlines()) if key.written is not None]
    out = []
    for key in found:
        top = ", ".join(f"{name} {ms:.1f}" for name, ms in key.drawn.most_common(3))
        first = key.compositor[0] if key.compositor else 0.0
        cpu = "" if key.cpu is None else f" (CPU {key.cpu:5.1f})"
        out.append(f"{key.name[:8]:8} key→written {key.written:5.1f} ms{cpu} · refresh_view "
                   f"{key.work:5.1f} · compositor {first:5.1f} · layout {key.layout:5.1f}"
                   f" · {top}")
    if found:
        series = [("key→written", [k.written or 0.0 for k in found]),
                  ("refresh_view", [k.work for k in found])]
        if all(k.cpu is not None for k in found):
            series.insert(1, ("UI thread's CPU, key→written", [k.cpu or 0.0 for k in found]))
        for label, values in series:
            ordered = sorted(values)
            p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
            out.append(f"{label}: median {statistics.median(ordered):.1f} ms, "
                       f"p95 {p95:.1f} ms (n={len(ordered)})")
    return out


if __name__ == "__main__":
    with open(sys.argv[1], "w", buffering=1) as out:
        install(out)
        sys.argv = ["accord", *sys.argv[2:]]
        from tui.cli import main

        main()
