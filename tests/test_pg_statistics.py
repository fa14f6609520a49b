"""PostgreSQL: a record leaves the events table with planner statistics (`fastread.append`
runs ANALYZE after a first or a big append), and a failed ANALYZE does not fail it."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from helpers import fresh_schema
from psycopg.sql import SQL

from domain import fastread
from domain.aggregate import negotiation_id
from domain.application import Negotiations, Recorded
from domain.stores import store_env
from events import synthetic

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(postgres_url: str) -> Iterator[tuple[str, str]]:
    """A fresh schema of its own per test (the session's schema is analysed by other
    tests): the store URL and the qualified events table. `postgres_url` (conftest) skips
    without a server and fails under CI=true."""
    server = postgres_url.split("?")[0]
    with fresh_schema(server, prefix="accord_stats") as url:
        yield url, f"{url.rsplit('=', 1)[1]}.accord_events"


def _table_stats(url: str, table: str) -> tuple[float, int, int]:
    """reltuples (-1: never analysed), the rows in the table, and its columns in pg_stats."""
    server, schema = url.split("?schema=")
    with psycopg.connect(server) as conn:
        row = conn.execute(
            "SELECT c.reltuples, (SELECT count(*) FROM pg_stats s WHERE s.schemaname = %s "
            "AND s.tablename = c.relname) FROM pg_class c WHERE c.oid = %s::regclass",
            (schema, table)).fetchone()
        total = conn.execute(SQL("SELECT count(*) FROM {}").format(SQL(table))).fetchone()
    assert row is not None and total is not None
    return row[0], total[0], row[1]


def _page_plan(app: Negotiations, url: str, name: str, gt: int) -> dict[str, Any]:
    """The planner's plan (EXPLAIN, FORMAT JSON) of `stored_rows`'s page (gt, gt + PAGE]."""
    select = fastread._postgres_select(app.recorder)
    assert select is not None
    with psycopg.connect(url.split("?")[0]) as conn:
        row = conn.execute(SQL("EXPLAIN (FORMAT JSON) {}").format(select),
                           (negotiation_id(name), gt, gt + fastread.PAGE)).fetchone()
    assert row is not None
    plan: dict[str, Any] = row[0][0]["Plan"]
    return plan


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def test_a_big_record_leaves_the_table_analysed_and_a_page_estimated_right(
        store: tuple[str, str]) -> None:
    url, table = store
    timeline = synthetic.timeline(synthetic.Spec(fastread.ANALYZE_AFTER + 2000, seed=3))
    app = Negotiations(env=store_env(url))
    app.record(timeline)
    counted, rows, columns = _table_stats(url, table)
    assert rows == fastread.ANALYZE_AFTER + 2003  # Started, the statements, the index entry
    assert counted == rows  # ANALYZE reads every page of a table this small
    assert columns == 5  # originator_id, originator_version, topic, state, notification_id
    # Never analysed, the planner guessed 5-20 rows a page; now it expects the page's rows
    # (on a table this small it then reads the table whole and sorts: a page is 40 % of it)
    plan = _page_plan(app, url, timeline.name, 4000)
    assert abs(plan["Plan Rows"] - fastread.PAGE) < fastread.PAGE / 10
    app.close()


def test_a_big_table_is_read_by_an_index_scan_once_analysed(store: tuple[str, str]) -> None:
    # 250,000 rows written by SQL (recording them takes ~20 s), then a small record: the
    # table had no statistics, so it is analysed, and a page of the big originator is an
    # index scan in version order (no sort); never analysed it was a bitmap scan and a sort.
    url, table = store
    big = negotiation_id("bulk")
    app = Negotiations(env=store_env(url))  # creates the tables
    with psycopg.connect(url.split("?")[0]) as conn:
        conn.execute(SQL(
            "INSERT INTO {} (originator_id, originator_version, topic, state) "
            "SELECT %s, g, 't', convert_to(repeat('x', 330), 'UTF8') "
            "FROM generate_series(1, 250000) g").format(SQL(table)), (big,))
    never = _page_plan(app, url, "bulk", 100_000)
    assert [n["Node Type"] for n in _nodes(never)][:2] == ["Sort", "Bitmap Heap Scan"]
    app.record(synthetic.timeline(synthetic.Spec(20, seed=1)))
    analysed = _page_plan(app, url, "bulk", 100_000)
    assert [n["Node Type"] for n in _nodes(analysed)] == ["Index Scan"]
    assert analysed["Index Name"] == "accord_events_pkey"
    app.close()


def test_only_a_first_or_a_big_append_analyses(store: tuple[str, str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    url, table = store
    monkeypatch.setattr(fastread, "ANALYZE_AFTER", 100)  # the rule, on small tables
    full = synthetic.timeline(synthetic.Spec(2000, seed=4))

    def record(steps: int) -> None:
        app = Negotiations(env=store_env(url))
        app.record(dataclasses.replace(full, events=full.events[:steps]))
        app.close()

    record(10)  # no statistics yet: analysed, however small
    assert _table_stats(url, table)[:2] == (13, 13)
    record(109)  # 99 rows < 100
    assert _table_stats(url, table)[:2] == (13, 112)
    record(1009)  # 900 rows: >= 100 and >= a tenth of the 13 counted
    assert _table_stats(url, table)[:2] == (1012, 1012)
    record(1109)  # 100 rows < a tenth of the 1,012 counted
    assert _table_stats(url, table)[:2] == (1012, 1112)
    record(1211)  # 102 rows >= 101.2
    assert _table_stats(url, table)[:2] == (1214, 1214)


def _refuse_analyze(url: str, table: str) -> None:
    """An expression index whose function raises while ANALYZE samples the table (and
    only then): a real error from the server's ANALYZE, the inserts unaffected."""
    server, schema = url.split("?schema=")
    with psycopg.connect(server) as conn:
        conn.execute(SQL(
            "CREATE FUNCTION {schema}.refuse_analyze(b bytea) RETURNS int IMMUTABLE "
            "LANGUAGE plpgsql AS $$ BEGIN IF current_query() ILIKE 'analyze%' THEN "
            "RAISE EXCEPTION 'statistics refused'; END IF; RETURN 0; END $$").format(
                schema=SQL(schema)))
        conn.execute(SQL("CREATE INDEX ON {table} (({schema}.refuse_analyze(state)))").format(
            table=SQL(table), schema=SQL(schema)))


