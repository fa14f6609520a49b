"""Stored snapshots of the fold state: read back, they fold on exactly as the fold from
step 0 does; the library's repository starts from them; one folded by other rules is
never read as current."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import fastread, snapshots, state_codec
from domain.application import Negotiations
from domain.deferred import DeferredMap
from domain.replay import Replay
from domain.state import State
from domain.state_json import state_json
from domain.stored import stored_timeline
from domain.stores import store_env
from events import synthetic
from events.timeline import Timeline

TIMELINE = synthetic.timeline(synthetic.Spec(1_500, seed=3))
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def folded(timeline: Timeline, step: int) -> State:
    """The plain fold of the first `step` events: the definition."""
    state = State.empty(timeline.header)
    fastread.fold_into(state, timeline.events[:step])
    return state


def fields(state: State) -> dict[str, Any]:
    """Every field of the state, as `encode` writes it (unpacked), without the deleted
    slots (a Replay's maps keep them, a plain fold's dicts do not)."""
    data = state_codec.rows(state)
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


def test_encode_packs_each_part_as_tables_of_columns_in_short_texts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # read back one short text at a time (a viewer's keys wait while orjson parses one),
    # names and conditions written once and numbered in the columns
    monkeypatch.setattr(state_codec, "TEXT_BYTES", 100)
    state = Replay(TIMELINE).state(900)
    data = state_codec.encode(state)
    plain = orjson.loads(orjson.dumps(state_codec.rows(state)))  # tuples as JSON lists
    names, conditions = data["names"], data["conditions"]
    assert names[0] is None and conditions[0] is None
    assert len(names) == len(set(names)) < 40  # parties, issues, options, kinds, findings

    def table(texts: list[Any]) -> list[list[Any]]:
        """The rows of a table packed in `texts`: each text about TEXT_BYTES, at most
        twice that unless it holds a single row."""
        rows: list[list[Any]] = []
        for text in texts:
            columns = orjson.loads(text)
            assert len(text) <= 2 * 100 or len(columns[0]) == 1
            rows += [list(row) for row in zip(*columns, strict=True)]
        return rows

    numbered = {"claims": (1, 2, 3, 4), "pledges": (1, 3), "pledge_events": (),
                "stances": (1, 2, 3)}
    for part, columns in numbered.items():
        assert len(data[part]) > 1, part
        read: list[Any] = []
        for row in table(data[part]):
            if row[0] is None:  # a deleted slot
                read.append(None)
                continue
            for column in columns:
                row[column] = names[row[column]]
            if part == "pledges":
                row[5] = [[report, names[finding]] for report, finding in row[5]]
            read.append(row)
        assert read == plain[part], part
    assert None in plain["stances"]  # deleted slots kept (retracted stances)

    texts = iter(data["cells"])
    cells, cut = [], 0
    for text in texts:  # a cell's head text, then its history table, claims and events
        (party, issue, option, accepts, rejects, conds, claimed, rebutted, histories,
         claim_ids, event_ids) = orjson.loads(text)
        history = table([next(texts) for _ in range(histories)])
        claims = [row[0] for row in table([next(texts) for _ in range(claim_ids)])]
        events = [row[0] for row in table([next(texts) for _ in range(event_ids)])]
        cut += histories > 1 or event_ids > 1
        cells.append([party, issue, option, accepts, rejects, conds,
                      [[event, names[kind], names[option], conditions[condition]]
                       for event, kind, option, condition in history],
                      claims, events, claimed, rebutted])
    assert cells == plain["cells"]
    assert cut  # cells long enough to be cut
    assert fields(state_codec.decode(data, TIMELINE.header)) == fields(folded(TIMELINE, 900))


def test_decode_paces_itself_once_before_each_text() -> None:
    # a viewer's worker stands aside there while a key is answered (`tui/ui_first.py`);
    # the deferred maps' texts are paced when they are built, in the decoding thread
    data = state_codec.encode(Replay(TIMELINE).state(900))
    eager = sum(len(data[part]) for part in ("cells", "claims", "pledges"))
    deferred = sum(len(data[part]) for part in state_codec.DEFERRED)
    assert eager and deferred
    paced: list[int] = []
    back = state_codec.decode(data, TIMELINE.header, True, pace=lambda: paced.append(1))
    assert len(paced) == eager
    assert fields(back) == fields(folded(TIMELINE, 900))  # reads (builds) them all
    assert len(paced) == eager + deferred


def test_a_deferred_map_built_in_another_thread_does_not_pace_it() -> None:
    # (the UI thread, reading a deferred map first, must not wait for its own repaint)
    data = state_codec.encode(Replay(TIMELINE).state(900))
    paced: list[int] = []
    back = state_codec.decode(data, TIMELINE.header, True, pace=lambda: paced.append(1))
    before = len(paced)
    assert isinstance(back.stances, DeferredMap) and back.stances.deferred
    builder = threading.Thread(target=back.stances.settle)
    builder.start()
    builder.join()
    assert len(paced) == before
    assert back.stances.deferred  # built, not yet read through this map
    assert dict(back.stances) == dict(folded(TIMELINE, 900).stances)
    assert not back.stances.deferred


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
def test_take_writes_every_interval_and_the_step_before_the_last_once(
        url: str, sqlite_url: str) -> None:
    app = recorded(sqlite_url if url == "sqlite" else url)
    assert snapshots.take(app, TIMELINE.name, every=500).written == (500, 1_000, 1_499)
    again = snapshots.take(app, TIMELINE.name, every=500)
    assert again == snapshots.Taken(TIMELINE.name, 1_500)  # all written already
    for step, nearest in [(0, None), (499, None), (500, 500), (1_498, 1_000),
                          (1_499, 1_499), (1_500, 1_499)]:
        state = snapshots.nearest(app, TIMELINE.name, step, TIMELINE.header)
        assert (state and state.step) == nearest
    state = snapshots.nearest(app, TIMELINE.name, 1_200, TIMELINE.header)
    assert state is not None and fields(state) == fields(folded(TIMELINE, 1_000))


def test_take_goes_on_from_the_last_snapshot_after_an_append(sqlite_url: str) -> None:
    shorter = Timeline(TIMELINE.name, TIMELINE.title, TIMELINE.file, TIMELINE.header,
                       TIMELINE.events[:700])
    app = recorded(sqlite_url, shorter)
    assert snapshots.take(app, TIMELINE.name, every=500).written == (500, 699)
    app.record(TIMELINE)  # the rest appended
    assert snapshots.take(app, TIMELINE.name, every=500).written == (1_000, 1_499)
    state = snapshots.nearest(app, TIMELINE.name, 1_500, TIMELINE.header)
    assert state is not None and fields(state) == fields(folded(TIMELINE, 1_499))


def test_the_repository_starts_from_a_snapshot_and_gives_the_same_state(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = recorded(sqlite_url)
    snapshots.take(app, TIMELINE.name, every=500)
    read = decoded_steps(monkeypatch)
    for step in (499, 500, 1_234, 1_500):
        aggregate = app.negotiation(TIMELINE.name, step)
        assert state_json(aggregate.state, 0) == state_json(folded(TIMELINE, step), 0)
        assert aggregate.name == TIMELINE.name and aggregate.header == TIMELINE.header.bare()
    # each call reads the nearest snapshot only (the steps come from the last stored
    # event, not from the latest aggregate: a second decode); step 499 folds from the
    # start, 1,500 from the snapshot before the last step
    assert read == [500, 1_000, 1_499]


def test_a_snapshot_folded_by_other_rules_is_never_read(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = recorded(sqlite_url)
    snapshots.take(app, TIMELINE.name, every=500)
    monkeypatch.setattr(state_codec, "RULES", "other-rules")  # the fold changed since
    assert snapshots.nearest(app, TIMELINE.name, 1_500, TIMELINE.header) is None
    aggregate = Negotiations(env=store_env(sqlite_url)).negotiation(TIMELINE.name, 1_200)
    assert state_json(aggregate.state, 0) == state_json(folded(TIMELINE, 1_200), 0)
    # written anew by the running rules, each in place of the old one
    assert snapshots.take(app, TIMELINE.name, every=500) == snapshots.Taken(
        TIMELINE.name, 1_500, (500, 1_000, 1_499), (500, 1_000, 1_499))


def test_a_branch_has_no_snapshots_of_its_own() -> None:
    from events.loader import load_timeline

    app = Negotiations(env=store_env("memory"))
    overlay = load_timeline(SCENARIOS / "whatif" / "pledge-kept.yaml")
    assert overlay.base is not None
    app.record(overlay)  # its base too, then the overlay as a branch of it
    fork = next(k for k, (a, b) in enumerate(zip(overlay.base.events, overlay.events,
                                                   strict=False)) if a != b)
    assert snapshots.take(app, overlay.name) == snapshots.Taken(
        overlay.name, overlay.steps, base=overlay.base.name, fork_step=fork)
    assert snapshots.take(app, overlay.base.name).written == (overlay.base.steps - 1,)


def test_postgres_snapshots(postgres_url: str) -> None:
    timeline = synthetic.timeline(synthetic.Spec(600, seed=4))
    app = recorded(postgres_url, timeline)
    assert snapshots.take(app, timeline.name, every=250).written == (250, 500, 599)
    state = snapshots.nearest(app, timeline.name, 598, timeline.header)
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


def test_a_snapshot_is_stored_as_its_json_then_its_parts_one_per_line() -> None:
    import orjson

    from domain.aggregate import Negotiation, negotiation_id

    app = recorded("memory")
    state = Replay(TIMELINE).state(300)
    snapshot = Negotiation.Snapshot.of(negotiation_id(TIMELINE.name), 301, TIMELINE.name,
                                       TIMELINE.title, TIMELINE.header.bare(), state)
    row = app.mapper.to_stored_event(snapshot).state
    head, *lines = row.split(b"\n")
    fold = snapshot.state["fold"]
    # the JSON pydantic would dump, each packed part a mark of the lines that hold it
    dumped = orjson.loads(orjson.dumps(snapshot.model_dump(mode="json", exclude_none=True)))
    marks, at = {}, 0
    for part in ("cells", "claims", "pledges", "pledge_events", "stances"):
        marks[part] = {"$lines": [at, at + len(fold[part])]}
        assert lines[at:at + len(fold[part])] == [t.encode() for t in fold[part]]
        at += len(fold[part])
    assert at == len(lines) and len(fold["cells"]) >= 1
    dumped["state"]["fold"].update(marks)
    assert orjson.loads(head) == dumped
    assert orjson.loads(head)["state"]["base"] is None
    # read back: the parts as texts again, the state as it was
    back: Any = app.mapper.to_domain_event(app.mapper.to_stored_event(snapshot))
    assert [bytes(t) for t in back.state["fold"]["claims"]] == \
        [t.encode() for t in fold["claims"]]
    assert fields(state_codec.decode(back.state["fold"], TIMELINE.header)) == \
        fields(folded(TIMELINE, 300))


def test_a_row_without_parts_is_plain_json() -> None:
    from domain.aggregate import Negotiation, negotiation_id

    app = recorded("memory")
    stored = list(app.recorder.select_events(negotiation_id(TIMELINE.name), limit=3))
    assert all(b"\n" not in s.state for s in stored)
    assert isinstance(app.mapper.to_domain_event(stored[1]), Negotiation.Recorded)


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


# --- stale snapshots: replaced by `take`, passed over by `nearest` ---------------------------


def stored_rules(app: Negotiations, name: str) -> dict[int, str]:
    """The rules each stored snapshot of `name` carries, by step, read whole by the mapper."""
    from domain.aggregate import negotiation_id

    assert app.snapshots is not None
    return {s.originator_version - 1: s.state["fold"]["rules"]  # type: ignore[attr-defined]
            for s in app.snapshots.get(negotiation_id(name))}


def stale_store(url: str, monkeypatch: pytest.MonkeyPatch, every: int = 500) -> Negotiations:
    """TIMELINE recorded at `url` with snapshots folded by other rules than the running ones."""
    app = recorded(url)
    with monkeypatch.context() as patch:
        patch.setattr(state_codec, "RULES", "older-rules")
        snapshots.take(app, TIMELINE.name, every=every)
    assert set(stored_rules(app, TIMELINE.name).values()) == {"older-rules"}
    return app


def decoded_steps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The steps of the snapshot data `state_codec.decode` is given from now on."""
    read: list[int] = []
    original = state_codec.decode

    def decode(data: dict[str, Any], *args: Any, **kwargs: Any) -> State:
        read.append(data["step"])
        return original(data, *args, **kwargs)

    monkeypatch.setattr(state_codec, "decode", decode)
    return read


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def any_url(request: pytest.FixtureRequest) -> str:
    """A fresh store of each kind (PostgreSQL: skips without a server, fails under CI)."""
    if request.param == "memory":
        return "memory"
    return str(request.getfixturevalue(f"{request.param}_url"))


