"""A fold state as what changed since an earlier one: what a partial snapshot holds.

A stored snapshot of a 10^6-step state is ~35 MB; a far step reads the nearest one and
folds on from it. Between two of them (`domain.snapshots.EVERY` apart) a partial
snapshot holds only what the statements since the last full one changed, so a far
step reads the full one, puts the partial one's changes on it and folds at most
`domain.snapshots.PARTIAL` statements more, where it folded up to `EVERY`.

What changed is known without comparing whole states: `track` puts the state's maps in
`Tracked` dicts, which note each key written or deleted (the fold replaces a value it
changes in any map that is not a plain dict: `domain.fold`), and a cell's lists only
grow at the end or lose items near it, so what is kept of them is their longest common
start with a copy taken at the full snapshot (`Base`).

`encode` writes the changes with `domain.state_codec`'s own layout (a state of the
changed entries and the cells' new ends) plus what is gone; `decode` reads a full
snapshot's data with a partial one's changes made to it (`state_codec.Changes`, made on
the plain lists and dicts before a Replay's containers are built from them: on those,
each change of a map copied a chunk) into the state folding would give.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from domain import state_codec
from domain.state import Cell, State
from events.scenario import Header

#: The maps of a state, by the name `state_codec` packs them under
MAPS = ("claims", "pledges", "pledge_events", "stances")


class Tracked(dict[Any, Any]):
    """A dict that notes every key written or deleted since `touched` was last cleared,
    with whether the key was there before its first change (a subclass, so that the
    fold replaces the values it changes instead of changing them in place)."""

    __slots__ = ("touched",)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.touched: dict[Any, bool] = {}

    def _touch(self, key: Any) -> None:
        if key not in self.touched:
            self.touched[key] = dict.__contains__(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._touch(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: Any) -> None:
        self._touch(key)
        dict.__delitem__(self, key)

    def pop(self, key: Any, *default: Any) -> Any:
        """As dict.pop, noting the key."""
        self._touch(key)
        return dict.pop(self, key, *default)


def track(s: State) -> None:
    """Put the maps of the plain state `s` in `Tracked` dicts (in place)."""
    for part in MAPS:
        setattr(s, part, Tracked(getattr(s, part)))


@dataclass(frozen=True)
class Base:
    """What `encode` compares a state with: the full snapshot's step and a copy of each
    cell's history, claim and event lists then."""

    step: int
    lists: dict[tuple[str, str], tuple[list[Any], list[Any], list[Any]]]


def mark(s: State) -> Base:
    """Take the tracked state `s` as the base of the partial snapshots that follow: its
    lists copied, its maps' notes cleared."""
    for part in MAPS:
        mapping = getattr(s, part)
        assert isinstance(mapping, Tracked), "track the state before marking it"
        mapping.touched.clear()
    return Base(s.step, {key: (list(c.history), list(c.claims), list(c.events))
                         for key, c in s.cells.items()})


def _kept(now: Sequence[Any], then: list[Any]) -> int:
    """The length of the longest common start of `now` and `then` (binary search on
    slices, compared in C; shared items compare by identity)."""
    low, high = 0, min(len(now), len(then))
    if now[:high] == then[:high]:
        return high
    while high - low > 1:  # now[:low] == then[:low], now[:high] != then[:high]
        middle = (low + high) // 2
        if now[:middle] == then[:middle]:
            low = middle
        else:
            high = middle
    return low


def encode(s: State, base: Base) -> dict[str, Any]:
    """What changed in the tracked state `s` since `base` (`mark`), as JSON-ready data:
    `state_codec.encode` of a state holding the changed entries and each cell's lists
    after what is kept of them, with `partial_of` (the base's step), `kept` (per cell,
    how many history, claim and event items stay) and `gone` (per map, the keys deleted
    that the base held)."""
    cells: dict[tuple[str, str], Cell] = {}
    kept: list[list[int]] = []
    for key, c in s.cells.items():
        lists: tuple[Sequence[Any], ...] = (c.history, c.claims, c.events)
        lengths = [_kept(now, then) for now, then in zip(lists, base.lists[key], strict=True)]
        kept.append(lengths)
        cells[key] = Cell(c.option, c.accepts, c.rejects, c.conditions,
                          list(c.history[lengths[0]:]), list(c.claims[lengths[1]:]),
                          list(c.events[lengths[2]:]), c.claimed, c.rebutted)
    changed: dict[str, dict[Any, Any]] = {}
    gone: dict[str, list[Any]] = {}
    for part in MAPS:
        mapping: Tracked = getattr(s, part)
        changed[part] = {k: mapping[k] for k in mapping.touched if k in mapping}
        gone[part] = [k for k, was in mapping.touched.items() if was and k not in mapping]
    data = state_codec.encode(State(s.header, cells, changed["claims"], changed["pledges"],
                                    changed["pledge_events"], changed["stances"], s.step,
                                    s.last_event, s.last_at))
    # the rules and the base first: a row's head shows them (`domain.snapshot_store`)
    return {"rules": data.pop("rules"), "partial_of": base.step, **data, "kept": kept,
            "gone": gone}


def partial_of(data: dict[str, Any]) -> int | None:
    """The step of the full snapshot that snapshot data `data` holds changes since
    (None: the data is a full snapshot's)."""
    found = data.get("partial_of")
    return found if isinstance(found, int) else None


def decode(data: dict[str, Any], base: dict[str, Any] | None, header: Header,
           persistent: bool = False, pace: Callable[[], None] | None = None) -> State:
    """The state of snapshot data `data`: full (`base` is then not read), or partial on
    top of `base`, the data of the full snapshot at its `partial_of` step (None for
    step 0: the empty state). As `state_codec.decode` (`persistent`, `pace`,
    StaleSnapshot), for both; the changes are made while the full one is read."""
    step = partial_of(data)
    if step is None:
        return state_codec.decode(data, header, persistent, pace)
    later = state_codec.decode(data, header, pace=pace)  # (checks the rules)
    if base is None and step == 0:
        base = state_codec.encode(State.empty(header))
    if base is None or base.get("step") != step or partial_of(base) is not None:
        raise state_codec.StaleSnapshot(f"no full snapshot at step {step} to read on")
    kept = {key: (h, c, e) for key, (h, c, e) in zip(later.cells, data["kept"], strict=True)}
    changes = state_codec.Changes(later, kept, data["gone"])
    return state_codec.decode(base, header, persistent, pace, changes)
