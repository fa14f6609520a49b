"""The problems of a timeline without some events, read off its reversed references
(`events.dependants`), are `check_events` of that variant: same problems, order and
text. The live what-if uses them while it only drops events, and checks in full
otherwise (an edit, an add, a base with problems of its own)."""

from __future__ import annotations

import gc
import random
import threading
from collections.abc import Iterator, Sequence
from typing import Protocol, TypeVar, overload

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tui.whatif
from events import synthetic
from events.catalogue import Claim, Event, Pledge, Rejection, Report, Retraction
from events.dependants import Dependants, index
from events.errors import Problem
from events.references import check_events
from events.scenario import Header
from events.timeline import Locator, Timeline
from tui.whatif import EVENT_ADAPTER, LiveOverlay, ReadEvent, check_event, event_yaml, read_event


def locate(event_id: str, fld: str, message: str) -> Problem:
    return Problem("<t>", None, None, f"{event_id}.{fld}", message)


def variant_problems(base: Timeline, dropped: set[str]) -> list[Problem]:
    """The definition: check_events of the base's events without the dropped ones."""
    return check_events(base.header, [e for e in base.events if e.id not in dropped], locate)


def changed(event: Event, **fields: object) -> Event:
    """`event` with some fields changed (validated as a new event)."""
    return type(event).model_validate({**event.model_dump(), **fields})


def with_events(base: Timeline, events: Sequence[Event]) -> Timeline:
    return Timeline(base.name, base.title, base.file, base.header, events)


class Counted(Sequence[Event]):
    """`events`, counting the events read (walked or indexed)."""

    def __init__(self, events: Sequence[Event]) -> None:
        self.events, self.read = tuple(events), 0

    def __len__(self) -> int:
        return len(self.events)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        found = self.events[index]
        self.read += len(found) if isinstance(found, tuple) else 1
        return found

    def __iter__(self) -> Iterator[Event]:
        for event in self.events:
            self.read += 1
            yield event


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 400), st.integers(0, 10_000), st.data())
def test_problems_without_are_check_events_of_the_variant(
        n: int, seed: int, data: st.DataObject) -> None:
    base = synthetic.timeline(synthetic.Spec(n, seed=seed))
    found = index(base.header, base.events, locate)
    assert found.problems == check_events(base.header, base.events, locate) == []
    ids = [e.id for e in base.events]
    # drops worth trying: anything, what others depend on, what depends on others
    pools = [ids,
             [i for i in ids if found.dependants(i)],
             [e.id for e in base.events if e.type in ("retraction", "report", "rejection")],
             [e.id for e in base.events if e.type in ("pledge", "claim")],
             ["no-such-event"]]
    choices = st.one_of(*(st.sampled_from(p) for p in pools if p))
    for _ in range(3):
        dropped = data.draw(st.sets(choices, max_size=12))
        assert found.problems_without(dropped, locate) == variant_problems(base, dropped)


def test_problems_without_on_longer_timelines() -> None:
    """Seeded drops of dependant-rich events on a few thousand events: many problems."""
    rng = random.Random(7)
    shown = 0
    for seed in range(3):
        base = synthetic.timeline(synthetic.Spec(3_000, seed=seed))
        found = index(base.header, base.events, locate)
        named = [e.id for e in base.events if found.dependants(e.id)]
        ids = [e.id for e in base.events]
        for _ in range(20):
            dropped = set(rng.sample(named, rng.randint(1, 40)) +
                          rng.sample(ids, rng.randint(0, 40)))
            expected = variant_problems(base, dropped)
            assert found.problems_without(dropped, locate) == expected
            shown += len(expected)
    assert shown > 1_000  # the drops did break many events


def test_the_dependants_of_a_drop_are_named_in_timeline_order() -> None:
    base = synthetic.timeline(synthetic.Spec(300, seed=2))
    found = index(base.header, base.events, locate)
    # e4 and e5 are acceptances (e12 targets both); e6 is pledge pl6, reported on by e10
    # and retracted by e24
    assert found.dependants("e4") == ["e8", "e12", "e257"]
    assert found.dependants("e6") == ["e10", "e24"]
    assert found.dependants("e12") == []
    without = found.problems_without({"e6", "e5", "e4"}, locate)
    assert without is not None and [str(p) for p in without] == [
        "<t>: e8.target: unknown event 'e4'",
        "<t>: e10.pledge: unknown pledge 'pl6' (a report needs an earlier pledge event)",
        "<t>: e12.target: unknown event 'e4'",
        "<t>: e12.target: unknown event 'e5'",
        "<t>: e24.target: unknown event 'e6'",
        "<t>: e257.target: unknown event 'e4'",
    ]
    # dropped with what depends on it, nothing breaks
    assert found.problems_without({"e6", "e10", "e24"}, locate) == []
    assert found.problems_without(set(), locate) == []


