"""Fast paths through a store: statements read in pages and decoded without validation,
and a timeline appended in one transaction without building aggregate events.

The library's own path (`Application.repository.get`) validates every stored event as a
pydantic model, checks it against a Protocol and fetches every row at once; these paths
read the same rows (the recorder's `select_events` with `gt`/`lte`/`limit`, page by page),
decode them with orjson and fold them with `domain.fold` — the rules stay there.
Skipping validation is safe because only `Negotiations.record` writes these rows, from
validated statements.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast
from uuid import UUID

import orjson
from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier
from pydantic_core import PydanticUndefined

from domain import fold
from domain.aggregate import Negotiation, negotiation_id
from domain.state import State
from events.catalogue import EVENT_TYPES, EventBase
from events.catalogue import Event as Statement

#: Rows per page: measured flat from 2,000 to 50,000; a page of this size holds ~2 MB.
PAGE = 5_000

_RECORDED_TOPIC = get_topic(Negotiation.Recorded)
_SHARED_EMPTY: list[str] = []  # the `tags` of every decoded statement without tags
_DEFAULTS: dict[str, dict[str, Any]] = {
    kind: {name: (_SHARED_EMPTY if f.default_factory is list else f.default)
           for name, f in cls.model_fields.items() if f.default is not PydanticUndefined
           or f.default_factory is not None}
    for kind, cls in EVENT_TYPES.items()
}
_FIELDS_SET = {kind: frozenset(cls.model_fields) for kind, cls in EVENT_TYPES.items()}
_new = object.__new__
_intern = sys.intern
_SHARED_FIELDS = ("party", "issue", "option", "about", "speaker", "source")
_set = object.__setattr__


def trusted_statement(data: dict[str, Any]) -> Statement:
    """A statement from its stored JSON form, without validation (see module docstring):
    the fields the mapper left out as None get their defaults back."""
    kind = data["type"]
    cls: type[EventBase] = EVENT_TYPES[kind]
    # The fold keeps party, issue and option ids for every stance: one shared string per
    # id instead of one decoded copy per event (~150 MB less for 10^6 events)
    for name in _SHARED_FIELDS:
        value = data.get(name)
        if value is not None:
            data[name] = _intern(value)
    event = _new(cls)
    _set(event, "__dict__", {**_DEFAULTS[kind], **data})
    _set(event, "__pydantic_fields_set__", _FIELDS_SET[kind])
    _set(event, "__pydantic_extra__", None)
    _set(event, "__pydantic_private__", None)
    return cast(Statement, event)


def stored_rows(app: Application[Any], name: str, gt: int = 1, lte: int | None = None,
                page: int = PAGE) -> Iterator[bytes]:
    """The stored JSON of timeline `name`'s events with versions in (gt, lte], page by page."""
    recorder: Any = app.recorder
    ident = negotiation_id(name)
    sqlite = getattr(recorder, "events_table_name", None) if _is_sqlite(recorder) else None
    postgres = _postgres_select(recorder)
    while lte is None or gt < lte:
        limit = page if lte is None else min(page, lte - gt)
        if sqlite is not None:
            # The library's select_events builds a StoredEvent (and parses a UUID) per row;
            # the same query for the state column alone, as plain tuples (the library
            # sets sqlite3.Row), reads rows about 5x faster.
            with recorder.datastore.transaction(commit=False) as cursor:
                raw = cursor.sqlite_cursor
                raw.row_factory = None
                raw.execute(
                    f"SELECT state FROM {sqlite} WHERE originator_id=? "
                    "AND originator_version>? AND originator_version<=? "
                    "ORDER BY originator_version LIMIT ?",
                    (ident.hex, gt, _NO_END if lte is None else lte, limit))
                states = [row[0] for row in raw.fetchall()]
        elif postgres is not None:
            # the same for PostgreSQL: the state column alone, as tuples (not dict rows),
            # a page asked as the version range (gt, gt + limit] (see `_postgres_select`);
            # in binary, the bytea comes as it is stored, not hex text to decode: the
            # fetch takes half the time
            with recorder.datastore.get_connection() as conn, \
                    conn.cursor(row_factory=tuple_row, binary=True) as cursor:
                cursor.execute(postgres, (ident, gt, gt + limit), prepare=True)
                states = [row[0] for row in cursor.fetchall()]
        else:
            states = [r.state for r in
                      recorder.select_events(ident, gt=gt, lte=lte, limit=limit)]
        yield from states
        if len(states) < limit:
            return
        gt += limit  # versions are contiguous: the store is append-only


