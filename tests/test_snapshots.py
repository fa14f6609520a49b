"""Stored snapshots of the fold state: read back, they fold on exactly as the fold from
step 0 does; the library's repository starts from them; one folded by other rules is
never read as current."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import fastread, snapshots, state_codec
from domain.application import Negotiations
from domain.replay import Replay
from domain.state import State
from domain.state_json import state_json
from domain.stored import stored_timeline
from domain.stores import store_env
from events import synthetic
from events.timeline import Timeline

TIMELINE = synthetic.timeline(synthetic.Spec(1_500, seed=3))


def folded(timeline: Timeline, step: int) -> State:
    """The plain fold of the first `step` events: the definition."""
    state = State.empty(timeline.header)
    fastread.fold_into(state, timeline.events[:step])
    return state


def fields(state: State) -> dict[str, Any]:
    """Every field of the state, as `encode` writes it, without the deleted slots (a
    Replay's maps keep them, a plain fold's dicts do not)."""
    data = state_codec.encode(state)
    for part in ("claims", "pledges", "pledge_events", "stances"):
        data[part] = [list(e) for e in data[part] if e is not None]
    data["cells"] = [[*c[:6], [list(h) for h in c[6]], *c[7:]] for c in data["cells"]]
    return data


@settings(max_examples=25, deadline=None)
@given(st.integers(0, TIMELINE.steps), st.integers(0, 300), st.booleans())
def test_a_state_read_back_folds_on_as_the_fold_from_step_0(
        at: int, further: int, persistent: bool) -> None:
    replay = Replay(TIMELINE)
    data = state_codec.encode(replay.state(at))
    back = state_codec.decode(data, TIMELINE.header, persistent)
    assert state_codec.encode(back) == data or not persistent  # slots kept as they were
    assert fields(back) == fields(folded(TIMELINE, at))
    to = min(at + further, TIMELINE.steps)
    fastread.fold_into(back, TIMELINE.events[at:to])
    assert fields(back) == fields(folded(TIMELINE, to))


def test_a_replay_jumps_from_an_installed_snapshot_and_steps_as_before() -> None:
    replay = Replay(TIMELINE, every=64)
    snapshot = state_codec.decode(state_codec.encode(Replay(TIMELINE).state(900)),
                                  TIMELINE.header, persistent=True)
    replay.install(snapshot)
    assert replay.distance(1_000) == 100  # from the installed checkpoint, not from 0
    rng = random.Random(1)
    for step in [1_000, 999, 901, 900, 1_300, *(rng.randrange(TIMELINE.steps + 1)
                                                for _ in range(20))]:
        assert state_json(replay.state(step), 0) == state_json(folded(TIMELINE, step), 0)


def test_decode_refuses_a_state_folded_by_other_rules() -> None:
    data = state_codec.encode(Replay(TIMELINE).state(10))
    data["rules"] = "0123456789abcdef"
    with pytest.raises(state_codec.StaleSnapshot,
                       match=f"snapshot folded by rules '0123456789abcdef', not "
                             f"'{state_codec.RULES}'"):
        state_codec.decode(data, TIMELINE.header)


def recorded(url: str, timeline: Timeline = TIMELINE) -> Negotiations:
    app = Negotiations(env=store_env(url))
    app.record(timeline)
    return app


@pytest.mark.parametrize("url", ["memory", "sqlite"])
def test_take_writes_every_interval_and_the_last_step_once(url: str, sqlite_url: str) -> None:
    app = recorded(sqlite_url if url == "sqlite" else url)
    assert snapshots.take(app, TIMELINE.name, every=500) == [500, 1_000, 1_500]
    assert snapshots.take(app, TIMELINE.name, every=500) == []  # all written already
    for step, nearest in [(0, None), (499, None), (500, 500), (1_499, 1_000)]:
        state = snapshots.nearest(app, TIMELINE.name, step, TIMELINE.header)
        assert (state and state.step) == nearest
    state = snapshots.nearest(app, TIMELINE.name, 1_200, TIMELINE.header)
    assert state is not None and fields(state) == fields(folded(TIMELINE, 1_000))


def test_take_goes_on_from_the_last_snapshot_after_an_append(sqlite_url: str) -> None:
    shorter = Timeline(TIMELINE.name, TIMELINE.title, TIMELINE.file, TIMELINE.header,
                       TIMELINE.events[:700])
    app = recorded(sqlite_url, shorter)
    assert snapshots.take(app, TIMELINE.name, every=500) == [500, 700]
    app.record(TIMELINE)  # the rest appended
    assert snapshots.take(app, TIMELINE.name, every=500) == [1_000, 1_500]
    state = snapshots.nearest(app, TIMELINE.name, 1_500, TIMELINE.header)
    assert state is not None and fields(state) == fields(folded(TIMELINE, 1_500))


def test_the_repository_starts_from_a_snapshot_and_gives_the_same_state(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = recorded(sqlite_url)
    snapshots.take(app, TIMELINE.name, every=500)
    read: list[int] = []
    original = state_codec.decode

    def decode(data: dict[str, Any], *args: Any, **kwargs: Any) -> State:
        read.append(data["step"])
        return original(data, *args, **kwargs)

    monkeypatch.setattr(state_codec, "decode", decode)
    for step in (499, 500, 1_234, 1_500):
        aggregate = app.negotiation(TIMELINE.name, step)
        assert state_json(aggregate.state, 0) == state_json(folded(TIMELINE, step), 0)
        assert aggregate.name == TIMELINE.name and aggregate.header == TIMELINE.header.bare()
    # each call reads the latest aggregate first (from the snapshot at the last step),
    # then the one asked for from the nearest snapshot; step 499 folds from the start
    assert read == [1_500, 1_500, 500, 1_500, 1_000, 1_500]


def test_a_snapshot_folded_by_other_rules_is_never_read(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = recorded(sqlite_url)
    snapshots.take(app, TIMELINE.name, every=500)
    monkeypatch.setattr(state_codec, "RULES", "other-rules")  # the fold changed since
    assert snapshots.nearest(app, TIMELINE.name, 1_500, TIMELINE.header) is None
    aggregate = Negotiations(env=store_env(sqlite_url)).negotiation(TIMELINE.name, 1_200)
    assert state_json(aggregate.state, 0) == state_json(folded(TIMELINE, 1_200), 0)
    # written again by the new rules where no old one stands in the way: none here
    assert snapshots.take(app, TIMELINE.name, every=500) == []


def test_a_branch_has_no_snapshots_of_its_own() -> None:
    from pathlib import Path

    from events.loader import load_timeline

    scenarios = Path(__file__).resolve().parent.parent / "scenarios"
    app = Negotiations(env=store_env("memory"))
    overlay = load_timeline(scenarios / "whatif" / "pledge-kept.yaml")
    assert overlay.base is not None
    app.record(overlay)  # its base too, then the overlay as a branch of it
    assert snapshots.take(app, overlay.name) == []
    assert snapshots.take(app, overlay.base.name) == [overlay.base.steps]


def test_postgres_snapshots(postgres_url: str) -> None:
    timeline = synthetic.timeline(synthetic.Spec(600, seed=4))
    app = recorded(postgres_url, timeline)
    assert snapshots.take(app, timeline.name, every=250) == [250, 500, 600]
    state = snapshots.nearest(app, timeline.name, 599, timeline.header)
    assert state is not None and fields(state) == fields(folded(timeline, 500))
    opened = stored_timeline(app, timeline.name, "PostgreSQL")
    replay = Replay(opened)
    replay.install(state)
    assert replay.distance(599) == 99
    assert state_json(replay.state(599), 0) == state_json(folded(timeline, 599), 0)


def test_what_a_step_changed_is_the_same_across_checkpoints_of_other_replays() -> None:
    from domain.changes import json_changes, step_changes

    replay = Replay(TIMELINE, every=64)
    gap_worker = Replay(TIMELINE, every=64)
    gap_worker.state()
    replay.adopt_checkpoints(gap_worker)
    replay.install(state_codec.decode(state_codec.encode(Replay(TIMELINE).state(900)),
                                      TIMELINE.header, persistent=True))
    for step in (899, 900, 901, 960, 961, 1_500, 1):
        expected = json_changes(state_json(folded(TIMELINE, step - 1), 0),
                                state_json(folded(TIMELINE, step), 0))
        assert step_changes(*replay.pair(step)) == expected, step


def test_maps_read_back_compare_by_value_with_the_maps_folded() -> None:
    from domain.persistent import differing_keys

    folded_here = Replay(TIMELINE).state(1_200)
    back = state_codec.decode(state_codec.encode(folded_here), TIMELINE.header, True)
    assert differing_keys(folded_here.claims, back.claims) == set()  # type: ignore[arg-type]
    key, claim = next(iter(back.claims.items()))
    back.claims[key] = type(claim)(claim.by, claim.about, claim.issue, claim.option,
                                   [*claim.rebuttals, "e-new"])
    assert differing_keys(folded_here.claims, back.claims) == {key}  # type: ignore[arg-type]
    assert all(a.reads_as(b) for a, b in zip(folded_here.cells.values(),
                                             back.cells.values(), strict=True))


def test_a_snapshot_is_stored_as_pydantic_would_dump_it() -> None:
    import orjson

    from domain.aggregate import Negotiation, negotiation_id

    app = recorded("memory")
    state = Replay(TIMELINE).state(300)
    snapshot = Negotiation.Snapshot.of(negotiation_id(TIMELINE.name), 301, TIMELINE.name,
                                       TIMELINE.title, TIMELINE.header.bare(), state)
    stored = orjson.loads(app.mapper.to_stored_event(snapshot).state)
    # the mapper hands the JSON-ready state to orjson as it is: the same JSON
    assert stored == orjson.loads(orjson.dumps(
        snapshot.model_dump(mode="json", exclude_none=True)))
    assert stored["state"]["base"] is None and stored["state"]["fold"]["step"] == 300


def test_a_variant_takes_the_checkpoints_of_the_prefix_it_shares_with_its_base() -> None:
    import dataclasses

    base = Replay(TIMELINE, every=64)
    base.state()
    kept = [e for k, e in enumerate(TIMELINE.events) if k != 1_000]  # event 1,001 dropped
    variant_timeline = dataclasses.replace(TIMELINE, events=tuple(kept))
    variant = Replay(variant_timeline, every=64)
    variant.adopt_prefix(base, 1_000)
    assert variant.distance(1_000) == 1_000 - 960  # from the base's checkpoint at 960
    assert variant.distance(1_100) == 1_100 - 960  # not from the base's 1,024: it differs
    rng = random.Random(2)
    for step in [1_000, 999, 1_001, 1_100, 5, *(rng.randrange(len(kept) + 1)
                                                 for _ in range(20))]:
        assert state_json(variant.state(step), 0) == state_json(folded(variant_timeline, step),
                                                                0), step
    with pytest.raises(IndexError):
        variant.adopt_prefix(base, TIMELINE.steps)  # longer than the variant
