"""Choosing the event store: in memory, an SQLite file, or PostgreSQL.

`ACCORD_STORE` (or `--store`) takes `memory`, `sqlite:///path`, a plain file path, or
`postgresql://user:password@host:port/dbname[?schema=name]`. With none given, the
library's own settings (PERSISTENCE_MODULE, POSTGRES_*, SQLITE_DBNAME) apply when
present, else the embedded default: the SQLite file `accord.db` in the working directory.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_SQLITE = "accord.db"


def store_env(url: str | None = None) -> dict[str, str]:
    """The eventsourcing environment for a store URL (see the module docstring)."""
    url = url or os.environ.get("ACCORD_STORE")
    if not url:
        if os.environ.get("PERSISTENCE_MODULE"):
            return {}  # the library reads its own settings from the environment
        url = DEFAULT_SQLITE
    if url in ("memory", "popo", "memory://"):
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    parsed = urlparse(url)
    if parsed.scheme in ("postgresql", "postgres"):
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(parsed.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "5",
        }
        schema = parse_qs(parsed.query).get("schema")
        if schema:
            env["POSTGRES_SCHEMA"] = schema[0]
        return env
    # As SQLAlchemy: sqlite:///relative.db and sqlite:////absolute/path.db
    path = url.removeprefix("sqlite:///") if parsed.scheme == "sqlite" else url
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path or DEFAULT_SQLITE}


def describe(url: str | None = None) -> str:
    """A short human description of the chosen store (never shows a password)."""
    env = store_env(url)
    module = env.get("PERSISTENCE_MODULE", os.environ.get("PERSISTENCE_MODULE", ""))
    if module.endswith("popo"):
        return "in-memory store"
    if module.endswith("postgres"):
        host = env.get("POSTGRES_HOST", os.environ.get("POSTGRES_HOST", "?"))
        db = env.get("POSTGRES_DBNAME", os.environ.get("POSTGRES_DBNAME", "?"))
        return f"PostgreSQL {host}/{db}"
    return f"SQLite {env.get('SQLITE_DBNAME', os.environ.get('SQLITE_DBNAME', '?'))}"
