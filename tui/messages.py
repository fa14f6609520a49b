"""Messages the TUI's widgets and workers post to the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widget import Widget

from domain.replay import Replay
from events.errors import Problem
from events.timeline import Timeline


@dataclass
class TimelinesLoaded(Message):
    """The loader worker finished: the base timeline and the overlays given with it."""

    base: Timeline
    overlays: list[Timeline]


@dataclass
class LoadFailed(Message):
    """The loader worker found problems in the input files."""

    problems: list[Problem]


@dataclass
class GapSeries(Message):
    """The gap-over-time worker finished (or made progress): sampled overall gaps."""

    generation: int
    values: list[float]
    done: bool
    #: the step the worker's fold has reached
    reached: int = 0


@dataclass
class SnapshotRead(Message):
    """The snapshot worker read the stored snapshot nearest a far step and folded on to
    it: `replay` holds the checkpoints it laid (None: the store has no usable snapshot
    there, or could not be read)."""

    generation: int
    step: int
    replay: Replay | None
    #: the worker goes on to read the snapshot before the one `step` came from, at or just
    #: before it, and fold on to the step before that one (what `step` changed, the steps
    #: back)
    more: bool = False


@dataclass
class RowChosen(Message):
    """A timeline row was clicked: move the cursor to it."""

    row: int


@dataclass
class CellChosen(Message):
    """`enter` on a matrix cell, or a click: the events that shaped it are asked for."""

    matrix: Widget
    party: str
    issue: str

    @property
    def control(self) -> Widget:
        """The matrix the cell is in."""
        return self.matrix


@dataclass
class GapFailed(Message):
    """The gap-over-time worker could not read the timeline (a store error): why, and the
    gaps it had sampled before."""

    generation: int
    values: list[float]
    reason: str


@dataclass
class SearchProgress(Message):
    """The search worker has scanned `percent` % of the rows without a match."""

    generation: int
    percent: int


@dataclass
class SearchDone(Message):
    """The search worker is done: the matching row, or None (no match, or `failed` says
    why the rows could not be read)."""

    generation: int
    row: int | None
    failed: str = ""


@dataclass
class WhatIfProgress(Message):
    """The what-if worker has checked `percent` % of the variant's events."""

    generation: int
    percent: int


@dataclass
class WhatIfChecked(Message):
    """The what-if worker is done: what is wrong with the variant (nothing: the change
    stands), or `failed` says why its events could not be read."""

    generation: int
    problems: list[Problem]
    failed: str = ""