def invalid_base() -> Timeline:
    """A timeline with problems of its own: claim e28 made a retraction of claim e17,
    which e29 rebuts after it, and which e146 rejected as a claim."""
    base = synthetic.timeline(synthetic.Spec(300, seed=2))
    events = list(base.events)
    claim = events[17]
    assert claim.type == "claim" and events[29].target == ["e17"]  # type: ignore[union-attr]
    events[28] = Retraction.model_validate({"id": "e28", "at": events[28].at,
                                            "type": "retraction", "party": claim.party,
                                            "target": "e17"})
    return with_events(base, events)


def test_a_base_with_problems_is_checked_in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    base = invalid_base()
    found = index(base.header, base.events, locate)
    assert [str(p) for p in found.problems] == [
        "<t>: e29.target: target 'e17' was retracted by 'e28'",
        "<t>: e146.target: a rejection targets a proposal, acceptance or claim; 'e28' is a "
        "retraction"]
    assert found.problems == check_events(base.header, base.events, locate)
    assert found.problems_without({"e2"}, locate) is None
    assert found.dependants("e17") == []  # nothing kept of an index that cannot serve
    walks: list[int] = []

    def spied(header: Header, events: Sequence[Event], problem: Locator) -> list[Problem]:
        walks.append(len(events))
        return check_events(header, events, problem)

    monkeypatch.setattr(tui.whatif, "check_events", spied)
    live = LiveOverlay(base)
    assert [p.field for p in live.problems()] == ["e29.target", "e146.target"]
    live.toggle("e2")  # the base's problems stay, with the drop's
    assert [p.field for p in live.problems()] == [
        "e9.target", "e29.target", "e146.target", "e276.target"]
    assert walks == [300, 299]  # the variant, walked in full (the index was built apart)
    assert not live.checks_at_once
    live.toggle("e28")  # the retraction gone: e29's rebuttal holds, e146 names nothing
    assert [str(p) for p in live.problems()] == [
        f"{base.file}: e9.target: unknown event 'e2'",
        f"{base.file}: e146.target: unknown event 'e28'",
        f"{base.file}: e276.target: unknown event 'e2'"]
    assert walks == [300, 299, 298]
    # an edit or an add on it is walked in full too, and so is the form's check
    live.dropped.clear()
    live.put("e29", changed(base.events[29], quote="edited"))
    assert live.problems() == walked(live) != []
    assert walks == [300, 299, 298, 300]
    read, _ = read_event(event_yaml(changed(base.events[9], id="added-9")))
    assert read is not None
    assert check_event(read, live, None) == old_check_event(read, live, None) != []
    assert walks == [300, 299, 298, 300, 301]  # the variant with the added event


def test_an_edit_or_an_add_is_checked_from_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit or an add is checked off the base's index too: no walk of the variant."""
    walks: list[int] = []

    def spied(header: Header, events: Sequence[Event], problem: Locator) -> list[Problem]:
        walks.append(len(events))
        return check_events(header, events, problem)

    monkeypatch.setattr(tui.whatif, "check_events", spied)
    base = synthetic.timeline(synthetic.Spec(300, seed=2))
    live = LiveOverlay(base)
    live.toggle("e6")
    live.prepare_checks()
    assert live.checks_at_once
    claim = base.events[42]  # rebutted by e44, e53, e77, e108 and e148
    assert isinstance(claim, Claim)
    live.put("e42", changed(claim, about=next(p for p in ("p0", "p1") if p != claim.about)))
    assert live.checks_at_once
    assert live.problems() == walked(live)
    assert sum("only the party a claim is about can rebut it: claim 'e42'" in p.message
               for p in live.problems()) == 5
    live.replaced.clear()
    added = changed(base.events[29], id="added-1")  # a rebuttal of e17, dropped too
    live.put(None, added)
    live.toggle("e17")
    assert live.checks_at_once
    assert [str(p) for p in live.problems()] == [
        f"{base.file}: e10.pledge: unknown pledge 'pl6' (a report needs an earlier pledge "
        "event)",
        f"{base.file}: e24.target: unknown event 'e6'",
        f"{base.file}: e29.target: unknown event 'e17'",
        f"{base.file}: added-1.target: unknown event 'e17'",
    ]
    assert walks == []


