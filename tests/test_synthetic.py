"""The synthetic generator gives valid, deterministic timelines with every event type."""

from __future__ import annotations

from collections import Counter

import pytest

from events import synthetic
from events.catalogue import EVENT_TYPES
from events.errors import Problem
from events.references import check_events, check_header


def _problem(event: str, field: str, message: str) -> Problem:
    return Problem(file="<synthetic>", line=None, column=None, field=f"{event}.{field}",
                   message=message)


@pytest.mark.parametrize("spec", [
    synthetic.Spec(3000, parties=2, issues=1, seed=1),
    synthetic.Spec(5000, seed=7),
    synthetic.Spec(4000, parties=6, issues=9, seed=2, fork_at=2500, fork_seed=5),
])
def test_every_reference_is_valid(spec: synthetic.Spec) -> None:
    timeline = synthetic.timeline(spec)
    assert check_header(timeline.header, _problem) == []
    assert check_events(timeline.header, timeline.events, _problem) == []
    assert timeline.steps == spec.events


def test_events_validate_as_the_catalogue_models() -> None:
    for event in synthetic.timeline(synthetic.Spec(1500, seed=4)).events:
        data = event.model_dump(exclude_none=True)
        assert type(EVENT_TYPES[event.type].model_validate(data)) is type(event)


def test_the_mix_has_every_type_near_its_share() -> None:
    spec = synthetic.Spec(20000, seed=3)
    counts = Counter(event.type for event in synthetic.events(spec))
    assert set(counts) == set(EVENT_TYPES)
    for kind, share in synthetic.MIX.items():
        assert abs(counts[kind] / spec.events - share) < 0.03, kind


def test_the_same_seed_gives_the_same_events() -> None:
    first = synthetic.timeline(synthetic.Spec(2000, seed=9))
    again = synthetic.timeline(synthetic.Spec(2000, seed=9))
    other = synthetic.timeline(synthetic.Spec(2000, seed=10))
    assert first.events == again.events
    assert first.events != other.events


def test_a_fork_shares_the_prefix_and_differs_after() -> None:
    base = synthetic.timeline(synthetic.Spec(3000, seed=1))
    fork = synthetic.timeline(synthetic.Spec(3000, seed=1, fork_at=2000, fork_seed=2))
    assert base.header == fork.header
    assert base.events[:2000] == fork.events[:2000]
    assert base.events[2000] != fork.events[2000]


def test_timestamps_never_decrease() -> None:
    events = list(synthetic.events(synthetic.Spec(2000, seed=1)))
    assert [e.at for e in events] == sorted(e.at for e in events)
