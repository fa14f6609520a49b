"""What one step changed: the dotted paths of the JSON state whose value differs.

`json_changes` is the definition (two whole JSON states compared leaf by leaf).
`step_changes` gives the same list from two fold states without building either JSON
whole: for the states of a Replay (structure-sharing containers) it builds only the cells
that differ, the claims and pledges whose entries differ, and the claims whose subject's
stance moved. At 10^6 steps that is a few cells and claims instead of ~35 MB of JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from domain.diff import comparable, leaves
from domain.measures import overall_gap
from domain.persistent import ChunkedMap, differing_keys, found
from domain.state import State
from domain.state_json import (
    cell_json,
    claim_json,
    issues_json,
    option_ranks,
    pledge_json,
    state_json,
)


def json_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Dotted paths of the JSON state whose value differs (in state order: the paths of
    `before` first, then those only in `after`)."""
    old = dict(leaves(comparable(before)))
    new = dict(leaves(comparable(after)))
    return [p for p in [*old, *(p for p in new if p not in old)] if old.get(p) != new.get(p)
            or (p in old) != (p in new)]


def step_changes(before: State, after: State) -> list[str]:
    """`json_changes` of the two states' JSON, built part by part (see the module)."""
    return brief_changes(before, after).paths


class Brief(NamedTuple):
    """What a step changed: `paths` as `step_changes` gives them, but for the claims of a
    moved stance whose `contested` alone moved only those among the first and last
    `ends` of each cell (in state order: `paths[:ends]` is `step_changes[:ends]`, and
    the latest `ends` claims it names are among those of `paths`); `total` is how many
    paths changed in all (`len(step_changes)`)."""

    paths: list[str]
    total: int


def brief_changes(before: State, after: State, ends: int | None = None) -> Brief:
    """`step_changes` in brief (`Brief`; every path when `ends` is None). A stance that
    moves at 10^6 steps flips `contested` on thousands of claims about its cell: each
    read from a map of 10^5-10^6 (~13-20 ms a repaint, most of a key's); a viewer shows
    a few of them and how many there are."""
    maps = (before.claims, after.claims, before.pledges, after.pledges)
    if not all(isinstance(m, ChunkedMap) and m for m in maps) or not (
            before.header.parties and before.header.issues):
        # plain states, or a part empty on one side (then the JSON has a `{}` leaf there)
        paths = json_changes(state_json(before, 0), state_json(after, 0))
        return Brief(paths, len(paths))
    olds: list[dict[str, Any]] = []
    news: list[dict[str, Any]] = []
    moved: list[tuple[str, str]] = []  # cells whose position or rejects differ
    ranks = option_ranks(after)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for party in after.header.parties:
        for issue in after.header.issues:
            a, b = before.cell(party.id, issue.id), after.cell(party.id, issue.id)
            if a.reads_as(b):
                continue
            if a.option != b.option or a.rejects != b.rejects:
                moved.append((party.id, issue.id))
            prefix = f"positions.{party.id}.{issue.id}"
            # the id lists as they are (ChunkedLists compare chunk by chunk, the shared
            # ones by identity): copying a cell's 10^4 event ids took ~2.5 ms a cell
            old[prefix] = cell_json(before, party.id, issue.id, ranks[issue.id],
                                    events=_as_is, claims=_as_is)
            new[prefix] = cell_json(after, party.id, issue.id, ranks[issue.id],
                                    events=_as_is, claims=_as_is)
    olds.append(old)
    news.append(new)
    claims: set[str] = differing_keys(before.claims, after.claims)  # type: ignore[arg-type]
    # claims whose entry is the same but whose `contested` moved with their subject's
    # stance (thousands when a stance moves at 10^6 steps): that leaf alone differs, and
    # it is known without building the claim's JSON (~45 ms for 3,000 of them)
    flips, flipping = contested_moved(before, after, moved, ends)
    flipped = [f for f in flips if f[1] not in claims]
    # those not listed: `flipping` counts flips alone, as a step that moves a stance
    # changes no claim about the cell that is not rebutted after it (a rejection that
    # rebuts one leaves it rebutted); the property tests hold the count to the whole list
    left_out = flipping - len(flips)
    olds.append(_claims_part(before, claims, flipped, was=True))
    news.append(_claims_part(after, claims, flipped, was=False))
    olds.append({"issues": issues_json(before), "gap": overall_gap(before)})
    news.append({"issues": issues_json(after), "gap": overall_gap(after)})
    pledges: set[str] = differing_keys(before.pledges,  # type: ignore[arg-type]
                                       after.pledges)  # type: ignore[arg-type]
    olds.append(_entries("pledges", before, pledges, lambda _s, _k, p: pledge_json(p)))
    news.append(_entries("pledges", after, pledges, lambda _s, _k, p: pledge_json(p)))
    old_leaves = {p: v for part in olds for key, value in part.items()
                  for p, v in leaves(value, key)}
    new_leaves = {p: v for part in news for key, value in part.items()
                  for p, v in leaves(value, key)}
    paths = [p for p in [*old_leaves, *(p for p in new_leaves if p not in old_leaves)]
             if old_leaves.get(p) != new_leaves.get(p) or (p in old_leaves) != (p in new_leaves)]
    return Brief(paths, len(paths) + left_out)