def test_a_failed_analyze_does_not_fail_the_record(store: tuple[str, str]) -> None:
    url, table = store
    timeline = synthetic.timeline(synthetic.Spec(300, seed=5))
    app = Negotiations(env=store_env(url))
    _refuse_analyze(url, table)
    assert app.record(timeline) == Recorded(timeline.name, 0, 300)
    assert _table_stats(url, table) == (-1, 303, 0)  # recorded, not analysed
    with psycopg.connect(url.split("?")[0]) as conn, \
            pytest.raises(psycopg.errors.RaiseException, match="statistics refused"):
        conn.execute(SQL("ANALYZE {}").format(SQL(table)))  # the error the record met
    assert [s.id for s in app.statements(timeline.name)] == [e.id for e in timeline.events]
    app.close()


def test_the_analyze_does_not_wait_for_a_concurrent_one(store: tuple[str, str]) -> None:
    # Another session holds the lock ANALYZE and VACUUM take. (Not during a record: the
    # recorder's inserts lock the table in EXCLUSIVE mode, which waits for it too.)
    url, table = store
    app = Negotiations(env=store_env(url))
    app.record(synthetic.timeline(synthetic.Spec(100, seed=6)))
    with psycopg.connect(url.split("?")[0]) as conn:
        conn.execute(SQL("INSERT INTO {} (originator_id, originator_version, topic, state) "
                         "SELECT gen_random_uuid(), 1, 't', 'x' FROM generate_series(1, 50)")
                     .format(SQL(table)))
    assert _table_stats(url, table)[:2] == (103, 153)
    with psycopg.connect(url.split("?")[0]) as holder:
        holder.execute(SQL("LOCK TABLE {} IN SHARE UPDATE EXCLUSIVE MODE").format(SQL(table)))
        worker = threading.Thread(
            target=fastread._refresh_statistics, args=(app.recorder, 10**6))
        worker.start()
        worker.join(timeout=30)
        waited = worker.is_alive()
        holder.rollback()  # releases the lock: a waiting ANALYZE would now go on
    worker.join()
    assert not waited
    assert _table_stats(url, table)[:2] == (103, 153)  # left to the other session
    fastread._refresh_statistics(app.recorder, 10**6)
    assert _table_stats(url, table)[:2] == (153, 153)
    app.close()
