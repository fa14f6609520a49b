"""What reading a stored timeline can raise under the TUI, and how it is said on screen."""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing.persistence import PersistenceError

#: What reading a stored timeline's events can raise: fewer statements than counted
#: (`domain.paged`), or the database failing under it.
STORE_ERRORS: tuple[type[Exception], ...] = (LookupError, OSError, sqlite3.Error,
                                             psycopg.Error, PersistenceError)


def store_reason(exc: Exception) -> str:
    """A store error as one line for the screen."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
