"""Stepping through a timeline in memory: the state after any step, without a store."""

from __future__ import annotations

from typing import Any

from domain import fold
from domain.state import State
from domain.state_json import state_json
from events.timeline import Timeline


class Replay:
    """A timeline folded on demand. Moving forward applies only the next events; moving
    back refolds from the start."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self._state = State.empty(timeline.header)

    @property
    def steps(self) -> int:
        """The last step."""
        return self.timeline.steps

    def state(self, step: int | None = None) -> State:
        """The fold state after `step` events (the end when None). Owned by this Replay:
        read it, do not change it; it moves on the next call."""
        step = self.steps if step is None else step
        if not 0 <= step <= self.steps:
            raise IndexError(f"step {step} is outside 0..{self.steps}")
        if step < self._state.step:
            self._state = State.empty(self.timeline.header)
        for event in self.timeline.events[self._state.step : step]:
            fold.apply(self._state, event)
        return self._state

    def json(self, step: int | None = None) -> dict[str, Any]:
        """The JSON state after `step` events (the contract of DESIGN.md)."""
        return state_json(self.state(step), self.steps)
