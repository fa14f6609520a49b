"""Partial snapshots (`domain.state_delta`): what changed since a full snapshot, read on
top of it, gives the state folding gives; `take` writes them between the full ones,
`nearest` and the library's repository read them with their full one."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_snapshots import TIMELINE, decoded_steps, fields, folded, recorded

from domain import fastread, snapshot_store, snapshots, state_codec, state_delta
from domain.aggregate import negotiation_id
from domain.application import Negotiations
from domain.replay import Replay
from domain.state import State
from domain.state_json import state_json
from domain.stores import store_env


def tracked_partial(base_step: int, step: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The full snapshot data at `base_step` and the partial one at `step` on top of it,
    as `take` folds them (plain, tracked)."""
    state = folded(TIMELINE, base_step)
    state_delta.track(state)
    base = state_delta.mark(state)
    full = state_codec.encode(state)
    fastread.fold_into(state, TIMELINE.events[base_step:step])
    return full, state_delta.encode(state, base)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, TIMELINE.steps), st.integers(0, 400), st.integers(0, 300),
       st.booleans())
def test_a_partial_snapshot_on_its_full_one_folds_on_as_the_fold_from_step_0(
        at: int, since: int, further: int, persistent: bool) -> None:
    base_step = max(0, at - since)
    full, partial = tracked_partial(base_step, at)
    assert state_delta.partial_of(partial) == base_step
    back = state_delta.decode(partial, full if base_step else None, TIMELINE.header,
                              persistent)
    assert fields(back) == fields(folded(TIMELINE, at))
    to = min(at + further, TIMELINE.steps)
    if persistent:  # as a viewer does: a Replay from the state read back
        replay = Replay(TIMELINE)
        replay.install(back)
        assert fields(replay.state(to)) == fields(folded(TIMELINE, to))
    else:
        fastread.fold_into(back, TIMELINE.events[at:to])
        assert fields(back) == fields(folded(TIMELINE, to))


def test_a_partial_snapshot_holds_only_what_changed_since_its_full_one() -> None:
    full, partial = tracked_partial(1_000, 1_100)
    assert len(orjson_bytes(partial)) * 4 < len(orjson_bytes(full))  # 100 statements, 1,000
    claims = [row for text in partial["claims"] for row in orjson.loads(text)[0]]
    later = {e.id for e in TIMELINE.events[1_000:1_100] if e.type == "claim"}
    assert later <= set(claims) and len(claims) < 2 * len(later) + 20
    # the deleted keys the full one held, per map
    retracted = {e.target for e in TIMELINE.events[1_000:1_100] if e.type == "retraction"}
    gone = {key for keys in partial["gone"].values() for key in keys}
    assert gone and gone <= retracted | {folded(TIMELINE, 1_000).pledge_events.get(t)
                                         for t in retracted}


def orjson_bytes(data: dict[str, Any]) -> bytes:
    return orjson.dumps(data)


def test_a_partial_snapshot_needs_its_full_one() -> None:
    _, partial = tracked_partial(1_000, 1_100)
    other, _ = tracked_partial(900, 1_000)
    for base in (None, other, partial):
        with pytest.raises(state_codec.StaleSnapshot, match="no full snapshot at step 1000"):
            state_delta.decode(partial, base, TIMELINE.header)


@pytest.mark.parametrize("url", ["memory", "sqlite"])
def test_take_writes_partial_snapshots_between_the_full_ones(url: str,
                                                             sqlite_url: str) -> None:
    app = recorded(sqlite_url if url == "sqlite" else url)
    taken = snapshots.take(app, TIMELINE.name, every=500, partial=200)
    assert taken.written == (200, 400, 500, 600, 800, 1_000, 1_200, 1_400, 1_499)
    ident = negotiation_id(TIMELINE.name)
    bases = {s.originator_version - 1: state_delta.partial_of(s.state["fold"])  # type: ignore[attr-defined]
             for s in app.snapshots.get(ident)}  # type: ignore[union-attr]
    assert bases == {200: 0, 400: 0, 500: None, 600: 500, 800: 500, 1_000: None,
                     1_200: 1_000, 1_400: 1_000, 1_499: None}
    for step, nearest in [(199, None), (200, 200), (499, 400), (799, 600), (1_450, 1_400),
                          (1_500, 1_499)]:
        state = snapshots.nearest(app, TIMELINE.name, step, TIMELINE.header)
        assert (state and state.step) == nearest
        if state is not None:
            assert fields(state) == fields(folded(TIMELINE, nearest))
    assert snapshots.take(app, TIMELINE.name, every=500, partial=200).written == ()


def test_take_goes_on_with_partial_snapshots_after_an_append(sqlite_url: str) -> None:
    from events.timeline import Timeline

    shorter = Timeline(TIMELINE.name, TIMELINE.title, TIMELINE.file, TIMELINE.header,
                       TIMELINE.events[:700])
    app = recorded(sqlite_url, shorter)
    assert snapshots.take(app, TIMELINE.name, every=500, partial=200).written == (
        200, 400, 500, 600, 699)
    app.record(TIMELINE)
    # from the full one at 699 (the last step then): the partial ones after it hold
    # what changed since
    assert snapshots.take(app, TIMELINE.name, every=500, partial=200).written == (
        800, 1_000, 1_200, 1_400, 1_499)
    for step in (850, 1_300):
        state = snapshots.nearest(app, TIMELINE.name, step, TIMELINE.header)
        assert state is not None and fields(state) == fields(folded(TIMELINE, step // 200 * 200))


def test_a_partial_snapshot_whose_full_one_is_gone_is_passed_over(sqlite_url: str) -> None:
    app = recorded(sqlite_url)
    snapshots.take(app, TIMELINE.name, every=500, partial=200)
    found = snapshot_store.recorder(app)
    with found.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"DELETE FROM {found.events_table_name} WHERE "  # type: ignore[attr-defined]
                       "originator_version=1001")
    state = snapshots.nearest(app, TIMELINE.name, 1_450, TIMELINE.header)
    assert state is not None and fields(state) == fields(folded(TIMELINE, 800))


def test_the_repository_reads_a_partial_snapshot_with_its_full_one(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = recorded(sqlite_url)
    snapshots.take(app, TIMELINE.name, every=500, partial=200)
    read = decoded_steps(monkeypatch)
    for step in (199, 450, 1_234):
        aggregate = Negotiations(env=store_env(sqlite_url)).negotiation(TIMELINE.name, step)
        assert state_json(aggregate.state, 0) == state_json(folded(TIMELINE, step), 0)
    # each reads the one asked for alone: a partial one decoded as its changes, then its
    # full one (step 0: the empty state's)
    assert read == [400, 0, 1_200, 1_000]


def test_an_empty_state_is_the_base_of_the_first_partial_snapshots() -> None:
    empty = State.empty(TIMELINE.header)
    state_delta.track(empty)
    base = state_delta.mark(empty)
    fastread.fold_into(empty, TIMELINE.events[:50])
    partial = state_delta.encode(empty, base)
    assert partial["kept"] == [[0, 0, 0]] * len(empty.cells)
    assert fields(state_delta.decode(partial, None, TIMELINE.header, True)) == fields(
        folded(TIMELINE, 50))
