"""The positions matrix: one row per issue, one column per party, each cell the option
that party holds.

Issues run down the rows (there are few and they have short ids) and parties across,
because at 120 columns seven issues across leave five characters a cell. Parties other
than the principals with no stance yet are left out (the title names them; `s` on the
matrix shows them). Cells show the option's full label when the column has room for it
and its id (short and readable, e.g. `russian-territory`) when it does not; the full
label of the cell under the cursor is always shown under the matrix.

The panel draws its own lines, as the timeline does, instead of being a Textual
`DataTable`: a step repaints only the lines whose cells read differently, and a cell
drawn once is not drawn again while it reads the same. On a slow machine the DataTable
took 6-12 ms of a day jump's frame at 10^6 events (its cells through Rich `Padding`, its
rows and lines through caches a cell update voids), ~1 ms a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from typing import Any, ClassVar

from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.renderables.styled import Styled
from textual.scroll_view import ScrollView
from textual.strip import Strip

from events.scenario import Header, Party
from tui.components.cells import (
    FULL_LABEL_WIDTH,
    ISSUE_WIDTH,
    cell_text,
    has_stance,
    lines_needed,
    party_heading,
    short_issue,
)
from tui.components.lines import changed_runs
from tui.messages import CellChosen

#: The gap column holds "0.25" or "—": fixed, so that cells update in place
GAP_WIDTH = 4
#: Blank cells on each side of a cell's text.
PADDING = 1
#: Cells drawn that the panel keeps, by what they read (a few steps' worth).
_CELLS_KEPT = 2048

#: A cell drawn: its lines, each a list of segments `width + 2 * PADDING` wide.
CellLines = list[list[Segment]]


@dataclass(frozen=True)
class Column:
    """A column of the matrix: its key (`_issue`, a party id, `gap`), its heading and the
    width of its text (padding not included)."""

    key: str
    heading: str
    width: int


class PositionsMatrix(ScrollView, can_focus=True, inherit_bindings=False):
    """Issues × parties. `enter` on a cell (or a click) posts `CellChosen`: the app shows
    the events that shaped it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1, 0)", "Up", show=False, id="matrix_up"),
        Binding("down", "cursor(1, 0)", "Down", show=False, id="matrix_down"),
        Binding("left", "cursor(0, -1)", "Left", show=False, id="matrix_left"),
        Binding("right", "cursor(0, 1)", "Right", show=False, id="matrix_right"),
        Binding("enter", "choose", "Events of the cell", show=False, id="matrix_choose"),
        Binding("s", "toggle_silent", "Silent parties", id="matrix_silent"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "matrix--header", "matrix--even-row", "matrix--cursor",
    }
    # the look of Textual's DataTable, which this panel replaced
    DEFAULT_CSS = """
    PositionsMatrix {
        height: auto; max-height: 60%; overflow-x: hidden;
        background: $surface; color: $foreground;
        border-top: hkey $primary-background; border-bottom: hkey $primary-background;
        border-title-color: $text-muted; border-subtitle-color: $text;
        &:focus {
            background-tint: $foreground 5%;
            & > .matrix--cursor { background: $block-cursor-background;
                                  color: $block-cursor-foreground;
                                  text-style: $block-cursor-text-style; }
            & > .matrix--header { background-tint: $foreground 5%; }
        }
        &:dark > .matrix--even-row { background: $surface-darken-1 40%; }
        & > .matrix--header { text-style: bold; background: $panel; color: $foreground; }
        & > .matrix--even-row { background: $surface-lighten-1 50%; }
        & > .matrix--cursor { background: $block-cursor-blurred-background;
                              color: $block-cursor-blurred-foreground;
                              text-style: $block-cursor-blurred-text-style; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.detailed = False
        self.show_silent = False
        self.header: Header | None = None
        self.state: dict[str, Any] | None = None
        #: the parties in the columns, in order
        self.parties: list[Party] = []
        #: cells the matrix may use across (set by `fit`)
        self.room = 80
        #: (row, column) of the cell under the cursor; column 0 is the issues' column
        self.cursor_coordinate = Coordinate(0, 0)
        self.columns: list[Column] = []
        self._layout: tuple[object, ...] = ()
        self._width_seen = 0
        self._shown: tuple[str | None, set[tuple[str, str]] | None] = (None, None)
        #: the height each row was given since the panel's width, `v`, `s` or the
        #: scenario last changed (`_fit`): a row keeps the tallest it has needed, even
        #: when the columns change (a party speaks first, or falls silent again on the
        #: way back to step 0), so that stepping seldom resizes the panel (each resize is
        #: a layout of the whole screen: 12-42 ms of a key's frame at 10^6 events on a
        #: slow machine, where a repaint of the lines that changed is none)
        self._heights: dict[str, int] = {}
        self._fit: tuple[object, ...] = ()
        #: the cells shown, row key → cells in column order
        self._rows: dict[str, list[Text]] = {}
        #: the lines drawn (the headings, then the rows' lines), and the size and style
        #: they were drawn for (None: draw anew)
        self._lines: list[Strip] = []
        self._drawn_for: tuple[object, ...] | None = None
        self._cells: dict[tuple[object, ...], CellLines] = {}
        #: each row's lines as last drawn, with what they were drawn for and from
        self._rows_drawn: dict[str, tuple[tuple[object, ...], list[Text], list[Strip]]] = {}
        #: the panel's style, the headings', an even row's and the cursor's, and the
        #: drawing key they were worked out for
        self._styles: tuple[object, tuple[Style, ...]] = (None, ())

    # --- what is shown ------------------------------------------------------------------

    def fit(self, width: int, columns: int = 0) -> None:
        """Use `width` cells across (`columns`, the issue count, is no longer needed: the
        issues run down the rows)."""
        self.room = width

    def cell_width(self, parties: int) -> int:
        """Width of a party column's text when `parties` share the room left by the issue
        and gap columns and the cells' padding."""
        spare = (self.room - ISSUE_WIDTH - 2 * PADDING - GAP_WIDTH - 2 * PADDING
                 - 2 * PADDING * parties - 4)  # (4: a scrollbar's room)
        return max(8, min(48, spare // max(parties, 1)))

    def show(self, header: Header, state: dict[str, Any], event: str | None,
             differs: set[tuple[str, str]] | None = None) -> None:
        """Fill the matrix from a JSON state; `differs` cells are highlighted."""
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
        fit = (id(header), self.room, self.detailed, self.show_silent)
        kept = self._heights if fit == self._fit else {}
        heights = {key: max(kept.get(key, 1), self._height_needed(key, cells, width))
                   for key, cells in rows.items()}
        same_shape = (layout == self._layout and heights == kept
                      and rows.keys() == self._rows.keys())
        self._rows, self._fit = rows, fit
        if not same_shape:
            self._relayout(layout, shown, width, heights)
        self.cursor_coordinate = self._within(*self.cursor_coordinate)  # rows may be fewer
        self._repaint()
        self._titles(self.silent_note(silent), self.cursor_label())

    def _relayout(self, layout: tuple[object, ...], shown: list[Party], width: int,
                  heights: dict[str, int]) -> None:
        """New columns or row heights: when the rows' heights add up differently, the
        panel's height changes (a layout of the screen)."""
        self._layout, self._heights = layout, heights
        issues = [cells[0].cell_len for cells in self._rows.values()]
        self.columns = [Column("_issue", "issue", max([len("issue"), *issues])),
                        *(Column(p.id, party_heading(p, width), width) for p in shown),
                        Column("gap", "gap", GAP_WIDTH)]
        # (no width: the columns fit the panel, and new columns are then no new size)
        size = Size(0, 1 + sum(heights.values()))
        if size != self.virtual_size:
            self.virtual_size = size
            self.refresh(layout=True)

    def _height_needed(self, key: str, cells: list[Text], width: int) -> int:
        """The lines row `key` needs: its tallest party cell's, wrapped (the gap row:
        one)."""
        if key == "_gap":
            return 1
        console = self.app.console
        return max([lines_needed(cell, width, console) for cell in cells[1:-1]], default=1)

    @property
    def row_count(self) -> int:
        """Rows shown: the issues and the overall gap."""
        return len(self._rows)

    def row_texts(self) -> list[list[str]]:
        """The text of every cell, row by row, as shown."""
        return [[str(cell) for cell in cells] for cells in self._rows.values()]

    def row_heights(self) -> list[int]:
        """The lines each row takes."""
        return list(self._heights.values())

    def row_region(self, index: int) -> Region:
        """Where row `index` is painted in the panel now (the headings are line 0)."""
        tops = [0, *accumulate(self._heights.values())]
        top = 1 + tops[index] - int(self.scroll_y)
        return Region(0, top, self.scrollable_content_region.width,
                      tops[index + 1] - tops[index])

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
        shown = [p.id for p in self.parties]
        if party not in shown:
            return None
        return str(self._rows[issue][shown.index(party) + 1])  # (after the issue's)

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

    _titles_shown: tuple[str, str] | None = None

    def _titles(self, title: str, subtitle: str) -> None:
        """Set the border's title and subtitle, when they differ from those shown (setting
        either repaints the whole panel, where a step repaints only the lines it
        changed)."""
        if (title, subtitle) != self._titles_shown:
            self._titles_shown = (title, subtitle)
            self.border_title, self.border_subtitle = title, subtitle

    # --- the cursor ---------------------------------------------------------------------

    def move_cursor(self, *, row: int | None = None, column: int | None = None) -> None:
        """Put the cursor on a cell (kept within the matrix) and scroll it into view."""
        at = self._within(self.cursor_coordinate.row if row is None else row,
                          self.cursor_coordinate.column if column is None else column)
        if at == self.cursor_coordinate:
            return
        self.cursor_coordinate = at
        self._scroll_to_row(at.row)
        self._repaint()
        if self._titles_shown is not None:
            self._titles(self._titles_shown[0], self.cursor_label())

    def _within(self, row: int, column: int) -> Coordinate:
        """The cell nearest (row, column) in the matrix."""
        return Coordinate(max(0, min(row, len(self._rows) - 1)),
                          max(0, min(column, len(self.columns) - 1)))

    def _scroll_to_row(self, row: int) -> None:
        """Scroll the row into view, under the headings."""
        region = self.row_region(row)
        body = max(self.scrollable_content_region.height - 1, 1)
        top, bottom = region.y - 1 + int(self.scroll_y), region.bottom - 1 + int(self.scroll_y)
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif bottom > self.scroll_y + body:
            self.scroll_to(y=max(bottom - body, 0), animate=False, immediate=True)

    def action_cursor(self, rows: int, columns: int) -> None:
        """Move the cursor by `rows` and `columns`."""
        row, column = self.cursor_coordinate
        self.move_cursor(row=row + rows, column=column + columns)

    def action_choose(self) -> None:
        """Ask for the events that shaped the cell under the cursor."""
        cell = self.current_cell()
        if cell is not None:
            self.post_message(CellChosen(self, *cell))

    def on_click(self, event: events.Click) -> None:
        """A click on a cell puts the cursor there and chooses it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:  # the border, or the headings
            return
        line = offset.y - 1 + int(self.scroll_y)
        rows = [*accumulate(self._heights.values())]
        ends = [*accumulate(column.width + 2 * PADDING for column in self.columns)]
        row = next((index for index, end in enumerate(rows) if line < end), None)
        column = next((index for index, end in enumerate(ends) if offset.x < end), None)
        if row is not None and column is not None:
            self.move_cursor(row=row, column=column)
            self.action_choose()

    def action_toggle_silent(self) -> None:
        """Show or hide the parties with no stance."""
        self.show_silent = not self.show_silent
        self.redraw()

    # --- drawing ------------------------------------------------------------------------

    def on_resize(self) -> None:
        # The app fits the matrix before the first layout, when its width is not known
        # yet; its own size is the width that counts.
        # (Height changes, as rows grow, leave the width alone.)
        width = self.content_region.width
        if width and width != self._width_seen:
            self._width_seen = self.room = width
            self.redraw()

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> PositionsMatrix:
        """Textual's refresh; a whole repaint (a new style, a scroll, a resize) draws the
        lines anew."""
        if repaint and not regions:
            self._drawn_for = None
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self

    def _repaint(self) -> None:
        """Repaint the lines that read differently from those drawn (all of them when the
        panel's size or style changed since)."""
        if self._drawn_for != self._drawing_key():
            self.refresh()
            return
        before, after = self._lines, self._draw()
        self._lines = after
        width, height = self.scrollable_content_region.size
        scrolled = int(self.scroll_y)
        for start, end in changed_runs(before, after):
            if start == 0:  # the headings stay on line 0
                self.refresh(Region(0, 0, width, 1))
                start = 1
            top, bottom = max(start - scrolled, 1), min(end - scrolled, height)
            if top < bottom:
                self.refresh(Region(0, top, width, bottom - top))

    def render_line(self, y: int) -> Strip:
        if self._drawn_for != self._drawing_key():
            self._lines = self._draw()
        index = y if y == 0 else y + int(self.scroll_y)
        if index < len(self._lines):
            return self._lines[index]
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)

    def _drawing_key(self) -> tuple[object, ...]:
        return self.scrollable_content_region.size, self.visual_style, self.has_focus

    def _draw(self) -> list[Strip]:
        """The headings' line, then every row's lines, each as wide as the panel."""
        drawing = self._drawn_for = self._drawing_key()
        width = self.scrollable_content_region.width
        if self._styles[0] != drawing:  # (~1 ms a step to work them out each time)
            base = self.rich_style
            self._styles = (drawing, (
                base, base + self.get_component_rich_style("matrix--header"),
                base + self.get_component_rich_style("matrix--even-row"),
                self.get_component_rich_style("matrix--cursor")))
        base, heading, even, cursor = self._styles[1]
        lines = [self._line([self._cell(Text(column.heading), column.width, 1, heading)
                             for column in self.columns], 0, width, heading)]
        at_row, at_column = self.cursor_coordinate
        rows_drawn: dict[str, tuple[tuple[object, ...], list[Text], list[Strip]]] = {}
        for index, (key, cells) in enumerate(self._rows.items()):
            height = self._heights[key]
            # a row drawn as it is now (its cells read the same: Text's ==) is taken as
            # drawn: most rows of most steps (~1 ms a step)
            drawn_for = (drawing, self._layout, height, at_column if index == at_row else -1,
                         index % 2)
            before = self._rows_drawn.get(key)
            if before is not None and before[0] == drawn_for and before[1] == cells:
                rows_drawn[key] = before
                lines.extend(before[2])
                continue
            row_style = even if index % 2 == 0 else base
            drawn = [self._cell(cell, column.width, height, row_style,
                                cursor if (index, place) == (at_row, at_column) else None)
                     for place, (column, cell) in enumerate(zip(self.columns, cells,
                                                                strict=True))]
            row = [self._line(drawn, y, width, row_style) for y in range(height)]
            rows_drawn[key] = (drawn_for, cells, row)
            lines.extend(row)
        self._rows_drawn = rows_drawn
        if len(self._cells) > _CELLS_KEPT:
            self._cells = {}
        return lines

    @staticmethod
    def _line(cells: list[CellLines], y: int, width: int, style: Style) -> Strip:
        """Line `y` of a row of drawn cells, cut, or filled to `width` in the row's
        style."""
        segments = [segment for cell in cells for segment in cell[y]]
        return Strip(segments).crop_extend(0, width, style)

    def _cell(self, text: Text, width: int, height: int, style: Style,
              cursor: Style | None = None) -> CellLines:
        """A cell drawn `height` lines tall in `style` (and under the cursor's style), as
        Textual's DataTable draws one (its text wrapped to `width`, or cut on a row one
        line tall, then padded); kept by what it reads, so that a cell drawn before is
        not drawn again."""
        key = (text.plain, tuple(text.spans), text.style, width, height, style, cursor)
        drawn = self._cells.get(key)
        if drawn is None:
            pre, post = style, Style.null()
            if cursor is not None:  # its colours win over the text's (as in DataTable)
                pre += cursor
                post = Style.from_color(cursor.color, cursor.bgcolor)
            options = self.app.console_options.update_dimensions(width + 2 * PADDING,
                                                                 height)
            if height == 1:
                options = options.update(no_wrap=True)
            drawn = self.app.console.render_lines(
                Styled(Padding(text, (0, PADDING)), pre_style=pre, post_style=post),
                options)
            self._cells[key] = drawn
        return drawn
