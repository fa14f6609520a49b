"""The problems of a timeline without some events, read off its reversed references
(`events.dependants`), are `check_events` of that variant: same problems, order and
text. The live what-if uses them while it only drops events, and checks in full
otherwise (an edit, an add, a base with problems of its own)."""

from __future__ import annotations

import gc
import random
import threading
from collections.abc import Iterator, Sequence
from typing import overload

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tui.whatif
from events import synthetic
from events.catalogue import Claim, Event, Retraction
from events.dependants import Dependants, index
from events.errors import Problem
from events.references import check_events
from events.scenario import Header
from events.timeline import Locator, Timeline
from tui.whatif import LiveOverlay


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


def test_an_edit_or_an_add_is_checked_in_full() -> None:
    """The index knows what the base's events name, not what an edit makes of them."""
    base = synthetic.timeline(synthetic.Spec(300, seed=2))
    live = LiveOverlay(base)
    live.toggle("e6")
    live.prepare_checks()
    assert live.checks_at_once
    claim = base.events[42]  # rebutted by e44, e53, e77, e108 and e148
    assert isinstance(claim, Claim)
    live.put("e42", changed(claim, about=next(p for p in ("p0", "p1") if p != claim.about)))
    assert not live.checks_at_once
    assert [str(p) for p in live.problems()] == [str(p) for p in check_events(
        base.header, list(live.timeline().events), live._locate)]
    assert sum("e42" in p.message for p in live.problems()) == 5
    live.replaced.clear()
    added = changed(base.events[29], id="added-1")  # a rebuttal of e17, dropped too
    live.put(None, added)
    live.toggle("e17")
    assert not live.checks_at_once
    assert [str(p) for p in live.problems()] == [
        f"{base.file}: e10.pledge: unknown pledge 'pl6' (a report needs an earlier pledge "
        "event)",
        f"{base.file}: e24.target: unknown event 'e6'",
        f"{base.file}: e29.target: unknown event 'e17'",
        f"{base.file}: added-1.target: unknown event 'e17'",
    ]


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
