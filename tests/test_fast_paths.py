"""The fast paths give exactly what the plain fold gives: checkpointed stepping, the paged
store reader, the batched append, and a retraction's withdraw against a full refold."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import domain.persistent
from domain import fastread, fold
from domain.application import Negotiations
from domain.changes import brief_changes, json_changes, step_changes, touched
from domain.persistent import ChunkedList, ChunkedMap, found, slot_of
from domain.replay import FINE, FINEST, Replay
from domain.state import Cell, State
from domain.state_json import state_json
from domain.state_view import StepView
from domain.stores import store_env
from events import synthetic
from events.timeline import Timeline

SPECS = st.builds(synthetic.Spec, events=st.integers(1, 600), parties=st.integers(2, 4),
                  issues=st.integers(1, 3), seed=st.integers(0, 10_000))


@pytest.fixture(autouse=True, scope="module", params=["chunks of 64, blocks of 64",
                                                      "chunks of 4, blocks of 3"])
def chunking(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test here runs twice: with the containers' own sizes, and with sizes small
    enough that the timelines and lists here fill many blocks (4 × 3 = 12 items each)."""
    sizes = (domain.persistent.CHUNK, domain.persistent.BLOCK)
    if request.param.startswith("chunks of 4"):
        domain.persistent.CHUNK, domain.persistent.BLOCK = 4, 3
    try:
        yield
    finally:
        domain.persistent.CHUNK, domain.persistent.BLOCK = sizes


def fold_plain(timeline: Timeline, step: int) -> State:
    """The definition: `fold.apply` over `State.empty`, from the first event."""
    state = State.empty(timeline.header)
    for event in timeline.events[:step]:
        fold.apply(state, event)
    return state


def plain(timeline: Timeline, step: int) -> dict[str, Any]:
    """The JSON of the definition."""
    return state_json(fold_plain(timeline, step), timeline.steps)


@settings(max_examples=40, deadline=None)
@given(spec=SPECS, every=st.integers(1, 50), data=st.data())
def test_checkpointed_stepping_equals_the_plain_fold(spec: synthetic.Spec, every: int,
                                                      data: st.DataObject) -> None:
    timeline = synthetic.timeline(spec)
    replay = Replay(timeline, every=every)
    steps = data.draw(st.lists(st.integers(0, timeline.steps), min_size=1, max_size=8))
    for step in steps:  # forward, back, and jumps across checkpoints, in any order
        assert replay.json(step) == plain(timeline, step)
    assert state_json(replay.copy(steps[0]), timeline.steps) == plain(timeline, steps[0])


@settings(max_examples=40, deadline=None)
@given(spec=SPECS, every=st.integers(1, 200), data=st.data())
def test_distance_counts_the_fold_from_the_nearest_checkpoint(
        spec: synthetic.Spec, every: int, data: st.DataObject) -> None:
    """After any visits (laying coarse, fine and finest checkpoints), `distance` is the
    fold from the nearest checkpoint laid at or before the step, or from where the
    replay is when that is nearer."""
    timeline = synthetic.timeline(spec)
    replay = Replay(timeline, every=every)
    for step in data.draw(st.lists(st.integers(0, timeline.steps), max_size=8)):
        replay.state(step)
    laid = {*replay._marks, *replay._fine, *replay._finest}
    here = replay._state.step
    for step in data.draw(st.lists(st.integers(0, timeline.steps), min_size=1)):
        nearest = max(k for k in laid | {here} if k <= step)
        assert replay.distance(step) == step - nearest


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=SPECS, data=st.data())
def test_the_state_read_from_sqlite_equals_folding_the_first_events(
        spec: synthetic.Spec, data: st.DataObject) -> None:
    timeline = synthetic.timeline(spec)
    with tempfile.TemporaryDirectory() as tmp:
        app = Negotiations(env=store_env(f"sqlite:///{Path(tmp) / 'store.db'}"))
        app.record(replace(timeline, events=()))
        assert fastread.append(app, timeline.name, 1, timeline.events, batch=64) == spec.events
        for step in data.draw(st.lists(st.integers(0, spec.events), min_size=1, max_size=4)):
            state = fastread.state_at(app, timeline.name, step)
            assert state_json(state, timeline.steps) == plain(timeline, step)
        # what the library's own path reads back from the same rows
        assert app.state(timeline.name) == plain(timeline, timeline.steps)
        assert list(app.statements(timeline.name)) == list(timeline.events)
        app.close()