def test_a_drop_check_reads_no_event_once_the_base_is_indexed() -> None:
    events = Counted(synthetic.timeline(synthetic.Spec(300, seed=2)).events)
    base = with_events(synthetic.timeline(synthetic.Spec(300, seed=2)), events)
    live = LiveOverlay(base)
    live.toggle("e2")
    assert not live.checks_at_once
    assert [str(p) for p in live.problems()] == [
        f"{base.file}: e9.target: unknown event 'e2'",
        f"{base.file}: e276.target: unknown event 'e2'"]
    assert events.read == 300  # the first check: one walk of the base, for the index
    # a later check, on a new what-if on the same base (the app's trials are copies)
    trial = LiveOverlay(base, dropped={"e2", "e9", "e276", "e25"})
    assert trial.checks_at_once
    assert [p.field for p in trial.problems()] == [
        f"{r}.pledge" for r in ("e38", "e55", "e59", "e66", "e68", "e82", "e90", "e103",
                                "e160", "e169", "e180", "e182", "e280")]
    trial.dropped -= {"e25"}
    assert trial.problems() == []
    assert events.read == 300
    # another base timeline (even with equal events) has an index of its own
    other = LiveOverlay(with_events(base, events), dropped={"e2"})
    assert not other.checks_at_once
    assert len(other.problems()) == 2 and events.read == 600


def test_indexes_are_kept_for_the_latest_bases_only() -> None:
    bases = [synthetic.timeline(synthetic.Spec(50, seed=s)) for s in range(4)]
    for each in bases:
        LiveOverlay(each).prepare_checks()
    kept = tui.whatif._KEPT_INDEXES
    assert [LiveOverlay(b).checks_at_once for b in bases[-kept:]] == [True] * kept
    assert not LiveOverlay(bases[0]).checks_at_once
    assert len(tui.whatif._INDEXED) <= kept
    del bases, each
    gc.collect()
    LiveOverlay(synthetic.timeline(synthetic.Spec(5))).checks_at_once  # noqa: B018
    assert len(tui.whatif._INDEXED) == 1  # the slots of bases gone are forgotten


class Held(Counted):
    """Counted events whose events from `held` on are read once `release` is set."""

    def __init__(self, events: Sequence[Event], held: int) -> None:
        super().__init__(events)
        self.held, self.release, self.waiting = held, threading.Event(), threading.Event()

    def __iter__(self) -> Iterator[Event]:
        for n, event in enumerate(super().__iter__()):
            if n == self.held:
                self.waiting.set()
                assert self.release.wait(10), "the test never released the events"
            yield event


def test_a_check_waits_for_the_index_another_thread_builds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.whatif, "_CHUNK", 10)
    events = Held(synthetic.timeline(synthetic.Spec(300, seed=2)).events, held=200)
    base = with_events(synthetic.timeline(synthetic.Spec(300, seed=2)), events)
    built: list[Dependants] = []
    warm = threading.Thread(target=lambda: built.append(LiveOverlay(base).prepare_checks()))
    warm.start()
    try:
        assert events.waiting.wait(10)
        told: list[tuple[int, int]] = []

        def watch(read: int, total: int) -> None:
            told.append((read, total))
            events.release.set()  # the builder goes on once the waiting check said so

        live = LiveOverlay(base, dropped={"e4"})
        assert [p.field for p in live.problems(watch)] == [
            "e8.target", "e12.target", "e257.target"]
    finally:
        events.release.set()
        warm.join(10)
    assert told[0] == (200, 300)  # how far the builder had got
    assert events.read == 300  # one walk, by the builder
    assert built and live.prepare_checks() is built[0]