_NO_END = 2**62


def _postgres_select(recorder: Any) -> Composed | None:
    """The SELECT of one page of the state column for a PostgreSQL recorder (else None).

    A page is a closed version range, not `> gt ... LIMIT n`: with no statistics on the
    table (never analysed: right after a big append, or with autovacuum off) the planner
    guesses ~100 matching rows, and its custom plans (a prepared statement's first five
    executions, per pooled connection and per parameter types) fetch every row after `gt`
    with a bitmap scan, sort them on disk, then keep the first n: about 1 s a page at 10^6
    events, 37 pages of a 10^6 replay. A bounded range touches one page of rows whatever
    the plan (docs/benchmark.md); `append` analyses the table after a big append."""
    table = _postgres_table(recorder)
    if table is None:
        return None
    return SQL(
        "SELECT state FROM {table} WHERE originator_id = %s "
        "AND originator_version > %s AND originator_version <= %s "
        "ORDER BY originator_version"
    ).format(table=table)


def _postgres_table(recorder: Any) -> Composed | None:
    """The schema-qualified events table of a PostgreSQL recorder (else None)."""
    from eventsourcing.postgres import PostgresAggregateRecorder

    if not isinstance(recorder, PostgresAggregateRecorder):
        return None
    return SQL("{}.{}").format(Identifier(recorder.datastore.schema),
                               Identifier(recorder.events_table_name))


def _key(originator_id: Any, sqlite: bool) -> Any:
    """An originator id as the recorder stores it (SQLite: the UUID's hex)."""
    return originator_id.hex if sqlite and isinstance(originator_id, UUID) else originator_id


def _is_sqlite(recorder: Any) -> bool:
    from eventsourcing.sqlite import SQLiteAggregateRecorder

    return isinstance(recorder, SQLiteAggregateRecorder)


def statements(app: Application[Any], name: str, upto: int | None = None,
               after: int = 0) -> Iterator[Statement]:
    """Statements `after`+1 .. `upto` of timeline `name` (to the end when None), in order."""
    lte = None if upto is None else upto + 1
    for row in stored_rows(app, name, gt=after + 1, lte=lte):
        yield trusted_statement(orjson.loads(row)["statement"])


def stored_count(app: Application[Any], name: str) -> int:
    """How many statements timeline `name` holds (its last version less `Started`; 0 when
    nothing is stored): one indexed read of the last row."""
    last = app.recorder.select_events(negotiation_id(name), desc=True, limit=1)
    return max(last[0].originator_version - 1, 0) if last else 0


def state_at(app: Application[Any], name: str, step: int | None = None) -> State:
    """The fold state of timeline `name` after `step` statements (the end when None).
    Raises KeyError if the store has no such timeline."""
    started = app.recorder.select_events(negotiation_id(name), lte=1)
    if not started:
        raise KeyError(name)
    opened = app.mapper.to_domain_event(started[0])
    state = State.empty(opened.header)  # type: ignore[attr-defined]
    fold_into(state, statements(app, name, upto=step))
    return state


def fold_into(state: State, statements: Iterable[Statement]) -> None:
    """Apply `statements` to `state` in order (the rules are `domain.fold`'s)."""
    apply = fold.apply
    for statement in statements:
        apply(state, statement)


