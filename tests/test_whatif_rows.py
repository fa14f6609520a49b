"""The live what-if's lazy rows and variant views hold to the eager definition (a list of
the base events with their replacements, the renamed ones and the added ones, stably
sorted by date: what loading its overlay file gives), for random drops, edits (with and
without a new date or id) and additions; its problems, read off the base's index, are
those of the eager variant; the edit form's check sees the variant applying the edit
makes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from unittest import mock

import yaml
from hypothesis import event as event_
from hypothesis import given, settings
from hypothesis import strategies as st

import tui.whatif
from events.catalogue import Event, Rejection
from events.dependants import Dependants
from events.errors import Problem
from events.references import check_events
from events.synthetic import Spec, timeline
from events.timeline import Locator, Timeline, in_timeline_order
from tui.whatif import LiveOverlay, ReadEvent, check_event, event_data, event_yaml, read_event


def changed(event: Event, **fields: str) -> Event:
    """`event` with some fields changed (validated as a new event)."""
    return type(event).model_validate({**event.model_dump(), **fields})


class Model:
    """The live what-if by definition, kept apart from `LiveOverlay`, as its overlay file
    has it: the base's places, each holding its base event or the edit of it (whatever
    its id now), and the added events, each add appended. The rows are
    `[*the places keeping their base id, *the renamed ones, *added]` stably sorted by date
    (a renamed base event is its base event dropped and a new one added); the variant
    leaves out the dropped ids (a dropped row stays dropped under a new id)."""

    def __init__(self, base: Timeline, replaced: dict[str, Event] | None = None,
                 added: Sequence[Event] = (), dropped: set[str] | None = None) -> None:
        self.base_ids = [e.id for e in base.events]
        self.places = [(replaced or {}).get(e.id, e) for e in base.events]
        self.added = list(added)
        self.dropped = set(dropped or ())

    @classmethod
    def of(cls, live: LiveOverlay) -> Model:
        """The model of `live`'s changes as they stand."""
        return cls(live.base, live.replaced, live.added, live.dropped)

    def toggle(self, event_id: str) -> None:
        if any(e.id == event_id for e in self.added):
            self.added = [e for e in self.added if e.id != event_id]
        else:
            self.dropped ^= {event_id}

    def put(self, original: str | None, event: Event) -> None:
        if original is None:
            self.added.append(event)
            return
        assert [e.id for e in [*self.places, *self.added]].count(original) == 1
        self.places = [event if e.id == original else e for e in self.places]
        self.added = [event if e.id == original else e for e in self.added]
        if original in self.dropped:
            self.dropped = self.dropped - {original} | {event.id}

    def slot(self, row_id: str | None) -> str | None:
        """The base id of the place holding row `row_id` (None: an added row, or none)."""
        return next((b for b, e in zip(self.base_ids, self.places, strict=True)
                     if e.id == row_id), None)

    def rows(self) -> list[Event]:
        pairs = list(zip(self.base_ids, self.places, strict=True))
        return in_timeline_order([*(e for b, e in pairs if e.id == b),
                                  *(e for b, e in pairs if e.id != b), *self.added])

    def variant(self) -> list[Event]:
        return [e for e in self.rows() if e.id not in self.dropped]


def eager_rows(live: LiveOverlay) -> list[Event]:
    """The rows by definition (`Model`), a list."""
    return Model.of(live).rows()


def eager_variant(live: LiveOverlay) -> list[Event]:
    """The variant's events by definition (the rows not dropped)."""
    return Model.of(live).variant()


def coarse(at: str, how: int) -> str:
    """`at` made coarser, keeping the order (ties appear): as is, to the hour, to the
    day as a bare date, or to the hour written with a +01:00 offset."""
    if how == 1:
        return at[:13] + ":00:00"
    if how == 2:
        return at[:10]
    if how == 3:
        return f"{at[:11]}{int(at[11:13]) + 1:02d}:00:00+01:00" if at[11:13] < "23" else at
    return at


def base_timeline(n: int, seed: int, how: int) -> Timeline:
    base = timeline(Spec(n, seed=seed))
    events = tuple(changed(e, **{"at": coarse(e.at, how)}) for e in base.events)
    assert list(events) == in_timeline_order(events)
    return Timeline(base.name, base.title, base.file, base.header, events)


def new_date(data: st.DataObject, rows: Sequence[Event], at: str) -> str:
    """A date for an edited or added event: the same, another event's (a tie), a bare
    day, or before / after every event."""
    kind = data.draw(st.sampled_from(["same", "other", "day", "first", "last", "offset"]))
    other = data.draw(st.sampled_from(list(rows))).at if rows else at
    return {"same": at, "other": other, "day": other[:10], "first": "2000-01-01",
            "last": "2099-12-31T23:59:00", "offset": other[:10] + "T00:00:00+00:00"}[kind]


