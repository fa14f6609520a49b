"""The positions matrix: one row per issue, one column per party, each cell the option
that party holds.

Issues run down the rows (there are few and they have short ids) and parties across,
because at 120 columns seven issues across leave five characters a cell. Parties other
than the principals with no stance yet are left out (the title names them; `s` on the
matrix shows them). Cells
show the option's full label when the column has room for it and its id (short and
readable, e.g. `russian-territory`) when it does not; the full label of the cell under
the cursor is always shown under the matrix.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from events.scenario import Header, Issue, Party

#: Colours along an issue's axis, from one pole (0) to the other (1).
_AXIS = ["#4f9dde", "#61b3a0", "#c9b458", "#e08a4b", "#d9534f"]
#: Below this cell width the option id is shown instead of the label.
FULL_LABEL_WIDTH = 20
#: Lines a full label may take in a cell before it is clipped.
LABEL_LINES = 3
#: Widest issue name in the first column.
ISSUE_WIDTH = 13
#: The gap column ("0.67") with its padding.
_GAP_COLUMN = 6
#: The gap column holds "0.25" or "—": fixed, so that cells update in place
_GAP_WIDTH = 4


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


def _height(text: Text, width: int, console: Console) -> int:
    """How many lines `text` takes in a column `width` wide, as the table wraps it."""
    lines = text.plain.split("\n")
    if all(cell_len(line) <= width for line in lines):
        return len(lines)
    return len(text.wrap(console, width))


def has_stance(state: dict[str, Any], party: str) -> bool:
    """Whether a party holds, accepts or rejects anything, or is named in a claim."""
    return any(cell["option"] is not None or cell["accepts"] or cell["rejects"]
               or cell["claims"] or cell["events"]
               for cell in state["positions"][party].values())


class PositionsMatrix(DataTable[Text]):
    """Issues × parties. `enter` on a cell asks the app for the events that shaped it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "toggle_silent", "Silent parties", id="matrix_silent"),
    ]
    DEFAULT_CSS = """
    PositionsMatrix { height: auto; max-height: 60%; border-top: hkey $primary-background;
                      border-bottom: hkey $primary-background;
                      border-title-color: $text-muted; border-subtitle-color: $text; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)
        self.detailed = False
        self.show_silent = False
        self.header: Header | None = None
        self.state: dict[str, Any] | None = None
        #: the parties in the columns, in order
        self.parties: list[Party] = []
        #: cells the matrix may use across (set by `fit`)
        self.room = 80
        self._layout: tuple[object, ...] = ()
        self._width_seen = 0
        self._shown: tuple[str | None, set[tuple[str, str]] | None] = (None, None)
        #: the height each row was given since the layout last changed: a row keeps the
        #: tallest it has needed, so that stepping seldom resizes the table (each resize
        #: is a layout of the whole screen: 20-45 ms of a key's frame at 160×50, where
        #: an update in place is none)
        self._heights: dict[str, int] = {}
        #: the cells shown, row key → cells in column order
        self._rows: dict[str, list[Text]] = {}

    def fit(self, width: int, columns: int = 0) -> None:
        """Use `width` cells across (`columns`, the issue count, is no longer needed: the
        issues run down the rows)."""
        self.room = width

    def cell_width(self, parties: int) -> int:
        """Width of a party column when `parties` share the room left by the issue and
        gap columns and the cell padding."""
        spare = self.room - ISSUE_WIDTH - 2 - _GAP_COLUMN - 2 * parties - 4  # scrollbar
        return max(8, min(48, spare // max(parties, 1)))

    def show(self, header: Header, state: dict[str, Any], event: str | None,
             differs: set[tuple[str, str]] | None = None) -> None:
        """Fill the matrix from a JSON state; `differs` cells are highlighted."""
        cursor = self.cursor_coordinate
        self._shown = (event, differs)
        shown = [p for p in header.parties  # the principals always: they are the question
                 if self.show_silent or p.id in header.principals or has_stance(state, p.id)]
        silent = [p for p in header.parties if p not in shown]
        width = self.cell_width(len(shown))
        compact = width < FULL_LABEL_WIDTH
        layout = (id(header), tuple(p.id for p in shown), width, self.detailed)
        self.header, self.state, self.parties = header, state, shown
        rows: dict[str, list[Text]] = {}
        for issue in header.issues:
            gap = state["issues"][issue.id]["gap"]
            rows[issue.id] = [
                Text(short_issue(issue), style="bold"),
                *(cell_text(header, state, p.id, issue.id, event, self.detailed,
                            differs is not None and (p.id, issue.id) in differs,
                            width, compact) for p in shown),
                Text("—" if gap is None else f"{gap:.2f}", style="bold")]
        overall = state["gap"]
        rows["_gap"] = [Text("overall gap", style="bold"), *[Text("") for _ in shown],
                        Text("—" if overall is None else f"{overall:.2f}", style="bold")]
        kept = self._heights if layout == self._layout else {}
        heights = {key: max(kept.get(key, 1), self._height_needed(key, cells, width))
                   for key, cells in rows.items()}
        if layout == self._layout and heights == kept and rows.keys() == self._rows.keys():
            self._update_cells(rows)
        else:
            self._rebuild(layout, shown, width, rows, heights)
        self.move_cursor(row=cursor.row, column=cursor.column, animate=False)
        self._titles(self.silent_note(silent), self.cursor_label())

    def _rebuild(self, layout: tuple[object, ...], shown: list[Party], width: int,
                 rows: dict[str, list[Text]], heights: dict[str, int]) -> None:
        """Columns (when the layout changed) and rows anew, each row `heights` tall: a
        layout of the screen."""
        if layout != self._layout:
            self._layout = layout
            self.clear(columns=True)
            self.add_column("issue", key="_issue")
            for party in shown:
                self.add_column(party_heading(party, width), key=party.id, width=width)
            self.add_column("gap", key="gap", width=_GAP_WIDTH)
        else:
            self.clear()
        for key, cells in rows.items():
            self.add_row(*cells, key=key, height=heights[key])
        self._rows, self._heights = rows, heights

    def _height_needed(self, key: str, cells: list[Text], width: int) -> int:
        """The lines row `key` needs: its tallest party cell's, as the table wraps them
        (the gap row: one)."""
        if key == "_gap":
            return 1
        console = self.app.console
        return max([_height(cell, width, console) for cell in cells[1:-1]], default=1)

    def _update_cells(self, rows: dict[str, list[Text]]) -> None:
        """Only the cells that differ, in place: no layout of the screen (rebuilding the
        rows each step was most of a step's repaint), and only their renders redone."""
        keys = ["_issue", *(p.id for p in self.parties), "gap"]
        changed: set[tuple[str, str]] = set()
        for row, cells in rows.items():
            for column, new, old in zip(keys, cells, self._rows[row], strict=True):
                if new != old:
                    self._data[RowKey(row)][ColumnKey(column)] = new
                    changed.add((row, column))
        self._rows = rows
        if changed:
            self._forget_renders(changed)

    def _forget_renders(self, cells: set[tuple[str, str]]) -> None:
        """Drop the cached renders of `cells` (row key, column key), of their rows and of
        their rows' lines, and repaint those rows only. `DataTable.update_cell` counts an
        update, which voids the cached render of every cell and line: each step
        re-rendered the whole matrix (~8 ms of a 160×50 frame) for the two or three cells
        that changed. This keys into the caches of Textual 8.2.8's DataTable (pinned
        exactly); a test holds the painted lines to a rebuilt table's."""
        rows = {row for row, _ in cells}
        indexes = {self._row_locations.get(RowKey(row)) for row in rows}
        regions = [self._get_row_region(index) for index in indexes if index is not None]
        lines = {y for region in regions for y in range(region.y, region.bottom)}
        for cache, drop in (
                (self._cell_render_cache, lambda key: (key[0], key[1]) in cells),
                (self._row_render_cache, lambda key: key[0] in rows),
                (self._row_renderable_cache, lambda key: key[1] in indexes),
                (self._line_cache, lambda key: key[0] in lines)):
            for key in [key for key in cache.keys() if drop(key)]:  # noqa: SIM118 (no __iter__)
                cache.discard(key)
        for region in regions:
            self._refresh_region(region)

    def silent_note(self, silent: list[Party]) -> str:
        """The title: which parties have no stance and are left out."""
        if self.show_silent:
            return "positions · all parties (s: hide the silent ones)"
        if not silent:
            return "positions"
        return (f"positions · no stance yet, not shown: "
                f"{', '.join(p.id for p in silent)} (s shows them)")

    def cell_at(self, party: str, issue: str) -> str | None:
        """The text of a cell, or None when the party is not shown."""
        if party not in {p.id for p in self.parties}:
            return None
        return str(self.get_cell(issue, party))

    def current_cell(self) -> tuple[str, str] | None:
        """(party, issue) under the cursor, or None on the issue/gap column or gap row."""
        if self.header is None:
            return None
        row, column = self.cursor_coordinate
        issues = self.header.issues
        if 0 <= row < len(issues) and 1 <= column <= len(self.parties):
            return self.parties[column - 1].id, issues[row].id
        return None

    def cursor_label(self) -> str:
        """The full label of the option in the cell under the cursor."""
        cell = self.current_cell()
        if cell is None or self.header is None or self.state is None:
            return ""
        party, issue_id = cell
        option = self.state["positions"][party][issue_id]["option"]
        if option is None:
            return f"{party} × {issue_id}: —"
        label = {o.id: o.label for o in self.header.issue(issue_id).options}[option]
        return f"{party} × {issue_id}: {label}"

    def redraw(self) -> None:
        """Show the last state again (after a resize or a toggle)."""
        if self.header is not None and self.state is not None:
            self.show(self.header, self.state, *self._shown)

    def on_resize(self) -> None:
        # The app fits the matrix before the first layout, when its width is not known
        # yet; its own size is the width that counts.
        # (Height changes, as rows grow, leave the width alone.)
        width = self.content_region.width
        if width and width != self._width_seen:
            self._width_seen = self.room = width
            self.redraw()

    _titles_shown: tuple[str, str] | None = None

    def _titles(self, title: str, subtitle: str) -> None:
        """Set the border's title and subtitle, when they differ from those shown (setting
        either repaints the whole table, where a step repaints only the rows it changed)."""
        if (title, subtitle) != self._titles_shown:
            self._titles_shown = (title, subtitle)
            self.border_title, self.border_subtitle = title, subtitle

    def on_data_table_cell_highlighted(self) -> None:
        self._titles(self._titles_shown[0] if self._titles_shown else "", self.cursor_label())

    def action_toggle_silent(self) -> None:
        """Show or hide the parties with no stance."""
        self.show_silent = not self.show_silent
        self.redraw()
