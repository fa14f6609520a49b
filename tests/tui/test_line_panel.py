"""The panel that repaints only the lines an update changed (`tui.components.lines`)."""

from __future__ import annotations

import pytest
from helpers import refreshes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Group
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual, visualize
from textual.widget import Widget
from textual.widgets import Static

from tui.components.lines import LinePanel, TextLines, changed_runs, line_strips

CSS = """
LinePanel, Static { height: 8; width: 30; padding: 0 1; border-top: hkey red; }
.loud { color: yellow; background: blue; }
"""


class Side(App[None]):
    """A LinePanel beside a Static of the same size and style."""

    CSS = CSS

    def compose(self) -> ComposeResult:
        yield LinePanel(id="lines")
        yield Static(id="static")


def painted(widget: Widget) -> list[Strip]:
    """The widget's lines as the compositor takes them (border and padding included)."""
    return widget.render_lines(Region(0, 0, *widget.outer_size))


def contents() -> list[object]:
    title = Text("e-12  ", style="bold")
    title.append("claim · 2022-03-29", style="cyan")
    across = Text("abc\ndef\nghi")
    across.stylize("bold red", 1, 9)  # a span over two line ends
    return [
        Text("first\nsecond\nthird"),
        Text("second\nthird\nfourth"),  # the same lines, each a line up
        Text("alpha\n\nbeta\n"),
        across,
        Text("x" * 70 + " and more words to wrap\nshort", style="italic"),
        Text("one line"),
        Group(title, Text("“a quote long enough to wrap over the panel's width”",
                          style="italic"), Text("changed: nothing", style="dim")),
        Text("first\nsecond\nthird\nfourth\nfifth\nsixth\nseventh\neighth\nninth"),
        Text(""),
        TextLines([title, Text("“a quote\nof two lines”", style="italic"),
                   Text("y" * 40 + " and words to wrap after it", style="dim"),
                   Text("changed: nothing", style="bold")]),
        TextLines([]),
    ]


@pytest.mark.asyncio
async def test_a_line_panel_paints_what_a_static_paints() -> None:
    """Every content, after any other: the same lines, styles, border and padding as
    Textual's Static, whose drawing the panel replaces (TextLines: as a Static draws
    them joined, a Text of several lines split)."""
    app = Side()
    async with app.run_test(size=(80, 24)) as pilot:
        lines, static = app.query_one(LinePanel), app.query_one(Static)
        for content in [*contents(), *reversed(contents())]:
            lines.update(content, layout=False)
            static.update(content.joined() if isinstance(content, TextLines) else content,
                          layout=False)
            await pilot.pause()
            assert painted(lines) == painted(static)
        quiet = painted(lines)
        for panel in (lines, static):
            panel.add_class("loud")
        await pilot.pause()
        assert painted(lines) == painted(static) != quiet  # a new style: drawn anew


@pytest.mark.asyncio
async def test_an_update_repaints_only_the_lines_that_changed() -> None:
    app = Side()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LinePanel)
        panel.update(Text("first\nsecond\nthird\nfourth"), layout=False)
        await pilot.pause()
        repaints = refreshes(panel)
        panel.update(Text("first\nSECOND\nthird\nfourth\nfifth"), layout=False)
        await pilot.pause()
        width = panel.size.width
        assert repaints == [(Region(0, 1, width, 1),), (Region(0, 4, width, 1),)]
        assert [strip.text.strip() for strip in painted(panel)[1:7]] == [
            "first", "SECOND", "third", "fourth", "fifth", ""]

        repaints.clear()
        panel.update(Text("first\nSECOND\nthird\nfourth\nfifth"), layout=False)
        await pilot.pause()
        assert repaints == []  # the same lines: nothing to paint

        panel.update(Text("first"), layout=True)  # its size may follow: drawn whole
        await pilot.pause()
        assert repaints[-1] == ()
        assert [strip.text.strip() for strip in painted(panel)[1:3]] == ["first", ""]


@pytest.mark.asyncio
async def test_a_line_panel_draws_anew_at_a_new_size() -> None:
    app = Side()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LinePanel)
        words = Text("alpha beta gamma delta epsilon zeta eta theta")
        panel.update(words, layout=False)
        await pilot.pause()
        assert painted(panel)[1].text.strip() == "alpha beta gamma delta"
        panel.styles.width = 16
        await pilot.pause()
        assert [strip.text.strip() for strip in painted(panel)[1:4]] == [
            "alpha beta", "gamma delta", "epsilon zeta"]


def test_changed_runs_join_neighbouring_lines() -> None:
    a, b, c = Strip([]), Strip.blank(1), Strip.blank(2)
    assert changed_runs([a, a, a], [a, a, a]) == []
    assert changed_runs([a, a, a, a], [b, b, a, b]) == [(0, 2), (3, 4)]
    assert changed_runs([a], [a, c, c]) == [(1, 3)]
    assert changed_runs([a, b, c], [a]) == [(1, 3)]