def test_pages_cover_every_row_once(sqlite_url: str) -> None:
    timeline = synthetic.timeline(synthetic.Spec(1000, seed=5))
    app = Negotiations(env=store_env(sqlite_url))
    app.record(replace(timeline, events=()))
    fastread.append(app, timeline.name, 1, timeline.events)
    read = list(fastread.statements(app, timeline.name))
    assert [e.id for e in read] == [e.id for e in timeline.events]
    assert read == list(timeline.events)
    assert [e.id for e in fastread.statements(app, timeline.name, upto=700, after=300)] == [
        e.id for e in timeline.events[300:700]]
    assert len(list(fastread.stored_rows(app, timeline.name, page=7))) == 1000


def test_state_at_an_unknown_timeline_is_a_key_error(sqlite_url: str) -> None:
    app = Negotiations(env=store_env(sqlite_url))
    try:
        fastread.state_at(app, "nothing-here")
    except KeyError as exc:
        assert exc.args == ("nothing-here",)
    else:
        raise AssertionError("expected KeyError")


def test_a_copied_state_is_independent() -> None:
    timeline = synthetic.timeline(synthetic.Spec(400, seed=2))
    replay = Replay(timeline)
    kept = replay.copy(200)
    before = state_json(kept, timeline.steps)
    replay.state(400)
    other = kept.copy()
    for event in timeline.events[200:]:
        fold.apply(other, event)
    assert state_json(kept, timeline.steps) == before
    assert state_json(other, timeline.steps) == plain(timeline, 400)


