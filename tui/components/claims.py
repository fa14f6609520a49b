"""The claims and pledges panel: every claim with whether it is contested or rebutted, and
every pledge with its status."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tui.components.lines import LinePanel
from tui.components.sizing import sized_by_content

_PLEDGE_STYLE = {"open": "cyan", "honoured": "green", "violated": "bold red",
                 "disputed": "yellow"}


def _heading(text: Text, title: str, left_out: int, any_shown: bool) -> None:
    """A section title, with how many earlier entries are left out, or "none yet"."""
    text.append(f"{title}\n", style="bold underline")
    if left_out:
        text.append(f"  … {left_out:,} earlier not shown\n", style="dim")
    if not any_shown:
        text.append("  none yet\n", style="dim")


def claims_text(state: dict[str, Any], event: str | None,
                left_out: tuple[int, int] = (0, 0)) -> Text:
    """Claims then pledges, one a line; the ones the current event touched marked `•`.
    `left_out`: how many earlier claims and pledges `state` leaves out (a long timeline
    shows the latest and the touched ones)."""
    text = Text()
    _heading(text, "Claims", left_out[0], bool(state["claims"]))
    for claim_id, c in state["claims"].items():
        mark = "• " if event in c["events"] else "  "
        status = ("rebutted" if c["rebutted"] else "contested") if c["contested"] else "standing"
        style = "bold yellow" if c["contested"] else "green"
        text.append(f"{mark}{claim_id}: {c['by']} says {c['about']} holds "
                    f"{c['issue']}: {c['option']} ")
        text.append(f"[{status}]\n", style=style)
    _heading(text, "Pledges", left_out[1], bool(state["pledges"]))
    for pledge_id, p in state["pledges"].items():
        mark = "• " if event in p["events"] else "  "
        text.append(f"{mark}{pledge_id} ({p['party']}): {p['commitment']} ")
        text.append(f"[{p['status']}]\n", style=_PLEDGE_STYLE.get(p["status"], ""))
    text.rstrip()
    return text


class ClaimsPledges(LinePanel):
    """Shows `claims_text` for the current step."""

    def room(self, most: int) -> int:
        """How many claims, and as many pledges, the panel has lines for (at most `most`;
        `most` before the panel has a size): two headings and a "… earlier" line each.
        Listing more than fit cost ~50 ms a repaint at 10^6 steps, all of it wrapping
        lines nobody sees."""
        height = self.content_size.height
        return most if height <= 0 else max(2, min(most, (height - 4) // 2))

    _shown: Text | None = None

    def show(self, state: dict[str, Any], event: str | None,
             left_out: tuple[int, int] = (0, 0)) -> None:
        """Render the claims and pledges of a JSON state (or of part of it); nothing to
        do when they read as they do on screen (most steps at 10^6: ~3 ms a step saved)."""
        text = claims_text(state, event, left_out)
        if text == self._shown:
            return
        self._shown = text
        self.update(text, layout=sized_by_content(self))
