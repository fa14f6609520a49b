"""Stepping through a timeline in memory: the state after any step, without a store.

Moving forward applies only the next events to the state in hand. Every `every` steps
the fold passes, it keeps a copy of the state (a checkpoint); moving back, or jumping far
ahead, starts from the nearest checkpoint at or before the step instead of from step 0.
States and checkpoints share structure (`domain.persistent`): a checkpoint costs the
memory of what changed since the one before, and restoring one is
O(cells + items / (CHUNK · BLOCK)); a jump folds at most `every` events.
docs/benchmark.md has the figures.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from domain import collector, fold
from domain.persistent import ChunkedList, ChunkedMap
from domain.state import Cell, State
from domain.state_json import state_json
from events.scenario import Header
from events.timeline import Timeline

#: Steps between checkpoints. A jump folds at most this many events after restoring the
#: nearest checkpoint (O(cells + items / (CHUNK · BLOCK)), under a millisecond at 10^6 steps); a
#: checkpoint costs memory for what changed since the one before. Measured at 10^6 steps
#: (docs/benchmark.md): every 1,024 a jump takes p95 ~15-25 ms, every 4,096 ~110 ms (with
#: pages dropped and read again), for ~200 MB more checkpoints.
EVERY = 1_024
#: Steps between the fine checkpoints laid when stepping back: a step back restores the
#: nearest one and folds at most this many events (instead of up to EVERY).
FINE = 64
#: Steps between the finest checkpoints, laid inside one FINE block by a short step back
#: (a key that steps back one event): the steps back that follow fold fewer than this
#: many events, not up to FINE (`pair` stepping back from the end at 10^6 steps: mean
#: 1.78 → 1.52 ms, p95 2.4 → 1.7 ms). Up to FINE / FINEST - 1 of them are taken on the
#: first step back into a block.
FINEST = 8


def interval(steps: int) -> int:
    """Steps between checkpoints for a timeline of `steps` events."""
    return EVERY


class Replay:
    """A timeline folded on demand, with checkpoints for jumps and steps back."""

    def __init__(self, timeline: Timeline, every: int | None = None) -> None:
        if every is not None and every < 1:
            raise ValueError("checkpoints need an interval of at least one step")
        self.timeline = timeline
        self.every = interval(timeline.steps) if every is None else every
        self._state = persistent(State.empty(timeline.header))
        self._marks: list[int] = [0]  # checkpoint steps, ascending
        self._checkpoints: dict[int, Frozen] = {0: freeze(self._state)}
        #: fine checkpoints (every FINE steps) of one interval: the one last restored into
        self._fine: dict[int, Frozen] = {}
        #: finest checkpoints (every FINEST steps) of one FINE block: the one last stepped
        #: back in
        self._finest: dict[int, Frozen] = {}

    @property
    def steps(self) -> int:
        """The last step."""
        return self.timeline.steps

    def state(self, step: int | None = None) -> State:
        """The fold state after `step` events (the end when None). Owned by this Replay:
        read it, do not change it; it moves on the next call (`copy` gives one to keep)."""
        step = self.steps if step is None else step
        if not 0 <= step <= self.steps:
            raise IndexError(f"step {step} is outside 0..{self.steps}")
        here = self._state.step
        mark = self._nearest(step)
        with collector.paused() as pause:
            if step < here or mark > here:  # back, or a checkpoint lies nearer than here
                finer = self._finest if mark in self._finest else self._fine
                frozen = finer[mark] if mark in finer else self._checkpoints[mark]
                self._state = thaw(frozen, self.timeline.header)
                if mark not in finer:  # a jump or a step back into an interval: the
                    # steps back that follow restore from the fine ones (laid in step's
                    # interval only: an installed checkpoint may lie many intervals back)
                    self._forward(max(mark, step - step % self.every))
                    self._lay_fine(step)
                    pause.keep = True  # the checkpoints laid live on
                if here - FINE < step < here:  # a short step back: so are the next ones
                    self._lay_finest(step)
                    pause.keep = True
            self._forward(step)
        return self._state

    def distance(self, step: int) -> int:
        """How many events `state(step)` would fold (a viewer can tell a far jump, before
        the checkpoints on the way exist, from one it can make at once)."""
        here, mark = self._state.step, self._nearest(step)
        return step - (mark if step < here or mark > here else here)

    def _nearest(self, step: int) -> int:
        """The nearest checkpoint (coarse, fine of the interval or finest of the block) at
        or before `step`."""
        mark = self._marks[bisect_right(self._marks, step) - 1]
        # the finer ones are few (one interval's, one block's): looked through, not
        # looked for step by step down to `mark` (which took ~10 ms on the UI thread at
        # a step 10^6 after the last coarse checkpoint, before the gap worker got there)
        for finer in (self._fine, self._finest):
            for nearer in finer:
                if mark < nearer <= step:
                    mark = nearer
        return mark

    def _lay_fine(self, step: int) -> None:
        """Fold from the interval's checkpoint to `step`, keeping a fine checkpoint every
        FINE steps: the steps back that follow restore from one of those (a first step
        back after a jump folded up to EVERY events). Only one interval's are kept (16 of
        them, ~0.1 ms each to take at 10^6 steps)."""
        self._fine = self._lay(self._fine, FINE, self.every, step)

    def _lay_finest(self, step: int) -> None:
        """Fold towards `step`, keeping a finest checkpoint every FINEST steps of its FINE
        block (those of one block only): the steps back that follow fold fewer than
        FINEST events."""
        self._finest = self._lay(self._finest, FINEST, FINE, step)

    def _lay(self, kept: dict[int, Frozen], every: int, span: int,
             step: int) -> dict[int, Frozen]:
        """Fold towards `step`, keeping a checkpoint every `every` steps in `kept`, which
        holds those of one `span` of steps only: `kept`, or a new dict when the state is
        in another span."""
        state, events = self._state, self.timeline.events
        if state.step // span != next(iter(kept), -1) // span:
            kept = {}
        apply = fold.apply
        while state.step + every <= step:
            for event in events[state.step:state.step + every]:
                apply(state, event)
            kept[state.step] = freeze(state)
        return kept

    def _forward(self, step: int) -> None:
        state, events, every = self._state, self.timeline.events, self.every
        apply = fold.apply
        while state.step < step:
            stop = min(step, (state.step // every + 1) * every)
            for event in events[state.step:stop]:
                apply(state, event)
            if state.step % every == 0 and state.step > self._marks[-1]:
                self._marks.append(state.step)
                self._checkpoints[state.step] = freeze(state)

    def lay_end(self) -> None:
        """Fold to the end, with a checkpoint every FINE steps of the last interval, kept
        as coarse ones (fine ones give way to those of the next interval stepped back
        into); for a worker that folds the whole timeline, whose checkpoints `take_over`
        hands on. The last step and the steps back from it then fold at most FINE
        events, not up to `every` (`G` at 10^6 steps: ~37 ms on the UI thread)."""
        if self.steps:
            self.state(self.steps - 1)  # back into the last interval: lays its fine ones
            self._checkpoints.update(self._fine)
            self._marks = sorted(self._checkpoints)
        self.state(self.steps)

    def adopt_checkpoints(self, other: Replay) -> None:
        """Take over the checkpoints `other` laid on the same timeline (e.g. a worker
        that folded it forward): jumps then restore from them. Call it once `other` is no
        longer folding. Each checkpoint keeps the key index of the Replay that laid it,
        so checkpoints of both may mix."""
        if other.timeline is not self.timeline or other.every != self.every:
            raise ValueError("checkpoints come from a Replay of the same timeline and interval")
        self._checkpoints = {**other._checkpoints, **self._checkpoints}
        self._marks = sorted(self._checkpoints)

    def take_over(self, other: Replay) -> None:
        """Take the checkpoints of `other`, which folded this whole timeline (one every
        `every` steps), in place of this Replay's own. Those installed from stored
        snapshots, or adopted from a worker that started from one, hold states that share
        nothing with a fold from step 0 (each a whole state: ~470 MB at 10^6 steps); they
        are let go here. A jump still folds at most `every` events; near the end at most
        FINE, when `other` laid the end (`lay_end`). Call it once `other` is no longer
        folding."""
        if other.timeline is not self.timeline or other.every != self.every:
            raise ValueError("checkpoints come from a Replay of the same timeline and interval")
        if other._marks[-1] + other.every <= self.steps:
            raise ValueError(f"the other Replay folded to step {other._marks[-1]} of "
                             f"{self.steps}, not the whole timeline")
        self._checkpoints = dict(other._checkpoints)
        self._marks = sorted(self._checkpoints)
        self._fine = {}
        self._finest = {}

    def adopt_prefix(self, other: Replay, steps: int) -> None:
        """Take over the checkpoints `other` laid up to step `steps`, where its timeline
        and this one hold the same first `steps` events (a what-if keeps its base's events
        before its first change): jumps there restore from them. Call it once `other` is
        no longer folding."""
        if other.every != self.every:
            raise ValueError("checkpoints come from a Replay of the same interval")
        if not 0 <= steps <= min(self.steps, other.steps):
            raise IndexError(f"step {steps} is outside 0..{min(self.steps, other.steps)}")
        shared = {mark: frozen for mark, frozen in other._checkpoints.items() if mark <= steps}
        self._checkpoints = {**shared, **self._checkpoints}
        self._marks = sorted(self._checkpoints)

    def pair(self, step: int) -> tuple[State, State]:
        """The states after `step - 1` and after `step` (1 ≤ step), the second folded from
        the first, so that they share structure and compare chunk by chunk
        (`domain.changes.step_changes`) even where `state(step)` would restore another
        Replay's checkpoint (the gap worker's, a stored snapshot's). Both stay as they are.
        The Replay's own state is left at `step`, folded the same way: `state(step)` then
        folds nothing, and the second state is what `snapshot(step)` would give (a viewer
        takes it for one: one copy and one fold of the step's event less a key)."""
        state = self.state(step - 1)
        header = self.timeline.header
        before = thaw(freeze(state), header)
        with collector.paused():
            self._forward(step)  # one event from here: never a checkpoint restored
        return before, thaw(freeze(state), header)

    def install(self, state: State) -> None:
        """Keep `state` (a state on the containers of a Replay, e.g. a stored snapshot
        read back by `domain.snapshots.nearest`) as a checkpoint at its step: a jump at or
        after it folds from there."""
        if not 0 <= state.step <= self.steps:
            raise IndexError(f"step {state.step} is outside 0..{self.steps}")
        self._checkpoints[state.step] = freeze(state)
        self._marks = sorted(self._checkpoints)

    def copy(self, step: int | None = None) -> State:
        """An independent copy of the state after `step` events, to fold on from (e.g. a
        what-if from the prefix it shares with this timeline)."""
        return self.state(step).copy()

    def snapshot(self, step: int | None = None) -> State:
        """A state after `step` events that stays as it is when this Replay moves on
        (it shares frozen chunks with the Replay's: O(cells + items / (CHUNK · BLOCK))). Read it,
        do not fold on it (`copy` gives one to fold on)."""
        state = self.state(step)
        return thaw(freeze(state), state.header)

    def json(self, step: int | None = None) -> dict[str, Any]:
        """The JSON state after `step` events (the contract of DESIGN.md)."""
        state = self.state(step)
        with collector.paused():  # ~10^6 new containers at 10^6 steps
            return state_json(state, self.steps)


#: A checkpoint: the cells as tuples, their lists and the four maps as structure-sharing
#: copies (`domain.persistent`): O(cells + items / (CHUNK · BLOCK)) to take and to restore, and the
#: chunks frozen before the previous checkpoint are shared with it, so a checkpoint costs
#: memory only for what changed since.
Frozen = tuple[Any, ...]


def persistent(state: State) -> State:
    """`state` rebuilt on the structure-sharing containers a Replay folds on."""
    cells = {key: Cell(c.option, set(c.accepts), set(c.rejects), list(c.conditions),
                       ChunkedList(c.history), ChunkedList(c.claims), ChunkedList(c.events),
                       dict(c.claimed), c.rebutted)
             for key, c in state.cells.items()}
    return State(state.header, cells, ChunkedMap(state.claims.items()),
                 ChunkedMap(state.pledges.items()), ChunkedMap(state.pledge_events.items()),
                 ChunkedMap(state.stances.items()), state.step, state.last_event,
                 state.last_at)


def _shared(items: Any) -> Any:
    assert isinstance(items, ChunkedList | ChunkedMap), "a Replay state is persistent"
    return items.copy()


def freeze(state: State) -> Frozen:
    """The checkpoint of `state`, a state on persistent containers (see `persistent`).
    ClaimState and PledgeState values are shared: the fold replaces them, never changes
    them in place."""
    cells = {key: (c.option, tuple(c.accepts), tuple(c.rejects), tuple(c.conditions),
                   _shared(c.history), _shared(c.claims), _shared(c.events),
                   tuple(c.claimed.items()), c.rebutted)
             for key, c in state.cells.items()}
    return (cells, _shared(state.claims), _shared(state.pledges),
            _shared(state.pledge_events), _shared(state.stances), state.step,
            state.last_event, state.last_at)


def thaw(frozen: Frozen, header: Header) -> State:
    """A new state from checkpoint `frozen`, independent of it and of other states
    (they share only frozen chunks and immutable values)."""
    cells, claims, pledges, pledge_events, stances, step, last_event, last_at = frozen
    return State(
        header,
        {key: Cell(option, set(accepts), set(rejects), list(conditions), history.copy(),
                   claim_ids.copy(), events.copy(), dict(claimed), rebutted)
         for key, (option, accepts, rejects, conditions, history, claim_ids, events,
                   claimed, rebutted) in cells.items()},
        claims.copy(), pledges.copy(), pledge_events.copy(), stances.copy(), step,
        last_event, last_at)
