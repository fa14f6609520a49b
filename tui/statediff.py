"""Where two JSON states differ: dotted paths, and the first step where two timelines diverge.

A small stand-in for `domain.diff` (being written alongside): the TUI needs the same
answer per step to highlight cells, so it compares the JSON contract directly.
"""

from __future__ import annotations

from typing import Any

from domain.replay import Replay

#: Keys that say where a state is, not what it is (DESIGN.md: ignored when comparing).
_PLACE_KEYS = frozenset({"step", "steps", "event", "at"})


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """`{"a": {"b": 1}}` → `{"a.b": 1}`; lists are leaves (compared whole)."""
    if not isinstance(data, dict):
        return {prefix: data}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not prefix and key in _PLACE_KEYS:
            continue
        out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def changed_paths(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Dotted paths whose value differs between two JSON states (sorted)."""
    a, b = flatten(before), flatten(after)
    return sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))


def first_divergence(base: Replay, variant: Replay) -> int | None:
    """The first step at which the two states differ (None if they never do).

    Steps beyond a timeline's end compare against its final state.
    """
    last = max(base.steps, variant.steps)
    for step in range(last + 1):
        a = base.json(min(step, base.steps))
        b = variant.json(min(step, variant.steps))
        if changed_paths(a, b):
            return step
    return None
