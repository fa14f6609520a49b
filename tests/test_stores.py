"""The same timeline through every store gives the same state; the store is append-only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from helpers import (
    acceptance,
    claim,
    load,
    pledge,
    proposal,
    rejection,
    report,
    retraction,
    scenario,
)

from domain import fastread
from domain.aggregate import negotiation_id
from domain.application import Negotiations, StepOutOfRange, StoreConflict
from domain.replay import Replay
from domain.stores import describe, store_env
from events import synthetic
from events.timeline import Timeline


def every_kind(day: int = 20) -> list[dict[str, Any]]:
    """A timeline with every event type, one day apart from 2022-03-`day`."""
    events = [
        proposal("p1", "russia", "crimea", "russian", conditions=["recognition"]),
        acceptance("a1", "ukraine", "crimea", "deferred"),
        claim("c1", "russia", "ukraine", "crimea", "russian", source="src", quote="settled",
              credibility=2, speaker="lavrov"),
        rejection("r1", "ukraine", target="c1", speaker="podolyak"),
        proposal("p2", "ukraine", "neutrality", "neutral", conditions=["guarantees"]),
        rejection("r2", "russia", target="p2"),
        pledge("pl", "russia", "deescalate", issue="neutrality"),
        report("rep1", "ukraine", "deescalate", "contradicts"),
        report("rep2", "turkey", "deescalate", "supports"),
        retraction("x1", "russia", "p1"),
        acceptance("a2", "russia", "neutrality", "neutral"),
    ]
    for n, event in enumerate(events):
        event["at"] = f"2022-03-{day + n // 2:02d}" + ("T12:00:00" if n % 2 else "")
    return events


def timeline_of(tmp_path: Path, events: list[dict[str, Any]], name: str = "talks",
                file: str = "talks.yaml", **overrides: Any) -> Timeline:
    data = scenario(events, negotiation={"id": name, "title": name}, **overrides)
    return load(tmp_path, data, file)


def all_states(app: Negotiations, name: str, steps: int) -> list[dict[str, Any]]:
    return [app.state(name, step=n) for n in range(steps + 1)]


def assert_same_as_replay(app: Negotiations, timeline: Timeline) -> None:
    replay = Replay(timeline)
    expected = [replay.json(n) for n in range(timeline.steps + 1)]
    assert all_states(app, timeline.name, timeline.steps) == expected


def test_memory_store_equals_the_pure_fold_at_every_step(tmp_path: Path) -> None:
    timeline = timeline_of(tmp_path, every_kind())
    app = Negotiations(env=store_env("memory"))
    assert app.record(timeline).appended == 11
    assert_same_as_replay(app, timeline)


def test_sqlite_store_equals_memory_and_survives_reopening(tmp_path: Path,
                                                          sqlite_url: str) -> None:
    timeline = timeline_of(tmp_path, every_kind())
    Negotiations(env=store_env(sqlite_url)).record(timeline)
    reopened = Negotiations(env=store_env(sqlite_url))  # a new process would see this
    assert_same_as_replay(reopened, timeline)
    assert [s.id for s in reopened.statements("talks")] == [e.id for e in timeline.events]


@pytest.mark.postgres
def test_postgres_store_equals_memory_and_sqlite(tmp_path: Path, postgres_url: str,
                                                 sqlite_url: str) -> None:
    timeline = timeline_of(tmp_path, every_kind(), name="pg-same")
    results = []
    for url in ("memory", sqlite_url, postgres_url):
        app = Negotiations(env=store_env(url))
        app.record(timeline)
        results.append(all_states(Negotiations(env=store_env(url)) if url != "memory" else app,
                                  "pg-same", timeline.steps))
    assert results[0] == results[1] == results[2]
    assert results[2][-1]["pledges"]["deescalate"]["status"] == "disputed"


@pytest.mark.postgres
def test_postgres_store_is_append_only(tmp_path: Path, postgres_url: str) -> None:
    events = every_kind()
    app = Negotiations(env=store_env(postgres_url))
    app.record(timeline_of(tmp_path, events[:4], name="pg-append"))
    result = app.record(timeline_of(tmp_path, events, name="pg-append"))
    assert (result.already, result.appended) == (4, 7)
    changed = [*events[:2], {**events[2], "option": "deferred"}, *events[3:]]
    with pytest.raises(StoreConflict, match="step 3 differs from the stored history"):
        app.record(timeline_of(tmp_path, changed, name="pg-append"))
    assert len(list(Negotiations(env=store_env(postgres_url)).statements("pg-append"))) == 11


@pytest.mark.postgres
def test_postgres_pages_return_exactly_the_asked_versions(postgres_url: str) -> None:
    timeline = synthetic.timeline(synthetic.Spec(50, seed=11))
    app = Negotiations(env=store_env(postgres_url))
    app.record(timeline)
    ids = [e.id for e in timeline.events]  # version v holds event v - 2 (1 is `Started`)

    def read(gt: int, lte: int | None, page: int) -> list[str]:
        rows = fastread.stored_rows(app, timeline.name, gt=gt, lte=lte, page=page)
        return [orjson.loads(row)["statement"]["id"] for row in rows]

    assert read(1, None, 7) == ids  # 50 = 7 pages of 7 and one of 1
    assert read(1, None, 10) == ids  # the last page full: one more, empty, read ends it
    assert read(1, None, 100) == ids
    assert read(5, 23, 7) == ids[4:22]
    assert read(1, 51, 50) == ids
    assert read(51, None, 7) == []
    app.close()


def _plan_nodes(plan: dict[str, Any]) -> Iterator[tuple[str, int]]:
    """Type and actual rows of every node of an EXPLAIN (ANALYZE, FORMAT JSON) plan."""
    yield plan["Node Type"], plan["Actual Rows"]
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


@pytest.mark.postgres
def test_a_postgres_page_touches_one_page_of_rows_whatever_the_plan(postgres_url: str) -> None:
    # Without table statistics the planner may fetch every row after the page's start and
    # sort them (about 1 s a page at 10^6 events); forbidding the index scan forces that
    # plan here, and a page must still touch only its own rows.
    from psycopg.rows import tuple_row
    from psycopg.sql import SQL

    timeline = synthetic.timeline(synthetic.Spec(3000, seed=12))
    app = Negotiations(env=store_env(postgres_url))
    app.record(timeline)
    select = fastread._postgres_select(app.recorder)
    assert select is not None
    explain = SQL("EXPLAIN (ANALYZE, FORMAT JSON) {}").format(select)
    with app.recorder.datastore.get_connection() as conn, conn.transaction(), \
            conn.cursor(row_factory=tuple_row) as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(explain, (negotiation_id(timeline.name), 1000, 1100))
        row = cursor.fetchone()
    assert row is not None
    nodes = list(_plan_nodes(row[0][0]["Plan"]))
    kinds = {kind for kind, _ in nodes}
    assert "Sort" in kinds and "Index Scan" not in kinds  # the plan that was measured
    assert max(rows for _, rows in nodes) == 100
    app.close()


# --- append-only ---------------------------------------------------------------------------


@pytest.fixture
def app(sqlite_url: str) -> Negotiations:
    return Negotiations(env=store_env(sqlite_url))


def test_recording_again_appends_only_the_new_events(tmp_path: Path, app: Negotiations) -> None:
    events = every_kind()
    first = app.record(timeline_of(tmp_path, events[:5]))
    assert (first.already, first.appended) == (0, 5)
    full = timeline_of(tmp_path, events)
    second = app.record(full)
    assert (second.already, second.appended, second.total) == (5, 6, 11)
    third = app.record(full)
    assert (third.already, third.appended) == (11, 0)
    assert_same_as_replay(app, full)


def test_a_contradicting_history_is_refused_and_nothing_is_written(tmp_path: Path,
                                                                   app: Negotiations) -> None:
    events = every_kind()
    app.record(timeline_of(tmp_path, events[:5]))
    changed = [*events[:2], {**events[2], "option": "deferred"}, *events[3:]]
    timeline = timeline_of(tmp_path, changed)
    with pytest.raises(StoreConflict) as caught:
        app.record(timeline)
    assert str(caught.value) == (
        f"{timeline.file}: step 3 differs from the stored history of 'talks' (event 'c1' "
        "changed: option: stored 'russian', file 'deferred'); the store is append-only: "
        "add a correcting event after the stored ones, "
        "or record a branch")
    stored = list(app.statements("talks"))
    assert [s.id for s in stored] == ["p1", "a1", "c1", "r1", "p2"]
    assert stored[2].option == "russian"  # the stored claim is untouched
    assert app.negotiation("talks").steps == 5


def test_a_shorter_file_than_the_store_is_refused(tmp_path: Path, app: Negotiations) -> None:
    events = every_kind()
    app.record(timeline_of(tmp_path, events))
    timeline = timeline_of(tmp_path, events[:3])
    with pytest.raises(StoreConflict, match="the store holds 11 events of 'talks', the file "
                                            "only 3; stored history is never rewritten"):
        app.record(timeline)
    assert app.negotiation("talks").steps == 11


def test_a_changed_header_is_refused(tmp_path: Path, app: Negotiations) -> None:
    events = every_kind()
    app.record(timeline_of(tmp_path, events))
    with pytest.raises(StoreConflict, match="parties, issues or sources of 'talks' differ"):
        app.record(timeline_of(tmp_path, events, principals=["russia", "turkey"]))


def test_a_step_beyond_the_stored_ones_is_an_error(tmp_path: Path, app: Negotiations) -> None:
    app.record(timeline_of(tmp_path, every_kind()))
    with pytest.raises(StepOutOfRange, match=r"step 12 is beyond the last step \(11\)"):
        app.state("talks", step=12)
    with pytest.raises(StepOutOfRange, match="no event 'ghost' in timeline 'talks'"):
        app.state("talks", at="ghost")
    assert app.state("talks", at="c1")["step"] == 3


def test_the_index_lists_every_recorded_timeline(tmp_path: Path, app: Negotiations) -> None:
    app.record(timeline_of(tmp_path, every_kind(), name="one"))
    app.record(timeline_of(tmp_path, every_kind()[:2], name="two", file="two.yaml"))
    assert [(entry.name, steps) for entry, steps in app.timelines()] == [("one", 11), ("two", 2)]


# --- store URLs ----------------------------------------------------------------------------


def test_store_urls_map_to_the_library_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORD_STORE", raising=False)
    monkeypatch.delenv("PERSISTENCE_MODULE", raising=False)
    assert store_env("memory") == {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    assert store_env("sqlite:///x/y.db") == {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                             "SQLITE_DBNAME": "x/y.db"}
    assert store_env("sqlite:////abs/y.db")["SQLITE_DBNAME"] == "/abs/y.db"
    assert store_env("plain.db")["SQLITE_DBNAME"] == "plain.db"
    assert store_env(None)["SQLITE_DBNAME"] == "accord.db"
    pg = store_env("postgresql://me:s%40cret@db.example:6543/talks?schema=team")
    assert pg == {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": "talks",
                  "POSTGRES_HOST": "db.example", "POSTGRES_PORT": "6543",
                  "POSTGRES_USER": "me", "POSTGRES_PASSWORD": "s@cret",
                  "POSTGRES_CONNECT_TIMEOUT": "5", "POSTGRES_SCHEMA": "team"}
    assert "s@cret" not in describe("postgresql://me:s%40cret@db.example:6543/talks")
    monkeypatch.setenv("ACCORD_STORE", "memory")
    assert describe() == "in-memory store"
