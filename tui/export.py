"""The current state as Markdown, for the TUI's export (JSON is the contract itself)."""

from __future__ import annotations

from typing import Any

from events.scenario import Header
from events.timeline import Timeline


def _gap(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def state_markdown(state: dict[str, Any], header: Header, timeline: Timeline) -> str:
    """Positions, gaps, claims and pledges as Markdown tables."""
    labels = {i.id: {o.id: o.label for o in i.options} for i in header.issues}
    lines = [f"# {timeline.title}", "",
             f"Step {state['step']}/{state['steps']}"
             + (f", after `{state['event']}` ({state['at']})" if state["event"] else ""), "",
             "## Positions", "",
             "| party | " + " | ".join(i.title for i in header.issues) + " |",
             "|---" * (len(header.issues) + 1) + "|"]
    for party in header.parties:
        cells = []
        for issue in header.issues:
            option = state["positions"][party.id][issue.id]["option"]
            cells.append(labels[issue.id].get(option, option) if option else "—")
        lines.append(f"| {party.name} | " + " | ".join(cells) + " |")
    lines.append("| **gap** | " + " | ".join(_gap(state["issues"][i.id]["gap"])
                                            for i in header.issues) + " |")
    lines += ["", f"Overall gap: {_gap(state['gap'])}", ""]
    if state["claims"]:
        lines += ["## Claims", "", "| claim | by | about | issue | option | contested | rebutted |",
                  "|---|---|---|---|---|---|---|"]
        for claim_id, c in state["claims"].items():
            lines.append(f"| {claim_id} | {c['by']} | {c['about']} | {c['issue']} | "
                         f"{c['option']} | {'yes' if c['contested'] else 'no'} | "
                         f"{'yes' if c['rebutted'] else 'no'} |")
        lines.append("")
    if state["pledges"]:
        lines += ["## Pledges", "", "| pledge | party | commitment | status |",
                  "|---|---|---|---|"]
        for pledge_id, p in state["pledges"].items():
            lines.append(f"| {pledge_id} | {p['party']} | {p['commitment']} | {p['status']} |")
        lines.append("")
    return "\n".join(lines)
