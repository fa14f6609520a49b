"""Checking an analyst's expectations (`expect:` blocks) against the replayed state."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.replay import Replay
from events.scenario import Expectation
from events.timeline import Timeline

MISSING = object()


@dataclass(frozen=True)
class Failure:
    """One expected value that the state does not hold."""

    file: str
    point: str
    path: str
    expected: Any
    actual: Any
    shaped_by: str | None

    def __str__(self) -> str:
        actual = "(no such path)" if self.actual is MISSING else _show(self.actual)
        shaped = f" (last shaped by {self.shaped_by!r})" if self.shaped_by else ""
        return (f"{self.file}: {self.point}: {self.path}: expected {_show(self.expected)}, "
                f"got {actual}{shaped}")


def _show(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def lookup(state: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of the JSON state, or MISSING."""
    value: Any = state
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return MISSING
    return value


def holds(expected: Any, actual: Any) -> bool:
    """Does `actual` meet `expected`? A list means "contains these"; numbers compare
    within 1e-9."""
    if actual is MISSING:
        return False
    if isinstance(expected, list):
        return isinstance(actual, list) and all(
            any(holds(e, a) for a in actual) for e in expected
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(expected, actual, abs_tol=1e-9)
    return bool(expected == actual)


def shaped_by(state: dict[str, Any], path: str, order: dict[str, int]) -> str | None:
    """The event that last shaped the cell, claim or pledge that `path` points into."""
    parts = path.split(".")
    candidates: list[str] = []
    if parts[0] in ("positions", "claims", "pledges"):
        owner = lookup(state, ".".join(parts[:3] if parts[0] == "positions" else parts[:2]))
        if isinstance(owner, dict):
            candidates = list(owner.get("events", []))
    elif parts[0] in ("issues", "gap"):
        issue = parts[1] if parts[0] == "issues" and len(parts) > 1 else None
        for row in state["positions"].values():
            for issue_id, cell in row.items():
                if issue is None or issue_id == issue:
                    candidates.extend(cell["events"])
    known = [c for c in candidates if c in order]
    return max(known, key=order.__getitem__) if known else None


def check(timeline: Timeline, expectations: Sequence[Expectation] | None = None) -> list[Failure]:
    """Every failed expectation of `timeline` (its own `expect:` blocks by default)."""
    expectations = timeline.expectations if expectations is None else expectations
    order = {e.id: n for n, e in enumerate(timeline.events, start=1)}
    replay = Replay(timeline)
    points = []
    for exp in expectations:
        if exp.after is not None:
            points.append((order[exp.after], f"after {exp.after}", exp))
        elif exp.step is not None:
            points.append((exp.step, f"at step {exp.step}", exp))
        else:
            points.append((timeline.steps, "at the end", exp))
    failures = []
    for step, label, exp in sorted(points, key=lambda p: p[0]):
        state = replay.json(step)
        for path, expected in exp.state.items():
            actual = lookup(state, path)
            if not holds(expected, actual):
                failures.append(Failure(timeline.file, label, path, expected, actual,
                                        shaped_by(state, path, order)))
    return failures
