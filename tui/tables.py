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


#: Claims and pledges the tables show by default: the last ones. Rich lays out a table by
#: measuring every cell: the 112,488 claims and 55,750 pledges of a 10^6-event state took
#: ~110 s to print, and a terminal shows a few dozen rows anyway (`--json` has them all).
ROWS = 100


def _last(items: dict[str, Any], rows: int) -> list[tuple[str, Any]]:
    """The last `rows` items (all when `rows` is 0), in order."""
    shown = list(items.items())
    return shown if rows == 0 else shown[-rows:]


def _caption(shown: int, total: int, noun: str) -> str | None:
    if shown == total:
        return None
    return (f"the last {shown:,} of {total:,} {noun} (--rows 0 shows them all; "
            "--json gives them all)")


def state_tables(state: dict[str, Any], timeline: Timeline, rows: int = ROWS) -> Group:
    """Positions (parties × issues), gaps, claims and pledges, as Rich tables: the last
    `rows` claims and pledges (all when `rows` is 0), a caption saying how many there are."""
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
        shown = _last(state["claims"], rows)
        claims = Table(title="claims", caption=_caption(len(shown), len(state["claims"]),
                                                          "claims"))
        for column in ("claim", "by", "about", "issue", "option", "contested", "rebutted"):
            claims.add_column(column)
        for claim_id, c in shown:
            claims.add_row(claim_id, c["by"], c["about"], c["issue"], c["option"],
                           "yes" if c["contested"] else "no", "yes" if c["rebutted"] else "no")
        parts.append(claims)
    if state["pledges"]:
        kept = _last(state["pledges"], rows)
        pledges = Table(title="pledges", caption=_caption(len(kept), len(state["pledges"]),
                                                            "pledges"))
        for column in ("pledge", "party", "status", "supports", "contradicts"):
            pledges.add_column(column)
        for pledge_id, p in kept:
            pledges.add_row(pledge_id, p["party"], p["status"], str(len(p["supports"])),
                            str(len(p["contradicts"])))
        parts.append(pledges)
    return Group(*parts)