def test_a_cancelled_build_is_done_again_by_the_next_check() -> None:
    base = synthetic.timeline(synthetic.Spec(3_000, seed=1))

    class Stop(Exception):
        pass

    def cancel(read: int, total: int) -> None:
        raise Stop

    live = LiveOverlay(base, dropped={"e4"})
    with pytest.raises(Stop):
        live.problems(cancel)
    assert not live.checks_at_once
    assert [(p.field, p.message) for p in live.problems()] == [
        (p.field, p.message) for p in variant_problems(base, {"e4"})] != []
    assert live.checks_at_once


# --- edits and adds: the what-ifs the TUI makes, checked off the index ---------------------


def walked(live: LiveOverlay) -> list[Problem]:
    """The definition: check_events of the live what-if's variant, walked."""
    return check_events(live.base.header, list(live.timeline().events), live._locate)


T = TypeVar("T")


class Draw(Protocol):
    """Where the random choices come from: hypothesis, or a seeded random.Random."""

    def choice(self, options: Sequence[T]) -> T: ...

    def integer(self, lo: int, hi: int) -> int: ...


class Drawn:
    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def choice(self, options: Sequence[T]) -> T:
        return self.data.draw(st.sampled_from(options))

    def integer(self, lo: int, hi: int) -> int:
        return self.data.draw(st.integers(lo, hi))


class Seeded:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


KINDS = ["proposal", "acceptance", "rejection", "claim", "pledge", "report", "retraction"]
#: mostly the header's ids, sometimes none of them (a problem of the event alone)
PARTIES = ["p0", "p1", "p2", "p3", "p0", "p1", "p9"]
ISSUES = ["i0", "i1", "i2", "i3", "i4", "i5", "i9"]
OPTIONS = ["o0", "o1", "o2", "o3", "o9"]


def ties(base: Timeline, how: int) -> Timeline:
    """`base` with its dates made coarser, keeping the order: as is, to the hour, or to
    the day (ties appear, among which the order of the list decides)."""
    if how == 0:
        return base
    cut = 13 if how == 1 else 10
    events = tuple(changed(e, at=e.at[:cut] + (":00:00" if how == 1 else ""))
                   for e in base.events)
    return with_events(base, events)


