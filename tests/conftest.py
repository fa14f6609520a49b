"""Shared fixtures: stores (PostgreSQL skips without a server, but fails under CI=true)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import fresh_schema

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
POSTGRES_URL = os.environ.get("ACCORD_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_answers() -> str | None:
    """None if the server answers, else why not."""
    import psycopg

    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3) as conn:
            conn.execute("select 1")
    except Exception as exc:  # any failure means: no usable server
        return f"no PostgreSQL server answers at {POSTGRES_URL}: {exc}".splitlines()[0]
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL store URL in a fresh schema of its own, dropped afterwards."""
    why = _postgres_answers()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires PostgreSQL: {why}")
        pytest.skip(why)
    with fresh_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An SQLite store in a fresh file."""
    return f"sqlite:///{tmp_path / 'store.db'}"
