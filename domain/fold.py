"""The fold rules: how each event type changes the state. Each rule is written once, here.

`apply(state, event)` is pure domain logic (no I/O). It trusts that the timeline was
validated (`events.references`): targets exist, come earlier and are not retracted.
"""

from __future__ import annotations

from collections.abc import MutableSequence, Sequence
from typing import Any, Literal

from domain.state import Cell, ClaimState, PledgeState, State
from events.catalogue import (
    Acceptance,
    Claim,
    Event,
    Pledge,
    Proposal,
    Rejection,
    Report,
    Retraction,
)

StanceKind = Literal["proposal", "acceptance", "rejection"]
#: One entry of a cell's history: (event id, kind, option, conditions or None).
Stance = tuple[str, StanceKind, str, tuple[str, ...] | None]


def apply(state: State, event: Event) -> None:
    """Fold one event into `state` (in place) and advance the step."""
    if isinstance(event, Proposal | Acceptance):
        conditions = tuple(event.conditions) if event.conditions is not None else None
        _take_stance(state, event.party, event.issue, (event.id, event.type, event.option,
                                                       conditions))
        state.stances[event.id] = (event.party, event.issue, event.option)
    elif isinstance(event, Rejection):
        _reject(state, event)
    elif isinstance(event, Claim):
        state.claims[event.id] = ClaimState(event.party, event.about, event.issue, event.option)
        cell = state.cell(event.about, event.issue)
        cell.claims.append(event.id)
        cell.events.append(event.id)
        cell.claimed[event.option] = cell.claimed.get(event.option, 0) + 1
    elif isinstance(event, Pledge):
        state.pledges[event.pledge] = PledgeState(event.party, event.commitment, event.issue,
                                                  event.id)
        state.pledge_events[event.id] = event.pledge
    elif isinstance(event, Report):
        pledges = state.pledges
        p = pledges[event.pledge]
        if type(pledges) is dict:  # a plain state owns its values
            p.evidence.append((event.id, event.finding))
        else:  # a Replay's state shares them with its checkpoints: replace, never change
            pledges[event.pledge] = PledgeState(p.party, p.commitment, p.issue, p.event,
                                                [*p.evidence, (event.id, event.finding)])
    elif isinstance(event, Retraction):
        _retract(state, event)
    state.step += 1
    state.last_event = event.id
    state.last_at = event.at


def _take_stance(state: State, party: str, issue: str, stance: Stance) -> None:
    cell = state.cell(party, issue)
    cell.history.append(stance)
    _stance_rule(cell, stance)
    if not cell.events or cell.events[-1] != stance[0]:
        cell.events.append(stance[0])


def _stance_rule(cell: Cell, stance: Stance) -> None:
    """The DESIGN.md table for proposal, acceptance and rejection of an option."""
    _, kind, option, conditions = stance
    if kind == "rejection":
        cell.rejects.add(option)
        cell.accepts.discard(option)
        if cell.option == option:
            cell.option = None
        return
    cell.accepts.add(option)
    cell.rejects.discard(option)
    if kind == "proposal" or cell.option is None:
        cell.option = option
    if conditions is not None:
        cell.conditions = list(conditions)


def _reject(state: State, event: Rejection) -> None:
    if event.target is None:
        assert event.issue is not None and event.option is not None
        _take_stance(state, event.party, event.issue, (event.id, "rejection", event.option, None))
        return
    for target in event.target:
        claim = state.claims.get(target)
        if claim is not None:  # a rebuttal: the claim is marked, the party's options stay
            cell = state.cell(claim.about, claim.issue)
            if not claim.rebuttals:
                _uncount(cell, claim.option)
                cell.rebutted += 1
            if type(state.claims) is dict:  # a plain state owns its values
                claim.rebuttals.append(event.id)
            else:  # a Replay's state shares them with its checkpoints: replace
                state.claims[target] = ClaimState(claim.by, claim.about, claim.issue,
                                                  claim.option, [*claim.rebuttals, event.id])
            if not cell.events or cell.events[-1] != event.id:
                cell.events.append(event.id)
        else:
            _, issue, option = state.stances[target]
            _take_stance(state, event.party, issue, (event.id, "rejection", option, None))


def _retract(state: State, event: Retraction) -> None:
    """From here on, the state is as if the target had never happened."""
    target = event.target
    if target in state.stances:
        party, issue, _ = state.stances.pop(target)
        cell = state.cell(party, issue)
        withdraw(cell, target)
        _remove_last(cell.events, target)
        cell.events.append(event.id)
    elif target in state.claims:
        claim = state.claims.pop(target)
        cell = state.cell(claim.about, claim.issue)
        _remove_last(cell.claims, target)
        if claim.rebuttals:
            cell.rebutted -= 1
        else:
            _uncount(cell, claim.option)
        for gone in (target, *claim.rebuttals):
            # a rebuttal that also rejected an option of this cell still shaped it
            if gone == target or _rfind(cell.history, gone) is None:
                _remove_last(cell.events, gone)
    elif target in state.pledge_events:
        del state.pledges[state.pledge_events.pop(target)]


def _uncount(cell: Cell, option: str) -> None:
    """One claim of `option` about the cell fewer among those not rebutted."""
    left = cell.claimed[option] - 1
    if left:
        cell.claimed[option] = left
    else:
        del cell.claimed[option]


# A retraction mostly withdraws a recent statement, and a cell's history grows with the
# timeline: the helpers below search from the end, so a retraction costs the distance back
# to what it touches rather than the whole history (quadratic over 10^5+ events).


def _rfind(history: Sequence[tuple[Any, ...]], event_id: str) -> int | None:
    """Index of the last stance of `event_id` in `history`, searching from the end."""
    for i in range(len(history) - 1, -1, -1):
        if history[i][0] == event_id:
            return i
    return None


def _remove_last(ids: MutableSequence[str], event_id: str) -> None:
    """Remove the last occurrence of `event_id` (each id occurs once per cell list)."""
    for i in range(len(ids) - 1, -1, -1):
        if ids[i] == event_id:
            del ids[i]
            return


def withdraw(cell: Cell, target: str) -> None:
    """Remove stance `target` from the cell's history and recompute the cell: the same
    result as filtering the history and calling `refold`, without refolding it all.
    Only the target's option can change side (the last remaining stance on an option
    decides it); conditions are the last ones given; the position is replayed by
    `_stance_rule` from the last proposal, which sets it whatever came before."""
    history = cell.history
    index = _rfind(history, target)
    assert index is not None, f"stance {target!r} is not in the cell's history"
    _, _, option, conditions = history.pop(index)
    cell.accepts.discard(option)
    cell.rejects.discard(option)
    for _, kind, other, _ in reversed(history):
        if other == option:
            (cell.rejects if kind == "rejection" else cell.accepts).add(option)
            break
    if conditions is not None:
        cell.conditions = next((list(s[3]) for s in reversed(history) if s[3] is not None), [])
    start = next((i for i in range(len(history) - 1, -1, -1) if history[i][1] == "proposal"), 0)
    position = Cell()
    for stance in history[start:]:
        _stance_rule(position, stance)
    cell.option = position.option


def refold(cell: Cell) -> None:
    """Recompute a cell's stance from its remaining history."""
    cell.option = None
    cell.accepts = set()
    cell.rejects = set()
    cell.conditions = []
    for stance in cell.history:
        _stance_rule(cell, stance)
