"""The header line: Textual's Header, whose title changes without a layout of the screen.

Textual's `Header` puts "title — sub_title" in a `Static` and calls its `update()`, which
lays the whole screen out again: the app's sub-title names the step, so every step paid
for a full-screen layout and repaint (~60 % of a key's frame at 160×50). The title sits
in a one-line header docked at the top, 100 % wide: new text never changes its size.
The parts are Textual's own (pinned exactly in pyproject.toml); only `update` differs.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderClockSpace, HeaderIcon, HeaderTitle


class FixedTitle(HeaderTitle):
    """The header's title, updated in place (its size never follows its text)."""

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        super().update(content, layout=layout)


class StepHeader(Header):
    """Textual's header (icon, title — sub-title) with a title that updates in place."""

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield FixedTitle()
        yield HeaderClockSpace()

    def show_title(self) -> None:
        """Paint the title and sub-title now, in the frame of the caller's other updates
        (the header's watchers of `sub_title` run later, and would paint it a frame later)."""
        self.query_one(FixedTitle).update(self.format_title())
