"""The accord terminal UI: step through a negotiation, ask what-ifs, compare them.

The app owns the timeline being viewed, the cursor and the live what-if; the panels in
`tui.components` only render what they are given, and the slow work (loading files,
the gap over the whole timeline) runs in thread workers that post `tui.messages`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import events as ui_events
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.widget import Widget
from textual.worker import get_current_worker

from domain import collector, snapshots, state_codec
from domain.application import StoreConflict
from domain.changes import brief_changes, touched
from domain.measures import overall_gap
from domain.paged import StoredStatements
from domain.replay import Replay
from domain.state import State
from domain.state_view import StepView, recent_json
from domain.stored import open_through_store
from events.catalogue import Event
from events.errors import InputError, Problem
from events.loader import load_timeline
from events.timeline import Timeline
from tui.commands import AccordCommands
from tui.components.claims import ClaimsPledges
from tui.components.detail import CHANGES_SHOWN, EventDetail
from tui.components.footer import SteadyFooter
from tui.components.gap import GapPanel
from tui.components.header import StepHeader
from tui.components.loading import QuietLoading
from tui.components.matrix import PositionsMatrix
from tui.components.timeline import TimelineView
from tui.idle_gc import IdleCollector
from tui.keys import KeymapError, keymap_path, load_keymap
from tui.messages import (
    CellChosen,
    GapFailed,
    GapSeries,
    LoadFailed,
    RowChosen,
    SearchDone,
    SearchProgress,
    SnapshotRead,
    TimelinesLoaded,
    WhatIfChecked,
    WhatIfProgress,
)
from tui.screens.cell import CellEventsScreen
from tui.screens.compare import CompareScreen
from tui.screens.edit import EventForm, problem_text
from tui.screens.error import ErrorScreen
from tui.screens.filter import FilterScreen, RowFilter, passes
from tui.screens.help import HelpScreen
from tui.screens.prompts import LetterPrompt, TextPrompt
from tui.search import event_matches, scan
from tui.store_errors import STORE_ERRORS, store_reason
from tui.ui_first import UiFirst
from tui.whatif import LiveOverlay, ReadEvent, check_event, event_yaml, replay_step

#: Points of the gap sparkline (sampled evenly over the timeline).
GAP_SAMPLES = 240
#: Claims and pledges the panel lists at most: the latest ones that fit, and any the
#: current step touched.
CLAIMS_SHOWN = 60
#: A step the app's Replay would reach only by folding more events than this (a far jump
#: on a long timeline before the gap worker has laid the checkpoints on the way, ~8 ms
#: per 1,000 events) is not folded on the UI thread: the panels wait for the worker.
FAR_STEPS = 4_096
#: The gap worker folds at full speed once nothing was drawn for this long; it leaves the
#: interpreter to the UI as long as it worked while keys come
GAP_FULL_SPEED_AFTER_S = 1.0


def gap_pause(worked_s: float, quiet_s: float) -> float:
    """How long the gap worker leaves the interpreter to the UI after a sample that took
    `worked_s`, nothing having been drawn for `quiet_s`: as long again while keys come,
    not at all once the app is quiet (the worker then finishes in about half the time:
    9 s instead of 19 s at 10^6; a key arriving meanwhile waited no longer, measured)."""
    return worked_s if quiet_s < GAP_FULL_SPEED_AFTER_S else 0.0


#: Events a worker folds between two looks whether the UI answers a key
#: (`UiFirst.give_way`): ~1-3 ms of fold at 10^6 events.
WORKER_STRIDE = 256


def settled(state: State) -> None:
    """Build the maps of a stored snapshot's state that its decode left for later (the
    fold's indexes, `state_codec.settle`), in a worker once the state is on screen, and
    put them out of the collector's reach (as the rest of the state)."""
    state_codec.settle(state)
    collector.keep_alive_objects()


def fold_giving_way(replay: Replay, start: int, step: int,
                    give_way: Callable[[], None]) -> State:
    """`replay.state(step)`, folded from `start` (where the replay is) `WORKER_STRIDE`
    events at a time, with `give_way()` before each: a worker's fold that stands aside
    while the UI answers a key (`tui.ui_first`)."""
    for target in range(start + WORKER_STRIDE, step, WORKER_STRIDE):
        give_way()
        replay.state(target)
    give_way()
    return replay.state(step)


#: How often the gap worker looks whether a snapshot read a far step waits for is done
SNAPSHOT_FIRST_S = 0.01
#: How often the idle collector looks whether the app is idle (`tui/idle_gc.py`)
IDLE_GC_TICK_S = 0.1
#: A timeline of at most this many rows is searched on the UI thread (a few ms); a longer
#: one in a worker, which may read the whole store (~6-9 s at 10^6 events).
SEARCH_ON_UI_ROWS = 5_000
#: A what-if drop, edit or add on a timeline of at most this many rows is checked on the
#: UI thread (a few ms); on a longer one in a worker, which reads every event (~10 s at
#: 10^6; the form checks at once only what the event can be checked for alone).
WHATIF_ON_UI_ROWS = 5_000
#: Rows the search worker reads at a time: it reports progress and can be cancelled
#: between two.
SEARCH_CHUNK = 4_096
#: A check of the variant with a change: given `watch(read, total)`, what is wrong.
Check = Callable[[Callable[[int, int], None]], list[Problem]]


@dataclass(frozen=True)
class PendingDrop:
    """A drop (or restore) of `event_id` the what-if worker checks: on `live`, from `row`
    of the rows then shown; `removed`: an added event, gone from the rows once applied."""

    live: LiveOverlay
    event_id: str
    row: int
    removed: bool


@dataclass(frozen=True)
class PendingEdit:
    """An edit of `original_id` (None: an add) the what-if worker checks: on `live`, the
    form opened at `row`; `read`: the event and the text the analyst typed."""

    live: LiveOverlay
    original_id: str | None
    read: ReadEvent
    row: int

    @property
    def what(self) -> str:
        """What the change is, for the messages: "edit e8", "add e9"."""
        return f"edit {self.original_id}" if self.original_id is not None \
            else f"add {self.read.event.id}"


class _Stopped(Exception):
    """The what-if worker was cancelled mid-check."""