def contested_moved(before: State, after: State, cells: Iterable[tuple[str, str]],
                    ends: int | None = None) -> tuple[list[tuple[int, str, bool]], int]:
    """The claims about `cells` (party, issue) present in `after` whose `contested`
    differs between the two states, the same claim read in each (a claim that came or
    went is an entry that differs): (its slot in `after.claims`, its id, whether it was
    contested before); with `ends`, only the first and last `ends` of each cell. And how
    many there are in all. Only claims not rebutted can move, and only those claiming an
    option that one stance disputes and the other does not: for them `contested` is
    whether the stance disputes the option (`State.is_contested`), and the cell counts
    them (`Cell.claimed`). A cell lists its claims in the order of the map's slots."""
    out: list[tuple[int, str, bool]] = []
    count = 0
    claims = after.claims
    assert isinstance(claims, ChunkedMap)
    for key in cells:
        old, new = before.cells[key], after.cells[key]
        moving = {o: old.disputes(o) for o in new.claimed if old.disputes(o) != new.disputes(o)}
        if not moving:
            continue
        count += sum(new.claimed[o] for o in moving)
        if ends is None:
            out += [(slot, claim_id, moving[claim.option])
                    for slot, claim_id, claim in found(claims, new.claims)
                    if not claim.rebuttals and claim.option in moving]
            continue
        first = _flips(claims, new.claims, moving, ends)
        last = _flips(claims, reversed(new.claims), moving, ends)
        seen = {f[1] for f in first}
        out += first + [f for f in reversed(last) if f[1] not in seen]
    return out, count


def _flips(claims: ChunkedMap[str, Any], ids: Iterable[str], moving: dict[str, bool],
           ends: int) -> list[tuple[int, str, bool]]:
    """The first `ends` of `ids` (claims of one cell) whose `contested` moves (`moving`:
    option → whether it was contested), reading no further."""
    out: list[tuple[int, str, bool]] = []
    if ends <= 0:
        return out
    for slot, claim_id, claim in found(claims, ids):
        if not claim.rebuttals and claim.option in moving:
            out.append((slot, claim_id, moving[claim.option]))
            if len(out) == ends:
                break
    return out


def _claims_part(state: State, changed: set[str], flipped: list[tuple[int, str, bool]],
                 was: bool) -> dict[str, Any]:
    """{"claims.id": JSON} of the `changed` claims present in the state and of the
    `flipped` ones (`contested_moved`: their `contested` alone, before when `was`), in
    the map's order."""
    mapping: ChunkedMap[str, Any] = state.claims  # type: ignore[assignment]
    parts: list[tuple[int, str, Any]] = [
        (slot, f"claims.{key}", claim_json(state, key, claim))
        for slot, key, claim in found(mapping, changed)]
    parts += [(slot, f"claims.{key}.contested", before if was else not before)  # a leaf
              for slot, key, before in flipped]
    parts.sort(key=lambda part: part[0])
    return {path: value for _, path, value in parts}


def _as_is(ids: Any) -> Any:
    return ids


def _entries(part: str, state: State, keys: Iterable[str], build: Any) -> dict[str, Any]:
    """{"part.key": JSON} for the `keys` present in the state's map, in its order."""
    mapping: ChunkedMap[str, Any] = getattr(state, part)
    return {f"{part}.{key}": build(state, key, value)
            for _, key, value in sorted(found(mapping, keys), key=lambda hit: hit[0])}



def touched(changes: Iterable[str], part: str) -> set[str]:
    """The ids of the claims or pledges (`part`) that `changes` (dotted paths) name."""
    prefix = f"{part}."
    return {p[len(prefix):].split(".", 1)[0] for p in changes if p.startswith(prefix)}