def append(app: Application[Any], name: str, version: int,
           statements: Iterable[Statement], batch: int = PAGE,
           opening: Sequence[Any] = ()) -> int:
    """Append `statements` to timeline `name` whose last stored version is `version`, all
    in one transaction (nothing half-written), serialising a batch at a time so a million
    statements never sit in memory as aggregate events. Returns how many were appended.
    `opening`: pending aggregate events (a new timeline's `Started`, the index entry) to
    store first, in the same transaction.

    The rows are exactly what `Negotiations.record` stores (the mapper's JSON of a
    `Negotiation.Recorded`); the library's optimistic concurrency still holds (the primary
    key on (originator_id, originator_version) refuses a concurrent writer). On PostgreSQL
    a first or big append is followed by ANALYZE of the table (`_refresh_statistics`)."""
    from datetime import UTC, datetime

    recorder: Any = app.recorder
    ident = negotiation_id(name)
    head = {"originator_id": str(ident), "timestamp": datetime.now(UTC).isoformat()}
    sqlite = _is_sqlite(recorder)
    count = 0

    def insert(cursor: Any, rows: list[tuple[Any, int, str, bytes]]) -> None:
        if sqlite:
            # The library's INSERT, with executemany: its recorder executes row by row to
            # collect notification ids, which appending a timeline does not use.
            cursor.executemany(recorder.insert_events_statement, rows)
        else:  # the recorder's own insert, inside our transaction
            recorder._insert_stored_events(cursor, [StoredEvent(*row) for row in rows])

    def batches() -> Iterator[list[tuple[Any, int, str, bytes]]]:
        key = ident.hex if sqlite else ident
        rows: list[tuple[Any, int, str, bytes]] = [
            (_key(e.originator_id, sqlite), e.originator_version, e.topic, e.state)
            for e in map(app.mapper.to_stored_event, opening)]
        at = version
        for statement in statements:
            at += 1
            # == statement.model_dump(mode="json", exclude_none=True): every field of a
            # statement is already JSON (str, int, list of str), at a fifth of the cost
            data = {k: v for k, v in statement.__dict__.items() if v is not None}
            state = orjson.dumps({**head, "originator_version": at, "statement": data})
            rows.append((key, at, _RECORDED_TOPIC, state))
            if len(rows) == batch:
                yield rows
                rows = []
        if rows:
            yield rows

    if not hasattr(recorder, "datastore"):  # in memory: one insert is one transaction
        every = [StoredEvent(*row) for rows in batches() for row in rows]
        recorder.insert_events(every)
        return len(every) - len(opening)
    with recorder.datastore.transaction(commit=True) as cursor:
        for rows in batches():
            insert(cursor, rows)
            count += len(rows)
    if not sqlite:
        _refresh_statistics(recorder, count)
    return count - len(opening)


#: An append of at least this many rows (and a tenth of the table) re-analyses the table.
ANALYZE_AFTER = 10_000


def _refresh_statistics(recorder: Any, appended: int) -> None:
    """ANALYZE a PostgreSQL recorder's events table after an append of `appended` rows
    when the table has no statistics yet, or the append alone was large: at least
    ANALYZE_AFTER rows and a tenth of the rows the statistics counted (autovacuum's default
    scale factor, per append; this server runs without autovacuum, others may too).

    Never analysed, the table looks empty to the planner: it guesses 5-20 rows a page of
    `stored_rows` and plans a bitmap scan and a sort; with statistics it expects the
    page's 5,000 rows and, from ~2·10^5 rows in the table, reads them by an index scan on
    the primary key (a 2·10^5-row read: 1.0 s -> 0.6 s). Statistics from a table 200 times
    smaller still give that plan (the planner scales the rows counted to the table's
    current size), hence no ANALYZE after every append. ANALYZE samples at most 30,000
    rows: 8-15 ms on a small table, 0.13-0.34 s from 2·10^5 rows (docs/benchmark.md).
    It runs after the append's commit, in a transaction of its own (the pool's
    connections are autocommit); SKIP_LOCKED leaves the work to a concurrent ANALYZE or
    VACUUM of the table instead of waiting for it. SQLite is not analysed: it reads a
    page through its primary key with or without statistics (same plan, same time)."""
    from eventsourcing.persistence import PersistenceError

    table = _postgres_table(recorder)
    if table is None:
        return
    try:
        with recorder.datastore.get_connection() as conn:
            found = conn.execute(
                "SELECT c.reltuples AS counted, EXISTS (SELECT FROM pg_stats s WHERE "
                "s.schemaname = n.nspname AND s.tablename = c.relname) AS analysed "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = %s",
                (recorder.datastore.schema, recorder.events_table_name)).fetchone()
            if found is None:  # no such table: nothing was appended to analyse
                return
            if found["analysed"] and appended < max(ANALYZE_AFTER, found["counted"] / 10):
                return
            conn.execute(SQL("ANALYZE (SKIP_LOCKED) {}").format(table))
    except PersistenceError:
        # The rows are committed: statistics only speed up later reads, so a failed
        # ANALYZE (a lost connection, a timeout, a server that refuses it) must not turn
        # a successful record into an error. A role that does not own the table gets a
        # warning from the server, not an error, and the table stays as it was.
        pass
