"""What a viewer of one step needs, built from the fold state without its whole JSON.

The JSON contract (`domain.state_json`) holds every provenance id and every claim: ~35 MB
at 10^6 steps. A view of the positions matrix needs the 24-odd cells, whether each claim
is contested, and the gaps; `StepView` gives those in the shape of the JSON state (so
code that reads a JSON state reads a view too), keeping the contested flags of the
previous step and recomputing only the claims the step can have changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from domain.changes import contested_moved
from domain.measures import overall_gap
from domain.persistent import ChunkedList, ChunkedMap, differing_keys, last_items, slot_of
from domain.state import State
from domain.state_json import cell_json, claim_json, issues_json, option_ranks, pledge_json

#: The two values of a claim in a view: the matrix reads only `contested`.
CONTESTED: dict[str, bool] = {"contested": True}
STANDING: dict[str, bool] = {"contested": False}


class EventIds(Sequence[str]):
    """A cell's event ids, frozen at one step. `in` answers for the step's own event at
    once: the fold only ever appends an event's id to the cells it shapes, after any it
    removes, so that id, when present, is the last."""

    def __init__(self, ids: Sequence[str], last_event: str | None) -> None:
        self._ids = ids.copy() if isinstance(ids, ChunkedList) else tuple(ids)
        self._last_event = last_event

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._ids[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __contains__(self, event_id: object) -> bool:
        if not self._ids:
            return False
        if self._ids[-1] == event_id:
            return True
        if event_id == self._last_event:
            return False
        return any(i == event_id for i in self._ids)


class StepView:
    """Views of successive steps of one Replay (see the module)."""

    def __init__(self) -> None:
        self._state: State | None = None  # a snapshot of the last step viewed
        self._flags: dict[str, dict[str, bool]] = {}
        #: (party, issue) → how many claims about that cell are contested
        self._counts: dict[tuple[str, str], int] = {}

    def view(self, state: State, snapshot: State) -> dict[str, Any]:
        """The view of `state` (read now; `snapshot` is a copy of it that stays as it is,
        e.g. `Replay.snapshot`): "positions" (cells, with `EventIds`, and "contested": how
        many claims about the cell are contested), "claims" (id → CONTESTED or STANDING;
        one dict, patched by the next call), "issues", "gap", "step", "event"."""
        self._update_flags(state)
        self._state = snapshot
        ranks = option_ranks(state)
        positions = {
            party.id: {issue.id: _cell(state, party.id, issue.id, ranks[issue.id],
                                       self._counts.get((party.id, issue.id), 0))
                       for issue in state.header.issues}
            for party in state.header.parties}
        return {"step": state.step, "event": state.last_event, "positions": positions,
                "claims": self._flags, "issues": issues_json(state), "gap": overall_gap(state)}

    def _update_flags(self, state: State) -> None:
        before = self._state
        if (before is None or not isinstance(before.claims, ChunkedMap)
                or not isinstance(state.claims, ChunkedMap)
                or abs(before.step - state.step) > 1):
            flags = self._flags = {}
            counts = self._counts = {}
            for k, c in state.claims.items():
                if state.is_contested(c):
                    flags[k] = CONTESTED
                    counts[(c.about, c.issue)] = counts.get((c.about, c.issue), 0) + 1
                else:
                    flags[k] = STANDING
            return
        flags = self._flags  # patched in place: a view's claims are those of the latest view
        keys = differing_keys(before.claims, state.claims)
        keys.update(contested_moved(before, state, [
            cell for key, cell in state.cells.items()
            if before.cells[key].option != cell.option
            or before.cells[key].rejects != cell.rejects]))
        counts = self._counts
        for key in keys:
            old = before.claims.get(key)
            if flags.pop(key, None) is CONTESTED and old is not None:
                counts[(old.about, old.issue)] -= 1
            claim = state.claims.get(key)
            if claim is None:
                continue
            if state.is_contested(claim):
                flags[key] = CONTESTED
                counts[(claim.about, claim.issue)] = counts.get((claim.about, claim.issue), 0) + 1
            else:
                flags[key] = STANDING


def _cell(state: State, party: str, issue: str, rank: dict[str, int],
          contested: int) -> dict[str, Any]:
    view = cell_json(state, party, issue, rank,
                     events=lambda ids: EventIds(ids, state.last_event))
    view["contested"] = contested
    return view


def recent_json(state: State, part: str, count: int, touched: set[str]) -> tuple[
        dict[str, Any], int]:
    """The JSON of the last `count` claims or pledges (`part`), preceded by any of the
    `touched` ids that come earlier, in state order; and how many are left out."""
    mapping = getattr(state, part)
    recent = last_items(mapping, count)
    shown = {k for k, _ in recent}
    earlier = sorted((slot_of(mapping, k), k) for k in touched - shown
                     if k in mapping) if isinstance(mapping, ChunkedMap) else [
        (0, k) for k in mapping if k in touched and k not in shown]
    items = [(k, mapping[k]) for _, k in earlier] + recent
    if part == "claims":
        return {k: claim_json(state, k, v) for k, v in items}, len(mapping) - len(items)
    return {k: pledge_json(v) for k, v in items}, len(mapping) - len(items)
