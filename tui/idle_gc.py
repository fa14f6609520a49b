"""Cyclic garbage collection between keys instead of during them.

Drawing a step makes thousands of short-lived objects (strips, segments, styles), so the
collector's automatic passes land inside keypresses: measured over 41 keys on a
10^5-event timeline, ~450 collections, ~210 ms in all, single pauses up to 26-36 ms —
most of a slow key's excess. While the app runs, `IdleCollector` turns the automatic
collector off and collects on a timer instead: when no step was drawn for `idle_s`, or at
once when the young objects pile up past `young_limit` (a key held down). Objects without
reference cycles are freed by reference counting as always; only cyclic garbage waits for
the next pass. The standard library has no idle-time collector to reuse.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from domain import collector

#: the collector's own first threshold: fewer new objects than this are not worth a pass
_WORTH_A_PASS = 700


class IdleCollector:
    """Collects garbage when the app is idle (see the module)."""

    def __init__(self, idle_s: float = 0.05, young_limit: int = 50_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_s = idle_s
        self.young_limit = young_limit
        self._clock = clock
        self._last = clock()
        self._was_enabled = False
        self.passes = 0

    def start(self) -> None:
        """Turn the automatic collector off (`stop` restores it)."""
        self._was_enabled = gc.isenabled()
        gc.disable()

    def stop(self) -> None:
        """Give the collector back as it was before `start`."""
        if self._was_enabled:
            gc.enable()

    def busy(self) -> None:
        """Something was drawn now: the next pass waits until the app is idle again."""
        self._last = self._clock()

    def quiet_for(self) -> float:
        """Seconds since something was last drawn (`busy`)."""
        return self._clock() - self._last

    def tick(self) -> None:
        """Collect if the app is idle, or the young objects exceed `young_limit`: the
        youngest two generations, and all three as often as the collector itself would
        (every tenth pass). Not while a worker makes many objects at once
        (`collector.making_many`): the pass would scan them as they are made."""
        young, _, passes_since_full = gc.get_count()
        idle = self._clock() - self._last >= self.idle_s
        if young < _WORTH_A_PASS or not (idle or young >= self.young_limit):
            return
        if collector.making_many():  # a worker's bulk (kept, or freed by reference
            return  # counting): scanning it as it grows cost a snapshot read 0.7 s of 1.8
        gc.collect(2 if passes_since_full >= 10 else 1)
        self.passes += 1
