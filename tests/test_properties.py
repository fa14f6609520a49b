"""Property tests: random valid timelines (every event type, valid references) replay
deterministically, the store gives what the pure fold gives, and a retraction is as if the
retracted statement had never happened."""

from __future__ import annotations

import copy
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from helpers import ISSUES, PARTIES, load, scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import fold
from domain.application import Negotiations
from domain.replay import Replay
from domain.state import State
from domain.state_json import state_json
from domain.stores import store_env
from events.timeline import Timeline

PARTY_IDS = [p["id"] for p in PARTIES]
OPTIONS = {i["id"]: [o["id"] for o in i["options"]] for i in ISSUES}
KINDS = ["proposal", "acceptance", "rejection", "rebuttal", "reject-target", "claim", "pledge",
         "report", "retraction"]
START = datetime(2022, 3, 28)


@st.composite
def timelines(draw: st.DrawFn, max_events: int = 14) -> list[dict[str, Any]]:
    """A valid event list in timeline order (times never go back; ties keep file order)."""
    events: list[dict[str, Any]] = []
    live: dict[str, dict[str, Any]] = {}  # non-retracted proposals/acceptances/claims/pledges
    pledge_ids = 0
    when = START
    for n in range(draw(st.integers(1, max_events))):
        when += timedelta(hours=draw(st.sampled_from([0, 0, 1, 24])))
        at = when.date().isoformat() if when.hour == 0 and draw(st.booleans()) \
            else when.isoformat()
        kind = draw(st.sampled_from(KINDS))
        party = draw(st.sampled_from(PARTY_IDS))
        ev: dict[str, Any] = {"id": f"e{n}", "at": at, "party": party}
        stances = [e for e in live.values() if e["type"] in ("proposal", "acceptance")]
        claims = [e for e in live.values() if e["type"] == "claim"]
        pledges = [e for e in live.values() if e["type"] == "pledge"]
        if kind in ("proposal", "acceptance", "rejection", "claim"):
            issue = draw(st.sampled_from(sorted(OPTIONS)))
            ev.update(type=kind, issue=issue, option=draw(st.sampled_from(OPTIONS[issue])))
            if kind == "claim":
                ev["about"] = draw(st.sampled_from(PARTY_IDS))
            elif kind != "rejection" and draw(st.booleans()):
                ev["conditions"] = [f"c{n}"]
        elif kind == "rebuttal" and claims:
            target = draw(st.sampled_from(claims))
            ev.update(type="rejection", party=target["about"], target=[target["id"]])
        elif kind == "reject-target" and stances:
            ev.update(type="rejection", target=[draw(st.sampled_from(stances))["id"]])
        elif kind == "report" and pledges:
            ev.update(type="report", pledge=draw(st.sampled_from(pledges))["pledge"],
                      finding=draw(st.sampled_from(["supports", "contradicts"])),
                      observation="seen")
        elif kind == "retraction" and live:
            target = live.pop(draw(st.sampled_from(sorted(live))))
            ev.update(type="retraction", party=target["party"], target=target["id"])
        else:
            pledge_ids += 1
            ev.update(type="pledge", pledge=f"pl{pledge_ids}", commitment="to act")
        if ev["type"] in ("proposal", "acceptance", "claim", "pledge"):
            live[ev["id"]] = ev
        events.append(ev)
    return events


def loaded(events: list[dict[str, Any]]) -> Timeline:
    with tempfile.TemporaryDirectory() as tmp:
        return load(Path(tmp), scenario(copy.deepcopy(events)))


def folded(timeline: Timeline, steps: int) -> dict[str, Any]:
    """Fold the first `steps` events directly, without Replay or a store."""
    state = State.empty(timeline.header)
    for event in timeline.events[:steps]:
        fold.apply(state, event)
    return state_json(state, timeline.steps)


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(timelines())
def test_the_generated_timelines_are_valid_and_keep_file_order(events: list[dict[str, Any]]
                                                               ) -> None:
    timeline = loaded(events)
    assert [e.id for e in timeline.events] == [e["id"] for e in events]


@SETTINGS
@given(timelines())
def test_replay_is_deterministic_in_any_stepping_order(events: list[dict[str, Any]]) -> None:
    timeline = loaded(events)
    forward = Replay(timeline)
    first = [copy.deepcopy(forward.json(n)) for n in range(timeline.steps + 1)]
    backward = Replay(timeline)
    second = [copy.deepcopy(backward.json(n)) for n in reversed(range(timeline.steps + 1))]
    assert first == second[::-1]
    assert first == [folded(timeline, n) for n in range(timeline.steps + 1)]


@SETTINGS
@given(timelines())
def test_the_state_at_step_n_from_a_store_equals_folding_n_events(events: list[dict[str, Any]]
                                                                  ) -> None:
    timeline = loaded(events)
    app = Negotiations(env=store_env("memory"))
    app.record(timeline)
    for n in range(timeline.steps + 1):
        assert app.state(timeline.name, step=n) == folded(timeline, n)


@SETTINGS
@given(timelines())
def test_the_state_is_coherent_at_every_step(events: list[dict[str, Any]]) -> None:
    timeline = loaded(events)
    replay = Replay(timeline)
    for n in range(timeline.steps + 1):
        state = replay.json(n)
        for row in state["positions"].values():
            for cell in row.values():
                assert not set(cell["accepts"]) & set(cell["rejects"])
                assert cell["option"] is None or cell["option"] in cell["accepts"]
                assert len(cell["events"]) == len(set(cell["events"]))
        for issue in state["issues"].values():
            assert issue["gap"] is None or 0.0 <= issue["gap"] <= 1.0
        for claim_id, claim in state["claims"].items():
            assert claim_id in state["positions"][claim["about"]][claim["issue"]]["claims"]


@SETTINGS
@given(timelines(max_events=12))
def test_a_retraction_is_as_if_the_statement_never_happened(events: list[dict[str, Any]]
                                                            ) -> None:
    retractions = [e for e in events if e["type"] == "retraction"]
    targeted = {t for e in events if e["type"] == "rejection" for t in e.get("target", [])}
    reported = {e["pledge"] for e in events if e["type"] == "report"}
    for retraction in retractions:
        target = next(e for e in events if e["id"] == retraction["target"])
        if target["id"] in targeted or target.get("pledge") in reported:
            continue  # a later statement refers to it: it cannot simply be left out
        without = [e for e in events if e["id"] not in (target["id"], retraction["id"])]
        if not without:
            continue
        a = Replay(loaded(events)).json()
        b = Replay(loaded(without)).json()
        for state in (a, b):
            for row in state["positions"].values():
                for cell in row.values():
                    del cell["events"]
            for key in ("step", "steps", "event", "at"):
                del state[key]
        assert a == b
