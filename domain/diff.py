"""Comparing two timelines (`accord diff`): where their states first differ, and how.

Pure: takes two Timelines, returns plain data. The shared prefix of the two event
sequences (equal events in the same order, under the same header) yields identical
states, so it is folded once, the state copied, and only the rest is stepped on both
sides. A side that has run out of events keeps its last state (docs/whatif.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from domain import fold
from domain.state import State
from domain.state_json import state_json
from events.catalogue import Event
from events.timeline import Timeline

#: Keys of the JSON state that say where we are, not what the state is.
POSITION_KEYS = ("step", "steps", "event", "at")


@dataclass(frozen=True)
class Divergence:
    """A step N after which the two states differ, and the event at step N on each side."""

    step: int
    base_event: str | None
    variant_event: str | None

    def json(self) -> dict[str, Any]:
        """The `diverges_at` object of DESIGN.md."""
        return {"step": self.step, "base_event": self.base_event,
                "variant_event": self.variant_event}


@dataclass(frozen=True)
class Change:
    """One dotted leaf path whose value differs (None where a side lacks the path).

    `issue` and `party` group it for people; `base_cause` / `variant_cause` are the events
    that last shaped it on each side."""

    path: str
    base: Any
    variant: Any
    issue: str | None = field(default=None, compare=False)
    party: str | None = field(default=None, compare=False)
    base_cause: str | None = field(default=None, compare=False)
    variant_cause: str | None = field(default=None, compare=False)

    def json(self) -> dict[str, Any]:
        """One entry of `changes` in DESIGN.md."""
        return {"path": self.path, "base": self.base, "variant": self.variant}


@dataclass(frozen=True)
class Comparison:
    """The answer of `accord diff`."""

    base: str
    variant: str
    diverges_at: Divergence | None
    changes: list[Change]
    base_state: dict[str, Any]
    variant_state: dict[str, Any]

    def json(self) -> dict[str, Any]:
        """The JSON of DESIGN.md."""
        return {
            "base": self.base,
            "variant": self.variant,
            "diverges_at": self.diverges_at.json() if self.diverges_at else None,
            "changes": [c.json() for c in self.changes],
            "gap": {"base": self.base_state["gap"], "variant": self.variant_state["gap"]},
        }


def compare(base: Timeline, variant: Timeline, base_end: int | None = None,
            variant_end: int | None = None) -> Comparison:
    """Compare the two timelines up to `base_end` / `variant_end` steps (the ends when
    None): the first divergence and every leaf path of the two last states that differs."""
    walk = _Walk(base, variant, base_end, variant_end)
    first = next(walk.divergences(), None)
    base_state, variant_state = walk.finish()
    return Comparison(base.name, variant.name, first,
                      changes(base_state, variant_state, base, variant),
                      base_state, variant_state)


def divergences(base: Timeline, variant: Timeline) -> list[Divergence]:
    """Every step after which the two states differ (`accord diff --steps`)."""
    return list(_Walk(base, variant, None, None).divergences())


def comparable(state: dict[str, Any]) -> dict[str, Any]:
    """The JSON state without the keys that only say where we are."""
    return {k: v for k, v in state.items() if k not in POSITION_KEYS}


def leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of every leaf: anything that is not a mapping (lists whole)."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from leaves(item, f"{prefix}.{key}" if prefix else str(key))
    elif prefix:
        yield prefix, value


_ABSENT = object()


def differing_leaves(old: Any, new: Any, prefix: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(path, old value, new value) of every leaf that differs; a path on one side only has
    None on the other. Equal subtrees are skipped whole (one C-level comparison each)."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            path = f"{prefix}.{key}" if prefix else str(key)
            yield from differing_leaves(old.get(key, _ABSENT), new.get(key, _ABSENT), path)
    elif old is _ABSENT or new is _ABSENT:
        present, on_base = (new, False) if old is _ABSENT else (old, True)
        for path, value in leaves(present, prefix):
            yield (path, value, None) if on_base else (path, None, value)
    elif prefix:
        yield prefix, old, new


def changes(base_state: dict[str, Any], variant_state: dict[str, Any],
            base: Timeline, variant: Timeline) -> list[Change]:
    """Every leaf path of the two (comparable) states whose values differ."""
    base_order = {e.id: n for n, e in enumerate(base.events, start=1)}
    variant_order = {e.id: n for n, e in enumerate(variant.events, start=1)}
    out = []
    for path, before, after in differing_leaves(comparable(base_state),
                                                comparable(variant_state)):
        issue, party = _group(path, base_state, variant_state)
        out.append(Change(path, before, after, issue, party,
                          cause(base_state, path, base_order),
                          cause(variant_state, path, variant_order)))
    return out


def cause(state: dict[str, Any], path: str, order: dict[str, int]) -> str | None:
    """The event behind the value at `path` (None if this side lacks it): the last of the
    `events` of the cell, claim or pledge it belongs to; for an issue's measures (or the
    overall gap) the latest of the last events of the cells they are computed from."""
    parts = path.split(".")
    depth = {"positions": 3, "claims": 2, "pledges": 2}.get(parts[0])
    if depth is not None:
        item: Any = state
        for part in parts[:depth]:
            item = item.get(part) if isinstance(item, dict) else None
        events = item.get("events") if isinstance(item, dict) else None
        return events[-1] if events else None
    if parts[0] not in ("issues", "gap"):
        return None
    issue = parts[1] if parts[0] == "issues" and len(parts) > 1 else None
    last = [cell["events"][-1] for row in state["positions"].values()
            for issue_id, cell in row.items()
            if (issue is None or issue_id == issue) and cell["events"]]
    return max(last, key=lambda e: order.get(e, 0)) if last else None


def _group(path: str, *states: dict[str, Any]) -> tuple[str | None, str | None]:
    """The issue and the party a path is about (None where it is about none)."""
    parts = path.split(".")
    if parts[0] == "positions" and len(parts) > 2:
        return parts[2], parts[1]
    if parts[0] == "issues" and len(parts) > 1:
        return parts[1], None
    if parts[0] in ("claims", "pledges") and len(parts) > 1:
        for state in states:
            item = state[parts[0]].get(parts[1])
            if item is not None:
                party = item.get("about") if parts[0] == "claims" else item.get("party")
                return item.get("issue"), party
    return None, None


class _Walk:
    """Both timelines folded side by side, the shared prefix folded once."""

    def __init__(self, base: Timeline, variant: Timeline, base_end: int | None,
                 variant_end: int | None) -> None:
        self.a = base.events[: base.steps if base_end is None else base_end]
        self.b = variant.events[: variant.steps if variant_end is None else variant_end]
        self.steps = (base.steps, variant.steps)
        same_header = base.header == variant.header
        self.step = common_prefix(self.a, self.b) if same_header else 0
        self.sa = State.empty(base.header)
        for event in self.a[: self.step]:
            fold.apply(self.sa, event)
        self.sb = fork_state(self.sa) if same_header else State.empty(variant.header)
        self.same_start = same_header

    def divergences(self) -> Iterator[Divergence]:
        """Each step after which the states differ, stepping on from the shared prefix."""
        if not self.same_start and self._differ():
            yield Divergence(0, None, None)
        for n in range(self.step + 1, max(len(self.a), len(self.b)) + 1):
            self._advance(n)
            if self._differ():
                yield Divergence(n, _id_at(self.a, n), _id_at(self.b, n))

    def finish(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Fold both sides to their ends; their JSON states."""
        for n in range(self.step + 1, max(len(self.a), len(self.b)) + 1):
            self._advance(n)
        return state_json(self.sa, self.steps[0]), state_json(self.sb, self.steps[1])

    def _advance(self, n: int) -> None:
        if n <= len(self.a):
            fold.apply(self.sa, self.a[n - 1])
        if n <= len(self.b):
            fold.apply(self.sb, self.b[n - 1])
        self.step = n

    def _differ(self) -> bool:
        return comparable(state_json(self.sa, 0)) != comparable(state_json(self.sb, 0))


def fork_state(state: State) -> State:
    """An independent copy of `state` to fold on from. Written out rather than
    `copy.deepcopy`, which walks every immutable tuple of every cell's history and the
    immutable header too: this copies only the mutable containers (about 5× faster)."""
    cells = {key: replace(c, accepts=set(c.accepts), rejects=set(c.rejects),
                          conditions=list(c.conditions), history=list(c.history),
                          claims=list(c.claims), events=list(c.events))
             for key, c in state.cells.items()}
    claims = {k: replace(c, rebuttals=list(c.rebuttals)) for k, c in state.claims.items()}
    pledges = {k: replace(p, evidence=list(p.evidence)) for k, p in state.pledges.items()}
    return replace(state, cells=cells, claims=claims, pledges=pledges,
                   pledge_events=dict(state.pledge_events), stances=dict(state.stances))


def _id_at(events: tuple[Event, ...], step: int) -> str | None:
    return events[step - 1].id if step <= len(events) else None


def common_prefix(a: Sequence[Event], b: Sequence[Event]) -> int:
    """How many leading events the two sequences share (the same, or equal, events)."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x is not y and x != y:
            break
        n += 1
    return n
