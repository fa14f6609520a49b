"""A panel of text whose update repaints only the lines that read differently.

Textual's `Static.update` marks the whole widget dirty, and the compositor then passes
every line of it through the styles pipeline (padding, background, filters) again:
~0.13 ms a line on a slow machine, ~5 ms for each of the 38-line detail and claims
panels at 160×50, on every step, though most of their lines (the headings, the blank
lines below the text, the claims that stayed) read the same as before. `LinePanel`
draws its content into lines itself, as Textual's own widgets do (`Visual.to_strips`),
keeps them, and marks dirty only the lines that differ. A line that fits the width is
drawn with the last steps of that call only (`line_strips`): nothing to wrap. A panel
that makes its content line by line gives it as `TextLines`: not joined into one Text
only to be split again (~0.6 ms a step for the claims panel's 38 lines).
"""

from __future__ import annotations

import itertools
from typing import TypeAlias

from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual, VisualType, visualize
from textual.widget import Widget


class TextLines:
    """Lines of Rich Text, shown one under the other: a LinePanel draws them as they are
    (a Text with newlines in it, e.g. a quote of several lines, is split), a console
    prints them joined."""

    def __init__(self, lines: list[Text]) -> None:
        self.lines = [part for line in lines for part in (
            line.split("\n", allow_blank=True) if "\n" in line.plain else (line,))
        ] or [Text()]  # (no lines: one empty line, as an empty Text draws)

    def joined(self) -> Text:
        """The lines as one Text."""
        return Text("\n").join(self.lines)

    def __rich__(self) -> Text:
        return self.joined()

    def __str__(self) -> str:
        return "\n".join(line.plain for line in self.lines)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextLines) and self.lines == other.lines

    # mutable, as Text is: no hash
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TextLines({self.lines!r})"


#: what a LinePanel shows
PanelContent: TypeAlias = "VisualType | TextLines"


def line_key(line: Text) -> tuple[object, ...]:
    """What a line of Rich Text reads as and how it is styled: lines with equal keys
    draw the same."""
    return (line.plain, tuple(line.spans), line.style, line.justify, line.overflow,
            line.no_wrap, line.tab_size)


def line_strips(widget: Widget, line: Text, width: int, style: Style) -> list[Strip]:
    """A line of Rich Text (no newline) drawn as `Visual.to_strips` draws it in `widget`
    at `width` (no selection, no links, aligned left and top). A line that fits the
    width needs no wrapping: its segments are made as Textual's `Content` makes those
    of a line it did not divide (`_FormattedLine.to_strip`, aligned left; Textual pinned
    exactly), without the wrapping's passes over the text: ~0.1 ms a line instead of
    ~0.2 (measured alone; the claims panel draws ~5 new lines a step after `G` at 10^6
    steps)."""
    content = Content.from_rich_text(line, console=widget.app.console)
    rules = widget.styles
    if (content.cell_length > width or "\t" in content.plain or rules.line_pad
            or rules.text_align not in ("start", "left") or rules.text_wrap != "wrap"
            or rules.text_overflow != "fold"):
        return Visual.to_strips(widget, content, width, None, style)
    segments: list[Segment] = []
    x = 0
    for text, text_style in content.render(style, end="", parse_style=widget._get_style):
        segments.append(Segment(text, (style + text_style).rich_style_with_offset(x, 0)))
        x += len(text)
    return [Strip(segments, content.cell_length)]


def at_line(strip: Strip, y: int, moved: dict[tuple[RichStyle, int], RichStyle]) -> Strip:
    """A strip of a line drawn on its own, as the line `y` of a whole text: Textual marks
    each piece of text with its offset (column, line) in the text, which a selection
    with the mouse reads. `moved` keeps the styles made, for the other strips."""
    if y == 0:
        return strip
    segments: list[Segment] = []
    for text, style, control in strip:
        if style is not None and style._meta:
            new = moved.get((style, y))
            if new is None:
                offset = style.meta.get("offset")
                new = style if offset is None else style + RichStyle.from_meta(
                    {"offset": (offset[0], y)})
                moved[(style, y)] = new
            style = new
        segments.append(Segment(text, style, control))
    return Strip(segments, strip.cell_length)


