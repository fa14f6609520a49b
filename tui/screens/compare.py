"""Compare: the base and a variant side by side, synchronised by step; cells that differ
are highlighted and the first step where the two diverge is marked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from domain.diff import compare
from domain.replay import Replay
from events.timeline import Timeline
from tui.components.header import StepHeader
from tui.components.matrix import PositionsMatrix


class CompareScreen(ModalScreen[None]):
    """`c`: base | variant. `o` cycles through the variants.

    Modal (but opaque), so that the footer lists only these keys and the main screen's
    keys (drop, edit, …) do not act behind it: Textual stops the binding chain at a modal
    screen.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "step(1)", "Step", id="compare_next"),
        Binding("k,up", "step(-1)", "Back", id="compare_prev"),
        Binding("g,home", "go(0)", "First", id="compare_first", show=False),
        Binding("G,end", "last", "Last", id="compare_last", show=False),
        Binding("d", "divergence", "Divergence", id="compare_divergence"),
        Binding("o", "next_variant", "Next variant", id="compare_variant"),
        Binding("escape,c,q", "dismiss", "Close", id="compare_close"),
    ]
    DEFAULT_CSS = """
    CompareScreen { background: $background; }
    CompareScreen #compare-body { height: 1fr; }
    CompareScreen .side { width: 1fr; padding: 0 1; }
    CompareScreen .side-title { text-style: bold; color: $accent; }
    CompareScreen #compare-status { height: 2; padding: 0 1; }
    CompareScreen PositionsMatrix { max-height: 100%; }
    """

    def __init__(self, base: Timeline, variants: Sequence[Timeline], step: int) -> None:
        super().__init__()
        self.base, self.variants = base, list(variants)
        self.index = 0
        self.step = step
        self.base_replay = Replay(base)
        self.variant_replay = Replay(self.variants[0])
        self.divergence: int | None = None
        self.divergence_known = False

    @property
    def variant(self) -> Timeline:
        """The variant on the right."""
        return self.variants[self.index]

    @property
    def last(self) -> int:
        """The last step of the longer timeline."""
        return max(self.base_replay.steps, self.variant_replay.steps)

    def compose(self) -> ComposeResult:
        yield StepHeader()
        yield Static("", id="compare-status")
        with Horizontal(id="compare-body"):
            with Vertical(classes="side"):
                yield Label("", id="base-title", classes="side-title")
                yield Label("", id="base-event")
                yield PositionsMatrix(id="base-matrix")
            with Vertical(classes="side"):
                yield Label("", id="variant-title", classes="side-title")
                yield Label("", id="variant-event")
                yield PositionsMatrix(id="variant-matrix")
        yield Footer()

    def on_resize(self) -> None:
        for matrix in self.query(PositionsMatrix):
            matrix.fit(self.size.width // 2 - 2, len(self.base.header.issues))
        self.render_step()

    def on_mount(self) -> None:
        self.sub_title = "compare"
        for matrix in self.query(PositionsMatrix):
            matrix.fit(self.app.size.width // 2 - 2, len(self.base.header.issues))
        self.start()

    def start(self) -> None:
        """(Re)start on the current variant: find the divergence in a worker."""
        self.variant_replay = Replay(self.variant)
        self.divergence_known = False
        self.find_divergence(self.base, self.variant)
        self.render_step()

    @work(thread=True, exclusive=True, group="divergence")
    def find_divergence(self, base: Timeline, variant: Timeline) -> None:
        """First divergent step, on replays of its own (off the UI thread)."""
        first = compare(base, variant).diverges_at
        self.app.call_from_thread(self.set_divergence, variant,
                                  None if first is None else first.step)

    def set_divergence(self, variant: Timeline, step: int | None) -> None:
        """Record the divergence (ignored if the variant changed meanwhile)."""
        if variant is self.variant:
            self.divergence, self.divergence_known = step, True
            self.render_step()

    def render_step(self) -> None:
        """Both matrices at the same step; differing cells highlighted."""
        step = self.step
        a_step = min(step, self.base_replay.steps)
        b_step = min(step, self.variant_replay.steps)
        a, b = self.base_replay.json(a_step), self.variant_replay.json(b_step)
        differs = {(p, i) for p, row in a["positions"].items() for i, cell in row.items()
                   if b["positions"].get(p, {}).get(i) != cell}
        header = self.base.header
        self.query_one("#base-matrix", PositionsMatrix).show(header, a, a["event"], differs)
        self.query_one("#variant-matrix", PositionsMatrix).show(self.variant.header, b,
                                                                 b["event"], differs)
        self.query_one("#base-title", Label).update(f"base: {self.base.title}")
        self.query_one("#variant-title", Label).update(
            f"variant {self.index + 1}/{len(self.variants)}: {self.variant.title}")
        self.query_one("#base-event", Label).update(
            f"step {a_step}/{self.base_replay.steps}: {a['event'] or '—'}")
        self.query_one("#variant-event", Label).update(
            f"step {b_step}/{self.variant_replay.steps}: {b['event'] or '—'}")
        if not self.divergence_known:
            where = "divergence: computing…"
        elif self.divergence is None:
            where = "the two timelines never diverge"
        else:
            marker = "  ◀ HERE" if step == self.divergence else ""
            where = f"diverges at step {self.divergence} (d jumps there){marker}"
        gaps = f"gap: base {_gap(a['gap'])}, variant {_gap(b['gap'])}"
        self.query_one("#compare-status", Static).update(
            f"Step {step}/{self.last} · {where}\n{gaps} · {len(differs)} cell(s) differ")

    def action_step(self, delta: int) -> None:
        """Step both sides."""
        self.action_go(self.step + delta)

    def action_go(self, step: int) -> None:
        """Both sides to `step`."""
        self.step = max(0, min(step, self.last))
        self.render_step()

    def action_last(self) -> None:
        """The last step."""
        self.action_go(self.last)

    def action_divergence(self) -> None:
        """Jump to the first step where the two differ."""
        if self.divergence is not None:
            self.action_go(self.divergence)

    def action_next_variant(self) -> None:
        """The next variant (overlays from the command line, the live what-if)."""
        self.index = (self.index + 1) % len(self.variants)
        self.start()


def _gap(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