def check_same(view: Sequence[Event], eager: list[Event], data: st.DataObject) -> None:
    """`view` lists exactly `eager`: whole, by index (negative too), by slices."""
    size = len(eager)
    assert len(view) == size
    assert [e.id for e in view] == [e.id for e in eager]
    assert list(view) == eager
    for i in range(-size, size):
        assert view[i] == eager[i]
    for bad in (size, -size - 1):
        try:
            view[bad]
        except IndexError:
            pass
        else:
            raise AssertionError(f"index {bad} of {size} rows did not raise")
    bounds = st.one_of(st.none(), st.integers(-size - 3, size + 3))
    for _ in range(6):
        start, stop = data.draw(bounds), data.draw(bounds)
        step = data.draw(st.sampled_from([None, 1, 2, 3, -1, -2]))
        assert list(view[start:stop:step]) == eager[start:stop:step], (start, stop, step)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 30), st.integers(0, 5), st.integers(0, 3), st.data())
def test_views_hold_to_the_eager_rows(n: int, seed: int, how: int,
                                      data: st.DataObject) -> None:
    live = LiveOverlay(base_timeline(n, seed, how))
    fresh = 0
    for _ in range(data.draw(st.integers(0, 8))):
        rows = eager_rows(live)
        op = data.draw(st.sampled_from(["drop", "edit", "add"] if rows else ["add"]))
        row = data.draw(st.integers(0, len(rows) - 1)) if rows else -1
        hint = row if data.draw(st.booleans()) else None  # the app's row, or none
        if op == "drop":
            live.toggle(rows[row].id, hint)
        elif op == "edit":
            event = rows[row]
            fresh += 1
            new_id = data.draw(st.sampled_from([event.id, f"edited-{fresh}"]))
            live.put(event.id, changed(event, **{
                "id": new_id, "at": new_date(data, rows, event.at)}), hint)
        else:
            fresh += 1
            model = rows[row] if rows else live.base.events[0] if n else None
            if model is None:
                continue
            live.put(None, changed(model, **{
                "id": f"added-{fresh}", "at": new_date(data, rows, model.at)}))
        rows_view = live.rows()
        check_same(rows_view, eager_rows(live), data)
        variant = live.timeline(rows_view)
        check_same(variant.events, eager_variant(live), data)
        assert variant.steps == len(eager_variant(live))
        check_same(live.timeline().events, eager_variant(live), data)
        eager = eager_rows(live)
        assert live.dropped_rows(rows_view) == \
            [i for i, e in enumerate(eager) if e.id in live.dropped]
        # the prefix the variant shares with the base holds the same events (it may stop
        # short: e.g. at an added event that was dropped again)
        shared, base, kept = live.unchanged_prefix(rows_view), live.base.events, \
            eager_variant(live)
        assert shared <= min(len(kept), len(base))
        assert all(kept[k] is base[k] for k in range(shared))
        if live.empty:
            assert shared == len(base)
        for event_id in [*(e.id for e in eager), "no-such-event", *live.dropped]:
            first = next((i for i, e in enumerate(eager) if e.id == event_id), -1)
            assert live.find(event_id, rows_view) == first


def eager_edit(live: LiveOverlay, original: str | None, event: Event) -> list[Event]:
    """The variant after editing the row `original` into `event` (None: adding it), by
    definition (`Model`): the event takes the place of the row's event (appended when
    added), and the variant is read off the places as they are then."""
    model = Model.of(live)
    model.put(original, event)
    return model.variant()


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 25), st.integers(0, 5), st.integers(0, 3), st.data())
def test_edit_check_sees_the_eager_variant(n: int, seed: int, how: int,
                                           data: st.DataObject) -> None:
    """`without` (what an edited or added event is checked against) is the variant the
    edit makes: the event in the place of the row's (a replacement at the same moment
    keeps its place among the events there), the added one appended, stably sorted,
    without the dropped; and `put` makes that variant."""
    live = LiveOverlay(base_timeline(n, seed, how))
    for k in range(data.draw(st.integers(0, 5))):  # some changes first
        rows = eager_rows(live)
        row = data.draw(st.integers(0, len(rows) - 1))
        event = rows[row]
        choice = data.draw(st.integers(0, 2))
        if choice == 0:
            live.toggle(event.id, row)
        elif choice == 1:
            live.put(event.id, changed(event, **{
                "id": data.draw(st.sampled_from([event.id, f"renamed-{k}"])),
                "at": new_date(data, rows, event.at)}), row)
        else:
            live.put(None, changed(event, **{"id": f"added-{k}",
                                                    "at": new_date(data, rows, event.at)}))
    rows = eager_rows(live)
    row = data.draw(st.integers(0, len(rows) - 1))
    original = data.draw(st.sampled_from([rows[row].id, None]))
    ids = ["the-new-one"] if original is None else [original, "the-new-one"]
    event = changed(rows[row], **{  # an id no other row has: parse_event refuses those
        "id": data.draw(st.sampled_from(ids)),
        "at": new_date(data, rows, rows[row].at)})
    eager = eager_edit(live, original, event)
    check_same(live.without(original, event), eager, data)
    live.put(original, event, row if original is not None else None)
    check_same(live.timeline().events, eager, data)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 40), st.integers(0, 5), st.integers(0, 3), st.data())
