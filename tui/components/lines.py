"""A panel of text whose update repaints only the lines that read differently.

Textual's `Static.update` marks the whole widget dirty, and the compositor then passes
every line of it through the styles pipeline (padding, background, filters) again:
~0.13 ms a line on a slow machine, ~5 ms for each of the 38-line detail and claims
panels at 160×50, on every step, though most of their lines (the headings, the blank
lines below the text, the claims that stayed) read the same as before. `LinePanel`
draws its content into lines itself, with the same call Textual's own widgets use
(`Visual.to_strips`), keeps them, and marks dirty only the lines that differ.
"""

from __future__ import annotations

from textual.geometry import Region, Size
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual, VisualType, visualize
from textual.widget import Widget


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


class LinePanel(Widget):
    """Text (a Rich renderable, a Textual Content, a string without markup) that an
    `update` repaints line by line: only the lines whose strips changed."""

    DEFAULT_CSS = """
    LinePanel { height: auto; }
    """

    #: the lines drawn, and the size and style they were drawn for (None: draw anew)
    _lines: list[Strip] = []  # noqa: RUF012 (replaced, never changed in place)
    _drawn_for: tuple[Size, Style] | None = None

    def __init__(self, content: VisualType = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content: VisualType = content
        self._visual: Visual | None = None

    @property
    def content(self) -> VisualType:
        """What the panel shows, as given to `update`."""
        return self._content

    @property
    def visual(self) -> Visual:
        """The content as a Textual Visual."""
        if self._visual is None:
            self._visual = visualize(self, self._content, markup=False)
        return self._visual

    def render(self) -> Visual:
        # what Textual measures an `auto` size with
        return self.visual

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
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
            self._lines = self._draw()
        if 0 <= y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _drawing_key(self) -> tuple[Size, Style]:
        return self.size, self.visual_style

    def _draw(self) -> list[Strip]:
        """The content's lines at the panel's size, as Textual's `Widget` draws them."""
        self._drawn_for = self._drawing_key()
        width, height = self.size
        return Visual.to_strips(self, self.visual, width, height, self.visual_style)
