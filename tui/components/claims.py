"""The claims and pledges panel: every claim with whether it is contested or rebutted, and
every pledge with its status."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tui.components.lines import LinePanel, TextLines
from tui.components.sizing import sized_by_content

_PLEDGE_STYLE = {"open": "cyan", "honoured": "green", "violated": "bold red",
                 "disputed": "yellow"}


def _heading(lines: list[Text], title: str, left_out: int, any_shown: bool) -> None:
    """A section title, with how many earlier entries are left out, or "none yet"."""
    lines.append(Text(title, style="bold underline"))
    if left_out:
        lines.append(Text(f"  … {left_out:,} earlier not shown", style="dim"))
    if not any_shown:
        lines.append(Text("  none yet", style="dim"))


def _entry(text: str, status: str, style: str) -> Text:
    line = Text(text)
    line.append(status, style=style)
    return line


def claims_lines(state: dict[str, Any], event: str | None,
                 left_out: tuple[int, int] = (0, 0)) -> TextLines:
    """Claims then pledges, one a line; the ones the current event touched marked `•`.
    `left_out`: how many earlier claims and pledges `state` leaves out (a long timeline
    shows the latest and the touched ones)."""
    lines: list[Text] = []
    _heading(lines, "Claims", left_out[0], bool(state["claims"]))
    for claim_id, c in state["claims"].items():
        mark = "• " if event in c["events"] else "  "
        status = ("rebutted" if c["rebutted"] else "contested") if c["contested"] else "standing"
        lines.append(_entry(f"{mark}{claim_id}: {c['by']} says {c['about']} holds "
                            f"{c['issue']}: {c['option']} ", f"[{status}]",
                            "bold yellow" if c["contested"] else "green"))
    _heading(lines, "Pledges", left_out[1], bool(state["pledges"]))
    for pledge_id, p in state["pledges"].items():
        mark = "• " if event in p["events"] else "  "
        lines.append(_entry(f"{mark}{pledge_id} ({p['party']}): {p['commitment']} ",
                            f"[{p['status']}]", _PLEDGE_STYLE.get(p["status"], "")))
    return TextLines(lines)


class ClaimsPledges(LinePanel):
    """Shows `claims_lines` for the current step."""

    def room(self, most: int) -> int:
        """How many claims, and as many pledges, the panel has lines for (at most `most`;
        `most` before the panel has a size): two headings and a "… earlier" line each.
        Listing more than fit cost ~50 ms a repaint at 10^6 steps, all of it wrapping
        lines nobody sees."""
        height = self.content_size.height
        return most if height <= 0 else max(2, min(most, (height - 4) // 2))

    _shown: TextLines | None = None

    def show(self, state: dict[str, Any], event: str | None,
             left_out: tuple[int, int] = (0, 0)) -> None:
        """Render the claims and pledges of a JSON state (or of part of it); nothing to
        do when they read as they do on screen (most steps at 10^6: ~3 ms a step saved)."""
        lines = claims_lines(state, event, left_out)
        if lines == self._shown:
            return
        self._shown = lines
        self.update(lines, layout=sized_by_content(self))