def test_problems_are_those_of_the_eager_variant(n: int, seed: int, how: int,
                                                 data: st.DataObject) -> None:
    """Drops (restores too), edits and adds are checked from the base's index: the
    problems of the eager variant."""
    live = LiveOverlay(base_timeline(n, seed, how))

    def locate(event_id: str, fld: str, message: str) -> Problem:
        return Problem(live.base.file, None, None, f"{event_id}.{fld}", message)

    for k in range(data.draw(st.integers(1, 10))):
        rows = eager_rows(live)
        op = data.draw(st.sampled_from(["drop"] * 6 + ["edit", "add"] if rows else ["add"]))
        row = data.draw(st.integers(0, len(rows) - 1)) if rows else -1
        if op == "drop":
            live.toggle(rows[row].id, row if data.draw(st.booleans()) else None)
        elif op == "edit":
            event = rows[row]
            live.put(event.id, changed(event, **{"at": new_date(data, rows, event.at)}), row)
        elif rows:
            live.put(None, changed(rows[row], **{"id": f"added-{k}",
                                                 "at": new_date(data, rows, rows[row].at)}))
        assert live.problems() == check_events(live.base.header, eager_variant(live), locate)
        assert live.checks_at_once  # the first check indexed the (valid) base


def form_locate(read: ReadEvent, live: LiveOverlay) -> Locator:
    """Where `check_event` places a problem: in the form for the edited event."""
    def locate(event_id: str, fld: str, message: str) -> Problem:
        if event_id == read.event.id:
            return read.doc.problem(tuple(fld.split(".")) if fld else (), message)
        return Problem(live.base.file, None, None, f"{event_id}.{fld}", message)
    return locate


def checked_by_form(read: ReadEvent, live: LiveOverlay, original: str | None
                    ) -> tuple[list[Problem], list[list[Event]]]:
    """`check_event`'s problems, and the events of each variant it checked."""
    checked: list[list[Event]] = []
    check = tui.whatif._problems_with

    def spy(built: Dependants, live: LiveOverlay, view: tui.whatif._Rows,
            dropped: list[int], locate: Locator) -> list[Problem] | None:
        gone = set(dropped)
        checked.append([e for row, e in enumerate(view) if row not in gone])
        return check(built, live, view, dropped, locate)

    with mock.patch.object(tui.whatif, "_problems_with", spy):
        problems = check_event(read, live, original)
    return problems, checked


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 30), st.integers(0, 5), st.integers(0, 3), st.data())
def test_the_form_checks_the_variant_put_makes(n: int, seed: int, how: int,
                                                data: st.DataObject) -> None:
    """Random drops, edits and adds made as the TUI makes them (the form's check, then
    `put` with the row's id): the events `check_event` checks are those of the variant
    after `put` (same order), which is the model's; its problems are theirs. Edits keep
    the date, tie with other events (bare days among them) or move, keep the id, take a
    new one, or one of a base event no row has any more (refused, unless it is the row's
    own base id: a renamed event renamed back); edited rows may be base events,
    replacements (renamed ones too), added or dropped ones (which stay dropped)."""
    base = base_timeline(n, seed, how)
    live, model = LiveOverlay(base), Model(base)
    for k in range(data.draw(st.integers(1, 8))):
        rows = model.rows()
        assert list(live.rows()) == rows
        row = data.draw(st.integers(0, len(rows) - 1)) if rows else 0
        hint = row if data.draw(st.booleans()) else None  # the app's row, or none
        op = data.draw(st.sampled_from(["drop", "edit", "edit", "add"] if rows else ["add"]))
        if op == "drop":
            live.toggle(rows[row].id, hint)
            model.toggle(rows[row].id)
            continue
        model_event = rows[row] if rows else base.events[0]
        gone = sorted({e.id for e in base.events} - {e.id for e in rows})
        original = rows[row].id if op == "edit" else None
        new_id = data.draw(st.sampled_from(
            [*([] if original is None else [original]), f"new-{k}", *gone[:2]]))
        event = changed(model_event, **{"id": new_id, "quote": f"edit {k}",
                                        "at": new_date(data, rows, model_event.at)})
        read, problems = read_event(event_yaml(event))
        assert read is not None and problems == []
        found, checked = checked_by_form(read, live, original)
        if new_id in gone and new_id != model.slot(original):
            renamed = model.places[model.base_ids.index(new_id)].id
            assert checked == [] and [f"{p.field}: {p.message}" for p in found] == [
                f"id: event id {new_id!r} is the base's event renamed {renamed!r} in this "
                f"what-if; an overlay drops {new_id!r} and cannot give its id to another "
                f"event (choose a new id, or rename {renamed!r} back)"]
            event_("a base id taken: refused")
            continue
        if original is not None and new_id == model.slot(original) != original:
            event_("renamed back")
        model.put(original, read.event)
        variant = model.variant()
        assert checked == [variant]
        assert found == check_events(base.header, variant, form_locate(read, live))
        live.put(original, read.event, hint if original is not None else None)
        assert list(live.timeline().events) == variant
        assert live.dropped == model.dropped
        assert live.problems() == check_events(base.header, variant, live._locate)
    assert list(live.rows()) == model.rows()


