"""The live what-if's lazy rows and variant views hold to the eager definition (a list of
the base events with their replacements and the added ones, stably sorted by date), for
random drops, edits (with and without a new date or id) and additions; its problems, read
off the base's index, are those of the eager variant."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from events.catalogue import Event
from events.errors import Problem
from events.references import check_events
from events.synthetic import Spec, timeline
from events.timeline import Timeline, in_timeline_order
from tui.whatif import LiveOverlay


def changed(event: Event, **fields: str) -> Event:
    """`event` with some fields changed (validated as a new event)."""
    return type(event).model_validate({**event.model_dump(), **fields})


def eager_rows(live: LiveOverlay) -> list[Event]:
    """The rows as `LiveOverlay.rows` defined them before the views (a list)."""
    if live.empty:
        return list(live.base.events)
    events = [live.replaced.get(e.id, e) for e in live.base.events]
    return in_timeline_order([*events, *live.added])


def eager_variant(live: LiveOverlay) -> list[Event]:
    """The variant's events as `LiveOverlay.timeline` defined them (the rows not dropped)."""
    return [e for e in eager_rows(live) if e.id not in live.dropped]


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
        for event_id in [*(e.id for e in eager), "no-such-event", *live.dropped]:
            first = next((i for i, e in enumerate(eager) if e.id == event_id), -1)
            assert live.find(event_id, rows_view) == first


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 25), st.integers(0, 5), st.integers(0, 3), st.data())
def test_edit_check_sees_the_eager_variant(n: int, seed: int, how: int,
                                           data: st.DataObject) -> None:
    """`without` (what an edited or added event is checked against) is the rows without
    the original, with the event appended and stably sorted, without the dropped."""
    live = LiveOverlay(base_timeline(n, seed, how))
    for k in range(data.draw(st.integers(0, 5))):  # some changes first
        rows = eager_rows(live)
        row = data.draw(st.integers(0, len(rows) - 1))
        event = rows[row]
        choice = data.draw(st.integers(0, 2))
        if choice == 0:
            live.toggle(event.id, row)
        elif choice == 1:
            live.put(event.id, changed(event, **{"at": new_date(data, rows, event.at)}),
                     row)
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
    kept = [e for e in rows if e.id != original]
    eager = [e for e in in_timeline_order([*kept, event]) if e.id not in live.dropped]
    check_same(live.without(original, event), eager, data)


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