def test_the_latest_snapshot_row_is_the_librarys(any_url: str) -> None:
    """`snapshot_store.latest` (PostgreSQL: read in binary) gives the row the library's
    `select_events(desc=True, limit=1)` gives, byte for byte, or None below the first."""
    from domain import snapshot_store
    from domain.aggregate import negotiation_id

    app = recorded(any_url)
    snapshots.take(app, TIMELINE.name, every=500)
    ident = negotiation_id(TIMELINE.name)
    library = snapshot_store.recorder(app)
    for lte in (1, 500, 501, 502, 1_200, 1_500, 10**6):
        row = snapshot_store.latest(app, ident, lte)
        rows = library.select_events(ident, lte=lte, desc=True, limit=1)
        if not rows:
            assert row is None and lte <= 500, lte
            continue
        assert row is not None, lte
        assert (row.originator_version, row.topic, bytes(row.state)) == (
            rows[0].originator_version, rows[0].topic, bytes(rows[0].state)), lte
        assert str(row.originator_id) == str(ident)
    assert snapshot_store.latest(app, negotiation_id("no such timeline"), 10**6) is None


def test_snapshot_rows_are_the_librarys_for_every_range_and_order(any_url: str) -> None:
    """`snapshot_store.select_events` (on SQLite read without a seek) gives the rows
    the library's `select_events` gives, in the same order, for every kind of range."""
    from domain import snapshot_store
    from domain.aggregate import negotiation_id

    app = recorded(any_url)
    snapshots.take(app, TIMELINE.name, every=500)
    library = snapshot_store.recorder(app)
    for ident in (negotiation_id(TIMELINE.name), negotiation_id("no such timeline")):
        for gt in (None, 0, 500, 501, 1_200):
            for lte in (None, 1, 500, 501, 1_500, 10**6):
                for desc in (False, True):
                    for limit in (None, 1, 2):
                        ours = snapshot_store.select_events(library, ident, gt=gt, lte=lte,
                                                            desc=desc, limit=limit)
                        theirs = library.select_events(ident, gt=gt, lte=lte, desc=desc,
                                                       limit=limit)
                        assert [(str(r.originator_id), r.originator_version, r.topic,
                                 bytes(r.state)) for r in ours] == [
                            (str(r.originator_id), r.originator_version, r.topic,
                             bytes(r.state)) for r in theirs], (gt, lte, desc, limit)
    assert [r.originator_version for r in snapshot_store.select_events(
        library, negotiation_id(TIMELINE.name), desc=True)] == [1_500, 1_001, 501]


