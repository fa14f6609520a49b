"""The state as JSON: the stable machine-readable contract of DESIGN.md.

`state_json` is the whole contract (`accord replay --json`); it is assembled from one
builder per part, so that a caller that shows only part of the state (a cell, the claims
about it, one pledge) builds only that part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from domain.measures import common_ground, issue_gap, overall_gap
from domain.state import ClaimState, PledgeState, State


def option_ranks(state: State) -> dict[str, dict[str, int]]:
    """Issue id → option id → its place in the issue's options (the JSON's sort order)."""
    return {i.id: {o.id: n for n, o in enumerate(i.options)} for i in state.header.issues}


def cell_json(state: State, party: str, issue: str, rank: dict[str, int],
              events: Callable[[Sequence[str]], Any] = list,
              claims: Callable[[Sequence[str]], Any] = list) -> dict[str, Any]:
    """One party's cell on one issue; `rank` is `option_ranks(state)[issue]`; `events`
    and `claims` turn the cell's event and claim ids into the values shown (lists for the
    JSON contract; a viewer of 10^6 steps passes something that does not copy them)."""
    cell = state.cell(party, issue)
    return {
        "option": cell.option,
        "accepts": sorted(cell.accepts, key=rank.__getitem__),
        "rejects": sorted(cell.rejects, key=rank.__getitem__),
        "conditions": list(cell.conditions),
        "claims": claims(cell.claims),
        "events": events(cell.events),
    }


def positions_json(state: State) -> dict[str, Any]:
    """Party → issue → cell."""
    ranks = option_ranks(state)
    return {party.id: {issue.id: cell_json(state, party.id, issue.id, ranks[issue.id])
                       for issue in state.header.issues}
            for party in state.header.parties}


def claim_json(state: State, claim_id: str, c: ClaimState) -> dict[str, Any]:
    """One claim, with whether it is contested at this step."""
    return {
        "by": c.by,
        "about": c.about,
        "issue": c.issue,
        "option": c.option,
        "contested": state.is_contested(c),
        "rebutted": c.rebutted,
        "rebuttals": list(c.rebuttals),
        "events": [claim_id, *c.rebuttals],
    }


def claims_json(state: State) -> dict[str, Any]:
    """Every claim, in timeline order."""
    return {claim_id: claim_json(state, claim_id, c) for claim_id, c in state.claims.items()}


def pledge_json(p: PledgeState) -> dict[str, Any]:
    """One pledge with its status."""
    return {
        "party": p.party,
        "status": p.status,
        "supports": list(p.supports),
        "contradicts": list(p.contradicts),
        "events": [p.event, *(report for report, _ in p.evidence)],
        "commitment": p.commitment,
        "issue": p.issue,
    }


def pledges_json(state: State) -> dict[str, Any]:
    """Every pledge, in timeline order."""
    return {pledge_id: pledge_json(p) for pledge_id, p in state.pledges.items()}


def issues_json(state: State) -> dict[str, Any]:
    """Issue → its gap and common ground."""
    return {i.id: {"gap": issue_gap(state, i.id), "common_ground": common_ground(state, i.id)}
            for i in state.header.issues}


def state_json(state: State, steps: int) -> dict[str, Any]:
    """The JSON state after `state.step` of `steps` events (`accord replay --json`)."""
    return {
        "negotiation": state.header.negotiation.id,
        "step": state.step,
        "steps": steps,
        "event": state.last_event,
        "at": state.last_at,
        "positions": positions_json(state),
        "claims": claims_json(state),
        "issues": issues_json(state),
        "gap": overall_gap(state),
        "pledges": pledges_json(state),
    }
