"""Key press to repaint in a real terminal (tmux), as an analyst sees it.

    .venv/bin/python tests/bench/key_latency.py TARGET [--store URL] [--keys KEYS]
        [--during-gap] [--pause S] [--spawn] [--frame-log LOG]

Starts `accord tui TARGET [--store URL]` in a tmux session of 160×50, waits until the
gap worker is done (so every step has its checkpoints), then for each key sends it and
polls the pane until the header's "Step N/M" changes: that is a whole frame painted
(the app renders every panel of a step in one refresh). The keys and the polls go
through one tmux client in control mode (`tmux -C`): a poll costs ~0.2 ms. Until
2026-11-23 each poll and each key started a tmux client process (~4 ms each, the
bench's process busy all the time on a two-core machine, beside tmux and the app):
`--spawn` measures that way, to compare with the figures of then. `--during-gap`
presses the keys at once instead, while the gap worker folds;
`--pause` sets the time between a repaint and the next key (0.05 s); `--frame-log LOG`
runs the TUI under `frame_log.py` and prints where each key's time went. Also prints the
TUI process's memory after the keys. Needs tmux.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

SESSION = "accord-key-latency"
STEP = re.compile(r"Step (\d+)/(\d+)")
KEYS = "j" * 20 + "k" * 20 + "]" * 5 + "[" * 5 + "G" + "k" * 20 + "g" + "j" * 10


class Control:
    """One tmux client in control mode (`tmux -C attach`): commands written to its
    stdin, each answered between `%begin` and `%end` lines (tmux(1), CONTROL MODE)."""

    def __init__(self, session: str) -> None:
        # the session keeps its own size: a control client would otherwise set it
        subprocess.run(["tmux", "set-option", "-t", session, "window-size", "manual"],
                       check=True, capture_output=True)
        self._client = subprocess.Popen(["tmux", "-C", "attach", "-t", session],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        bufsize=0)
        self._pending = b""
        self._answer()  # the attach's own (empty) answer
        self.command("refresh-client -f no-output")  # no copy of the pane's output

    def command(self, line: str) -> list[str]:
        """Run one tmux command; its output's lines."""
        assert self._client.stdin is not None
        self._client.stdin.write(line.encode() + b"\n")
        return self._answer()

    def _answer(self) -> list[str]:
        lines: list[str] = []
        inside = False
        while True:
            text = self._line()
            if text.startswith("%begin"):
                inside, lines = True, []
            elif inside and text.startswith(("%end", "%error")):
                if text.startswith("%error"):
                    raise RuntimeError("tmux: " + "\n".join(lines))
                return lines
            elif inside:
                lines.append(text)

    def _line(self) -> str:
        assert self._client.stdout is not None
        while b"\n" not in self._pending:
            chunk = os.read(self._client.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError("the tmux control client ended")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line.decode(errors="replace")

    def close(self) -> None:
        """Detach."""
        assert self._client.stdin is not None
        self._client.stdin.close()
        self._client.wait(timeout=5)


#: the control client, once the session runs (None: a tmux client process a command)
control: Control | None = None


def pane() -> str:
    """The text on screen now."""
    if control is not None:
        return "\n".join(control.command(f"capture-pane -p -t {SESSION}"))
    return subprocess.run(["tmux", "capture-pane", "-t", SESSION, "-p"], check=True,
                          capture_output=True, text=True).stdout


def send(key: str) -> None:
    """Press `key` in the session."""
    if control is not None:
        control.command(f"send-keys -t {SESSION} '{key}'")
    else:
        subprocess.run(["tmux", "send-keys", "-t", SESSION, key], check=True)


def step_shown() -> tuple[int, int] | None:
    """The header's step and last step (None while no step is shown)."""
    found = STEP.search(pane())
    return (int(found[1]), int(found[2])) if found else None


def memory() -> str:
    """The TUI process's resident memory now and at its peak (VmRSS, VmHWM)."""
    pid = subprocess.run(["tmux", "list-panes", "-t", SESSION, "-F", "#{pane_pid}"],
                         check=True, capture_output=True, text=True).stdout.split()[0]
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return f"RSS {fields['VmRSS'].strip()}, peak {fields['VmHWM'].strip()}"


def wait(test: object, timeout: float) -> float:
    """Seconds until `test()` holds."""
    start = time.perf_counter()
    while not test():  # type: ignore[operator]
        if time.perf_counter() - start > timeout:
            raise TimeoutError(pane())
        time.sleep(0.002)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target")
    parser.add_argument("--store")
    parser.add_argument("--keys", default=KEYS)
    parser.add_argument("--during-gap", action="store_true",
                        help="press the keys at once, while the gap worker folds")
    parser.add_argument("--pause", type=float, default=0.05,
                        help="seconds between a key's repaint and the next key")
    parser.add_argument("--frame-log", metavar="LOG",
                        help="log each frame's drawing into LOG (`frame_log.py`) and "
                             "print where each key's time went")
    parser.add_argument("--spawn", action="store_true",
                        help="a tmux client process for each poll and key, as before "
                             "2026-11-23 (~4 ms each), instead of one in control mode")
    args = parser.parse_args()
    command = f".venv/bin/accord tui {args.target}"
    if args.frame_log:
        command = (f".venv/bin/python {Path(__file__).parent / 'frame_log.py'} "
                   f"{args.frame_log} tui {args.target}")
    if args.store:
        command += f" --store {args.store}"
    subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "160", "-y", "50",
                    command], check=True)
    global control
    try:
        if not args.spawn:
            control = Control(SESSION)
        painted = wait(lambda: step_shown() is not None, 120)
        print(f"first paint (launch → step shown): {painted:.2f} s")
        if not args.during_gap:
            done = wait(lambda: re.search(r"gap over time — now [^(\n]*\n", pane()), 600)
            print(f"gap worker done after another {done:.1f} s")
        times: dict[str, list[float]] = {}
        sequence: list[tuple[float, int, str]] = []  # (time, position, key)
        for position, key in enumerate(args.keys):
            before = step_shown()
            sent = time.perf_counter()
            send(key)
            try:
                wait(lambda before=before: step_shown() != before, 10)
            except TimeoutError:  # the key moved nothing (e.g. j at the last step)
                continue
            elapsed = time.perf_counter() - sent  # sending the key counts too
            times.setdefault(key, []).append(elapsed)
            sequence.append((elapsed, position, key))
            time.sleep(args.pause)
        print(f"TUI memory: {memory()}")
        every = sorted(t for ts in times.values() for t in ts)
        for key, ts in times.items():
            print(f"{key!r}: median {statistics.median(ts) * 1e3:.0f} ms, "
                  f"max {max(ts) * 1e3:.0f} ms (n={len(ts)})")
        slowest = sorted(sequence, reverse=True)[:8]
        print("slowest: " + ", ".join(f"{key!r}#{position} {elapsed * 1e3:.0f} ms"
                                      for elapsed, position, key in slowest))
        p95 = every[min(len(every) - 1, int(len(every) * 0.95))]
        print(f"every key: median {statistics.median(every) * 1e3:.0f} ms, "
              f"p95 {p95 * 1e3:.0f} ms, max {every[-1] * 1e3:.0f} ms (n={len(every)})")
        if args.frame_log:
            sys.path.insert(0, str(Path(__file__).parent))
            from frame_log import summary

            print("\n".join(summary(args.frame_log)))
    finally:
        if control is not None:
            control.close()
        subprocess.run(["tmux", "kill-session", "-t", SESSION], check=False)


if __name__ == "__main__":
    main()
