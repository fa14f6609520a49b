"""The store's snapshot table below the library: which fold rules each stored snapshot
carries, read from the head of its row, and a stale snapshot replaced in place.

The eventsourcing library (9.5) keeps snapshots through an `AggregateRecorder` on a table
of their own (SQLite `stored_snapshots`, PostgreSQL `<application>_snapshots`, a list in
memory), keyed by (originator id, version) like the events, and offers `insert_events` and
`select_events` only: a snapshot can be added, never deleted or overwritten. A snapshot
folded by other rules (`domain.state_codec.RULES`) holds its version's row for ever, and
every read of a later step starts from it only to fold from the start instead. `replace`
deletes that row and inserts the new snapshot in one transaction of the recorder's own
datastore (as `domain.fastread` appends events): either both happen or neither does.

`rules` reads the first `HEAD` bytes of each row rather than the snapshots themselves (51
MB of JSON at 10^6 statements, 1-2 s to parse each): the mapper writes the snapshot's
`state` last, and in it the fold (`"fold":{"rules":"..."`) after the name, title and
header (~2 KB). Where the head does not show them (a longer header, a compressed or
encrypted store) the snapshot is read whole. A wrong reading costs time, never a wrong
state: `state_codec.decode` checks the rules of what it decodes.

On SQLite the snapshot table is `WITHOUT ROWID`: a row's whole record is the key of the
table's b-tree, and a seek that compares the key sought with a row whose record spills
onto overflow pages loads that whole record first, a full snapshot's 35 MB at 10^6
statements. A read by key compared with several of them: 0.14 s to find the version of
the last snapshot, 0.18 s to fetch it, 30-50 ms for a 1 MB partial one. `select_events`
reads the table without a seek (a `+` before a key column keeps SQLite from using the
key): the versions from a scan of the rows' heads, then each row wanted by a scan that
loads its record alone (0.07 s for the last one, 0.1 ms for a partial one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.application import Application
from eventsourcing.persistence import AggregateRecorder, StoredEvent
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

#: Bytes read from the start of a snapshot's row to find its rules.
HEAD = 64 * 1024

_RULES = re.compile(rb'"fold":\{"rules":("(?:[^"\\]|\\.)*")')


def recorder(app: Application[Any]) -> AggregateRecorder:
    """The recorder of `app`'s snapshot table."""
    assert app.snapshots is not None, "the application keeps snapshots"
    return app.snapshots.recorder


def rules(app: Application[Any], originator_id: UUID, lte: int | None = None
          ) -> dict[int, str | None]:
    """The fold rules of each stored snapshot of `originator_id` (versions up to `lte`),
    by version, in ascending order; None where the row's head does not show them."""
    heads = _heads(app, originator_id, lte)
    return {version: _rules_in(head) for version, head in heads}


def _rules_in(head: bytes | None) -> str | None:
    if head is None:
        return None
    found = _RULES.search(head)
    if found is None:
        return None
    value = orjson.loads(found.group(1))
    return value if isinstance(value, str) else None


def _heads(app: Application[Any], originator_id: UUID, lte: int | None
           ) -> list[tuple[int, bytes | None]]:
    """(version, first HEAD bytes of the row) of each snapshot; no bytes when the mapper
    compresses or encrypts (the head is no JSON then)."""
    from eventsourcing.postgres import PostgresAggregateRecorder
    from eventsourcing.sqlite import SQLiteAggregateRecorder

    opaque = bool(app.mapper.compressor or app.mapper.cipher)
    found = recorder(app)
    top = 2**62 if lte is None else lte
    rows: Iterable[tuple[int, Any]]
    if isinstance(found, SQLiteAggregateRecorder):
        # substr of a BLOB counts bytes: the head alone leaves the database (no seek:
        # see the module's docstring)
        with found.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT originator_version, substr(state, 1, ?) FROM {found.events_table_name}"
                " WHERE +originator_id=? AND +originator_version<=? ORDER BY originator_version",
                (HEAD, originator_id.hex, top))
            rows = [(row[0], row[1]) for row in cursor.fetchall()]
    elif isinstance(found, PostgresAggregateRecorder):
        rows = _postgres_rows(found, "originator_version, substring(state from 1 for %s)",
                              "ORDER BY originator_version", (HEAD, originator_id, top))
    else:  # in memory (or a recorder of another kind): the rows as the library gives them
        rows = [(s.originator_version, s.state[:HEAD])
                for s in found.select_events(originator_id, lte=lte)]
    return [(version, None if opaque else bytes(head)) for version, head in rows]


