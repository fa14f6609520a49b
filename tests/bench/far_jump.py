"""`G` right after opening a stored timeline, in a real terminal (tmux), as an analyst
sees it.

    .venv/bin/python tests/bench/far_jump.py TARGET --store URL

Starts `accord tui TARGET --store URL` in a tmux session of 160×50, waits for the first
step on screen, sends `G` and prints how long until the last step's row shows, its state
shows (the header no longer says "folding…"), what the step changed shows (the detail
no longer says "not folded yet"), and then how long `k` takes. On a store recorded with
snapshots (`accord store record`) the state comes from the stored snapshot at the last
step; without them, from the gap worker's fold. Needs tmux.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import time
from collections.abc import Callable

SESSION = "accord-far-jump"
STEP = re.compile(r"Step \d+/(\d+)")


def pane() -> str:
    """The text on screen now."""
    return subprocess.run(["tmux", "capture-pane", "-t", SESSION, "-p"], check=True,
                          capture_output=True, text=True).stdout


def wait(test: Callable[[str], bool], timeout: float = 600) -> float:
    """Seconds until `test(pane())` holds."""
    start = time.perf_counter()
    while not test(pane()):
        if time.perf_counter() - start > timeout:
            raise TimeoutError(pane())
        time.sleep(0.01)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target")
    parser.add_argument("--store", required=True)
    args = parser.parse_args()
    subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "160", "-y", "50",
                    f".venv/bin/accord tui {args.target} --store {args.store}"], check=True)
    try:
        painted = wait(lambda p: STEP.search(p) is not None)
        print(f"first paint: {painted:.2f} s")
        last = STEP.search(pane())
        assert last is not None
        end = f"Step {last[1]}/{last[1]}"
        time.sleep(0.5)
        subprocess.run(["tmux", "send-keys", "-t", SESSION, "G"], check=True)
        sent = time.perf_counter()
        print(f"G → row: {wait(lambda p: end in p):.2f} s")
        wait(lambda p: end in p and "folding" not in p)
        print(f"G → state: {time.perf_counter() - sent:.2f} s")
        wait(lambda p: "not folded yet" not in p)
        print(f"G → what it changed: {time.perf_counter() - sent:.2f} s")
        before = f"Step {int(last[1]) - 1}/{last[1]}"
        subprocess.run(["tmux", "send-keys", "-t", SESSION, "k"], check=True)
        print(f"then k: {wait(lambda p: before in p and 'folding' not in p):.2f} s")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], check=False)


if __name__ == "__main__":
    main()
