"""The state as JSON: the stable machine-readable contract of DESIGN.md."""

from __future__ import annotations

from typing import Any

from domain.measures import common_ground, issue_gap, overall_gap
from domain.state import State


def state_json(state: State, steps: int) -> dict[str, Any]:
    """The JSON state after `state.step` of `steps` events (`accord replay --json`)."""
    header = state.header
    order = {i.id: {o.id: n for n, o in enumerate(i.options)} for i in header.issues}
    positions: dict[str, Any] = {}
    for party in header.parties:
        row = positions[party.id] = {}
        for issue in header.issues:
            cell = state.cell(party.id, issue.id)
            rank = order[issue.id]
            row[issue.id] = {
                "option": cell.option,
                "accepts": sorted(cell.accepts, key=rank.__getitem__),
                "rejects": sorted(cell.rejects, key=rank.__getitem__),
                "conditions": list(cell.conditions),
                "claims": list(cell.claims),
                "events": list(cell.events),
            }
    claims = {
        claim_id: {
            "by": c.by,
            "about": c.about,
            "issue": c.issue,
            "option": c.option,
            "contested": state.is_contested(c),
            "rebutted": c.rebutted,
            "rebuttals": list(c.rebuttals),
            "events": [claim_id, *c.rebuttals],
        }
        for claim_id, c in state.claims.items()
    }
    pledges = {
        pledge_id: {
            "party": p.party,
            "status": p.status,
            "supports": list(p.supports),
            "contradicts": list(p.contradicts),
            "events": [p.event, *(report for report, _ in p.evidence)],
            "commitment": p.commitment,
            "issue": p.issue,
        }
        for pledge_id, p in state.pledges.items()
    }
    return {
        "negotiation": header.negotiation.id,
        "step": state.step,
        "steps": steps,
        "event": state.last_event,
        "at": state.last_at,
        "positions": positions,
        "claims": claims,
        "issues": {
            i.id: {"gap": issue_gap(state, i.id), "common_ground": common_ground(state, i.id)}
            for i in header.issues
        },
        "gap": overall_gap(state),
        "pledges": pledges,
    }