def latest(app: Application[Any], originator_id: UUID, lte: int) -> StoredEvent | None:
    """The stored snapshot of `originator_id` with the highest version at or below
    `lte`, as the library's `select_events(desc=True, limit=1)` gives it. On PostgreSQL
    it comes in binary: the library's fetch of a 10^6-step snapshot's 35 MB as hex text,
    decoded in one call, held the interpreter 80-90 ms (a viewer reads snapshots in a
    worker while it answers keys); one copy of the bytes holds it ~20 ms, as SQLite's
    fetch does. On SQLite it is read without a seek (`select_events`). (SQLite's table
    has no rowid for reading the BLOB in pieces, and a `substr` loads the whole value.)"""
    from eventsourcing.postgres import PostgresAggregateRecorder

    found = recorder(app)
    if isinstance(found, PostgresAggregateRecorder):
        rows = _postgres_rows(found, "originator_version, topic, state",
                              "ORDER BY originator_version DESC LIMIT 1", (originator_id, lte),
                              binary=True)
        return StoredEvent(originator_id, *rows[0]) if rows else None
    stored = select_events(found, originator_id, lte=lte, desc=True, limit=1)
    return stored[0] if stored else None


#: The versions of an originator's snapshots in a range, and one snapshot's row, read
#: from SQLite's table without a seek in its key (the module's docstring says why).
SQLITE_VERSIONS = ("SELECT originator_version FROM {} WHERE +originator_id=? "
                   "AND +originator_version>? AND +originator_version<=?")
SQLITE_ROW = "SELECT topic, state FROM {} WHERE +originator_id=? AND +originator_version=?"


def select_events(found: AggregateRecorder, originator_id: UUID, *, gt: int | None = None,
                  lte: int | None = None, desc: bool = False, limit: int | None = None
                  ) -> Sequence[StoredEvent]:
    """The snapshot rows the library's `found.select_events` gives for the same
    arguments; on SQLite read without a seek in the table's key."""
    from eventsourcing.sqlite import SQLiteAggregateRecorder

    if not isinstance(found, SQLiteAggregateRecorder):
        return found.select_events(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)
    ident, table = _hex(originator_id), found.events_table_name
    rows = []
    with found.datastore.transaction(commit=False) as cursor:  # one reading of the table
        cursor.execute(SQLITE_VERSIONS.format(table),
                       (ident, -1 if gt is None else gt, 2**62 if lte is None else lte))
        versions = sorted((row[0] for row in cursor.fetchall()), reverse=desc)
        for version in versions[:limit]:
            cursor.execute(SQLITE_ROW.format(table), (ident, version))
            topic, state = cursor.fetchone()
            rows.append(StoredEvent(found.convert_originator_id(ident), version, topic, state))
    return rows


def _postgres_rows(found: Any, columns: str, order: str, params: tuple[Any, ...],
                   binary: bool = False) -> list[tuple[Any, ...]]:
    """The `columns` of the snapshot rows of one originator up to a version (the last
    two of `params`; `%s` in `columns` take the first ones), in `order`, as tuples
    (`binary`: bytea as stored, not hex text)."""
    query = SQL(
        "SELECT " + columns + " FROM {}.{} WHERE originator_id = %s "
        "AND originator_version <= %s " + order
    ).format(Identifier(found.datastore.schema), Identifier(found.events_table_name))
    with found.datastore.get_connection() as conn, \
            conn.cursor(row_factory=tuple_row, binary=binary) as cursor:
        cursor.execute(query, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def replace(app: Application[Any], stored: StoredEvent) -> None:
    """Put `stored` (a mapped snapshot) in place of the snapshot stored at its originator
    id and version: the old row deleted and the new one inserted in one transaction (on
    PostgreSQL, the library's IntegrityError if a concurrent writer replaced it first)."""
    from eventsourcing.popo import POPOAggregateRecorder
    from eventsourcing.postgres import PostgresAggregateRecorder
    from eventsourcing.sqlite import SQLiteAggregateRecorder

    found: Any = recorder(app)
    ident, version = stored.originator_id, stored.originator_version
    if isinstance(found, SQLiteAggregateRecorder):
        # the library has no delete: the same datastore, its writer lock and transaction
        with found.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"DELETE FROM {found.events_table_name} WHERE originator_id=? "
                           "AND originator_version=?", (_hex(ident), version))
            found._insert_events(cursor, [stored])
    elif isinstance(found, PostgresAggregateRecorder):
        delete = SQL("DELETE FROM {}.{} WHERE originator_id = %s AND originator_version = %s"
                     ).format(Identifier(found.datastore.schema),
                              Identifier(found.events_table_name))
        with found.datastore.transaction(commit=True) as cursor:
            cursor.execute(delete, (ident, version))
            found._insert_stored_events(cursor, [stored])
    elif isinstance(found, POPOAggregateRecorder):
        # in memory: the row's slot in the recorder's list, under its lock
        with found._database_lock:
            index = found._stored_events_index[str(ident)]
            if version in index:
                found._stored_events[index[version]] = stored
            else:
                found._insert_events([stored])
    else:
        raise TypeError(f"cannot replace a snapshot in a {type(found).__name__}")


def _hex(ident: Any) -> Any:
    return ident.hex if isinstance(ident, UUID) else ident
