"""The positions matrix: parties × issues, each cell the option a party holds."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from events.scenario import Header

#: Colours along an issue's axis, from one pole (0) to the other (1).
_AXIS = ["#4f9dde", "#61b3a0", "#c9b458", "#e08a4b", "#d9534f"]


def stance_colour(position: float) -> str:
    """A colour for a point on [0, 1] of an issue's axis."""
    return _AXIS[min(int(position * (len(_AXIS) - 1) + 0.5), len(_AXIS) - 1)]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cell_text(header: Header, state: dict[str, Any], party: str, issue_id: str,
              event: str | None, detailed: bool, differs: bool = False,
              max_label: int = 24) -> Text:
    """One cell: the option label coloured by stance; `•` when the current event shaped it,
    `⚑` when a claim about it is contested; accepts/rejects/conditions when detailed."""
    cell = state["positions"][party][issue_id]
    issue = header.issue(issue_id)
    labels = {o.id: o.label for o in issue.options}
    option = cell["option"]
    if option is None:
        text = Text("—", style="dim")
    else:
        label = _clip(labels.get(option, option), max_label)
        text = Text(label, style=stance_colour(issue.position_of(option)))
    contested = [c for c in cell["claims"] if state["claims"][c]["contested"]]
    if contested:
        text.append(f" ⚑{len(contested)}", style="bold yellow")
    if event is not None and event in cell["events"]:
        text = Text("• ", style="bold") + text
    if detailed:
        if cell["accepts"]:
            text.append("\n+ " + ", ".join(labels[o] for o in cell["accepts"]), style="green")
        if cell["rejects"]:
            text.append("\n− " + ", ".join(labels[o] for o in cell["rejects"]), style="red")
        if cell["conditions"]:
            text.append("\nif " + "; ".join(cell["conditions"]), style="italic")
    if differs:
        text.stylize("reverse")
    return text


def cell_height(state: dict[str, Any], party: str, issues: list[str]) -> int:
    """Lines a detailed row needs."""
    most = 1
    for issue in issues:
        cell = state["positions"][party][issue]
        most = max(most, 1 + sum(bool(cell[k]) for k in ("accepts", "rejects", "conditions")))
    return most


class PositionsMatrix(DataTable[Text]):
    """Parties × issues. `enter` on a cell asks the app for the events that shaped it."""

    DEFAULT_CSS = """
    PositionsMatrix { height: auto; max-height: 60%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)
        self.detailed = False
        self.header: Header | None = None
        #: longest option label shown in a cell (the app widens it on wide terminals)
        self.max_label = 24
        self.labelled = 0

    def fit(self, width: int, columns: int) -> None:
        """Choose the longest label so that `columns` issues fit in `width` cells."""
        # party and gap columns, cell padding, and room for the `•` and `⚑n` marks
        spare = width - 16 - 2 * (columns + 2)
        self.max_label = max(6, min(40, spare // max(columns, 1) - 4))

    def show(self, header: Header, state: dict[str, Any], event: str | None,
             differs: set[tuple[str, str]] | None = None) -> None:
        """Fill the matrix from a JSON state; `differs` cells are highlighted."""
        cursor = self.cursor_coordinate
        issues = [i.id for i in header.issues]
        if (self.header is not header or self.row_count != len(header.parties) + 1
                or self.labelled != self.max_label):
            self.labelled = self.max_label
            self.clear(columns=True)
            self.header = header
            self.add_column("party", key="party")
            for issue in header.issues:
                self.add_column(_clip(issue.id, self.max_label + 3), key=issue.id)
            self.add_column("gap", key="gap")
        else:
            self.clear()
        for party in header.parties:
            cells = [cell_text(header, state, party.id, i, event, self.detailed,
                               differs is not None and (party.id, i) in differs, self.max_label)
                     for i in issues]
            height = cell_height(state, party.id, issues) if self.detailed else 1
            name = _clip(party.name, 14)
            self.add_row(Text(name, style="bold"), *cells, Text(""), key=party.id,
                         height=height)
        gaps = [state["issues"][i]["gap"] for i in issues]
        self.add_row(Text("gap", style="bold"),
                     *[Text("—" if g is None else f"{g:.2f}", style="bold") for g in gaps],
                     Text("—" if state["gap"] is None else f"{state['gap']:.2f}", style="bold"),
                     key="_gap")
        self.move_cursor(row=cursor.row, column=cursor.column, animate=False)

    def current_cell(self) -> tuple[str, str] | None:
        """(party, issue) under the cursor, or None on the name/gap column or gap row."""
        if self.header is None:
            return None
        row, column = self.cursor_coordinate
        parties, issues = self.header.parties, self.header.issues
        if 0 <= row < len(parties) and 1 <= column <= len(issues):
            return parties[row].id, issues[column - 1].id
        return None
