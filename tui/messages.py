"""Messages the TUI's widgets and workers post to the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

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
class RowChosen(Message):
    """A timeline row was clicked: move the cursor to it."""

    row: int
