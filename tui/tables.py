"""Rich renderings of the state and the timeline for the command line."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from events.timeline import Timeline


def summary(event: Any) -> str:
    """One line saying what an event does."""
    kind = event.type
    if kind in ("proposal", "acceptance"):
        return f"{event.issue}: {event.option}"
    if kind == "rejection":
        if event.target:
            return "rejects " + ", ".join(event.target)
        return f"{event.issue}: not {event.option}"
    if kind == "claim":
        return f"says {event.about} holds {event.issue}: {event.option}"
    if kind == "pledge":
        return f"pledge {event.pledge}: {event.commitment}"
    if kind == "report":
        return f"{event.finding} {event.pledge}: {event.observation}"
    if kind == "retraction":
        return f"retracts {event.target}"
    return ""


def _gap(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def state_tables(state: dict[str, Any], timeline: Timeline) -> Group:
    """Positions (parties × issues), gaps, claims and pledges, as Rich tables."""
    header = timeline.header
    where = f"step {state['step']}/{state['steps']}"
    if state["event"]:
        where += f" — after {state['event']} ({state['at']})"
    positions = Table(title=f"{header.negotiation.title}: {where}")
    positions.add_column("party")
    for issue in header.issues:
        positions.add_column(issue.id, overflow="fold")
    for party in header.parties:
        cells = []
        for issue in header.issues:
            cell = state["positions"][party.id][issue.id]
            text = Text(cell["option"] or "—")  # ids: labels are too long for a grid
            if cell["rejects"]:
                text.append("\nrejects: " + ", ".join(cell["rejects"]), style="red")
            if cell["claims"]:
                contested = [c for c in cell["claims"] if state["claims"][c]["contested"]]
                text.append(f"\nclaims: {len(cell['claims'])}"
                            + (f" ({len(contested)} contested)" if contested else ""),
                            style="yellow")
            cells.append(text)
        positions.add_row(party.name, *cells)
    positions.add_row(Text("gap", style="bold"),
                      *[Text(_gap(state["issues"][i.id]["gap"]), style="bold")
                        for i in header.issues])
    parts: list[Any] = [positions, Text(f"overall gap: {_gap(state['gap'])}", style="bold")]
    if state["claims"]:
        claims = Table(title="claims")
        for column in ("claim", "by", "about", "issue", "option", "contested", "rebutted"):
            claims.add_column(column)
        for claim_id, c in state["claims"].items():
            claims.add_row(claim_id, c["by"], c["about"], c["issue"], c["option"],
                           "yes" if c["contested"] else "no", "yes" if c["rebutted"] else "no")
        parts.append(claims)
    if state["pledges"]:
        pledges = Table(title="pledges")
        for column in ("pledge", "party", "status", "supports", "contradicts"):
            pledges.add_column(column)
        for pledge_id, p in state["pledges"].items():
            pledges.add_row(pledge_id, p["party"], p["status"], str(len(p["supports"])),
                            str(len(p["contradicts"])))
        parts.append(pledges)
    return Group(*parts)