class AccordApp(App[None]):
    """`accord tui FILE [OVERLAY…]`."""

    CSS_PATH = "accord.tcss"
    TITLE = "accord"
    #: The step line, set on every step (`show_status`). Textual's own `sub_title`
    #: repaints the whole screen when it changes: a full frame per key, where the header
    #: needs one line (`tui.components.header`).
    sub_title: Reactive[str] = Reactive("", compute=False, repaint=False)
    COMMANDS = App.COMMANDS | {AccordCommands}
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"), (160, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "step(1)", "Step", id="step_next"),
        Binding("k,up", "step(-1)", "Back", id="step_prev"),
        Binding("g,home", "first", "First", id="first", show=False),
        Binding("G,end", "last", "Last", id="last", show=False),
        Binding("right_square_bracket", "day(1)", "Next day", id="day_next", show=False),
        Binding("left_square_bracket", "day(-1)", "Previous day", id="day_prev", show=False),
        Binding("slash", "search", "Search", id="search"),
        Binding("n", "match(1)", "Next match", id="match_next", show=False),
        Binding("N", "match(-1)", "Previous match", id="match_prev", show=False),
        Binding("f", "filter", "Filter", id="filter"),
        Binding("m", "mark", "Set mark", id="mark", show=False),
        Binding("apostrophe", "jump_mark", "Go to mark", id="jump_mark", show=False),
        Binding("x", "toggle_event", "Drop", id="toggle_event"),
        Binding("e", "edit_event", "Edit", id="edit_event"),
        Binding("a", "add_event", "Add", id="add_event"),
        Binding("w", "write_overlay", "Save what-if", id="write_overlay"),
        Binding("c", "compare", "Compare", id="compare"),
        Binding("v", "cell_detail", "Cell detail", id="cell_detail", show=False),
        Binding("question_mark,f1", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    #: Keys that are not single bindings, for the help screen.
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = [
        ("m <letter>", "set a mark on the current event"),
        ("' <letter>", "jump to a mark"),
        ("enter", "on a matrix cell: every event that shaped it, with quotes"),
        ("tab", "move focus between the timeline and the matrix"),
        ("ctrl+p", "command palette: jump to event, switch overlay, panels, export"),
    ]

    def __init__(self, file: Path | str, overlays: Sequence[Path | str] = (),
                 keymap: dict[str, str] | None = None, preloaded: Timeline | None = None,
                 store: str | None = None) -> None:
        """`preloaded` is a timeline already in memory (from a store or a generator):
        then `file` only names it. With `store` (memory, an SQLite file, PostgreSQL), the
        file is recorded into that store and shown as the store holds it; `file` may then
        also name a timeline already stored."""
        super().__init__()
        self.preloaded = preloaded
        self.store = store
        self.file = Path(file)
        self.overlay_files = [Path(p) for p in overlays]
        self.user_keymap = keymap
        self.base: Timeline | None = None
        self.overlays: list[Timeline] = []
        self.live: LiveOverlay | None = None
        self.rows: Sequence[Event] = ()
        self.dropped_rows: list[int] = []
        self.replay: Replay | None = None
        self.cursor = -1
        self.row_filter = RowFilter()
        self.query_text = ""
        self.marks: dict[str, str] = {}
        self.gap_generation = 0
        self._gap_replay: Replay | None = None
        #: the checkpoints the gap worker starts from (copied on the UI thread)
        self._gap_seed: Replay | None = None
        #: the Replay of the live what-if's base (its checkpoints serve a variant's prefix)
        self.base_replay: Replay | None = None
        #: whether the gap worker of this generation is still folding, and how far it is
        self.gap_running = False
        self.gap_reached = 0
        #: the step the panels wait for (a far jump while the gap worker folds), or None
        self.waiting: int | None = None
        #: why the gap worker of this generation could not read the timeline, or None
        self.gap_failed: str | None = None
        #: the far step the snapshot worker reads a stored snapshot for (None: none), and
        #: the last step before which the store has no usable snapshot (this generation)
        self.snapshot_reading: int | None = None
        self.snapshot_absent = -1
        #: the search worker's generation, and how far it has scanned (None: no search runs)
        self.search_generation = 0
        self.searching: int | None = None
        #: the what-if change the worker checks (None: none), its generation, how far
        self.checking: PendingDrop | PendingEdit | None = None
        self.whatif_generation = 0
        self.checked_percent = 0
        self.views = StepView()
        self.idle_gc = IdleCollector()
        #: workers stand aside from a key to the repaint after it (`tui/ui_first.py`)
        self.ui_first = UiFirst()

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StepHeader()
        yield QuietLoading(id="loading")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield TimelineView(id="timeline")
                yield GapPanel(id="gap")
            with Vertical(id="right"):
                yield PositionsMatrix(id="matrix")
                with Horizontal(id="lower"):
                    yield EventDetail(id="detail")
                    yield ClaimsPledges(id="claims")
        yield SteadyFooter()

    def on_resize(self) -> None:
        matrix = self.query_one(PositionsMatrix)
        width = matrix.size.width or self.size.width // 2
        columns = len(self.live.base.header.issues) if self.live else 4
        matrix.fit(width, columns)
        self.refresh_view()

    def on_mount(self) -> None:
        self.query_one("#body").display = False
        # focused now, while the body is hidden: a focus change makes Textual's footer
        # recompose twice (two layouts of the whole screen, ~30-65 ms each at 10^6
        # events), which after the first paint held up the analyst's first key
        self.query_one(TimelineView).focus()
        self.apply_keymap()
        self.idle_gc.start()  # before the workers start (`collector.paused` restores it)
        self.ui_first.start()
        self.set_interval(IDLE_GC_TICK_S, self.idle_gc.tick)
        self.load_files()

    def on_unmount(self) -> None:
        self.idle_gc.stop()
        self.ui_first.stop()  # and no worker waits for a repaint that will not come

    async def on_event(self, event: ui_events.Event) -> None:
        """A key: the workers stand aside until the screen is repainted after it."""
        if isinstance(event, ui_events.Key):
            self.answer_first()
        await super().on_event(event)

    def answer_first(self) -> None:
        """The workers stand aside until the screen is repainted (`tui.ui_first`): after a
        key, and when the state a step waited for has come."""
        self.ui_first.key_in()
        self.call_after_refresh(self.ui_first.drawn)

    def apply_keymap(self) -> None:
        """Apply the keymap given, or the user's keymap file (a bad file is reported)."""
        keymap = self.user_keymap
        if keymap is None:
            ids = [b.id for b in [*self.BINDINGS, *PositionsMatrix.BINDINGS]
                   if isinstance(b, Binding) and b.id]
            try:
                keymap = load_keymap(keymap_path(), ids)
            except KeymapError as exc:
                self.notify(str(exc), title="keymap ignored", severity="error", timeout=10)
                keymap = {}
        if keymap:
            self.set_keymap(keymap)

    # --- loading ------------------------------------------------------------------------

    def get_loading_widget(self) -> Widget:
        """What a panel waiting for its state shows (`wait_for`): a quiet indicator."""
        return QuietLoading()

    @work(thread=True, exclusive=True, group="load")
    def load_files(self) -> None:
        """Load the file and overlays off the UI thread."""
        try:
            if self.preloaded is not None:
                base = self.preloaded
            elif self.store is not None:
                base = open_through_store(str(self.file), self.store)
            else:
                base = load_timeline(self.file)
            overlays = [load_timeline(p) for p in self.overlay_files]
        except InputError as exc:
            self.post_message(LoadFailed(exc.problems))
            return
        except (StoreConflict, KeyError, OSError) as exc:
            reason = f"no timeline {exc.args[0]!r} in the store" if isinstance(exc, KeyError) \
                else str(exc)
            self.post_message(LoadFailed([Problem(str(self.file), None, None, "", reason)]))
            return
        self.post_message(TimelinesLoaded(base, overlays))

    def on_load_failed(self, message: LoadFailed) -> None:
        self.query("#loading").remove()
        self.push_screen(ErrorScreen(message.problems))

    def on_timelines_loaded(self, message: TimelinesLoaded) -> None:
        self.base, self.overlays = message.base, message.overlays
        # removed, not hidden: a hidden indicator's timer still ticks for the session
        self.query("#loading").remove()
        self.query_one("#body").display = True
        self.title = message.base.title
        # The timeline lives as long as the app: the collector need not rescan its events
        # at every full collection (a third of a state's JSON time at 3·10^5 events).
        gc.freeze()
        self.use_timeline(message.base)
        self.call_after_refresh(self.on_resize)

    def use_timeline(self, timeline: Timeline) -> None:
        """View `timeline` (the base or an overlay), with a fresh live what-if on it."""
        self.live = LiveOverlay(timeline)
        self.cursor = -1
        self.rebuild()

    def rebuild(self, keep: str | None = None, row: int | None = None) -> None:
        """Recompute rows and the replay after the live what-if changed; keep the cursor on
        event `keep` when given (at `row` when it is still there). The rows and the variant
        are views over the base (`LiveOverlay.rows`): nothing here walks every row."""
        assert self.live is not None
        self.rows = self.live.rows()
        dropped = self.live.dropped
        self.dropped_rows = self.live.dropped_rows(self.rows)
        self.replay = Replay(self.live.timeline(self.rows))
        base = self.base_replay
        if base is not None and base.timeline is self.live.base:
            # the variant holds the base's events up to its first change: it restores the
            # base's checkpoints there (laid by the base's gap worker or jumps), and so
            # does its gap worker (`compute_gaps`), instead of folding from step 0
            self.replay.adopt_prefix(base, self.live.unchanged_prefix(self.rows,
                                                                      self.dropped_rows))
        if self.live.empty:
            self.base_replay = self.replay
        self.views = StepView()
        if keep is not None:
            if row is None or not 0 <= row < len(self.rows) or self.rows[row].id != keep:
                row = self.row_of(keep)
            if row >= 0:
                self.cursor = row
        self.cursor = min(self.cursor, len(self.rows) - 1)
        view = self.query_one(TimelineView)
        view.dropped = set(dropped)
        view.added = {e.id for e in self.live.added}
        view.replaced = {e.id for e in self.live.replaced.values()}
        view.show(self.rows, self.cursor)
        self.refresh_marks()
        self.stop_search()  # its rows are gone
        self.gap_generation += 1
        self.gap_running, self.gap_reached, self.gap_failed = True, 0, None
        self.snapshot_reading, self.snapshot_absent = None, -1
        self.query_one(GapPanel).fail(None)
        seed = Replay(self.replay.timeline)
        seed.adopt_checkpoints(self.replay)
        self._gap_seed = seed
        self.compute_gaps(self.replay.timeline, self.gap_generation)
        self.refresh_view()

    def row_of(self, event_id: str) -> int:
        """The row of an event (-1 when absent): the cursor's, or found by the live
        what-if without a walk of the rows once it knows the event's place."""
        rows = self.rows
        if 0 <= self.cursor < len(rows) and rows[self.cursor].id == event_id:
            if self.live is not None:
                self.live.learn(self.cursor, rows)
            return self.cursor
        if self.live is not None:
            return self.live.find(event_id, rows)
        return next((i for i, event in enumerate(rows) if event.id == event_id), -1)

    # --- the state at the cursor --------------------------------------------------------

    @property
    def step(self) -> int:
        """The replay step the cursor stands on."""
        return replay_step(self.cursor, self.dropped_rows)

    @property
    def current_event(self) -> Event | None:
        """The event under the cursor (None before the first)."""
        return self.rows[self.cursor] if self.cursor >= 0 else None

    def state_json(self, step: int) -> dict[str, Any]:
        """The whole JSON state after `step` (for exports and the cell screen: O(state),
        ~1.4 s at 10^6 steps; the panels read only what they show)."""
        assert self.replay is not None
        return self.replay.json(step)

    def refresh_view(self) -> None:
        """Render every panel for the cursor, from the fold state: the cells, the claims
        and pledges listed, and what the step changed, never the whole JSON state."""
        if self.replay is None or self.live is None:
            return
        self.idle_gc.busy()
        replay = self.replay
        step = self.step
        try:
            event = self.current_event
        except STORE_ERRORS as exc:  # the store cannot give the cursor's row
            self.unavailable(step, None, store_reason(exc))
            return
        if self.gap_running and replay.distance(step) > FAR_STEPS:
            self.wait_for(step, event)
            return
        if self.gap_failed is not None and replay.distance(step) > FAR_STEPS:
            # no checkpoints on the way, and a fold on the UI thread could take seconds
            self.unavailable(step, event, f"not folded: {self.gap_failed}")
            return
        self.waiting = None
        dropped = event is not None and event.id in self.live.dropped
        changes: list[str] | None = []
        total = 0  # how many paths changed (`changes` lists the first and the latest)
        room = self.query_one(ClaimsPledges).room(CLAIMS_SHOWN)
        kept: State | None = None  # the step's state as it stays, for the view
        try:
            if event is not None and not dropped and step > 0:
                if replay.distance(step - 1) > FAR_STEPS:
                    # a stored snapshot gave this step, not the one before: not folded
                    # on the UI thread, but read by the snapshot worker (if not already)
                    changes = None
                    self.start_snapshot_read(step - 1)
                else:
                    # the detail lists the first paths, the claims panel the latest
                    # claims named (`recent_json`: `room` of them, some maybe among the
                    # last `room` listed anyway)
                    before, kept = replay.pair(step)  # (the replay is left at `step`)
                    changes, total = brief_changes(before, kept,
                                                   ends=max(CHANGES_SHOWN, 2 * room))
            state = replay.state(step)
            view = self.views.view(state, replay.snapshot(step) if kept is None else kept)
        except STORE_ERRORS as exc:
            self.unavailable(step, event, store_reason(exc))
            return
        for kind in (PositionsMatrix, ClaimsPledges):
            widget = self.query_one(kind)
            widget.loading = False
            if not widget.visible:
                widget.visible = True
        header = self.live.base.header
        shown_event = None if dropped or event is None else event.id
        self.query_one(TimelineView).move_to(self.cursor)
        self.query_one(PositionsMatrix).show(header, view, shown_event)
        status = "dropped in this what-if" if dropped else ""
        self.query_one(EventDetail).show(header, event, changes, status, total)
        panel = self.query_one(ClaimsPledges)
        claims, claims_left_out = recent_json(state, "claims", room,
                                              touched(changes or (), "claims"))
        pledges, pledges_left_out = recent_json(state, "pledges", room,
                                                touched(changes or (), "pledges"))
        panel.show({"claims": claims, "pledges": pledges}, shown_event,
                   (claims_left_out, pledges_left_out))
        gap = self.query_one(GapPanel)
        gap.set_gap(view["gap"], done=not self.gap_running)
        gap.mark(step / max(replay.steps, 1))
        self.show_status(self.status_line(step, event))

    def show_status(self, line: str) -> None:
        """The header's step line, painted in the same frame as the panels (the header's
        own watcher would paint it a frame later)."""
        self.sub_title = line
        self.query_one(StepHeader).show_title()

    def wait_for(self, step: int, event: Event | None) -> None:
        """A far jump before the gap worker has folded that far: show the row and the
        event now, and the state once the worker's checkpoints reach it (the keys stay
        live meanwhile; the worker stops yielding the interpreter while we wait)."""
        assert self.live is not None and self.replay is not None
        self.waiting = step
        self.start_snapshot_read(step)
        self.query_one(TimelineView).move_to(self.cursor)
        for panel in (PositionsMatrix, ClaimsPledges):
            self.query_one(panel).loading = True
        done = 100 * self.gap_reached // max(self.replay.steps, 1)
        note = f"folding the timeline to reach this step: {done} % done"
        self.query_one(EventDetail).show(self.live.base.header, event, [], note)
        self.show_status(self.status_line(step, event))

    def unavailable(self, step: int, event: Event | None, reason: str) -> None:
        """The state at `step` cannot be read from the store: show the row and the event,
        blank the matrix and the claims (never a stale state), say why."""
        assert self.live is not None
        self.waiting = None
        self.query_one(TimelineView).move_to(self.cursor)
        for kind in (PositionsMatrix, ClaimsPledges):
            widget = self.query_one(kind)
            widget.loading = False
            widget.visible = False
        self.query_one(EventDetail).show(self.live.base.header, event, [],
                                         f"state unavailable: {reason}")
        self.show_status(f"{self.status_line(step, event)} · state unavailable")

    def repaint_status(self) -> None:
        """Paint the header's line again for the cursor (a search started or ended)."""
        if self.replay is not None and self.live is not None:
            self.show_status(self.status_line(self.step, self.current_event))

    def status_line(self, step: int, event: Event | None) -> str:
        """Step N/M, the current event's date, the what-if, the filter and the search, and
        how far the fold a far jump waits for and a running search have got."""
        assert self.replay is not None and self.live is not None
        parts = [f"Step {step}/{self.replay.steps}"]
        if event is not None:
            parts.append(event.at[:16].replace("T", " "))
        if self.live.base.base is not None:
            parts.append(f"overlay {self.live.base.name}")
        if not self.live.empty:
            parts.append(f"what-if: {len(self.live.dropped)} dropped, "
                         f"{len(self.live.replaced)} edited, {len(self.live.added)} added")
        if self.row_filter.active:
            parts.append(f"filter {self.row_filter.describe()}")
        if self.query_text:
            parts.append(f"/{self.query_text}")
        if self.waiting is not None:
            parts.append(f"folding… {100 * self.gap_reached // max(self.replay.steps, 1)} %")
        if self.searching is not None:
            parts.append(f"searching… {self.searching} %")
        if self.checking is not None:
            parts.append(f"checking the what-if… {self.checked_percent} %")
        return " · ".join(parts)

    # --- gap over time ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="gap")
    def compute_gaps(self, timeline: Timeline, generation: int) -> None:
        """Sample the overall gap over the timeline with a replay of its own."""
        worker = get_current_worker()
        # Forward only; the checkpoints it lays on the way go to the app's Replay when it
        # is done (`on_gap_series`), so a jump far ahead need not fold from step 0. It
        # starts with the checkpoints the app's Replay had then (a what-if's: its base's
        # before its first change), taken on the UI thread (`rebuild`).
        replay = Replay(timeline)
        seed = self._gap_seed
        if seed is not None and seed.timeline is timeline:
            replay.adopt_checkpoints(seed)
        steps = timeline.steps
        count = min(steps + 1, GAP_SAMPLES)
        points = [round(k * steps / max(count - 1, 1)) for k in range(count)]
        values: list[float] = []

        def give_way() -> None:
            # to a key; and to a snapshot read a far step waits for, which would fold at
            # half speed beside this fold (the state `G` waits for: 2.0-2.1 → 1.7-1.9 s
            # at 10^6)
            self.ui_first.give_way()
            while (self.waiting is not None and self.snapshot_reading is not None
                   and not worker.is_cancelled):
                time.sleep(SNAPSHOT_FIRST_S)

        for k, point in enumerate(points):
            if worker.is_cancelled:
                return
            started = time.perf_counter()
            try:
                gap = overall_gap(fold_giving_way(replay, points[k - 1] if k else 0, point,
                                                  give_way))
            except STORE_ERRORS as exc:  # the store could not give the events: say so
                self._gap_replay = replay  # the checkpoints laid before the failure
                self.post_message(GapFailed(generation, values, store_reason(exc)))
                return
            values.append(0.0 if gap is None else gap)
            if self.waiting is not None and self.snapshot_reading is None:
                # the UI waits for this fold (not for a stored snapshot): no pause
                self.post_message(GapSeries(generation, list(values), False, point))
                continue
            # Leave the interpreter to the UI as long again while keys come: on a long
            # timeline each sample folds thousands of events, and the thread would hold
            # the GIL against every keypress.
            time.sleep(gap_pause(time.perf_counter() - started, self.idle_gc.quiet_for()))
            if k and k % 60 == 0:
                self.post_message(GapSeries(generation, list(values), False, point))
        give_way()
        # then `G` and the steps back from it fold ≤ FINE events (~1,000 events folded
        # here, ~5 ms at 10^6, not on the UI thread at `G`); only a speed-up: on a store
        # error a step there meets it and says so
        with contextlib.suppress(*STORE_ERRORS):
            replay.lay_end()
        self._gap_replay = replay
        self.post_message(GapSeries(generation, values, True, steps))

    def start_snapshot_read(self, step: int) -> None:
        """On a far jump into a stored timeline before the gap worker got there, read the
        stored snapshot nearest the step in a worker (`read_snapshot`), if the store may
        have one: the state shows after reading it and folding what lies after it."""
        assert self.replay is not None
        timeline = self.replay.timeline
        if (self.snapshot_reading is None and step > self.snapshot_absent
                and isinstance(timeline.events, StoredStatements)):
            self.snapshot_reading = step
            self.read_snapshot(timeline, step, self.gap_generation)

    @work(thread=True, group="snapshot")  # one at a time: `snapshot_reading`
    def read_snapshot(self, timeline: Timeline, step: int, generation: int) -> None:
        """Read the stored snapshot nearest at or before `step` and fold on to `step`
        with a replay of its own; its checkpoints go to the app's Replay (`on_snapshot_read`)."""
        assert isinstance(timeline.events, StoredStatements)
        app, name = timeline.events.store
        replay: Replay | None = None
        asked = step  # the step whose nearest snapshot the last message answers for
        try:
            state = snapshots.nearest(app, name, step, timeline.header,
                                      pace=self.ui_first.give_way)
            if state is not None:
                # its ~5·10^6 objects (at 10^6 steps), made with the collector held off:
                # out of its reach now, as `on_snapshot_read` would do later (the idle
                # collector's next pass outside this worker's pauses scanned them all:
                # 0.29 s on a key at 10^6, while it folded on from a second read)
                collector.keep_alive_objects()
                replay = Replay(timeline)
                replay.install(state)
                fold_giving_way(replay, state.step, step, self.ui_first.give_way)
            if state is None or step == 0 or step - state.step >= FAR_STEPS:
                self.post_message(SnapshotRead(generation, step, replay))
                if state is not None:
                    settled(state)
                return
            # The snapshot lies at the step or just before it (`G`: the one before the
            # last): show the step, then read the snapshot before and fold on to the step
            # before this one's (what the step changed, when it lies at the step; the
            # steps back, which no checkpoint is near until then: `k` after `G` would
            # wait for a read of its own)
            self.post_message(SnapshotRead(generation, step, replay, more=True))
            settled(state)
            replay, asked = None, state.step - 1
            state = snapshots.nearest(app, name, asked, timeline.header,
                                      pace=self.ui_first.give_way)
            if state is not None:
                collector.keep_alive_objects()  # as after the first read
                replay = Replay(timeline)
                replay.install(state)
                worker = get_current_worker()
                stride = replay.every * 8
                reached = state.step
                for target in [*range(state.step + stride, asked, stride), asked]:
                    if worker.is_cancelled:
                        return
                    started = time.perf_counter()
                    fold_giving_way(replay, reached, target, self.ui_first.give_way)
                    reached = target
                    if self.waiting is None:  # nobody waits: leave the UI as long again
                        time.sleep(time.perf_counter() - started)
                settled(state)
        except STORE_ERRORS:  # the gap worker meets the same store and says why
            replay = None
        self.post_message(SnapshotRead(generation, asked, replay))

    def on_snapshot_read(self, message: SnapshotRead) -> None:
        """Take the checkpoints the snapshot worker laid; show a step that waited."""
        if message.generation != self.gap_generation or self.replay is None:
            return
        self.snapshot_reading = message.step - 1 if message.more else None
        if message.replay is None:
            self.snapshot_absent = max(self.snapshot_absent, message.step)
        elif message.replay.timeline is self.replay.timeline:
            self.replay.adopt_checkpoints(message.replay)
            collector.keep_alive_objects()  # as the gap worker's (adopt_gap_checkpoints)
        if self.waiting is not None or message.replay is not None:
            if self.waiting is not None:
                # the state shown now: first, then the snapshot worker's indexes
                # (`settled`), its read for the steps back and the gap worker's fold
                # (which held the repaint back ~0.1-0.2 s at 10^6)
                self.answer_first()
            self.refresh_view()  # its state (or what it changed), or a read for a step
            # jumped to meanwhile

    @work(thread=True, exclusive=True, group="whatif-index")
    def prepare_whatif_checks(self, live: LiveOverlay) -> None:
        """Index the base's references off the UI thread (one walk of the base), so that
        a drop's check reads only the events naming it (`LiveOverlay.prepare_checks`); a
        drop checked meanwhile waits for it. Given up when cancelled or on a store error:
        the first check builds it then. (Not the "whatif" group: a check there would
        cancel it and start over.)"""
        worker = get_current_worker()
        since = [time.perf_counter()]

        def watch(read: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Stopped
            # leave the interpreter to the UI as long again (as the gap worker does):
            # the walk would hold it against every keypress for seconds at 10^6
            time.sleep(time.perf_counter() - since[0])
            self.ui_first.give_way()
            since[0] = time.perf_counter()

        try:
            live.prepare_checks(watch)
        except (_Stopped, *STORE_ERRORS):
            return

    def adopt_gap_checkpoints(self) -> None:
        """Give the app's Replay the checkpoints the gap worker laid (it has stopped)."""
        assert self.replay is not None
        if (done := self._gap_replay) is not None:
            self._gap_replay = None
            if done.timeline is self.replay.timeline:
                if self.gap_failed is None:  # it folded the whole timeline: its own
                    # checkpoints replace those read from stored snapshots (whole states
                    # of their own: ~470 MB at 10^6 steps, ~290 MB at 800,000)
                    self.replay.take_over(done)
                else:
                    self.replay.adopt_checkpoints(done)
                # ~250 checkpoints at 10^6 steps live as long as the replay: out of the
                # collector's reach, or a full collection rescanning them lands on some
                # keypress (~0.2-0.3 s)
                collector.keep_alive_objects()

    def on_gap_failed(self, message: GapFailed) -> None:
        """The gap worker could not read the timeline: stop waiting for it, say why."""
        if message.generation != self.gap_generation or self.replay is None:
            return
        self.gap_running, self.gap_failed = False, message.reason
        self.adopt_gap_checkpoints()
        self.query_one(GapPanel).fail(message.reason, message.values)
        self.notify(message.reason, title="gap over time unavailable", severity="error",
                    markup=False, timeout=10)
        self.refresh_view()  # a step waited for: its state if it can be read, or why not

    def on_gap_series(self, message: GapSeries) -> None:
        if message.generation == self.gap_generation and self.replay is not None:
            self.gap_reached = message.reached
            if message.done:
                self.gap_running = False
                self.adopt_gap_checkpoints()
                if self.live is not None and len(self.live.base.events) > WHATIF_ON_UI_ROWS:
                    # once the gap worker is done (both walk the base): a drop's check
                    # then reads only the events naming the dropped one
                    self.prepare_whatif_checks(self.live)
            if self.waiting is not None:
                self.refresh_view()  # the state, once the fold is near enough
            panel = self.query_one(GapPanel)
            gap = None if self.waiting is not None \
                else overall_gap(self.replay.state(self.step))
            panel.set_series(message.values, message.done, gap)

    # --- stepping -----------------------------------------------------------------------

    def go(self, row: int) -> None:
        """Move the cursor to `row` (clamped; -1 is before the first event)."""
        row = max(-1, min(row, len(self.rows) - 1))
        if row != self.cursor:
            self.cursor = row
            self.refresh_view()

    def action_step(self, delta: int) -> None:
        """Step forward or back."""
        self.go(self.cursor + delta)

    def action_first(self) -> None:
        """The first event."""
        self.go(0)

    def action_last(self) -> None:
        """The last event."""
        self.go(len(self.rows) - 1)

    def action_day(self, delta: int) -> None:
        """The first event of the next (or previous) day."""
        if not self.rows:
            return
        day = self.rows[max(self.cursor, 0)].at[:10]
        if delta > 0:
            for i in range(max(self.cursor, 0), len(self.rows)):
                if self.rows[i].at[:10] > day:
                    self.go(i)
                    return
            return
        start = max(self.cursor, 0)
        while start > 0 and self.rows[start - 1].at[:10] == day:
            start -= 1
        if start == 0:
            self.go(0)
            return
        previous = self.rows[start - 1].at[:10]
        while start > 0 and self.rows[start - 1].at[:10] == previous:
            start -= 1
        self.go(start)

    def on_row_chosen(self, message: RowChosen) -> None:
        self.go(message.row)

    # --- search, filter, marks ----------------------------------------------------------

    def matches(self, event: Event) -> bool:
        """Whether an event matches the search (quote, speaker, party or id)."""
        return event_matches(self.query_text.lower(), event)

    def action_search(self) -> None:
        """Ask for a search text; highlight the matches and go to the next one."""
        def done(text: str | None) -> None:
            if text is not None:
                self.search_for(text)

        self.push_screen(TextPrompt("Search quotes, speakers and ids:", self.query_text), done)

    def search_for(self, text: str) -> None:
        """Search for `text`: highlight the matches and go to the first one from the
        cursor on (an empty text ends the search)."""
        self.query_text = text.strip()
        view = self.query_one(TimelineView)
        view.matches = self.matches if self.query_text else None
        view.refresh()
        if self.query_text:
            self.action_match(1, include_current=True)
        else:
            self.stop_search()
        self.refresh_view()

    def action_match(self, delta: int, include_current: bool = False) -> None:
        """Go to the next (1) or previous (-1) row that matches the search (wrapping). A
        long timeline is scanned in a worker (`scan_rows`) that a new search cancels."""
        if not self.query_text or not self.rows:
            return
        total = len(self.rows)
        if self.cursor < 0:  # before the first event: the first (or the last) row is next
            start = 0 if delta > 0 else total - 1
        else:
            start = self.cursor if include_current else self.cursor + delta
        needle = self.query_text.lower()
        if total <= SEARCH_ON_UI_ROWS:
            self.stop_search()
            found = None
            for _, found in scan(self.rows, needle, start, delta, chunk=total):
                if found is not None:
                    break
            self.show_match(found)
            return
        self.stop_search()
        self.searching = 0
        self.repaint_status()
        self.scan_rows(self.rows, needle, start, delta, self.search_generation)

    def stop_search(self) -> None:
        """Cancel the search worker, if one runs; its late messages are ignored."""
        self.search_generation += 1
        self.workers.cancel_group(self, "search")
        if self.searching is not None:
            self.searching = None
            self.repaint_status()

    @work(thread=True, exclusive=True, group="search")
    def scan_rows(self, rows: Sequence[Event], needle: str, start: int, delta: int,
                  generation: int) -> None:
        """Scan the rows for the search off the UI thread (reading a stored timeline's
        pages on the way), reporting each percent; post the row found, or none."""
        worker = get_current_worker()
        total, shown = len(rows), 0
        try:
            for scanned, row in scan(rows, needle, start, delta, SEARCH_CHUNK):
                if worker.is_cancelled:
                    return
                if row is not None:
                    self.post_message(SearchDone(generation, row))
                    return
                if (percent := 100 * scanned // total) != shown:
                    shown = percent
                    self.post_message(SearchProgress(generation, percent))
        except STORE_ERRORS as exc:
            self.post_message(SearchDone(generation, None, store_reason(exc)))
            return
        self.post_message(SearchDone(generation, None))

    def on_search_progress(self, message: SearchProgress) -> None:
        if message.generation == self.search_generation and self.searching is not None:
            self.searching = message.percent
            self.repaint_status()

    def on_search_done(self, message: SearchDone) -> None:
        if message.generation != self.search_generation or self.searching is None:
            return
        self.searching = None
        if message.failed:
            self.repaint_status()
            self.notify(message.failed, title="search stopped", severity="error",
                        markup=False, timeout=10)
            return
        self.show_match(message.row)

    def show_match(self, row: int | None) -> None:
        """Go to the row a search found, or say that nothing matches."""
        if row is None:
            self.repaint_status()
            self.notify(f"no event matches {self.query_text!r}", severity="warning")
        elif row != self.cursor:
            self.go(row)
        else:
            self.repaint_status()

    def action_filter(self) -> None:
        """Choose the filter; non-matching rows are dimmed."""
        if self.live is None:
            return

        def done(chosen: RowFilter | None) -> None:
            if chosen is None or self.live is None:
                return
            self.row_filter = chosen
            grades = {s.id: s.reliability for s in self.live.base.header.sources}
            view = self.query_one(TimelineView)
            view.passes = (lambda e: passes(chosen, e, grades)) if chosen.active else None
            view.refresh()
            self.refresh_view()

        self.push_screen(FilterScreen(self.live.base.header, self.row_filter), done)

    def action_mark(self) -> None:
        """`m<letter>`: mark the current event."""
        def done(letter: str | None) -> None:
            if letter and self.current_event is not None:
                self.marks[letter] = self.current_event.id
                self.refresh_marks()

        self.push_screen(LetterPrompt("mark: press a letter"), done)

    def action_jump_mark(self) -> None:
        """`'<letter>`: go to a mark."""
        def done(letter: str | None) -> None:
            if letter is None:
                return
            if letter not in self.marks:
                self.notify(f"no mark {letter!r}", severity="warning")
                return
            self.go(self.row_of(self.marks[letter]))

        self.push_screen(LetterPrompt("go to mark: press a letter"), done)

    def refresh_marks(self) -> None:
        """Show the marks in the timeline's gutter."""
        view = self.query_one(TimelineView)
        view.marks = {row: letter for letter, event_id in self.marks.items()
                      if (row := self.row_of(event_id)) >= 0}
        view.refresh()

    # --- the live what-if ---------------------------------------------------------------

    def action_toggle_event(self) -> None:
        """Drop the current event from the live what-if, or restore it. On a long
        timeline the variant is checked in a worker (`check_whatif`), the keys live."""
        event = self.current_event
        if self.live is None or event is None or self.busy_with_whatif():
            return
        row = self.cursor
        removed = any(e.id == event.id for e in self.live.added)  # gone from the rows
        # the change is tried on a copy; the app's what-if takes it once it is checked (a
        # second toggle would not undo it: an added event removed would come back dropped)
        trial = dataclasses.replace(self.live, dropped=set(self.live.dropped),
                                    added=list(self.live.added))
        trial.toggle(event.id, row)
        if len(self.rows) > WHATIF_ON_UI_ROWS and not self.live.checks_at_once:
            # checked in the worker (once the base's index is built, the check reads a few
            # events: at once, below)
            self.start_check(PendingDrop(self.live, event.id, row, removed), trial.problems)
            return
        problems = trial.problems()
        if problems:  # e.g. a later event targets the dropped one: refuse, say why
            self.refuse_drop(event.id, problems)
            return
        self.live.dropped, self.live.added = trial.dropped, trial.added
        self.rebuild(keep=None if removed else event.id, row=row)

    def refuse_drop(self, event_id: str, problems: list[Problem]) -> None:
        """Say why dropping (or restoring) `event_id` is refused: the first problems."""
        self.notify("\n".join(str(p) for p in problems[:3]), title=f"cannot drop {event_id}",
                    severity="error", markup=False, timeout=8)

    def busy_with_whatif(self) -> bool:
        """True (and said so) while the worker checks a what-if change."""
        if self.checking is None:
            return False
        self.notify("a what-if change is being checked", severity="warning")
        return True

    def start_check(self, pending: PendingDrop | PendingEdit, check: Check) -> None:
        """Hand `pending` to the what-if worker: `check(watch)` says what is wrong with the
        variant with it."""
        self.checking = pending
        self.whatif_generation += 1
        self.checked_percent = 0
        self.repaint_status()
        self.check_whatif(check, self.whatif_generation)

    @work(thread=True, exclusive=True, group="whatif")
    def check_whatif(self, check: Check, generation: int) -> None:
        """Check the variant with a change off the UI thread (`check(watch)`, reading a
        stored timeline's pages on the way), reporting each percent; post what is wrong
        with it."""
        worker = get_current_worker()
        shown = 0

        def watch(read: int, total: int) -> None:
            nonlocal shown
            if worker.is_cancelled:
                raise _Stopped
            if (percent := 100 * read // max(total, 1)) != shown:
                shown = percent
                self.post_message(WhatIfProgress(generation, percent))

        try:
            problems = check(watch)
        except _Stopped:
            return
        except STORE_ERRORS as exc:
            self.post_message(WhatIfChecked(generation, [], store_reason(exc)))
            return
        self.post_message(WhatIfChecked(generation, problems))

    def on_what_if_progress(self, message: WhatIfProgress) -> None:
        if message.generation == self.whatif_generation and self.checking is not None:
            self.checked_percent = message.percent
            self.repaint_status()

    def on_what_if_checked(self, message: WhatIfChecked) -> None:
        """The worker's verdict: apply the change and rebuild, or refuse it as the UI
        thread's check would."""
        pending = self.checking
        if pending is None or message.generation != self.whatif_generation:
            return
        self.checking = None
        if pending.live is not self.live:  # another timeline is shown now
            self.repaint_status()
            return
        if isinstance(pending, PendingEdit):
            self.edit_checked(pending, message)
            return
        if message.failed:
            self.repaint_status()
            self.notify(f"the what-if could not be checked: {message.failed}",
                        title=f"cannot drop {pending.event_id}", severity="error",
                        markup=False, timeout=10)
            return
        if message.problems:
            self.repaint_status()
            self.refuse_drop(pending.event_id, message.problems)
            return
        self.live.toggle(pending.event_id, pending.row)  # the rows are those of the key
        if self.cursor == pending.row:
            self.rebuild(keep=None if pending.removed else pending.event_id, row=pending.row)
        else:  # the cursor moved on meanwhile: it stays on its event
            current = self.current_event
            self.rebuild(keep=None if current is None else current.id, row=self.cursor)

    def edit_checked(self, pending: PendingEdit, message: WhatIfChecked) -> None:
        """The worker's verdict on an edit or an add: apply it, or open the form again
        with the text typed and the problems (or why the variant could not be checked)."""
        assert self.live is not None
        if message.failed or message.problems:
            self.repaint_status()
            if message.failed:
                self.notify(f"the what-if could not be checked: {message.failed}",
                            title=f"cannot {pending.what}", severity="error",
                            markup=False, timeout=10)
            shown = problem_text(message.problems) if message.problems else \
                f"the what-if could not be checked: {message.failed}"
            self.open_form(pending.read.text, pending.original_id, shown, pending.row)
            return
        event = pending.read.event
        self.live.put(pending.original_id, event,
                      pending.row if pending.original_id is not None else None)
        if self.cursor == pending.row:
            self.rebuild(keep=event.id)
        else:  # the cursor moved on meanwhile: it stays on its event
            current = self.current_event
            self.rebuild(keep=None if current is None else current.id, row=self.cursor)

    def action_edit_event(self) -> None:
        """Edit the current event in a form, validated as a file would be."""
        event = self.current_event
        if self.live is not None and event is not None and not self.busy_with_whatif():
            self.open_form(event_yaml(event), event.id)

    def action_add_event(self) -> None:
        """Add an event after the current one."""
        if self.live is None or self.busy_with_whatif():
            return
        header = self.live.base.header
        event = self.current_event
        issue = header.issues[0]
        template = (f"id: new-event-{len(self.live.added) + 1}\n"
                    f"at: {event.at if event else '2000-01-01'}\n"
                    f"type: proposal\nparty: {header.principals[0]}\n"
                    f"issue: {issue.id}\noption: {issue.options[0].id}\n"
                    f"quote: \"\"\n")
        self.open_form(template, None)

    def open_form(self, text: str, original_id: str | None, problems: str = "",
                  row: int | None = None) -> None:
        """Push the event form (showing `problems`); a valid result goes into the live
        what-if. On a long timeline the form checks the event alone and the worker checks
        the variant with it (`start_check`). `row`: the edited event's row (default: the
        cursor's)."""
        assert self.live is not None
        live = self.live
        # the form is modal, and no other change is made while the worker checks one:
        # the edited event stays at this row
        row = self.cursor if row is None else row
        defer = len(self.rows) > WHATIF_ON_UI_ROWS and not live.checks_at_once

        def done(result: Event | ReadEvent | None) -> None:
            if result is None:
                return
            if isinstance(result, ReadEvent):
                if original_id is not None:
                    live.learn(row)  # the worker finds the edited event without a walk
                trial = dataclasses.replace(live, dropped=set(live.dropped),
                                            replaced=dict(live.replaced),
                                            added=list(live.added))
                self.start_check(PendingEdit(live, original_id, result, row),
                                 lambda watch: check_event(result, trial, original_id, watch))
                return
            live.put(original_id, result, row if original_id is not None else None)
            self.rebuild(keep=result.id)

        self.push_screen(EventForm(text, live, original_id, defer, problems), done)

    def action_write_overlay(self) -> None:
        """Save the live what-if as an overlay file. Refused, saying why, when the file
        would not load (`LiveOverlay.overlay_problems`: a timeline read from a store)."""
        if self.live is None or self.live.empty:
            self.notify("nothing to save: drop (x), edit (e) or add (a) events first",
                        severity="warning")
            return
        live = self.live
        unloadable = live.overlay_problems()
        if unloadable:  # before the file name is asked for: no file would be of use
            self.notify("\n".join(unloadable), title="cannot save the what-if",
                        severity="error", markup=False, timeout=12)
            return
        base = Path(live.base.file)
        default = base.with_name(f"{base.stem}-whatif.yaml")

        def done(name: str | None) -> None:
            if not name:
                return
            path = Path(name)
            text = live.overlay_yaml(path, f"{live.base.name}-whatif",
                                     f"What-if on {live.base.title}")
            try:
                path.write_text(text, encoding="utf-8")
            except OSError as exc:
                self.notify(f"cannot write {path}: {exc}", severity="error")
                return
            self.notify(f"saved the what-if to {path}")

        self.push_screen(TextPrompt("Save the what-if as an overlay file:", str(default)), done)

    # --- other screens ------------------------------------------------------------------

    def comparables(self) -> list[Timeline]:
        """Timelines the compare view can set against the base: the live what-if (when it
        changes anything) and the overlays given on the command line."""
        out: list[Timeline] = []
        if self.live is not None and not self.live.empty:
            out.append(self.live.timeline(self.rows))
        out.extend(self.overlays)
        return out

    def action_compare(self) -> None:
        """Base and a variant side by side, synchronised by step."""
        if self.base is None or self.live is None:
            return
        variants = self.comparables()
        if not variants:
            self.notify("nothing to compare: give overlays on the command line or change "
                        "events (x, e, a)", severity="warning")
            return
        self.push_screen(CompareScreen(self.live.base if self.live.base.base is None
                                       else self.base, variants, self.step))

    def action_help(self) -> None:
        """The keys."""
        rows = []
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                keys = self._keymap.get(binding.id, binding.key) if self._keymap else binding.key
                shown = ", ".join(self.get_key_display(Binding(k.strip(), ""))
                                  for k in keys.split(","))
                rows.append((shown, binding.description, binding.id))
        rows.extend((key, does, "") for key, does in self.HELP_EXTRA)
        self.push_screen(HelpScreen(rows))

    def action_cell_detail(self) -> None:
        """Show or hide accepts, rejects and conditions in the matrix cells."""
        matrix = self.query_one(PositionsMatrix)
        matrix.detailed = not matrix.detailed
        self.refresh_view()

    def on_cell_chosen(self, message: CellChosen) -> None:
        if message.matrix.id != "matrix" or self.live is None:  # (compare's: no screen)
            return
        state = self.state_json(self.step)
        self.push_screen(CellEventsScreen(self.live.base.header, self.rows, state,
                                          message.party, message.issue))

    def action_toggle_panel(self, panel: str) -> None:
        """Show or hide a panel (`timeline`, `gap`, `matrix`, `detail`, `claims`)."""
        widget = self.query_one(f"#{panel}")
        widget.display = not widget.display

    def action_switch_timeline(self, index: int) -> None:
        """View the base (-1) or the overlay at `index`."""
        if self.base is None:
            return
        self.use_timeline(self.base if index < 0 else self.overlays[index])

    def action_goto_event(self, event_id: str, row: int | None = None) -> None:
        """Jump to an event by id (`row`: where it was seen, checked before a scan)."""
        if row is None or not 0 <= row < len(self.rows) or self.rows[row].id != event_id:
            row = self.row_of(event_id)
        if row >= 0:
            self.go(row)

    # --- export -------------------------------------------------------------------------

    def export_stem(self) -> str:
        """File name stem for exports: `<timeline>-step<N>`."""
        assert self.replay is not None
        return f"{self.replay.timeline.name}-step{self.step}"

    def action_export(self, kind: str) -> None:
        """Export the current state as `markdown`, `json`, or an `svg` screenshot."""
        if self.replay is None or self.live is None:
            return
        stem = self.export_stem()
        state = self.state_json(self.step)
        if kind == "svg":
            path = Path(self.save_screenshot(f"{stem}.svg", "."))
        elif kind == "json":
            path = Path(f"{stem}.json")
            path.write_text(json.dumps(state, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
        else:
            from tui.export import state_markdown

            path = Path(f"{stem}.md")
            path.write_text(state_markdown(state, self.live.base.header, self.replay.timeline),
                            encoding="utf-8")
        self.notify(f"exported {path}")
