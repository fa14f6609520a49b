"""A stored timeline read page by page on first use (domain/paged.py)."""

from __future__ import annotations

import re

import pytest

from domain import fastread
from domain.application import Negotiations
from domain.paged import StoredStatements
from domain.stored import open_through_store
from domain.stores import store_env
from events import synthetic


def recorded(url: str, events: int) -> tuple[Negotiations, list[str]]:
    """A store holding a generated timeline of `events` statements, and their ids."""
    timeline = synthetic.timeline(synthetic.Spec(events, seed=4))
    app = Negotiations(env=store_env(url))
    app.record(timeline)
    return app, [e.id for e in timeline.events]


def test_reads_pages_only_when_asked_and_gives_the_stored_statements(sqlite_url: str) -> None:
    app, ids = recorded(sqlite_url, 30)
    name = synthetic.Spec(30, seed=4).name
    assert fastread.stored_count(app, name) == 30
    statements = StoredStatements(app, name, 30, page=7)
    assert len(statements) == 30 and statements.pages_read == 0
    assert statements[0].id == ids[0] and statements.pages_read == 1
    assert statements[-1].id == ids[-1] and statements.pages_read == 2
    assert [s.id for s in statements[5:16]] == ids[5:16]  # across two page boundaries
    assert [s.id for s in statements[::4]] == ids[::4]
    assert [s.id for s in statements[25:99]] == ids[25:]
    assert [s.id for s in statements] == ids
    assert statements.pages_read == 5
    with pytest.raises(IndexError, match=re.escape("statement 30 is outside 0..29")):
        statements[30]


def test_a_count_beyond_the_store_is_an_error_naming_the_page(sqlite_url: str) -> None:
    app, _ = recorded(sqlite_url, 10)
    name = synthetic.Spec(10, seed=4).name
    statements = StoredStatements(app, name, 12, page=5)
    with pytest.raises(LookupError, match=f"fewer statements of '{name}' than 12: page 2 has 0"):
        statements[11]


def test_an_unknown_timeline_counts_nothing(sqlite_url: str) -> None:
    assert fastread.stored_count(Negotiations(env=store_env(sqlite_url)), "none") == 0


def test_a_stored_timeline_opens_without_reading_its_statements(sqlite_url: str) -> None:
    _, ids = recorded(sqlite_url, 40)
    timeline = open_through_store(synthetic.Spec(40, seed=4).name, sqlite_url)
    assert isinstance(timeline.events, StoredStatements)
    assert timeline.events.pages_read == 0 and timeline.steps == 40
    assert [e.id for e in timeline.events] == ids


def test_keeps_at_most_the_pages_it_may_and_reads_a_dropped_page_again(
        sqlite_url: str) -> None:
    app, ids = recorded(sqlite_url, 30)
    statements = StoredStatements(app, synthetic.Spec(30, seed=4).name, 30, page=5, keep=2)
    assert [s.id for s in statements] == ids  # six pages streamed through two
    assert statements.pages_read == 6 and statements.pages_held == 2
    assert statements[27].id == ids[27] and statements.pages_read == 6  # page 5: held
    assert statements[2].id == ids[2] and statements.pages_read == 7  # page 0: read again
    assert statements[29].id == ids[29] and statements.pages_read == 7  # page 5: still held
    # page 4 comes back in place of the least recently used: page 0, not page 5
    assert statements[22].id == ids[22] and statements.pages_read == 8
    assert statements[28].id == ids[28] and statements.pages_read == 8
    assert statements[3].id == ids[3] and statements.pages_read == 9