class Changer:
    """Random changes to a live what-if as the TUI makes them (`toggle`, `put`): drops and
    restores, edits of one or more fields (target, option, type, date, party, pledge id,
    id, `about`) and added events naming ids the rows have, dropped ones and unknown ones."""

    def __init__(self, live: LiveOverlay, draw: Draw) -> None:
        self.live, self.draw, self.fresh = live, draw, 0
        self.pledges = sorted({e.pledge for e in live.base.events if isinstance(e, Pledge)})

    def new_id(self) -> str:
        self.fresh += 1
        return f"new-{self.fresh}"

    def an_id(self, rows: Sequence[Event], row: int) -> str:
        """An id to name: a row's (often a near one), a dropped one, a new or unknown one."""
        return self.a_reference(rows, row)[0]

    def a_reference(self, rows: Sequence[Event], row: int) -> tuple[str, Event | None]:
        """An id to name, and the row event with it when it is a row's."""
        draw = self.draw
        kind = draw.choice(["near", "near", "near", "any", "dropped", "unknown"])
        if rows and kind in ("near", "any"):
            event = rows[max(0, min(len(rows) - 1, row + draw.integer(-12, 6)))] \
                if kind == "near" else draw.choice(rows)
            return event.id, event
        if self.live.dropped and kind == "dropped":
            return draw.choice(sorted(self.live.dropped)), None
        return draw.choice(["nope", f"new-{self.fresh}", f"new-{self.fresh + 1}"]), None

    def a_pledge(self) -> str:
        made = [*self.pledges, *(e.pledge for e in self.live.added if isinstance(e, Pledge)),
                *(e.pledge for e in self.live.replaced.values() if isinstance(e, Pledge))]
        return self.draw.choice([*made[-40:], *made[:3], "pl-new", "pl-new2"]
                                if made else ["pl-new", "pl-new2"])

    def a_date(self, rows: Sequence[Event], at: str) -> str:
        draw = self.draw
        other = draw.choice(rows).at if rows else at
        kind = draw.choice(["same", "other", "other", "day", "first", "last", "offset"])
        return {"same": at, "other": other, "day": other[:10], "first": "2000-01-01",
                "last": "2099-12-31T23:59:00", "offset": other[:10] + "T00:00:00+00:00"}[kind]

    def an_event(self, rows: Sequence[Event], row: int, kind: str, ident: str, at: str,
                 party: str) -> Event:
        """A new event of type `kind`, its references drawn."""
        draw = self.draw
        fields: dict[str, object] = {"id": ident, "at": at, "type": kind, "party": party}
        stance = {"issue": draw.choice(ISSUES), "option": draw.choice(OPTIONS)}
        if kind in ("proposal", "acceptance"):
            fields.update(stance)
        elif kind == "rejection":
            if draw.integer(0, 4):
                named = [self.a_reference(rows, row) for _ in range(draw.integer(1, 2))]
                fields["target"] = [ident for ident, _ in named]
                claim = named[0][1]
                if isinstance(claim, Claim) and draw.integer(0, 1):  # a rebuttal
                    fields["party"] = claim.about
            else:
                fields.update(stance)
        elif kind == "claim":
            fields.update(stance, about=draw.choice(PARTIES))
        elif kind == "pledge":
            fields.update(pledge=self.a_pledge(), commitment="to do it")
        elif kind == "report":
            fields.update(pledge=self.a_pledge(), finding="supports", observation="seen")
        else:
            fields["target"], target = self.a_reference(rows, row)
            if target is not None and draw.integer(0, 1):  # its own statement, often at
                fields["party"] = target.party  # once: before what names the target
                fields["at"] = draw.choice([at, target.at])
        return EVENT_ADAPTER.validate_python(fields)

    def edited(self, rows: Sequence[Event], row: int) -> Event:
        """rows[row] with one to three of its fields changed."""
        draw, event = self.draw, rows[row]
        for _ in range(draw.integer(1, 3)):
            what = draw.choice(["at", "party", "target", "option", "type", "pledge", "id",
                                "about"])
            if what == "type" or (what == "target" and not isinstance(
                    event, Rejection | Retraction)):
                kind = draw.choice([k for k in KINDS if k != event.type] if what == "type"
                                   else ["rejection", "retraction"])
                event = self.an_event(rows, row, kind, event.id, event.at, event.party)
            elif what == "target":
                event = self.an_event(rows, row, event.type, event.id, event.at, event.party)
            elif what == "at":
                event = changed(event, at=self.a_date(rows, event.at))
            elif what == "party":
                event = changed(event, party=draw.choice(PARTIES), speaker=None)
            elif what == "option" and getattr(event, "option", None) is not None:
                event = changed(event, option=draw.choice(OPTIONS))
            elif what == "pledge" and isinstance(event, Pledge | Report):
                event = changed(event, pledge=self.a_pledge())
            elif what == "about" and isinstance(event, Claim):
                event = changed(event, about=draw.choice(PARTIES))
            elif what == "id":  # a new id mostly; another row's makes a duplicate
                new = self.new_id() if draw.integer(0, 3) else self.an_id(rows, row)
                event = changed(event, id=new)
        return event

    def change(self) -> str:
        """One random change; what it was."""
        draw, live = self.draw, self.live
        rows = live.rows()
        op = draw.choice(["drop", "drop", "edit", "edit", "add", "add"] if rows else ["add"])
        row = draw.integer(0, len(rows) - 1) if rows else 0
        hint = row if draw.integer(0, 1) else None  # the app's row, or none
        if op == "drop":
            live.toggle(rows[row].id, hint)
        elif op == "edit":
            live.put(rows[row].id, self.edited(rows, row), hint)
        else:
            model_at = rows[row].at if rows else "2022-01-01"
            ident = self.new_id() if draw.integer(0, 7) else self.an_id(rows, row)
            live.put(None, self.an_event(rows, row, draw.choice(KINDS), ident,
                                         self.a_date(rows, model_at), draw.choice(PARTIES)))
        return op


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 250), st.integers(0, 10_000), st.integers(0, 2), st.data())
def test_problems_with_edits_and_adds_are_check_events_of_the_variant(
        n: int, seed: int, how: int, data: st.DataObject) -> None:
    """Random drops, edits and adds, each checked off the base's index: the problems (list,
    order, text) of check_events walking the variant."""
    base = ties(synthetic.timeline(synthetic.Spec(n, seed=seed)), how)
    live = LiveOverlay(base)
    live.prepare_checks()
    assert live.checks_at_once  # a valid base: the index answers every check
    changer = Changer(live, Drawn(data))
    for _ in range(data.draw(st.integers(1, 8))):
        changer.change()
        assert live.problems() == walked(live)


