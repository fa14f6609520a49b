"""How accord's pydantic events are stored: a pydantic mapper and an orjson transcoder.

Follows the eventsourcing library's pydantic examples (aggregate7/aggregate8): events are
pydantic models, dumped to JSON-ready dicts and encoded with orjson.

An event's JSON-ready fields may hold `Texts`: JSON texts (a stored snapshot's parts,
`domain.state_codec`) that are stored after the event's own JSON, one per line, and read
back one `orjson.loads` at a time by whoever needs them. Parsing a snapshot in one call
held the interpreter for its whole 51 MB at 10^6 steps (0.35 s; 0.09 s for its parts as
JSON strings), and a viewer reading one in a worker left its keys waiting that long.
Such a row is the event's JSON, a newline, and the texts joined by newlines (JSON as
orjson writes it holds no raw newline); a row without a newline is plain JSON.
"""

from __future__ import annotations

from typing import Any, cast

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel

#: What separates the lines of a row with `Texts` (orjson never writes a raw newline)
_LINE = b"\n"
#: The key of the marker left in a row's JSON where `Texts` stood: {"$lines": [a, b]}
_MARK = "$lines"


class Texts(list[str | bytes | memoryview]):
    """JSON texts, each parsed on its own when read back (see the module): as stored
    JSON, a list of strings; in a row the mapper writes, lines after the event's JSON,
    read back as views into the row's bytes."""


def _lift(value: Any, lines: list[bytes]) -> Any:
    """`value` (a JSON-ready field) with every `Texts` in its dicts moved to `lines`."""
    if isinstance(value, Texts):
        start = len(lines)
        lines.extend(t.encode() if isinstance(t, str) else bytes(t) for t in value)
        return {_MARK: [start, len(lines)]}
    if isinstance(value, dict):
        return {key: _lift(item, lines) for key, item in value.items()}
    return value


def _lower(value: Any, lines: list[memoryview]) -> Any:
    """`value` with every marker `_lift` left replaced by its `Texts` from `lines`."""
    if isinstance(value, dict):
        if len(value) == 1 and _MARK in value:
            start, stop = value[_MARK]
            return Texts(lines[start:stop])
        return {key: _lower(item, lines) for key, item in value.items()}
    return value


def _lines(stored: bytes) -> list[memoryview]:
    """The lines of `stored`, as views into it: `bytes.split` copied a 10^6-step
    snapshot's 51 MB while holding the interpreter (20-50 ms of a viewer's keys)."""
    view = memoryview(stored)
    lines: list[memoryview] = []
    start = 0
    while (end := stored.find(_LINE, start)) != -1:
        lines.append(view[start:end])
        start = end + 1
    lines.append(view[start:])
    return lines


class OrjsonTranscoder(Transcoder):
    """JSON bytes via orjson (several times faster than the standard library's json)."""

    def encode(self, obj: Any) -> bytes:
        """Encode a JSON-ready object."""
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        """Decode JSON bytes."""
        return orjson.loads(data)


class PydanticMapper(Mapper[Any]):
    """Maps pydantic domain events to stored events and back."""

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        """Serialise a pydantic domain event."""
        topic = get_topic(domain_event.__class__)
        model = cast(BaseModel, domain_event)
        # fields the event declares JSON-ready go to orjson as they are: pydantic's dump
        # of a snapshot's 10^6 nested values took ~10 times orjson's time
        ready: tuple[str, ...] = getattr(type(model), "json_ready", ())
        state = model.model_dump(mode="json", exclude_none=True, exclude=set(ready) or None)
        lines: list[bytes] = []
        state.update((name, _lift(getattr(model, name), lines)) for name in ready)
        stored = self.transcoder.encode(state)
        if lines:
            stored = _LINE.join([stored, *lines])
        if self.compressor:
            stored = self.compressor.compress(stored)
        if self.cipher:
            stored = self.cipher.encrypt(stored)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=topic,
            state=stored,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        """Rebuild (and validate) a pydantic domain event."""
        stored = stored_event.state
        if self.cipher:
            stored = self.cipher.decrypt(stored)
        if self.compressor:
            stored = self.compressor.decompress(stored)
        if _LINE in stored:  # the event's JSON, then the lines of its Texts
            head, *lines = _lines(stored)
            state: dict[str, Any] = _lower(self.transcoder.decode(bytes(head)), lines)
        else:
            state = self.transcoder.decode(stored)
        cls = resolve_topic(stored_event.topic)
        return cast(DomainEventProtocol[Any], cls(**state))
