"""The UI first: background workers stand aside while the app handles a key.

Workers (the gap fold, a snapshot read, the what-if index) run in threads of the same
interpreter as the UI, and Python gives the interpreter to each runnable thread in turn
(every 5 ms by default): a key arriving while one worker folds was answered at about
half speed, with two at a third (measured at 10^6 events: keys p95 171-184 ms while the
gap worker and a snapshot read ran; after them, with the drop index walking, 70 ms).
So the app marks the time from a key to the repaint after it (`key_in`, `drawn`), and a
worker calls `give_way` between two short pieces of its work (a few ms each): it waits
there while a key is being answered. The standard library's threads offer no priority;
this is the cooperative stand-in.

Before the app hears of a key, Textual's input thread and then its event loop each wait
for a worker to let go of the interpreter: up to the switch interval each time. While
the app runs, `start` shortens it from 5 ms to `SWITCH_S` (keys during the gap worker:
p95 90-105 ms against 109-149 ms, three runs each, before snapshots were read in short
texts); a worker that holds the interpreter
alone switches no more often for it (a switch is only forced when another thread waits).
"""

from __future__ import annotations

import sys
import threading

#: A worker never waits longer than this at one `give_way` (a repaint that never came,
#: a key held down): it goes on with one piece and looks again.
LONGEST_WAIT_S = 0.25
#: The interpreter's switch interval while the app runs (`start`)
SWITCH_S = 0.001


class UiFirst:
    """Whether the UI is answering a key: set on the UI thread, awaited by workers."""

    def __init__(self) -> None:
        self._idle = threading.Event()
        self._idle.set()
        #: how many times a worker waited
        self.waits = 0
        self._interval: float | None = None

    def start(self) -> None:
        """Shorten the interpreter's switch interval to `SWITCH_S` (`stop` restores it)."""
        if self._interval is None:
            self._interval = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_S)

    def stop(self) -> None:
        """Restore the switch interval, and let any waiting worker go on."""
        if self._interval is not None:
            sys.setswitchinterval(self._interval)
            self._interval = None
        self.drawn()

    @property
    def answering(self) -> bool:
        """True from a key until the repaint after it."""
        return not self._idle.is_set()

    def key_in(self) -> None:
        """A key arrived (UI thread): workers stand aside from their next `give_way`."""
        self._idle.clear()

    def drawn(self) -> None:
        """The screen was repainted after the key (UI thread): workers go on."""
        self._idle.set()

    def give_way(self, longest_s: float = LONGEST_WAIT_S) -> None:
        """Wait while the UI answers a key, at most `longest_s` (worker thread)."""
        if not self._idle.is_set():
            self.waits += 1
            self._idle.wait(longest_s)
