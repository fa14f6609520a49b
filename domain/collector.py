"""Holding off the cyclic garbage collector while many containers are made at once."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: `paused` blocks under way, in any thread (see `making_many`)
_pauses = 0
_pauses_lock = threading.Lock()


class Pause:
    """What `paused` yields: set `keep` when what was made lives on (checkpoints)."""

    keep = False


@contextmanager
def paused() -> Iterator[Pause]:
    """Hold off the collector (e.g. while a state is rebuilt, or 10^6 statements are
    read): each allocation burst would set off full collections over everything alive
    (two thirds of a jump's time, and 60 % of reading 10^6 stored statements, measured).
    What is made here holds no reference cycles, so nothing is lost by collecting later.

    With `keep` set, what is alive on exit is moved out of the collector's reach
    (`keep_alive_objects`) when the collector was running: its next passes would otherwise
    scan the new long-lived objects (a jump's checkpoints: ~11 ms of a 10^6-step jump).
    Under an app that collects between keys (automatic collector off) nothing is frozen:
    its idle passes find the cyclic garbage that a freeze would keep for ever."""
    global _pauses
    pause = Pause()
    was_enabled = gc.isenabled()
    gc.disable()
    with _pauses_lock:
        _pauses += 1
    try:
        yield pause
    finally:
        with _pauses_lock:
            _pauses -= 1
        if was_enabled:
            if pause.keep:
                gc.freeze()
            gc.enable()


def making_many() -> bool:
    """True while some thread is inside `paused`, making many objects at once (a stored
    snapshot's ~5·10^6 at 10^6 steps): an explicit collection now (an app collecting
    between keys) would scan them as they are made, again and again."""
    return _pauses > 0


def keep_alive_objects() -> None:
    """Move every object alive now out of the collector's reach (`gc.freeze`): for data
    that lives as long as the program, e.g. a long timeline's statements once read, which
    every full collection would otherwise rescan (reading 10^6 stored statements page by
    page: 8.8 s, 5.8 s frozen after each page). Anything frozen is still freed by
    reference counting; only cycles among frozen objects are never collected."""
    gc.freeze()