def test_problems_with_edits_and_adds_on_longer_timelines() -> None:
    """Seeded what-ifs on a few thousand events, checked after every change: thousands of
    checks, many of them with problems."""
    checks = troubled = 0
    for seed in range(2):
        base = ties(synthetic.timeline(synthetic.Spec(3_000, seed=seed)), seed)
        for trial in range(100):
            live = LiveOverlay(base)
            changer = Changer(live, Seeded(1_000 * seed + trial))
            for _ in range(12):
                changer.change()
                found = live.problems()
                assert found == walked(live)
                checks += 1
                troubled += bool(found)
    assert checks == 2_400 and troubled > 1_000


def old_check_event(read: ReadEvent, live: LiveOverlay, original_id: str | None
                    ) -> list[Problem]:
    """`check_event` as it was: the id looked up by a walk of the rows, the variant with the
    event walked and checked in full (on a copy of the base timeline, which has no index)."""
    live = LiveOverlay(with_events(live.base, live.base.events), set(live.dropped),
                       dict(live.replaced), list(live.added))
    event, doc = read.event, read.doc
    rows = live.rows()
    if event.id != original_id and any(e.id == event.id for e in rows):
        return [doc.problem(("id",), f"duplicate event id {event.id!r}")]

    def locate(event_id: str, fld: str, message: str) -> Problem:
        if event_id == event.id:
            return doc.problem(tuple(fld.split(".")) if fld else (), message)
        return Problem(live.base.file, None, None, f"{event_id}.{fld}", message)

    return check_events(live.base.header, list(live.without(original_id, event, rows)),
                        locate)


def test_an_edit_that_keeps_an_added_rows_id_is_checked_as_the_walk_checks_it() -> None:
    """An added row under the id of a dropped base event (a what-if the add form refuses;
    the random what-ifs below make it with `put`): editing it without touching its id is
    no rename of a base event (found by the test below: the form's check objected)."""
    base = synthetic.timeline(synthetic.Spec(2, seed=0))
    live = LiveOverlay(base)
    live.toggle("e0", None)
    first = base.events[0]
    live.put(None, EVENT_ADAPTER.validate_python(
        {"id": "e0", "at": first.at, "type": "pledge", "party": "p0", "pledge": "pl-new",
         "commitment": "to do it"}))
    added = next(e for e in live.added if e.id == "e0")
    read, problems = read_event(event_yaml(changed(added, party="p1")))
    assert read is not None and problems == []
    assert check_event(read, live, "e0") == old_check_event(read, live, "e0") == []


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 200), st.integers(0, 10_000), st.integers(0, 2), st.data())
def test_the_edit_forms_check_is_the_walk_it_was(n: int, seed: int, how: int,
                                                  data: st.DataObject) -> None:
    """`check_event` (the form's check, `e` and `a`) gives what the walk gave, on what-ifs
    with drops, edits and adds made first."""
    base = ties(synthetic.timeline(synthetic.Spec(n, seed=seed)), how)
    live = LiveOverlay(base)
    changer = Changer(live, Drawn(data))
    for _ in range(data.draw(st.integers(0, 5))):
        changer.change()
    rows = live.rows()
    row = data.draw(st.integers(0, len(rows) - 1))
    if data.draw(st.booleans()):  # an edit of the row
        original: str | None = rows[row].id
        event = changer.edited(rows, row)
    else:
        original = None
        ident = changer.new_id() if data.draw(st.booleans()) else changer.an_id(rows, row)
        event = changer.an_event(rows, row, data.draw(st.sampled_from(KINDS)), ident,
                                 changer.a_date(rows, rows[row].at),
                                 data.draw(st.sampled_from(PARTIES)))
    read, problems = read_event(event_yaml(event))
    assert read is not None and problems == []
    assert check_event(read, live, original) == old_check_event(read, live, original)
    assert live.checks_at_once