@pytest.mark.asyncio
async def test_the_lines_of_a_text_drawn_before_are_not_wrapped_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A claim listed a step before, a line further up or down now, is taken as drawn."""
    from tui.components import lines as module

    drawn: list[str] = []
    line_strips = module.line_strips

    def counted(widget: Widget, line: Text, width: int, style: Style) -> list[Strip]:
        drawn.append(line.plain)
        return line_strips(widget, line, width, style)

    monkeypatch.setattr(module, "line_strips", counted)
    app = Side()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LinePanel)
        panel.update(Text("c1 standing\nc2 standing\nc3 standing"), layout=False)
        await pilot.pause()
        drawn.clear()
        panel.update(Text("c2 standing\nc3 contested\nc4 standing"), layout=False)
        await pilot.pause()
        assert drawn == ["c3 contested", "c4 standing"]
        assert [strip.text.strip() for strip in painted(panel)[1:4]] == [
            "c2 standing", "c3 contested", "c4 standing"]
        drawn.clear()
        panel.update(Text("c5 standing"), layout=False)
        await pilot.pause()
        panel.update(Text("c1 standing\nc2 standing\nc3 standing"), layout=False)  # back
        await pilot.pause()
        assert drawn == ["c5 standing"]  # the lines of two updates before: kept
        assert [strip.text.strip() for strip in painted(panel)[1:4]] == [
            "c1 standing", "c2 standing", "c3 standing"]


@pytest.mark.asyncio
async def test_a_line_panel_keeps_the_lines_it_drew_lately_not_all(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.components import lines as module

    monkeypatch.setattr(module, "LINES_KEPT", 40)
    app = Side()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LinePanel)
        panel.update(Text("first"), layout=False)
        await pilot.pause()
        for start in range(0, 44, 4):  # (4 lines fit the panel)
            panel.update(Text("\n".join(f"line {n}" for n in range(start, start + 4))),
                         layout=False)
            await pilot.pause()
        kept = [key[0] for key in panel._by_line]
        assert len(kept) == 40
        assert "first" not in kept and "line 0" not in kept
        assert kept[-4:] == ["line 40", "line 41", "line 42", "line 43"]
        panel.update(Text("line 5"), layout=False)  # used again: the latest
        await pilot.pause()
        assert [key[0] for key in panel._by_line][-1] == "line 5"


#: characters of one and two cells, spaces, a tab, and markup-like text
_CHARS = st.sampled_from([*"ab  z.:[]/—…é", "中", "😀", "\t", "[b]"])
_STYLES = st.sampled_from(["bold", "dim", "bold yellow", "green", "italic red on blue",
                           "underline", "strike", "reverse", "#ff8800", "link https://x.y"])


@st.composite
def styled_lines(draw: st.DrawFn) -> Text:
    """A line of Rich Text: any of `_CHARS`, spans of `_STYLES` anywhere (overlapping,
    empty, to the end), maybe a style on the whole line."""
    text = Text("".join(draw(st.lists(_CHARS, max_size=40))),
                style=draw(st.sampled_from(["", "dim", "bold cyan"])))
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(text.plain)))
        text.stylize(draw(_STYLES), start, draw(st.integers(start, len(text.plain) + 2)))
    return text


@pytest.mark.asyncio
async def test_a_line_is_drawn_as_textual_draws_it() -> None:
    """`line_strips` (no wrapping for a line that fits) gives the strips Textual's own
    `Visual.to_strips` gives, segment for segment, style for style (selection offsets
    included), at widths it fits in and widths it does not."""
    app = Side()
    async with app.run_test(size=(80, 24)):
        panel = app.query_one(LinePanel)
        style = panel.visual_style

        @settings(max_examples=300, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(line=styled_lines(), width=st.integers(1, 45))
        def check(line: Text, width: int) -> None:
            expected = Visual.to_strips(panel, visualize(panel, line, markup=False),
                                        width, None, style)
            got = line_strips(panel, line, width, style)
            assert [list(strip) for strip in got] == [list(strip) for strip in expected]
            assert [strip.cell_length for strip in got] == [
                strip.cell_length for strip in expected]

        check()
        fitting = Text("c000199: ua says ru holds crimea: option-1 ")
        fitting.append("[contested]", style="bold yellow")
        [strip] = line_strips(panel, fitting, 60, style)
        assert [(text, seg_style.bold, seg_style.meta["offset"])
                for text, seg_style, _ in strip] == [
            ("c000199: ua says ru holds crimea: option-1 ", None, (0, 0)),
            ("[contested]", True, (43, 0))]
