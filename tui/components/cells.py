"""The matrix's cells as text: an option's label or id coloured by stance, its marks,
and the short names of issues and parties that head the rows and columns (no drawing
here: `matrix.py` draws them)."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from events.scenario import Header, Issue, Party

#: Colours along an issue's axis, from one pole (0) to the other (1).
_AXIS = ["#4f9dde", "#61b3a0", "#c9b458", "#e08a4b", "#d9534f"]
#: Below this cell width the option id is shown instead of the label.
FULL_LABEL_WIDTH = 20
#: Lines a full label may take in a cell before it is clipped.
LABEL_LINES = 3
#: Widest issue name in the first column.
ISSUE_WIDTH = 13


def stance_colour(position: float) -> str:
    """A colour for a point on [0, 1] of an issue's axis."""
    return _AXIS[min(int(position * (len(_AXIS) - 1) + 0.5), len(_AXIS) - 1)]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def wrap_id(option: str, width: int) -> str:
    """An option id broken after its hyphens into lines of at most `width` (Rich wraps
    only at spaces, and would cut `guarantors-strong-armies` mid-word)."""
    lines: list[str] = []
    for part in option.replace("-", "-\n").split("\n"):
        if lines and len(lines[-1]) + len(part) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return "\n".join(_clip(line, width) for line in lines)


def short_issue(issue: Issue, width: int = ISSUE_WIDTH) -> str:
    """An issue's id, or its last word when the id is too long (`security-guarantees` →
    `guarantees`)."""
    if len(issue.id) <= width:
        return issue.id
    last = issue.id.rsplit("-", 1)[-1]
    return last if len(last) <= width else _clip(issue.id, width)


def party_heading(party: Party, width: int) -> str:
    """A party's name, or its id when the name does not fit."""
    return party.name if len(party.name) <= width else _clip(party.id, width)


def cell_text(header: Header, state: dict[str, Any], party: str, issue_id: str,
              event: str | None, detailed: bool, differs: bool = False,
              max_label: int = 24, compact: bool = False) -> Text:
    """One cell: the option label (its id when `compact`) coloured by stance; `•` when the
    current event shaped it, `⚑n` when n claims about it are contested;
    accepts/rejects (by option id) and conditions when detailed."""
    cell = state["positions"][party][issue_id]
    issue = header.issue(issue_id)
    labels = {o.id: o.label for o in issue.options}
    option = cell["option"]
    if option is None:
        text = Text("—", style="dim")
    else:
        label = wrap_id(option, max_label) if compact \
            else _clip(labels.get(option, option), max_label * LABEL_LINES)
        text = Text(label, style=stance_colour(issue.position_of(option)))
    contested = cell.get("contested")  # a step view carries the count
    if contested is None:  # a full JSON state (e.g. compare): count the claims
        contested = sum(1 for c in cell["claims"] if state["claims"][c]["contested"])
    if contested:
        text.append(f" ⚑{contested}", style="bold yellow")
    if event is not None and event in cell["events"]:
        text = Text("• ", style="bold") + text
    if detailed:  # by option id: a list of full labels would fill the screen
        if cell["accepts"]:
            text.append("\n+ " + ", ".join(cell["accepts"]), style="green")
        if cell["rejects"]:
            text.append("\n− " + ", ".join(cell["rejects"]), style="red")
        if cell["conditions"]:
            text.append("\nif " + "; ".join(cell["conditions"]), style="italic")
    if differs:
        text.stylize("reverse")
    return text


def lines_needed(text: Text, width: int, console: Console) -> int:
    """How many lines `text` takes in a column `width` wide, wrapped as Rich wraps it."""
    lines = text.plain.split("\n")
    if all(cell_len(line) <= width for line in lines):
        return len(lines)
    return len(text.wrap(console, width))


def has_stance(state: dict[str, Any], party: str) -> bool:
    """Whether a party holds, accepts or rejects anything, or is named in a claim."""
    return any(cell["option"] is not None or cell["accepts"] or cell["rejects"]
               or cell["claims"] or cell["events"]
               for cell in state["positions"][party].values())
