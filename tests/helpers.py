"""A small builder for scenario data, shared by the test suites.

`scenario(...)` gives a valid scenario dict (two principals, a bystander, two issues);
the event builders give event dicts; `load(data)` runs the real loader (YAML text → located
problems or a validated Timeline) and `state(events)` replays to the JSON contract.
"""

from __future__ import annotations

import copy
import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from domain.replay import Replay
from events.loader import load_timeline
from events.timeline import Timeline

DAY = "2022-03-29"

PARTIES: list[dict[str, Any]] = [
    {"id": "russia", "name": "Russian Federation",
     "speakers": [{"id": "lavrov", "name": "Sergey Lavrov", "role": "Foreign Minister"},
                  {"id": "peskov", "name": "Dmitry Peskov"}]},
    {"id": "ukraine", "name": "Ukraine",
     "speakers": [{"id": "nikolenko", "name": "Oleg Nikolenko"},
                  {"id": "podolyak", "name": "Mykhailo Podolyak"}]},
    {"id": "turkey", "name": "Türkiye", "speakers": [{"id": "cavusoglu", "name": "Çavuşoğlu"}]},
]

#: crimea: three options at 0, 0.5, 1; neutrality: two options at 0, 1.
ISSUES: list[dict[str, Any]] = [
    {"id": "crimea", "title": "Status of Crimea",
     "options": [{"id": "ukrainian", "label": "Ukrainian sovereignty"},
                 {"id": "deferred", "label": "Deferred 15 years"},
                 {"id": "russian", "label": "Part of Russia"}]},
    {"id": "neutrality", "title": "Neutrality",
     "options": [{"id": "nato", "label": "NATO membership"},
                 {"id": "neutral", "label": "Permanent neutrality"}]},
]

SOURCES: list[dict[str, Any]] = [
    {"id": "src", "outlet": "Newsweek", "date": "2022-03-30", "reliability": "B"},
]


def scenario(events: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid scenario dict; keyword arguments replace top-level keys."""
    data: dict[str, Any] = {
        "format": "accord/1",
        "negotiation": {"id": "test-talks", "title": "Test talks"},
        "principals": ["russia", "ukraine"],
        "parties": copy.deepcopy(PARTIES),
        "issues": copy.deepcopy(ISSUES),
        "sources": copy.deepcopy(SOURCES),
        "events": events or [],
    }
    data.update(overrides)
    return data


_ids = itertools.count(1)


def event(kind: str, party: str, id: str | None = None, at: str = DAY,
          **fields: Any) -> dict[str, Any]:
    """An event dict of type `kind` (an id is made up when not given)."""
    return {"id": id or f"{kind}-{next(_ids)}", "at": at, "type": kind, "party": party,
            **fields}


def proposal(id: str, party: str, issue: str, option: str, **kw: Any) -> dict[str, Any]:
    """`party` proposes `option` on `issue`."""
    return event("proposal", party, id, issue=issue, option=option, **kw)


def acceptance(id: str, party: str, issue: str, option: str, **kw: Any) -> dict[str, Any]:
    """`party` accepts `option` on `issue`."""
    return event("acceptance", party, id, issue=issue, option=option, **kw)


def rejection(id: str, party: str, issue: str | None = None, option: str | None = None,
              target: str | list[str] | None = None, **kw: Any) -> dict[str, Any]:
    """`party` rejects an option, or the target event(s)."""
    fields = {"issue": issue, "option": option} if target is None else {"target": target}
    return event("rejection", party, id, **fields, **kw)


def claim(id: str, party: str, about: str, issue: str, option: str, **kw: Any
          ) -> dict[str, Any]:
    """`party` claims that `about` holds `option` on `issue`."""
    return event("claim", party, id, about=about, issue=issue, option=option, **kw)


def pledge(id: str, party: str, pledge_id: str, commitment: str = "to act", **kw: Any
           ) -> dict[str, Any]:
    """`party` pledges `pledge_id`."""
    return event("pledge", party, id, pledge=pledge_id, commitment=commitment, **kw)


def report(id: str, party: str, pledge_id: str, finding: str, **kw: Any) -> dict[str, Any]:
    """Evidence from `party` on pledge `pledge_id`."""
    return event("report", party, id, pledge=pledge_id, finding=finding,
                 observation=kw.pop("observation", "seen"), **kw)


def retraction(id: str, party: str, target: str, **kw: Any) -> dict[str, Any]:
    """`party` retracts its event `target`."""
    return event("retraction", party, id, target=target, **kw)


def dump(data: dict[str, Any]) -> str:
    """YAML text of `data`, keys in the given order."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write(directory: Path, data: dict[str, Any] | str, name: str = "talks.yaml") -> Path:
    """Write `data` (a dict or YAML text) as `name` under `directory`."""
    path = directory / name
    path.write_text(data if isinstance(data, str) else dump(data), encoding="utf-8")
    return path


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the `nth` line that is `needle` (stripped), or that starts with it
    when `needle` ends with a space."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.strip()
        if content == needle or (needle.endswith(" ") and content.startswith(needle)):
            seen += 1
            if seen == nth:
                return number
    raise AssertionError(f"{needle!r} not in the text")


def load(directory: Path, data: dict[str, Any] | str, name: str = "talks.yaml") -> Timeline:
    """Write and load a file through the real loader."""
    return load_timeline(write(directory, data, name))


def states(directory: Path, events: list[dict[str, Any]], **overrides: Any
           ) -> list[dict[str, Any]]:
    """The JSON state after every step (0 … n) of a scenario with `events`."""
    replay = Replay(load(directory, scenario(events, **overrides)))
    return [copy.deepcopy(replay.json(step)) for step in range(replay.steps + 1)]


def final(directory: Path, events: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    """The JSON state after all `events`."""
    return states(directory, events, **overrides)[-1]


@contextmanager
def fresh_schema(server_url: str, prefix: str = "accord_test") -> Iterator[str]:
    """A PostgreSQL store URL (`server_url` + `?schema=`) in a new schema, dropped after."""
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"create schema {schema}")
    try:
        yield f"{server_url}?schema={schema}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"drop schema {schema} cascade")


def refreshes(widget: Any) -> list[tuple[Any, ...]]:
    """The regions of each `refresh` of a Textual widget from now on, in order (`()` for
    a whole repaint); the refreshes still happen."""
    seen: list[tuple[Any, ...]] = []
    refresh = widget.refresh

    def spy(*regions: Any, **options: bool) -> Any:
        seen.append(regions)
        return refresh(*regions, **options)

    widget.refresh = spy
    return seen