def test_a_new_id_is_looked_up_in_the_index() -> None:
    """Once the base is indexed, the form's check of a new id reads no walk of the base:
    only the events around the change (and a bisection for its place)."""
    events = Counted(synthetic.timeline(synthetic.Spec(3_000, seed=2)).events)
    base = with_events(synthetic.timeline(synthetic.Spec(3_000, seed=2)), events)
    live = LiveOverlay(base)
    live.prepare_checks()
    assert events.read == 3_000
    assert live.knows("brand-new") and live.knows("e2999")
    e8 = base.events[8]  # a rejection of e4
    read, _ = read_event(event_yaml(changed(e8, id="brand-new", target=["e4", "nope"])))
    assert read is not None
    assert [str(p) for p in check_event(read, live, None)] == [
        "(edited event):9:1: target: unknown event 'nope'"]
    read, _ = read_event(event_yaml(changed(e8, id="e2999")))
    assert read is not None
    assert [str(p) for p in check_event(read, live, None)] == [
        "(edited event):1:1: id: duplicate event id 'e2999'"]
    assert events.read - 3_000 < 40  # a bisection for the date, the events it names


def test_what_an_edit_or_an_add_does_to_other_events() -> None:
    """The cases a changed event makes for other events, each read off the index."""
    base = synthetic.timeline(synthetic.Spec(300, seed=2))
    e = {event.id: event for event in base.events}

    def problems(*changes: tuple[str | None, Event], dropped: set[str] | None = None
                 ) -> list[str]:
        live = LiveOverlay(base, dropped=dropped or set())
        for original, event in changes:
            live.put(original, event)
        found = live.problems()
        assert found == walked(live)
        return [f"{p.field}: {p.message}" for p in found]

    # an added event whose id a later base event has: the later one is the duplicate
    early = changed(e["e3"], id="e250")
    assert problems((None, early)) == ["e250.id: duplicate event id 'e250'"]
    # a pledge id reused: "already used" on whichever comes later; the reports on pl6
    # read the later pledge (the base's, e6, is still the later one here)
    reuse = changed(e["e6"], id="early-pledge", at="2021-12-31")
    assert problems((None, reuse)) == [
        "e6.pledge: pledge id 'pl6' is already used by event 'early-pledge'"]
    # a retraction added: what names its target later "was retracted" (e4 is p0's
    # acceptance, targeted by e8, e12 and e257)
    withdraw = Retraction.model_validate({"id": "withdraw", "at": e["e5"].at,
                                          "type": "retraction", "party": e["e4"].party,
                                          "target": "e4"})
    assert problems((None, withdraw)) == [
        "e8.target: target 'e4' was retracted by 'withdraw'",
        "e12.target: target 'e4' was retracted by 'withdraw'",
        "e257.target: target 'e4' was retracted by 'withdraw'"]
    # a claim edited to be about another party: its rebuttals are by the wrong party
    claim = e["e42"]
    assert isinstance(claim, Claim)
    other = next(p for p in ("p0", "p1") if p != claim.about)
    assert problems(("e42", changed(claim, about=other))) == [
        f"{r}.target: only the party a claim is about can rebut it: claim 'e42' is about "
        f"{other!r}, not {claim.about!r}" for r in ("e44", "e53", "e77", "e108", "e148")]
    # an event edited to another type: what targets it can no longer
    pledge = Pledge.model_validate({"id": "e4", "at": e["e4"].at, "type": "pledge",
                                    "party": e["e4"].party, "pledge": "plx",
                                    "commitment": "c"})
    assert problems(("e4", pledge)) == [
        "e8.target: a rejection targets a proposal, acceptance or claim; 'e4' is a pledge",
        "e12.target: a rejection targets a proposal, acceptance or claim; 'e4' is a pledge",
        "e257.target: a rejection targets a proposal, acceptance or claim; 'e4' is a pledge"]
    # an edit moving an event after what names it
    assert problems(("e4", changed(e["e4"], at=e["e100"].at))) == [
        f"{r}.target: target 'e4' comes later in the timeline; a target must come earlier"
        for r in ("e8", "e12")]
    # an edit giving an event another id: what named the old one names nothing
    # an edit giving an event another id: what named the old id names nothing (the
    # report on pl6 reads the pledge under its new id)
    assert problems(("e6", changed(e["e6"], id="renamed"))) == [
        "e24.target: unknown event 'e6'"]