def changed_runs(before: list[Strip], after: list[Strip]) -> list[tuple[int, int]]:
    """The runs of lines [start, end) where `after` differs from `before` (a line only
    one of them has differs)."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    length = max(len(before), len(after))
    for y in range(length + 1):
        same = y == length or (y < len(before) and y < len(after) and before[y] == after[y])
        if not same and start is None:
            start = y
        elif same and start is not None:
            runs.append((start, y))
            start = None
    return runs


#: Lines a panel keeps drawn (a few dozen steps of a 38-line panel).
LINES_KEPT = 1024


class LinePanel(Widget):
    """Text (a Rich renderable, a Textual Content, a string without markup) that an
    `update` repaints line by line: only the lines whose strips changed."""

    DEFAULT_CSS = """
    LinePanel { height: auto; }
    """

    #: the lines drawn, and the size and style they were drawn for (None: draw anew)
    _lines: list[Strip] = []  # noqa: RUF012 (replaced, never changed in place)
    _drawn_for: tuple[Size, Style] | None = None
    #: a Text's lines drawn lately (the last `LINES_KEPT`), by what they read
    #: (`line_key`), each as the strips it wraps into and those strips as the line `y`
    #: of the text, by `y` (`at_line`), the latest used last: a draw
    #: takes the lines that read the same from here (a step back shows the lines of the
    #: step before again: ~0.4 ms a line to draw anew on a slow machine)
    _by_line: dict[tuple[object, ...], tuple[list[Strip], dict[int, list[Strip]]]]

    def __init__(self, content: PanelContent = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        # no links in these panels: Textual works out a link style for every drawing
        # (walking the ancestors' backgrounds, ~0.1 ms each: once per new line here)
        # and repaints the panel when the mouse moves over it
        self.set_reactive(Widget.auto_links, False)
        self._content: PanelContent = content
        self._by_line = {}
        self._visual: Visual | None = None

    @property
    def content(self) -> PanelContent:
        """What the panel shows, as given to `update`."""
        return self._content

    @property
    def visual(self) -> Visual:
        """The content as a Textual Visual."""
        if self._visual is None:
            content = self._content
            if isinstance(content, TextLines):
                content = content.joined()
            self._visual = visualize(self, content, markup=False)
        return self._visual

    def render(self) -> Visual:
        # what Textual measures an `auto` size with
        return self.visual

    def update(self, content: PanelContent = "", *, layout: bool = True) -> None:
        """Show `content`. With `layout` (the panel's size may follow it) the screen is
        laid out and the panel drawn whole; otherwise only the lines that changed are."""
        self._content = content
        self._visual = None
        if layout or self._drawn_for != self._drawing_key():
            self.refresh(layout=layout)  # draws anew (`refresh`)
            return
        before, after = self._lines, self._draw()
        self._lines = after
        width = self.size.width
        for start, end in changed_runs(before, after):
            self.refresh(Region(0, start, width, end - start))

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> LinePanel:
        """Textual's refresh; a whole repaint (a new style, a selection, a resize) draws
        the lines anew."""
        if repaint and not regions:
            self._drawn_for = None
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self

    def render_line(self, y: int) -> Strip:
        if self._drawn_for != self._drawing_key():
            self._by_line = {}  # drawn at another width or in another style
            self._lines = self._draw()
        if 0 <= y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _drawing_key(self) -> tuple[Size, Style]:
        return self.size, self.visual_style

    def _draw(self) -> list[Strip]:
        """The content's lines at the panel's size, as Textual's `Widget` draws them. A
        Text (or TextLines) is drawn line by line, each line wrapped on its own as
        Textual wraps it,
        and a line that reads as one drawn last time is taken from then (the claims
        panel at 10^6 steps: ~35 lines wrapped on every step, one or two of them new)."""
        self._drawn_for = self._drawing_key()
        width, height = self.size
        content, style = self._content, self.visual_style
        if (not isinstance(content, Text | TextLines) or self.text_selection is not None
                or self.styles.content_align != ("left", "top")):
            # a selection spans lines; an alignment places the whole
            return Visual.to_strips(self, self.visual, width, height, style)
        lines = (content.lines if isinstance(content, TextLines)
                 else content.split("\n", allow_blank=True))
        kept = self._by_line
        moved: dict[tuple[RichStyle, int], RichStyle] = {}
        strips: list[Strip] = []
        for y, line in enumerate(lines):
            if len(strips) >= height:
                break
            key = line_key(line)
            drawn = kept.pop(key, None)
            if drawn is None:
                drawn = (line_strips(self, line, width, style), {})
            kept[key] = drawn  # (last: the latest used)
            wrapped, placed = drawn
            at_y = placed.get(y)
            if at_y is None:  # (moving the offsets is ~0.07 ms a line: kept too)
                at_y = placed[y] = [at_line(strip, y, moved) for strip in wrapped]
            strips.extend(at_y)
        for key in list(itertools.islice(kept, max(len(kept) - LINES_KEPT, 0))):
            del kept[key]  # the least lately used
        return strips[:height]
