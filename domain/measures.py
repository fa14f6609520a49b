"""Derived measures over a state: the gap between the principals, and their common ground."""

from __future__ import annotations

from itertools import combinations

from domain.state import State


def issue_gap(state: State, issue_id: str) -> float | None:
    """Largest distance on [0, 1] between the principals' positions; None while any is unknown."""
    issue = state.header.issue(issue_id)
    points = []
    for principal in state.header.principals:
        option = state.cell(principal, issue_id).option
        if option is None:
            return None
        points.append(issue.position_of(option))
    return max(abs(a - b) for a, b in combinations(points, 2))


def overall_gap(state: State) -> float | None:
    """Mean of the known issue gaps; None when no issue gap is known."""
    gaps = [g for g in (issue_gap(state, i.id) for i in state.header.issues) if g is not None]
    return sum(gaps) / len(gaps) if gaps else None


def common_ground(state: State, issue_id: str) -> list[str]:
    """Options (in axis order) that every principal accepts and none rejects."""
    cells = [state.cell(p, issue_id) for p in state.header.principals]
    return [
        o.id
        for o in state.header.issue(issue_id).options
        if all(o.id in c.accepts and o.id not in c.rejects for c in cells)
    ]
