"""Resolving an overlay (a what-if) against its base into a timeline of its own.

The rules (docs/whatif.md): `drop` removes base events, `replace` swaps an event's content
under the same id, `add` places new events by `at` (after the base's events at the same
moment), then the grade filters (`min_reliability`, `min_credibility`) remove events,
together with every event that depends on one removed. Everything is checked before the
timeline is returned; errors name the overlay's file and line (or the base's, for a base
event that the overlay made invalid).
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import cast

from events.catalogue import Event, Rejection, Report, Retraction
from events.errors import InputError, Problem
from events.loader import check_expectations, check_quotes, event_locator, load_timeline
from events.references import check_events
from events.scenario import RELIABILITY_ORDER, Header, Overlay, Scenario
from events.timeline import Locator, Timeline, in_timeline_order
from events.yamldoc import YamlDoc

#: The overlay files being resolved, outermost first (to refuse a cycle of bases).
_RESOLVING: ContextVar[tuple[Path, ...]] = ContextVar("accord_resolving_overlays", default=())


def resolve_overlay(document: Overlay, doc: YamlDoc, path: Path) -> Timeline:
    """The timeline of overlay `document` (parsed from `doc`, read from `path`)."""
    base_path = path.parent / document.base
    if not base_path.is_file():
        raise InputError([doc.problem(("base",), f"base file {document.base!r} not found "
                                      f"(looked for {base_path})")])
    with _resolving(path, doc):
        base = load_timeline(base_path)
    if document.overlay.id == base.name:
        raise InputError([doc.problem(("overlay", "id"), f"the overlay id {base.name!r} is "
                                      "the base's name; a what-if needs a name of its own")])

    problems = _check_ids(document, doc, base)
    if problems:
        raise InputError(problems)
    where: dict[str, tuple[str | int, ...]] = {e.id: ("replace", i)
                                               for i, e in enumerate(document.replace)}
    where.update({e.id: ("add", i) for i, e in enumerate(document.add)})
    overlay_locate = event_locator(doc, where)
    base_locate = base.locate

    def locate(event_id: str, field: str, message: str) -> Problem:
        if event_id in where or base_locate is None:
            return overlay_locate(event_id, field, message)
        return base_locate(event_id, field, message)

    dropped = set(document.drop)
    replaced = {e.id: e for e in document.replace}
    every = [*(replaced.get(e.id, e) for e in base.events), *document.add]
    # sorted() is stable and the base is in timeline order: added ties come after the base's
    events = in_timeline_order([e for e in every if e.id not in dropped])
    problems = _check_drops(document, doc, every, events, locate)
    if problems:
        raise InputError(problems)

    changed = [*document.replace, *document.add]
    problems = check_events(base.header, events, locate)
    problems += check_quotes(_root_scenario(base), doc, _root_path(base), changed, locate)
    events = _filter_grades(document, base.header, events)
    problems += check_expectations(document.expect, {e.id for e in events}, len(events), doc)
    if problems:
        raise InputError(problems)
    return Timeline(
        name=document.overlay.id,
        title=document.overlay.title,
        file=doc.file,
        header=base.header,
        events=tuple(events),
        expectations=tuple(document.expect),
        base=base,
        locate=locate,
    )


@contextmanager
def _resolving(path: Path, doc: YamlDoc) -> Iterator[None]:
    """Refuse an overlay that stands, directly or not, on itself."""
    here = path.resolve()
    chain = _RESOLVING.get()
    if here in chain:
        names = " → ".join(p.name for p in (*chain[chain.index(here):], here))
        raise InputError([doc.problem(("base",), f"overlays form a cycle: {names}")])
    token = _RESOLVING.set((*chain, here))
    try:
        yield
    finally:
        _RESOLVING.reset(token)


def _check_ids(document: Overlay, doc: YamlDoc, base: Timeline) -> list[Problem]:
    """drop and replace must name base events, once each; added ids must be new."""
    known = {e.id for e in base.events}
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, event_id in enumerate(document.drop):
        if event_id not in known:
            problems.append(doc.problem(("drop", i), f"unknown event {event_id!r}: the base "
                                        f"{base.name!r} has no such event"))
        elif event_id in seen:
            problems.append(doc.problem(("drop", i), f"{event_id!r} is dropped twice"))
        seen.add(event_id)
    dropped = set(document.drop)
    for i, event in enumerate(document.replace):
        at = ("replace", i, "id")
        if event.id not in known:
            problems.append(doc.problem(at, f"unknown event {event.id!r}: the base "
                                        f"{base.name!r} has no such event to replace"))
        elif event.id in dropped:
            problems.append(doc.problem(at, f"{event.id!r} is both dropped and replaced"))
        elif event.id in seen:
            problems.append(doc.problem(at, f"{event.id!r} is replaced twice"))
        seen.add(event.id)
    for i, event in enumerate(document.add):
        if event.id in known:
            problems.append(doc.problem(("add", i, "id"), f"event id {event.id!r} is already "
                                        f"used in the base {base.name!r}; to change that event "
                                        "use `replace`"))
    return problems


def depends_on(event: Event, pledge_events: Mapping[str, str]) -> list[str]:
    """The ids of the events `event` refers to (targets; the pledge event of a report)."""
    if isinstance(event, Rejection):
        return list(event.target or [])
    if isinstance(event, Retraction):
        return [event.target]
    if isinstance(event, Report) and event.pledge in pledge_events:
        return [pledge_events[event.pledge]]
    return []


def _pledge_events(events: Sequence[Event]) -> dict[str, str]:
    """pledge id → id of the event that made the pledge (first one wins)."""
    out: dict[str, str] = {}
    for event in events:
        _note_pledge(event, out)
    return out


def _note_pledge(event: Event, makers: dict[str, str]) -> None:
    """Note `event` in `makers` (pledge id → its first maker) if it makes a pledge."""
    pledge = getattr(event, "pledge", None)
    if event.type == "pledge" and isinstance(pledge, str):
        makers.setdefault(pledge, event.id)


def _check_drops(document: Overlay, doc: YamlDoc, every: Sequence[Event],
                 kept: Sequence[Event], locate: Locator) -> list[Problem]:
    """An explicitly dropped event may not leave dependants behind (`every`: the events
    before the drop; `kept`: after it, in timeline order).

    A report depends on the pledge event it follows in `kept` (the first kept event making
    its pledge before it: e.g. a renamed pledge event, added where it still precedes the
    reports), and only failing one on the pledge's maker in `every`: a dependant is then
    exactly an event that `check_events` finds dangling in the variant."""
    dropped = {event_id: i for i, event_id in enumerate(document.drop)}
    if not dropped:
        return []
    made: dict[str, str] = {}  # pledge id → its first maker in `kept`, so far
    pledge_events = ChainMap(made, _pledge_events(every))
    changed = {e.id for e in [*document.add, *document.replace]}
    dependants: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for event in kept:
        for target in depends_on(event, pledge_events):
            if target not in dropped:
                continue
            if event.id in changed:
                problems.append(locate(event.id, "", f"refers to {target!r}, which this "
                                       "overlay drops"))
            else:
                dependants.setdefault(target, []).append(event.id)
        _note_pledge(event, made)
    for target, names in dependants.items():
        shown = ", ".join(repr(n) for n in names)
        one = len(names) == 1
        problems.append(doc.problem(("drop", dropped[target]),
                                    f"cannot drop {target!r}: {shown} depend{'s' if one else ''}"
                                    f" on it; drop {'it' if one else 'them'} too"))
    return problems


def _filter_grades(document: Overlay, header: Header, events: Sequence[Event]) -> list[Event]:
    """Remove events graded below the overlay's thresholds, and (transitively) every event
    that depends on a removed one: a report on a removed pledge, a rebuttal of a removed
    claim, a retraction of a removed proposal."""
    if document.min_reliability is None and document.min_credibility is None:
        return list(events)
    reliability = {s.id: RELIABILITY_ORDER.index(s.reliability) for s in header.sources}
    worst_source = RELIABILITY_ORDER.index(document.min_reliability or "F")
    worst_credibility = document.min_credibility or 6
    pledge_events = _pledge_events(events)
    removed: set[str] = set()
    kept: list[Event] = []
    for event in events:  # timeline order: what an event depends on comes earlier
        grade = reliability.get(event.source or "", len(RELIABILITY_ORDER) - 1)  # none = F
        if (grade > worst_source or event.effective_credibility > worst_credibility
                or any(t in removed for t in depends_on(event, pledge_events))):
            removed.add(event.id)
        else:
            kept.append(event)
    return kept


def _root(timeline: Timeline) -> Timeline:
    while timeline.base is not None:
        timeline = timeline.base
    return timeline


def _root_scenario(base: Timeline) -> Scenario:
    """The scenario at the bottom of the overlay chain: it defines the sources."""
    return cast(Scenario, _root(base).header)


def _root_path(base: Timeline) -> Path:
    """Where that scenario's file is (source texts are relative to it)."""
    return Path(_root(base).file)