STANCES = st.lists(st.tuples(
    st.sampled_from(["proposal", "acceptance", "rejection"]),
    st.sampled_from(["a", "b", "c"]),
    st.one_of(st.none(), st.lists(st.sampled_from(["x", "y"]), max_size=2).map(tuple)),
), min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(stances=STANCES, data=st.data())
def test_withdraw_equals_a_full_refold(stances: list[tuple[Any, ...]],
                                       data: st.DataObject) -> None:
    history = [(f"e{n}", kind, option, None if kind == "rejection" else conditions)
               for n, (kind, option, conditions) in enumerate(stances)]
    retractable = [s[0] for s in history if s[1] != "rejection"]
    cell = Cell(history=list(history))
    fold.refold(cell)
    gone: set[str] = set()
    for target in data.draw(st.lists(st.sampled_from(retractable), unique=True)
                            if retractable else st.just([])):
        fold.withdraw(cell, target)
        gone.add(target)
        expected = Cell(history=[s for s in history if s[0] not in gone])
        fold.refold(expected)
        assert cell.history == expected.history
        assert (cell.option, cell.accepts, cell.rejects, cell.conditions) == (
            expected.option, expected.accepts, expected.rejects, expected.conditions)


def test_the_state_read_from_postgresql_equals_folding_the_first_events(
        postgres_url: str) -> None:
    timeline = synthetic.timeline(synthetic.Spec(1200, seed=8))
    app = Negotiations(env=store_env(postgres_url))
    app.record(timeline)
    for step in (0, 1, 777, 1200):
        state = fastread.state_at(app, timeline.name, step)
        assert state_json(state, timeline.steps) == plain(timeline, step)
    assert len(list(fastread.stored_rows(app, timeline.name, page=100))) == 1200
    app.close()


# The structure-sharing containers of a Replay's states behave as a list and a dict, and a
# copy is independent of the original whatever either does afterwards.

LIST_OPS = st.lists(st.tuples(st.sampled_from(["append", "del", "set", "insert", "copy"]),
                              st.integers(0, 10_000)), max_size=1_500)


@given(LIST_OPS)
@settings(max_examples=60, deadline=None)
def test_chunked_list_behaves_as_a_list(ops: list[tuple[str, int]]) -> None:
    chunked: ChunkedList[int] = ChunkedList()
    model: list[int] = []
    copies: list[tuple[ChunkedList[int], list[int]]] = []
    for op, n in ops:
        if op == "append" or not model:
            chunked.append(n)
            model.append(n)
        elif op == "del":
            del chunked[n % len(model)]
            del model[n % len(model)]
        elif op == "set":
            chunked[-(n % len(model)) - 1] = n
            model[-(n % len(model)) - 1] = n
        elif op == "insert":
            chunked.insert(n % (len(model) + 1), n)
            model.insert(n % (len(model) + 1), n)
        else:
            copies.append((chunked.copy(), list(model)))
        start = n % (len(model) + 1)
        assert chunked[start:] == model[start:]
    assert list(chunked) == model and list(reversed(chunked)) == model[::-1]
    assert [chunked[i] for i in range(len(model))] == model
    for copy, then in copies:
        assert list(copy) == then
        # equality between copies (shared chunks, or boundaries moved by deletions)
        assert (copy == chunked) == (then == model)
        assert (copy != chunked) == (then != model)


MAP_OPS = st.lists(st.tuples(st.sampled_from(["set", "del", "copy"]), st.integers(0, 400),
                             st.integers()), max_size=1_500)


@given(MAP_OPS)
@settings(max_examples=60, deadline=None)
def test_chunked_map_behaves_as_a_dict(ops: list[tuple[str, int, int]]) -> None:
    chunked: ChunkedMap[int, int] = ChunkedMap()
    model: dict[int, int] = {}
    copies: list[tuple[ChunkedMap[int, int], dict[int, int]]] = []
    for op, key, value in ops:
        if op == "set":
            chunked[key] = value
            model[key] = value
        elif op == "del" and key in model:
            del chunked[key]
            del model[key]
        elif op == "copy":
            copies.append((chunked.copy(), dict(model)))
        assert (key in chunked) == (key in model)
        assert chunked.get(key) == model.get(key)
    assert list(chunked.items()) == list(model.items()) and len(chunked) == len(model)
    # a copy keeps what it held while the original changes on
    for copy, then in copies:
        assert list(copy.items()) == list(then.items())
    for mapping, held in [(chunked, model), *copies]:
        assert_found_as_looked_up(mapping, held)


def assert_found_as_looked_up(mapping: ChunkedMap[int, int], held: dict[int, int]) -> None:
    """`found` gives each key's slot and value as `slot_of` and `get` do, in the order
    asked, and leaves out the keys not held."""
    keys = [*range(-1, 402), *range(400, -1, -7)]
    hits = list(found(mapping, keys))
    assert [key for _, key, _ in hits] == [key for key in keys if key in held]
    assert all(slot == slot_of(mapping, key) and value == held[key]
               for slot, key, value in hits)


def test_found_gives_what_a_long_map_and_its_copy_hold() -> None:
    """Past CHUNK · BLOCK slots (blocks, then the open block's chunks, then the tail),
    with keys deleted and set again (a later slot) and a copy the original outgrows:
    each key's value, in the order asked, at its newest slot."""
    mapping: ChunkedMap[int, int] = ChunkedMap()
    held: dict[int, int] = {}
    for key in range(9_000):
        mapping[key] = held[key] = key * 3
    for key in range(0, 9_000, 5):
        del mapping[key], held[key]
    copy, then = mapping.copy(), dict(held)
    for key in range(0, 9_000, 10):  # back, in new slots past the copy's
        mapping[key] = held[key] = -key
    keys = [*range(9_001), 123_456]
    for subject, contents in ((mapping, held), (copy, then)):
        hits = list(found(subject, keys))
        assert [(key, value) for _, key, value in hits] == [
            (key, contents[key]) for key in keys if key in contents]
        assert [slot for slot, _, _ in hits] == [slot_of(subject, key) for _, key, _ in hits]
    assert next(found(mapping, [10]))[0] > 9_000  # the key's newer slot, not its deleted one


@given(SPECS, st.randoms(use_true_random=False))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_step_changes_equal_the_whole_json_diff(spec: synthetic.Spec, rng: Any) -> None:
    """What a step changed, built part by part from two Replay states, is exactly the
    leaf-by-leaf difference of the two whole JSON states."""
    timeline = synthetic.timeline(spec)
    replay = Replay(timeline, every=rng.choice([1, 7, 64]))
    for step in sorted(rng.sample(range(1, timeline.steps + 1), min(40, timeline.steps))):
        before = replay.snapshot(step - 1)
        after = replay.state(step)
        assert step_changes(before, after) == json_changes(plain(timeline, step - 1),
                                                           plain(timeline, step))


def assert_brief(before: State, after: State, ends: int) -> int:
    """`brief_changes` against `step_changes`: the same count, the same first `ends`
    paths, the others a part of them in the same order, leaving out only flips of
    `contested`, and naming the latest `ends` claims named. How many it left out."""
    whole = step_changes(before, after)
    paths, total = brief_changes(before, after, ends)
    assert total == len(whole)
    assert paths[:ends] == whole[:ends]
    rest = iter(whole)
    assert all(path in rest for path in paths)  # in the same order
    assert all(p.startswith("claims.") and p.endswith(".contested")
               for p in set(whole) - set(paths))
    named = touched(whole, "claims")
    latest = sorted(named, key=lambda k: slot_of(after.claims, k))[-ends:] if ends else []
    assert set(latest) <= touched(paths, "claims")
    return len(whole) - len(paths)


@given(SPECS, st.randoms(use_true_random=False), st.integers(0, 3))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_brief_changes_begin_and_count_as_the_whole_list(spec: synthetic.Spec, rng: Any,
                                                          ends: int) -> None:
    timeline = synthetic.timeline(spec)
    replay = Replay(timeline, every=rng.choice([1, 7, 64]))
    for step in sorted(rng.sample(range(1, timeline.steps + 1), min(40, timeline.steps))):
        assert_brief(replay.snapshot(step - 1), replay.state(step), ends)


def test_brief_changes_leave_out_the_flips_between_the_ends() -> None:
    """On a timeline long enough for cells of many claims, stances that move flip more
    claims than the ends: those are left out, and counted."""
    timeline = synthetic.timeline(synthetic.Spec(3_000, seed=2))
    replay = Replay(timeline)
    left_out = [assert_brief(*replay.pair(step), 2) for step in range(2_500, 3_001)]
    assert max(left_out) > 5 and sum(n > 0 for n in left_out) > 10


@given(SPECS, st.randoms(use_true_random=False))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_contested_counts_kept_by_the_fold(spec: synthetic.Spec, rng: Any) -> None:
    """Each cell's count of contested claims, kept by the fold (plain, and through a
    Replay's checkpoints), is the number of claims about it that `is_contested`."""
    timeline = synthetic.timeline(spec)
    replay = Replay(timeline, every=rng.choice([1, 7, 64]))
    for step in rng.sample(range(timeline.steps + 1), min(30, timeline.steps + 1)):
        for state in (replay.state(step), fold_plain(timeline, step)):
            expected: dict[tuple[str, str], int] = {}
            for claim in state.claims.values():
                if state.is_contested(claim):
                    key = (claim.about, claim.issue)
                    expected[key] = expected.get(key, 0) + 1
            assert {k: c.contested_claims() for k, c in state.cells.items()
                    if c.contested_claims()} == expected


@given(SPECS, st.randoms(use_true_random=False))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_step_view_equals_the_json_state(spec: synthetic.Spec, rng: Any) -> None:
    """A viewer's cells and contested counts, reused step by step or rebuilt after a
    jump, agree with the whole JSON state."""
    timeline = synthetic.timeline(spec)
    replay = Replay(timeline, every=rng.choice([1, 7, 64]))
    views = StepView()
    step = 0
    for _ in range(60):
        step = max(0, min(timeline.steps, step + rng.choice([1, 1, 1, -1, 50])))
        assert_view_is_json(views.view(replay.state(step), replay.snapshot(step)),
                            plain(timeline, step))


def assert_view_is_json(view: dict[str, Any], whole: dict[str, Any]) -> None:
    """A StepView's view agrees with the whole JSON state of its step."""
    for party, row in whole["positions"].items():
        for issue, cell in row.items():
            shown = view["positions"][party][issue]
            assert {k: list(v) if k == "events" else v for k, v in shown.items()
                    if k != "contested"} == cell
            assert shown["contested"] == sum(whole["claims"][c]["contested"]
                                             for c in cell["claims"])
            assert all(e in shown["events"] for e in cell["events"])
            assert (whole["event"] in shown["events"]) == (whole["event"] in cell["events"])
    assert view["gap"] == whole["gap"] and view["issues"] == whole["issues"]


def test_a_step_view_after_a_state_read_back_compares_no_ids(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A view of a state built apart from the one viewed before (read back from a stored
    snapshot) builds its cells anew instead of comparing their ids one by one (~60 ms
    at 10^6 steps), and is right; the next view, of a state folded on from that one,
    reuses the cells the step left alone."""
    from domain import state_codec

    timeline = synthetic.timeline(synthetic.Spec(3_000, seed=4))
    replay = Replay(timeline)
    views = StepView()
    views.view(replay.state(2_000), replay.snapshot(2_000))
    other = Replay(timeline)
    other.install(state_codec.decode(state_codec.encode(replay.state(2_001)),
                                     timeline.header, persistent=True))
    iterated: list[int] = []
    walk = ChunkedList.__iter__
    monkeypatch.setattr(ChunkedList, "__iter__",
                        lambda self: iterated.append(len(self)) or walk(self))
    first = views.view(other.state(2_001), other.snapshot(2_001))
    assert iterated == []
    monkeypatch.undo()
    assert_view_is_json(first, plain(timeline, 2_001))
    second = views.view(other.state(2_002), other.snapshot(2_002))
    assert_view_is_json(second, plain(timeline, 2_002))
    kept = [(party, issue) for party, row in first["positions"].items() for issue in row
            if second["positions"][party][issue]["events"]._ids
            is first["positions"][party][issue]["events"]._ids]
    assert len(kept) >= len(timeline.header.parties) * len(timeline.header.issues) - 2


def test_adopted_checkpoints_give_the_same_states() -> None:
    """A Replay that takes over the checkpoints another laid (the TUI's gap worker) jumps
    from them, and mixes them with its own, to the states of the plain fold."""
    timeline = synthetic.timeline(synthetic.Spec(900, seed=3))
    worker, app = Replay(timeline, every=64), Replay(timeline, every=64)
    app.state(300)
    worker.state(timeline.steps)
    app.adopt_checkpoints(worker)
    for step in (890, 5, 640, 300, 129, 900):
        assert app.json(step) == plain(timeline, step)


def test_a_whole_fold_that_laid_the_end_hands_on_the_fine_checkpoints() -> None:
    """After `take_over` of a worker's fold that ended with `lay_end`, the last steps
    fold at most FINE events (not up to `every`), wherever the steps back went since, to
    the plain fold's states."""
    timeline = synthetic.timeline(synthetic.Spec(1_000, seed=4))
    worker, app = Replay(timeline, every=256), Replay(timeline, every=256)
    worker.state(timeline.steps)
    app.take_over(worker)
    assert app.distance(1_000) == 1_000 - 768  # from the coarse checkpoint
    worker.lay_end()
    app.take_over(worker)
    app.state(10)  # steps back into another interval lay fine checkpoints there
    app.state(9)
    assert [app.distance(step) for step in (1_000, 999, 960, 900, 800)] == [
        1_000 - 960, 999 - 960, 0, 900 - 896, 800 - 768]
    for step in (1_000, 999, 960, 900, 800, 10):
        assert app.json(step) == plain(timeline, step)


@given(st.lists(st.integers(0, 1_200), min_size=1, max_size=8))
@settings(max_examples=15, deadline=None)
def test_steps_back_from_fine_checkpoints(starts: list[int]) -> None:
    """Stepping back lays fine checkpoints inside the interval; states restored from them
    (and from the coarse ones, after moving elsewhere) are the plain fold's."""
    timeline = synthetic.timeline(synthetic.Spec(1_200, seed=5))
    replay = Replay(timeline, every=512)
    replay.state(timeline.steps)
    for start in starts:
        for step in (start, max(0, start - 1), max(0, start - 70), min(1_200, start + 3)):
            assert replay.json(step) == plain(timeline, step)


@given(st.lists(st.integers(0, 700), min_size=1, max_size=12), st.sampled_from([50, 64, 256]))
@settings(max_examples=30, deadline=None)
def test_distance_is_what_a_step_folds(steps: list[int], every: int) -> None:
    """`Replay.distance(step)` is the number of events `state(step)` then folds
    (forward from the state in hand, or from the nearest checkpoint, coarse or fine)."""
    timeline = synthetic.timeline(synthetic.Spec(700, seed=9))
    replay = Replay(timeline, every=every)
    folded = 0
    original = fold.apply

    def counting(state: State, event: Any) -> None:
        nonlocal folded
        folded += 1
        original(state, event)

    fold.apply = counting  # type: ignore[assignment]
    try:
        for step in steps:
            for target in (step, max(0, step - 1), max(0, step - 65)):
                expected = replay.distance(target)
                folded = 0
                replay.state(target)
                assert folded == expected, (target, every)
    finally:
        fold.apply = original  # type: ignore[assignment]


def test_steps_back_one_at_a_time_fold_fewer_than_finest_events() -> None:
    """Stepping back one event at a time (a held `k`): the first step back into a FINE
    block lays finest checkpoints on its way, and every later step back in that block
    folds fewer than FINEST events, to the plain fold's states."""
    timeline = synthetic.timeline(synthetic.Spec(1_000, seed=6))
    replay = Replay(timeline, every=256)
    replay.state(timeline.steps)
    folds: list[int] = []
    for step in range(999, 880, -1):
        folds.append(replay.distance(step))
        assert replay.state(step).step == step
        if step % 7 == 0:
            assert replay.json(step) == plain(timeline, step)
    firsts = [i for i, step in enumerate(range(999, 880, -1)) if step % FINE == FINE - 1]
    assert all(folds[i] < FINEST for i in range(1, len(folds)) if i not in firsts)
    assert max(folds) >= FINE - 1  # (the first into a block folds from its fine one)


def test_a_pair_leaves_the_replay_at_its_step_folded_from_the_step_before() -> None:
    """`pair(step)` leaves the Replay's own state at `step`, folded by one event from the
    state before it, even where a whole state is installed at `step` (a stored
    snapshot's): `state(step)` then folds nothing, and the pair's second state (which the
    app views the step by) is the plain fold's, sharing the first one's chunks."""
    from domain import state_codec

    timeline = synthetic.timeline(synthetic.Spec(3_000, seed=3))
    replay = Replay(timeline, every=256)
    replay.install(state_codec.decode(state_codec.encode(Replay(timeline).state(2_000)),
                                      timeline.header, persistent=True))
    replay.state(2_500)
    for step in (2_000, 2_001, 1_999, 2_999, 1):
        before, after = replay.pair(step)
        assert replay.distance(step) == 0, step
        assert replay.state(step).step == step
        assert (state_json(before, timeline.steps), state_json(after, timeline.steps)) == (
            plain(timeline, step - 1), plain(timeline, step))
        # folded from `before`: the same slot objects, but for the few the event changed
        # (a state read back from a snapshot has objects of its own, equal in value)
        assert sum(x is not y for x, y in zip(before.claims._slots, after.claims._slots,
                                              strict=False)) < 10, step