def test_an_edit_at_the_same_moment_keeps_its_place() -> None:
    """On bare dates every event is at one moment: e8 rejects e4, and editing e4's quote
    keeps it before e8, in the form's check as in the applied what-if. Moving e4 to a
    later day is refused, since e8 would then target an event after it."""
    base = base_timeline(12, 2, 2)
    e4, e8 = base.events[4], base.events[8]
    assert isinstance(e8, Rejection) and e8.target == ["e4"] and e4.at == e8.at == "2022-01-01"
    live = LiveOverlay(base)
    read, _ = read_event(event_yaml(changed(e4, quote="said otherwise")))
    assert read is not None
    assert check_event(read, live, "e4") == []
    assert list(live.without("e4", read.event)) == [*base.events[:4], read.event,
                                                    *base.events[5:]]
    live.put("e4", read.event, 4)
    assert list(live.timeline().events) == [*base.events[:4], read.event, *base.events[5:]]
    assert live.problems() == []
    later, _ = read_event(event_yaml(changed(e4, at="2022-01-02")))
    assert later is not None
    assert [str(p) for p in check_event(later, live, "e4")] == [
        "<synthetic-12-4p6i-s2>: e8.target: target 'e4' comes later in the timeline; "
        "a target must come earlier"]


def test_a_renamed_event_edited_again_keeps_the_last_edit(tmp_path: Path) -> None:
    """e8 edited to the id x8, then x8 edited (the row's id is what the TUI passes): the
    edit replaces e8's replacement, once and in e8's place, in the form's check as in the
    applied what-if and in the overlay file; a third edit (a new id, a later date) too."""
    base = base_timeline(12, 2, 0)
    e8 = base.events[8]  # a rejection of e4
    live = LiveOverlay(base)
    live.put("e8", changed(e8, id="x8"), 8)
    ids = [e.id for e in base.events]
    second = changed(e8, id="x8", quote="second thoughts")
    read, _ = read_event(event_yaml(second))
    assert read is not None
    found, checked = checked_by_form(read, live, "x8")
    assert found == [] and checked == [[*base.events[:8], second, *base.events[9:]]]
    live.put("x8", second, 8)
    assert list(live.timeline().events) == [*base.events[:8], second, *base.events[9:]]
    assert live.replaced == {"e8": second}
    text = live.overlay_yaml(tmp_path / "whatif.yaml", "w", "What if")
    assert yaml.safe_load(text) == {  # a renamed event: its base event dropped, it added
        "format": "accord/1", "overlay": {"id": "w", "title": "What if"},
        "base": yaml.safe_load(text)["base"], "drop": ["e8"], "add": [event_data(second)]}
    assert text.count("id: x8") == 1 and "second thoughts" in text

    third = changed(second, id="y8", at="2099-12-31T23:59:00")
    read, _ = read_event(event_yaml(third))
    assert read is not None
    found, checked = checked_by_form(read, live, "x8")
    assert found == [] and checked == [[*base.events[:8], *base.events[9:], third]]
    live.put("x8", third)  # no row given: found by the replacement's id
    assert [e.id for e in live.timeline().events] == [*ids[:8], *ids[9:], "y8"]
    assert live.replaced == {"e8": third}
    assert live.find("x8") == -1 and live.find("y8") == 11
