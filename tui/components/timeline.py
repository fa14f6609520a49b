"""The timeline panel: one row per event, rendered virtually (only visible rows are built)
so that a timeline of a million events scrolls as fast as one of ten."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from events.catalogue import Event
from tui.messages import RowChosen
from tui.store_errors import STORE_ERRORS, store_reason
from tui.tables import summary

_SHORT_TYPES = {"proposal": "PROP", "acceptance": "ACC", "rejection": "REJ",
                "claim": "CLAIM", "pledge": "PLDG", "report": "RPT", "retraction": "RETR"}

#: Tells the view whether a row passes the filter / matches the search.
RowTest = Callable[[Event], bool]


def thumb_at(bar: ScrollBar, position: float) -> tuple[int, int] | None:
    """Where a vertical scrollbar draws its thumb with its position at `position`: its
    first and last eighth of a cell, as Textual 8.2.8's `ScrollBarRender.render_bar`
    works them out (pinned exactly); None when it draws no thumb."""
    size = bar.size.height
    virtual = ceil(bar.window_virtual_size)
    window = ceil(bar.window_size if bar.window_size < bar.window_virtual_size else 0)
    if not (window and size and virtual and size != virtual):
        return None
    eighths = len(bar.renderer.VERTICAL_BARS)
    thumb = max(1, window / (virtual / size))
    start = int((size - thumb) * (position / (virtual - window)) * eighths)
    return start, start + ceil(thumb * eighths)


class TimelineView(ScrollView, can_focus=True, inherit_bindings=False):
    """The events in timeline order; the cursor row is the current step.

    Bindings are not inherited: the app's stepping keys move the cursor, and the view
    follows it, instead of scrolling on its own.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--cursor", "timeline--dim", "timeline--match", "timeline--dropped",
        "timeline--gutter",
    }
    DEFAULT_CSS = """
    TimelineView { background: $surface; }
    TimelineView > .timeline--cursor { background: $accent 60%; text-style: bold; }
    TimelineView > .timeline--dim { color: $text-disabled; }
    TimelineView > .timeline--match { background: $warning 35%; }
    TimelineView > .timeline--dropped { color: $error; text-style: strike; }
    TimelineView > .timeline--gutter { color: $warning; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[Event] = ()
        self.cursor = -1
        self.passes: RowTest | None = None
        self.matches: RowTest | None = None
        self.dropped: set[str] = set()
        self.added: set[str] = set()
        self.replaced: set[str] = set()
        self.marks: dict[int, str] = {}
        self._step_width = 1

    def show(self, rows: Sequence[Event], cursor: int) -> None:
        """Show these rows with the cursor on `cursor` (-1: before the first event)."""
        self.rows = rows
        self._step_width = len(str(len(rows)))
        self.virtual_size = Size(0, len(rows))  # rows are cut to the width: no sideways
        self.move_to(cursor)
        self.refresh()

    def move_to(self, cursor: int) -> None:
        """Put the cursor on a row and scroll it into view. Without a scroll only the
        two rows whose highlight changes are drawn again (not the whole panel)."""
        before, self.cursor = self.cursor, cursor
        row = max(cursor, 0)
        height = max(self.scrollable_content_region.height, 1)
        if row < self.scroll_y:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= self.scroll_y + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)
        else:
            self.refresh_line(max(before, 0))
            self.refresh_line(row)
            return
        self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Textual's, but the scrollbar is repainted only when its thumb moves: on 10^6
        rows an eighth of a cell is thousands of rows, and redrawing the bar's 44 lines
        was ~3 ms of each scrolling key's frame on a slow machine."""
        if self.show_vertical_scrollbar:
            bar = self.vertical_scrollbar
            position = bar.validate_position(new_value)
            if thumb_at(bar, position) == thumb_at(bar, bar.position):
                bar.set_reactive(ScrollBar.position, position)  # drawn the same
        super().watch_scroll_y(old_value, new_value)

    def on_resize(self) -> None:
        # (the virtual size does not follow the width: a new one lays the screen out)
        self.move_to(self.cursor)
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_y) + event.y
        if 0 <= row < len(self.rows):
            self.post_message(RowChosen(row))

    def row_parts(self, row: int) -> tuple[str, str]:
        """One row as its gutter (what-if flag, mark) and its text: step, date, type,
        party, speaker (when wide), summary."""
        event = self.rows[row]
        if event.id in self.dropped:
            flag = "✗"
        elif event.id in self.added:
            flag = "+"
        elif event.id in self.replaced:
            flag = "~"
        else:
            flag = " "
        gutter = f"{flag}{self.marks.get(row, ' ')}"
        if self._row_width() >= 72:
            return gutter, (f"{row + 1:>{self._step_width}} {event.at[:10]} "
                            f"{event.type:<10} {event.party:<12.12} "
                            f"{(event.speaker or ''):<12.12} {summary(event)}")
        # narrow: month-day, a short type, the party, no speaker (it is in the detail)
        return gutter, (f"{row + 1:>{self._step_width}} {event.at[5:10]} "
                        f"{_SHORT_TYPES.get(event.type, event.type):<5} "
                        f"{event.party:<8.8} {summary(event)}")

    def row_text(self, row: int) -> Text:
        """One row as plain text (`row_parts` joined)."""
        return Text("".join(self.row_parts(row)))

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in `crop`, with the panel's width worked out once for all of them
        (~25 % of drawing the rows after a scroll), and its styles kept while the panel's
        own style and focus stay (Textual works a style out from the ancestors on each
        call: ~40 % of drawing the rows after a scroll; the three a step reads, ~0.3 ms of
        every key on a slow machine)."""
        drawing = (self.visual_style, self.has_focus)
        if self._styles_for != drawing:
            self._styles, self._styles_for = {}, drawing
        self._width = self.scrollable_content_region.width
        try:
            return super().render_lines(crop)
        finally:
            self._width = None

    #: the styles worked out (by component class, "" the panel's), for `_styles_for`
    _styles: dict[str, Style] | None = None
    _styles_for: tuple[object, ...] | None = None
    #: the rows' width while `render_lines` draws them (worked out once for all)
    _width: int | None = None

    def _row_width(self) -> int:
        return self.scrollable_content_region.width if self._width is None else self._width

    def _style(self, component: str = "") -> Style:
        """The panel's style (""), or one of its COMPONENT_CLASSES."""
        styles = self._styles
        if styles is not None and component in styles:
            return styles[component]
        style = self.get_component_rich_style(component) if component else self.rich_style
        if styles is not None:
            styles[component] = style
        return style

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_y) + y
        width = self._row_width()
        if row >= len(self.rows):
            return Strip.blank(width, self._style())
        try:
            gutter, text = self.row_parts(row)
            event = self.rows[row]
        except STORE_ERRORS as exc:  # the store cannot give this row: say so in its place
            style = self._style() + self._style("timeline--dropped")
            return self._strip("  ", f"{row + 1:>{self._step_width}} unavailable: "
                               f"{store_reason(exc)}", width, style)
        style = self._style()
        if self.passes is not None and not self.passes(event):
            style += self._style("timeline--dim")
        if event.id in self.dropped:
            style += self._style("timeline--dropped")
        if self.matches is not None and self.matches(event):
            style += self._style("timeline--match")
        if row == self.cursor:
            style += self._style("timeline--cursor")
        return self._strip(gutter, text, width, style)

    def _strip(self, gutter: str, text: str, width: int, style: Style) -> Strip:
        """One row: the gutter in its colour, then `text`, cut with an ellipsis or padded
        to `width` in the row's style (the cursor's highlight runs across the panel).
        Made of segments directly: a Rich Text rendered through the console was half of
        drawing a row (44 new rows after a jump: ~8 ms on a slow machine)."""
        marked = self._style("timeline--gutter")  # its colour on the row's background
        gutter_style = style + Style(color=marked.color, bold=marked.bold)
        room = width - cell_len(gutter)
        if room <= 0:
            return Strip([Segment(set_cell_size(gutter, width), gutter_style)], width)
        if cell_len(text) > room:
            text = set_cell_size(text, room - 1) + "…"
        else:
            text = set_cell_size(text, room)
        return Strip([Segment(gutter, gutter_style), Segment(text, style)], width)