def test_sqlite_snapshot_rows_are_read_by_a_scan_not_a_seek_in_the_key(
        sqlite_url: str) -> None:
    """A seek in the `WITHOUT ROWID` table loads each spilled row it compares: the
    reads of `snapshot_store` keep SQLite from using the key."""
    import sqlite3

    from domain import snapshot_store

    app = recorded(sqlite_url)
    snapshots.take(app, TIMELINE.name, every=500)
    table = snapshot_store.recorder(app).events_table_name  # type: ignore[attr-defined]
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:
        for statement, params in ((snapshot_store.SQLITE_VERSIONS, ("x", 0, 1)),
                                  (snapshot_store.SQLITE_ROW, ("x", 1))):
            plan = db.execute("EXPLAIN QUERY PLAN " + statement.format(table),
                              params).fetchall()
            assert [row[-1] for row in plan] == [f"SCAN {table}"], plan


def test_take_replaces_stale_snapshots_and_far_reads_start_from_them(
        any_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = stale_store(any_url, monkeypatch)
    assert snapshots.nearest(app, TIMELINE.name, 1_200, TIMELINE.header) is None
    taken = snapshots.take(app, TIMELINE.name, every=500)
    assert taken == snapshots.Taken(TIMELINE.name, 1_500, (500, 1_000, 1_499),
                                    (500, 1_000, 1_499))
    assert stored_rules(app, TIMELINE.name) == {500: state_codec.RULES,
                                                1_000: state_codec.RULES,
                                                1_499: state_codec.RULES}  # one row a step
    assert snapshots.take(app, TIMELINE.name, every=500) == snapshots.Taken(TIMELINE.name,
                                                                             1_500)
    read = decoded_steps(monkeypatch)
    state = snapshots.nearest(app, TIMELINE.name, 1_200, TIMELINE.header)
    assert state is not None and fields(state) == fields(folded(TIMELINE, 1_000))
    assert read == [1_000]
    read.clear()
    opened = app if any_url == "memory" else Negotiations(env=store_env(any_url))
    aggregate = opened.negotiation(TIMELINE.name, 1_234)
    assert state_json(aggregate.state, 0) == state_json(folded(TIMELINE, 1_234), 0)
    assert read == [1_000]  # from the snapshot at 1,000 alone


def test_nearest_passes_over_a_stale_snapshot_to_an_older_valid_one(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from domain.aggregate import Negotiation, negotiation_id

    app = stale_store(sqlite_url, monkeypatch, every=1_000)  # stale at 1,000 and 1,499
    assert app.snapshots is not None
    app.snapshots.put([Negotiation.Snapshot.of(
        negotiation_id(TIMELINE.name), 501, TIMELINE.name, TIMELINE.title,
        TIMELINE.header.bare(), folded(TIMELINE, 500))])
    read = decoded_steps(monkeypatch)
    state = snapshots.nearest(app, TIMELINE.name, 1_200, TIMELINE.header)
    assert state is not None and fields(state) == fields(folded(TIMELINE, 500))
    assert read == [500]  # the stale one at 1,000: its rules read, never decoded
    read.clear()
    # take folds on from the valid one and replaces the stale ones after it
    taken = snapshots.take(app, TIMELINE.name, every=500)
    assert taken == snapshots.Taken(TIMELINE.name, 1_500, (1_000, 1_499), (1_000, 1_499))
    assert read == [500]
    assert set(stored_rules(app, TIMELINE.name).values()) == {state_codec.RULES}


def test_a_stale_snapshot_before_a_valid_one_is_replaced_too(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # as stores written before `take` replaced stale ones hold them: the old rules at 500
    # and 1,000, the new ones before the last step, written where no old one stood
    app = stale_store(sqlite_url, monkeypatch, every=500)
    assert stored_rules(app, TIMELINE.name).keys() == {500, 1_000, 1_499}
    from domain import snapshot_store
    from domain.aggregate import Negotiation, negotiation_id

    snapshot = Negotiation.Snapshot.of(negotiation_id(TIMELINE.name), 1_500, TIMELINE.name,
                                       TIMELINE.title, TIMELINE.header.bare(),
                                       folded(TIMELINE, 1_499))
    snapshot_store.replace(app, app.mapper.to_stored_event(snapshot))
    assert snapshots.take(app, TIMELINE.name, every=500) == snapshots.Taken(
        TIMELINE.name, 1_500, (500, 1_000), (500, 1_000))
    assert set(stored_rules(app, TIMELINE.name).values()) == {state_codec.RULES}
    state = snapshots.nearest(app, TIMELINE.name, 999, TIMELINE.header)
    assert state is not None and fields(state) == fields(folded(TIMELINE, 500))


def test_rules_past_the_head_read_are_read_from_the_whole_snapshot(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from domain import snapshot_store
    from domain.aggregate import negotiation_id

    app = stale_store(sqlite_url, monkeypatch)
    monkeypatch.setattr(snapshot_store, "HEAD", 64)  # the fold lies past the header
    assert snapshot_store.rules(app, negotiation_id(TIMELINE.name)) == {
        501: None, 1_001: None, 1_500: None}
    assert snapshots.nearest(app, TIMELINE.name, 1_200, TIMELINE.header) is None
    assert snapshots.take(app, TIMELINE.name, every=500).replaced == (500, 1_000, 1_499)
    state = snapshots.nearest(app, TIMELINE.name, 1_200, TIMELINE.header)
    assert state is not None and fields(state) == fields(folded(TIMELINE, 1_000))


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_replacement_that_fails_leaves_the_stale_snapshot_whole(
        kind: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventsourcing.persistence import PersistenceError

    from domain import snapshot_store

    url = str(request.getfixturevalue(f"{kind}_url"))
    app = stale_store(url, monkeypatch)
    before = stored_rules(app, TIMELINE.name)
    recorder: Any = snapshot_store.recorder(app)
    insert = "_insert_events" if kind == "sqlite" else "_insert_stored_events"

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise PersistenceError("disk full")

    monkeypatch.setattr(recorder, insert, refuse)  # after the DELETE, in its transaction
    with pytest.raises(PersistenceError, match="disk full"):
        snapshots.take(app, TIMELINE.name, every=500)
    monkeypatch.undo()
    reopened = Negotiations(env=store_env(url))
    assert stored_rules(reopened, TIMELINE.name) == before  # rolled back: still all there
    aggregate = reopened.negotiation(TIMELINE.name, 1_200)  # read past them, as before
    assert state_json(aggregate.state, 0) == state_json(folded(TIMELINE, 1_200), 0)


# --- accord store snapshot ------------------------------------------------------------------


def invoke(*args: str) -> Any:
    from typer.testing import CliRunner

    from tui.cli import app

    return CliRunner().invoke(app, list(args))


def test_store_snapshot_says_what_it_replaced(sqlite_url: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    shorter = Timeline(TIMELINE.name, TIMELINE.title, TIMELINE.file, TIMELINE.header,
                       TIMELINE.events[:1_000])
    app = recorded(sqlite_url, shorter)
    with monkeypatch.context() as patch:
        patch.setattr(state_codec, "RULES", "older-rules")
        snapshots.take(app, TIMELINE.name, every=400)  # stale at 400, 800, 999
    app.record(TIMELINE)  # 500 more
    monkeypatch.setattr(snapshots, "EVERY", 400)
    result = invoke("store", "snapshot", TIMELINE.name, "--store", sqlite_url)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"{TIMELINE.name}: snapshots at step 400, 800, 999, 1200, 1499 "
                             "(3 stale ones replaced: at step 400, 800, 999)\n")
    assert set(stored_rules(app, TIMELINE.name)) == {400, 800, 999, 1_200, 1_499}
    with monkeypatch.context() as patch:
        patch.setattr(state_codec, "RULES", "newer-rules")
        result = invoke("store", "snapshot", TIMELINE.name, "--store", sqlite_url)
    assert result.stdout == (f"{TIMELINE.name}: snapshots at step 400, 800, 999, 1200, 1499 "
                             "(5 stale ones replaced)\n")
    result = invoke("store", "snapshot", TIMELINE.name, "--store", sqlite_url)
    assert result.stdout.startswith(f"{TIMELINE.name}: snapshots at step 400, ")  # back
    result = invoke("store", "snapshot", TIMELINE.name, "--store", sqlite_url)
    assert result.stdout == f"{TIMELINE.name}: its snapshots are all stored\n"


def test_store_snapshot_of_a_branch_and_of_unknown_names(sqlite_url: str) -> None:
    from events.loader import load_timeline

    overlay = load_timeline(SCENARIOS / "whatif" / "pledge-kept.yaml")
    assert overlay.base is not None
    recorded(sqlite_url, overlay)
    base = overlay.base.name
    fork = next(k for k, (a, b) in enumerate(zip(overlay.base.events, overlay.events,
                                                   strict=False)) if a != b)
    result = invoke("store", "snapshot", "nobody", overlay.name, "nothing", base,
                    "--store", sqlite_url)
    assert result.exit_code == 1  # an unknown name, after doing the others
    assert result.stderr == ("no timeline 'nobody' in the store\n"
                             "no timeline 'nothing' in the store\n")
    assert result.stdout == (
        f"{overlay.name}: a what-if branch of {base!r} after step {fork}, with no snapshots "
        f"of its own: it is read from {base!r}'s snapshots up to the fork, its "
        f"{overlay.steps - fork} own statements folded on; `accord store snapshot {base}` "
        f"stores those {base!r} lacks\n"
        f"{base}: snapshots at step {overlay.base.steps - 1}\n")


def test_a_whole_fold_takes_over_from_installed_snapshots() -> None:
    replay = Replay(TIMELINE, every=64)
    installed = state_codec.decode(state_codec.encode(Replay(TIMELINE).state(900)),
                                   TIMELINE.header, persistent=True)
    replay.install(installed)
    replay.state(950)  # checkpoints at 960.. would follow; 900 is the snapshot's
    partial = Replay(TIMELINE, every=64)
    partial.state(1_000)
    with pytest.raises(ValueError, match="folded to step 960 of 1500, not the whole"):
        replay.take_over(partial)
    whole = Replay(TIMELINE, every=64)
    whole.state()
    replay.take_over(whole)
    assert replay.distance(900) == 900 - 896  # the snapshot's checkpoint is let go
    assert max(replay.distance(step) for step in range(TIMELINE.steps + 1)) < 64
    rng = random.Random(3)
    for step in [900, 899, 1_500, *(rng.randrange(TIMELINE.steps + 1) for _ in range(20))]:
        assert state_json(replay.state(step), 0) == state_json(folded(TIMELINE, step), 0)
