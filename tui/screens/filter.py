"""The filter form: party, issue, type and grade. Filtered-out rows are dimmed, not hidden."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Select

from events.catalogue import EVENT_TYPES, Event
from events.scenario import RELIABILITY_ORDER, Header


@dataclass(frozen=True)
class RowFilter:
    """Which events the analyst wants to see; None fields match everything."""

    party: str | None = None
    issue: str | None = None
    type: str | None = None
    min_reliability: str | None = None
    max_credibility: int | None = None

    @property
    def active(self) -> bool:
        """True when any criterion is set."""
        return any(v is not None for v in (self.party, self.issue, self.type,
                                           self.min_reliability, self.max_credibility))

    def describe(self) -> str:
        """A short text for the header, e.g. `party=russia grade≥B`."""
        parts = [f"{k}={v}" for k, v in (("party", self.party), ("issue", self.issue),
                                          ("type", self.type)) if v]
        if self.min_reliability:
            parts.append(f"reliability≥{self.min_reliability}")
        if self.max_credibility:
            parts.append(f"credibility≤{self.max_credibility}")
        return " ".join(parts)


def passes(row_filter: RowFilter, event: Event, reliability: dict[str, str]) -> bool:
    """Whether `event` passes the filter (`reliability` maps source id → grade; an event
    without a source counts as F and 6, as in overlays)."""
    if row_filter.party and event.party != row_filter.party:
        return False
    if row_filter.issue and getattr(event, "issue", None) != row_filter.issue:
        return False
    if row_filter.type and event.type != row_filter.type:
        return False
    if row_filter.min_reliability:
        grade = reliability.get(event.source or "", "F")
        if RELIABILITY_ORDER.index(grade) > RELIABILITY_ORDER.index(row_filter.min_reliability):
            return False
    return not (row_filter.max_credibility
                and event.effective_credibility > row_filter.max_credibility)


class FilterScreen(ModalScreen[RowFilter | None]):
    """Choose the filter; `Apply` answers it, `Clear` answers an empty one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="filter_cancel"),
    ]
    DEFAULT_CSS = """
    FilterScreen { align: center middle; }
    FilterScreen > Vertical { width: 70; height: auto; background: $panel;
                              border: round $accent; padding: 0 1; }
    FilterScreen Select { width: 1fr; }
    FilterScreen Label { width: 18; padding: 1 0 0 0; }
    FilterScreen Horizontal { height: auto; }
    """

    def __init__(self, header: Header, current: RowFilter) -> None:
        super().__init__()
        self.header, self.current = header, current

    def compose(self) -> ComposeResult:
        h, c = self.header, self.current
        fields: list[tuple[str, str, list[tuple[str, str]], object]] = [
            ("party", "Party", [(p.name, p.id) for p in h.parties], c.party),
            ("issue", "Issue", [(i.title, i.id) for i in h.issues], c.issue),
            ("type", "Type", [(t, t) for t in EVENT_TYPES], c.type),
            ("reliability", "Reliability ≥", [(g, g) for g in RELIABILITY_ORDER],
             c.min_reliability),
            ("credibility", "Credibility ≤", [(str(n), str(n)) for n in range(1, 7)],
             str(c.max_credibility) if c.max_credibility else None),
        ]
        with Vertical():
            yield Label("Filter the timeline (rows that don't match are dimmed)")
            for key, label, options, value in fields:
                with Horizontal():
                    yield Label(label)
                    yield Select(options, value=value if value is not None else Select.NULL,
                                 id=f"filter-{key}", prompt="any")
            with Horizontal():
                yield Button("Apply", id="apply", variant="primary")
                yield Button("Clear", id="clear")
        yield Footer()

    def value(self, key: str) -> str | None:
        """The chosen value of one field (None for `any`)."""
        chosen = self.query_one(f"#filter-{key}", Select).value
        return None if chosen is Select.NULL else str(chosen)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "clear":
            self.dismiss(RowFilter())
            return
        credibility = self.value("credibility")
        self.dismiss(RowFilter(self.value("party"), self.value("issue"), self.value("type"),
                               self.value("reliability"),
                               int(credibility) if credibility else None))

    def action_cancel(self) -> None:
        self.dismiss(None)
