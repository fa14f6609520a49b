"""A stored timeline read back as a Timeline, so the UI can show what the store holds."""

from __future__ import annotations

from pathlib import Path

from domain import fastread
from domain.application import Negotiations
from domain.stores import describe, store_env
from events.loader import load_timeline
from events.timeline import Timeline


def stored_timeline(app: Negotiations, name: str, label: str) -> Timeline:
    """Timeline `name` as the store holds it (KeyError if there is none); `label` names
    the store in messages."""
    aggregate = app.negotiation(name)
    return Timeline(
        name=aggregate.name,
        title=aggregate.title,
        file=f"{label}:{name}",
        header=aggregate.header,
        # the fast reader: the library's path validates every stored event (~10x slower)
        events=tuple(fastread.statements(app, name)),
    )


def open_through_store(target: str, url: str | None) -> Timeline:
    """A scenario/overlay file recorded into the store (append-only) and read back from it,
    or, when `target` is not a file, the stored timeline of that name.

    Raises InputError for a bad file, StoreConflict when the file contradicts the store,
    KeyError when no such timeline is stored."""
    app = Negotiations(env=store_env(url))
    label = describe(url)
    if Path(target).is_file():
        timeline = load_timeline(target)
        app.record(timeline)
        return stored_timeline(app, timeline.name, label)
    return stored_timeline(app, target, label)
