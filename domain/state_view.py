"""What a viewer of one step needs, built from the fold state without its whole JSON.

The JSON contract (`domain.state_json`) holds every provenance id and every claim: ~35 MB
at 10^6 steps. A view of the positions matrix needs the 24-odd cells, how many claims
about each are contested, and the gaps; `StepView` gives those in the shape of the JSON
state (so code that reads a JSON state reads a view too), in O(cells) at any step.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from domain.measures import overall_gap
from domain.persistent import ChunkedList, ChunkedMap, found, last_items
from domain.state import Cell, State
from domain.state_json import cell_json, claim_json, issues_json, option_ranks, pledge_json


class EventIds(Sequence[str]):
    """A cell's event ids, frozen at one step. `in` answers for the step's own event at
    once: the fold only ever appends an event's id to the cells it shapes, after any it
    removes, so that id, when present, is the last."""

    def __init__(self, ids: Sequence[str], last_event: str | None) -> None:
        self._ids = _frozen(ids)
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

    def at(self, last_event: str | None) -> EventIds:
        """The same ids, read at a later step whose event did not shape the cell."""
        other = EventIds((), last_event)
        other._ids = self._ids
        return other

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
        #: (party, issue) → the cell as the last view showed it
        self._cells: dict[tuple[str, str], dict[str, Any]] = {}

    def view(self, state: State, snapshot: State) -> dict[str, Any]:
        """The view of `state` (read now; `snapshot` is a copy of it that stays as it is,
        e.g. `Replay.snapshot`): "positions" (cells, with `EventIds`, and "contested": how
        many claims about the cell are contested), "issues", "gap", "step", "event".
        O(cells) at any step: the cells the last view showed are reused when unchanged
        (compared only when their id lists share chunks: after a stored snapshot's state,
        comparing the 24 cells' 10^4-10^5 ids one by one took ~60 ms at 10^6 steps, a
        cell built anew ~0.02 ms), and the fold keeps what the contested counts need
        (`Cell.contested_claims`)."""
        before, self._state = self._state, snapshot
        ranks = option_ranks(state)
        cells, self._cells = self._cells, {}
        positions: dict[str, dict[str, Any]] = {}
        for party in state.header.parties:
            row = positions[party.id] = {}
            for issue in state.header.issues:
                key = (party.id, issue.id)
                now = state.cells[key]
                old = cells.get(key)
                if (old is not None and before is not None and _shared(before.cells[key], now)
                        and before.cells[key].reads_as(now)):
                    # unchanged since the last view: its frozen id lists are still right
                    cell = {**old, "events": old["events"].at(state.last_event),
                            "contested": now.contested_claims()}
                else:
                    cell = _cell(state, party.id, issue.id, ranks[issue.id])
                row[issue.id] = self._cells[key] = cell
        return {"step": state.step, "event": state.last_event, "positions": positions,
                "issues": issues_json(state), "gap": overall_gap(state)}


def _shared(then: Cell, now: Cell) -> bool:
    """Whether the two cells' id lists share their chunks (see `StepView.view`)."""
    return all(not isinstance(a, ChunkedList) or not isinstance(b, ChunkedList)
               or a.shares_start(b)
               for a, b in ((then.claims, now.claims), (then.events, now.events)))


def _cell(state: State, party: str, issue: str, rank: dict[str, int]) -> dict[str, Any]:
    view = cell_json(state, party, issue, rank,
                     events=lambda ids: EventIds(ids, state.last_event), claims=_frozen)
    view["contested"] = state.cell(party, issue).contested_claims()
    return view


def _frozen(ids: Sequence[str]) -> Sequence[str]:
    """Ids as they are now, without copying 10^4 of them (a ChunkedList copy shares its
    chunks)."""
    return ids.copy() if isinstance(ids, ChunkedList) else tuple(ids)


def recent_json(state: State, part: str, count: int, touched: set[str]) -> tuple[
        dict[str, Any], int]:
    """The JSON of the last `count` claims or pledges (`part`), preceded by the latest
    `count` of the `touched` ids that come earlier, in state order; and how many are left
    out. (A stance that moves at 10^6 steps touches thousands of claims: their
    `contested` flag; listing them all took ~150 ms a repaint.)"""
    mapping = getattr(state, part)
    recent = last_items(mapping, count)
    shown = {k for k, _ in recent}
    earlier = sorted((slot, k) for slot, k, _ in found(mapping, touched - shown)) \
        if isinstance(mapping, ChunkedMap) else [
            (0, k) for k in mapping if k in touched and k not in shown]
    earlier = earlier[-count:] if count else []
    items = [(k, mapping[k]) for _, k in earlier] + recent
    if part == "claims":
        return {k: claim_json(state, k, v) for k, v in items}, len(mapping) - len(items)
    return {k: pledge_json(v) for k, v in items}, len(mapping) - len(items)
