"""Comparing two timelines: hand-made pairs whose answer is known."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_overlay import base_file, overlay
from typer.testing import CliRunner

from domain import fold
from domain.diff import (
    Divergence,
    comparable,
    compare,
    differing_leaves,
    divergences,
    state_differences,
)
from domain.replay import Replay
from domain.state import State
from domain.state_json import state_json
from events import synthetic
from events.loader import load_timeline
from events.scenario import Header
from events.timeline import Timeline
from tui import cli
from tui.cli import app


def pair(tmp_path: Path, body: str) -> tuple[Timeline, Timeline]:
    """The base fixture and an overlay on it with `body`."""
    base = load_timeline(base_file(tmp_path))
    return base, load_timeline(overlay(tmp_path, body))


def naive_divergences(a: Timeline, b: Timeline) -> list[Divergence]:
    """Every differing step found the slow way: replay both sides from the start."""
    ra, rb = Replay(a), Replay(b)
    out = []
    for n in range(max(a.steps, b.steps) + 1):
        left = comparable(ra.json(min(n, a.steps)))
        right = comparable(rb.json(min(n, b.steps)))
        if left != right:
            out.append(Divergence(n, a.events[n - 1].id if 0 < n <= a.steps else None,
                                  b.events[n - 1].id if 0 < n <= b.steps else None))
    return out


def changes(result: Any) -> list[tuple[str, Any, Any]]:
    """(path, base, variant) of each change."""
    return [(c.path, c.base, c.variant) for c in result.changes]


def test_no_change_at_all_diverges_nowhere(tmp_path: Path) -> None:
    base, variant = pair(tmp_path, "")
    assert compare(base, variant).json() == {
        "base": "talks", "variant": "whatif", "diverges_at": None, "changes": [],
        "gap": {"base": None, "variant": None}}
    assert divergences(base, variant) == []


def test_a_change_at_the_last_step(tmp_path: Path) -> None:
    base, variant = pair(tmp_path, """\
        replace:
          - {id: shelling-goes-on, at: 2022-03-31, type: report, party: ukraine,
             pledge: deescalate, finding: supports, observation: quiet}
        """)
    result = compare(base, variant)
    assert result.json()["diverges_at"] == {"step": 6, "base_event": "shelling-goes-on",
                                            "variant_event": "shelling-goes-on"}
    assert changes(result) == [
        ("pledges.deescalate.status", "disputed", "honoured"),
        ("pledges.deescalate.supports", ["seen-leaving"], ["seen-leaving", "shelling-goes-on"]),
        ("pledges.deescalate.contradicts", ["shelling-goes-on"], []),
    ]
    change = result.changes[0]
    assert (change.issue, change.party) == (None, "russia")
    assert (change.base_cause, change.variant_cause) == ("shelling-goes-on", "shelling-goes-on")


def test_a_drop_that_changes_whether_a_claim_is_contested(tmp_path: Path) -> None:
    base, variant = pair(tmp_path, "drop: [ua-proposes, nikolenko-rebuts]\n")
    result = compare(base, variant)
    assert result.json()["diverges_at"] == {"step": 1, "base_event": "ua-proposes",
                                            "variant_event": "lavrov-claims"}
    assert changes(result) == [
        ("positions.ukraine.crimea.option", "deferred", None),
        ("positions.ukraine.crimea.accepts", ["deferred"], []),
        ("positions.ukraine.crimea.events",
         ["ua-proposes", "lavrov-claims", "nikolenko-rebuts"], ["lavrov-claims"]),
        ("claims.lavrov-claims.contested", True, False),
        ("claims.lavrov-claims.rebutted", True, False),
        ("claims.lavrov-claims.rebuttals", ["nikolenko-rebuts"], []),
        ("claims.lavrov-claims.events", ["lavrov-claims", "nikolenko-rebuts"],
         ["lavrov-claims"]),
    ]
    contested = result.changes[3]
    assert (contested.issue, contested.party) == ("crimea", "ukraine")
    assert (contested.base_cause, contested.variant_cause) == ("nikolenko-rebuts",
                                                               "lavrov-claims")


def test_a_grade_filter_turns_a_disputed_pledge_honoured(tmp_path: Path) -> None:
    base, variant = pair(tmp_path, "min_reliability: B\n")
    result = compare(base, variant)
    assert result.json()["diverges_at"] == {"step": 3, "base_event": "nikolenko-rebuts",
                                            "variant_event": "ru-pledges"}
    assert changes(result) == [
        ("positions.ukraine.crimea.events",
         ["ua-proposes", "lavrov-claims", "nikolenko-rebuts"], ["ua-proposes", "lavrov-claims"]),
        ("claims.lavrov-claims.rebutted", True, False),
        ("claims.lavrov-claims.rebuttals", ["nikolenko-rebuts"], []),
        ("claims.lavrov-claims.events", ["lavrov-claims", "nikolenko-rebuts"],
         ["lavrov-claims"]),
        ("pledges.deescalate.status", "disputed", "honoured"),
        ("pledges.deescalate.contradicts", ["shelling-goes-on"], []),
        ("pledges.deescalate.events", ["ru-pledges", "seen-leaving", "shelling-goes-on"],
         ["ru-pledges", "seen-leaving"]),
    ]


def test_a_shorter_variant_keeps_its_last_state_against_the_longer(tmp_path: Path) -> None:
    base, variant = pair(tmp_path, "drop: [shelling-goes-on]\n")
    assert divergences(base, variant) == [Divergence(6, "shelling-goes-on", None)]
    assert compare(variant, base).json()["diverges_at"] == {
        "step": 6, "base_event": None, "variant_event": "shelling-goes-on"}


def test_a_path_on_one_side_only_is_null_on_the_other(tmp_path: Path) -> None:
    base, variant = pair(tmp_path, """\
        add:
          - {id: ru-claims, at: 2022-04-01, type: claim, party: russia, about: ukraine,
             issue: crimea, option: deferred}
        """)
    result = compare(base, variant)
    assert result.json()["diverges_at"] == {"step": 7, "base_event": None,
                                            "variant_event": "ru-claims"}
    assert ("claims.ru-claims.contested", None, False) in changes(result)
    assert ("positions.ukraine.crimea.claims", ["lavrov-claims"],
            ["lavrov-claims", "ru-claims"]) in changes(result)


def test_every_differing_step_matches_a_full_replay_of_both_sides(tmp_path: Path) -> None:
    base_file(tmp_path)
    base = load_timeline(tmp_path / "talks.yaml")
    bodies = ["", "drop: [nikolenko-rebuts]\n", "min_reliability: B\n",
              "drop: [shelling-goes-on]\n", "min_credibility: 1\n"]
    for n, body in enumerate(bodies):
        variant = load_timeline(overlay(tmp_path, body, f"v{n}.yaml"))
        assert divergences(base, variant) == naive_divergences(base, variant), body
        assert divergences(variant, base) == naive_divergences(variant, base), body
    steps = divergences(base, load_timeline(tmp_path / "v1.yaml"))
    assert [d.step for d in steps] == [3, 4, 5, 6]


def test_different_negotiations_differ_from_step_zero(tmp_path: Path) -> None:
    base = load_timeline(base_file(tmp_path))
    (tmp_path / "other").mkdir()
    other = load_timeline(base_file(tmp_path / "other",
                                    negotiation={"id": "other", "title": "Other"}))
    result = compare(base, other)
    assert result.json()["diverges_at"] == {"step": 0, "base_event": None,
                                            "variant_event": None}
    assert changes(result) == [("negotiation", "talks", "other")]


def test_comparing_at_a_point_stops_both_sides_there(tmp_path: Path) -> None:
    base, variant = pair(tmp_path, "drop: [nikolenko-rebuts]\n")
    assert compare(base, variant, 2, 2).json()["diverges_at"] is None
    assert compare(base, variant, 2, 2).changes == []
    result = compare(base, variant, 3, 3)
    assert result.json()["diverges_at"]["step"] == 3
    assert ("pledges.deescalate.status", None, "open") in changes(result)


# --- the part-wise comparison against the whole-JSON definition ----------------------------


def folded(timeline: Timeline, steps: int) -> State:
    """The plain fold of the first `steps` events."""
    state = State.empty(timeline.header)
    for event in timeline.events[:steps]:
        fold.apply(state, event)
    return state


def json_cause(state: dict[str, Any], path: str, order: dict[str, int]) -> str | None:
    """The event behind a change read off the JSON state (the definition in
    docs/whatif.md, as `accord diff` computed it before it kept the fold states)."""
    parts = path.split(".")
    depth = {"positions": 3, "claims": 2, "pledges": 2}.get(parts[0])
    if depth is not None:
        item: Any = state
        for part in parts[:depth]:
            item = item.get(part) if isinstance(item, dict) else None
        events = item.get("events") if isinstance(item, dict) else None
        return events[-1] if events else None
    if parts[0] not in ("issues", "gap"):
        return None
    issue = parts[1] if parts[0] == "issues" and len(parts) > 1 else None
    last = [cell["events"][-1] for row in state["positions"].values()
            for issue_id, cell in row.items()
            if (issue is None or issue_id == issue) and cell["events"]]
    return max(last, key=lambda e: order.get(e, 0)) if last else None


def json_group(path: str, *states: dict[str, Any]) -> tuple[str | None, str | None]:
    """The issue and party of a change read off the JSON states."""
    parts = path.split(".")
    if parts[0] == "positions" and len(parts) > 2:
        return parts[2], parts[1]
    if parts[0] == "issues" and len(parts) > 1:
        return parts[1], None
    if parts[0] in ("claims", "pledges") and len(parts) > 1:
        for state in states:
            item = state[parts[0]].get(parts[1])
            if item is not None:
                return item.get("issue"), item.get("about" if parts[0] == "claims" else "party")
    return None, None


def json_changes(base: Timeline, variant: Timeline, base_end: int, variant_end: int
                 ) -> list[tuple[Any, ...]]:
    """(path, base, variant, issue, party, base cause, variant cause) of every change,
    from the two whole JSON states."""
    old = state_json(folded(base, base_end), base.steps)
    new = state_json(folded(variant, variant_end), variant.steps)
    orders = [{e.id: n for n, e in enumerate(t.events, start=1)} for t in (base, variant)]
    return [(path, before, after, *json_group(path, old, new),
             json_cause(old, path, orders[0]), json_cause(new, path, orders[1]))
            for path, before, after in differing_leaves(comparable(old), comparable(new))]


def full_changes(result: Any) -> list[tuple[Any, ...]]:
    """Everything a change says."""
    return [(c.path, c.base, c.variant, c.issue, c.party, c.base_cause, c.variant_cause)
            for c in result.changes]


def whole_json_differences(a: State, b: State) -> list[tuple[str, Any, Any]]:
    """The definition `state_differences` keeps to."""
    return list(differing_leaves(comparable(state_json(a, 0)), comparable(state_json(b, 0))))


@st.composite
def synthetic_pairs(draw: st.DrawFn) -> tuple[Timeline, Timeline]:
    """A generated timeline and a what-if of it forking anywhere (sometimes under another
    header: more parties or issues)."""
    events = draw(st.integers(1, 160))
    shape = {"parties": draw(st.integers(2, 4)), "issues": draw(st.integers(1, 3)),
             "seed": draw(st.integers(0, 10_000))}
    base = synthetic.timeline(synthetic.Spec(events, **shape))
    if draw(st.integers(0, 9)) == 0:
        shape["parties"] += 1
    variant = synthetic.timeline(synthetic.Spec(
        draw(st.integers(1, 160)), **shape, fork_at=draw(st.integers(0, events)),
        fork_seed=draw(st.integers(0, 10_000))))
    return base, variant


@settings(max_examples=150, deadline=None)
@given(synthetic_pairs(), st.data())
def test_the_comparison_is_the_whole_json_comparison(pair: tuple[Timeline, Timeline],
                                                     data: st.DataObject) -> None:
    base, variant = pair
    base_end = data.draw(st.integers(0, base.steps))
    variant_end = data.draw(st.integers(0, variant.steps))
    result = compare(base, variant, base_end, variant_end)
    assert full_changes(result) == json_changes(base, variant, base_end, variant_end)
    old, new = folded(base, base_end), folded(variant, variant_end)
    assert list(state_differences(old, new)) == whole_json_differences(old, new)
    assert list(state_differences(new, old)) == whole_json_differences(new, old)
    assert result.json()["gap"] == {"base": state_json(old, 0)["gap"],
                                    "variant": state_json(new, 0)["gap"]}


@settings(max_examples=60, deadline=None)
@given(synthetic_pairs(), st.data())
def test_states_at_any_two_steps_differ_as_their_whole_json(
        pair: tuple[Timeline, Timeline], data: st.DataObject) -> None:
    """Two steps of one timeline, or of a timeline and its what-if: entries on one side
    only, `claims` or `pledges` empty on one side, claims whose `contested` moved."""
    base, variant = pair
    other = data.draw(st.sampled_from([base, variant]))
    old = folded(base, data.draw(st.integers(0, base.steps)))
    new = folded(other, data.draw(st.integers(0, other.steps)))
    assert list(state_differences(old, new)) == whole_json_differences(old, new)


@settings(max_examples=40, deadline=None)
@given(synthetic_pairs())
def test_every_differing_step_of_generated_pairs_matches_a_full_replay(
        pair: tuple[Timeline, Timeline]) -> None:
    base, variant = pair
    assert divergences(base, variant) == naive_divergences(base, variant)


def test_folding_on_a_fork_leaves_the_original_as_it_was() -> None:
    """The fork shares no mutable container with the state it was copied from (whatever
    fields the cells grow), so the two sides of a comparison or a branch stay apart."""
    timeline = synthetic.timeline(synthetic.Spec(600, seed=3))
    state = folded(timeline, 300)
    before = copy.deepcopy(state)
    fork = state.copy()
    for event in timeline.events[300:]:
        fold.apply(fork, event)
    assert state == before
    assert fork == folded(timeline, 600)


OVERLAY_BODIES = [
    "",
    "drop: [nikolenko-rebuts]\n",
    "drop: [ua-proposes, nikolenko-rebuts]\n",
    "drop: [ru-pledges, seen-leaving, shelling-goes-on]\n",
    "min_reliability: B\n",
    "min_credibility: 1\n",
    """\
    add:
      - {id: ru-claims, at: 2022-04-01, type: claim, party: russia, about: ukraine,
         issue: crimea, option: deferred}
    """,
    """\
    replace:
      - {id: shelling-goes-on, at: 2022-03-31, type: report, party: ukraine,
         pledge: deescalate, finding: supports, observation: quiet}
    """,
]


@pytest.mark.parametrize("body", OVERLAY_BODIES)
def test_overlay_pairs_compare_as_their_whole_json(tmp_path: Path, body: str) -> None:
    base, variant = pair(tmp_path, body)
    for old, new in ((base, variant), (variant, base)):
        for end in range(max(old.steps, new.steps) + 1):
            ends = (min(end, old.steps), min(end, new.steps))
            assert full_changes(compare(old, new, *ends)) == json_changes(old, new, *ends)


def test_a_dropped_pledge_is_on_one_side_only_with_its_causes(tmp_path: Path) -> None:
    base, variant = pair(tmp_path, "drop: [ru-pledges, seen-leaving, shelling-goes-on]\n")
    found = [c for c in compare(base, variant).changes if c.path.startswith("pledges.")]
    assert [(c.path, c.base, c.variant) for c in found] == [
        ("pledges.deescalate.party", "russia", None),
        ("pledges.deescalate.status", "disputed", None),
        ("pledges.deescalate.supports", ["seen-leaving"], None),
        ("pledges.deescalate.contradicts", ["shelling-goes-on"], None),
        ("pledges.deescalate.events", ["ru-pledges", "seen-leaving", "shelling-goes-on"],
         None),
        ("pledges.deescalate.commitment", "reduce activity near Kyiv", None),
        ("pledges.deescalate.issue", None, None),
    ]
    assert {(c.base_cause, c.variant_cause) for c in found} == {("shelling-goes-on", None)}


# --- the command line --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as on a wide terminal, so a row stays on one line."""
    monkeypatch.setattr(cli.out, "width", 200)
    monkeypatch.setattr(cli.err, "width", 200)


def run(*args: str) -> Any:
    """`accord ARGS…` in-process."""
    return CliRunner().invoke(app, list(args))


def test_accord_diff_json_is_the_design_contract(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, "drop: [nikolenko-rebuts]\n")
    result = run("diff", str(tmp_path / "talks.yaml"), str(path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["base", "variant", "diverges_at", "changes", "gap"]
    assert data["diverges_at"] == {"step": 3, "base_event": "nikolenko-rebuts",
                                   "variant_event": "ru-pledges"}
    assert {"path": "claims.lavrov-claims.rebutted", "base": True,
            "variant": False} in data["changes"]


def test_accord_diff_table_groups_by_issue_and_party_with_causes(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, "min_reliability: B\n")
    result = run("diff", str(tmp_path / "talks.yaml"), str(path))
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "rebutted" in line)
    assert "true" in row and "false" in row and '"nikolenko-rebuts" / "lavrov-claims"' in row
    assert "first differ after step 3" in result.output


def test_accord_diff_steps_and_at(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, "drop: [nikolenko-rebuts]\n")
    talks = str(tmp_path / "talks.yaml")
    listed = json.loads(run("diff", talks, str(path), "--steps", "--json").output)
    assert [d["step"] for d in listed["steps"]] == [3, 4, 5, 6]
    at = json.loads(run("diff", talks, str(path), "--at", "lavrov-claims", "--json").output)
    assert at["diverges_at"] is None and at["changes"] == []
    missing = run("diff", talks, str(path), "--at", "nikolenko-rebuts")
    assert missing.exit_code == 1
    assert f"{path}: --at: no event 'nikolenko-rebuts' in 'whatif'" in missing.output
    beyond = run("diff", talks, str(path), "--step", "9")
    assert beyond.exit_code == 1
    assert "--step: step 9 is beyond the last step of both timelines (6 and 5)" in beyond.output


def test_replay_and_check_work_on_an_overlay(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, """\
        drop: [nikolenko-rebuts]
        expect:
          - state: {claims.lavrov-claims.rebutted: false}
        """)
    replayed = run("replay", str(path), "--json")
    assert replayed.exit_code == 0, replayed.output
    assert json.loads(replayed.output)["claims"]["lavrov-claims"]["rebutted"] is False
    checked = run("check", str(path))
    assert checked.exit_code == 0 and "1 expectations hold" in checked.output



# --- at scale (pytest-benchmark; skipped unless run with --benchmark-only) ----------------


def generated(header: Any, count: int, seed: int, start: int = 0,
              pledges: list[str] | None = None) -> list[Any]:
    """`count` valid stances, claims, pledges and reports (ids from `start`); `pledges`
    lists the pledges made so far and grows with the new ones."""
    import random

    from events.catalogue import Claim, Pledge, Proposal, Rejection, Report

    rng = random.Random(seed)
    pledges = [] if pledges is None else pledges
    parties = [p.id for p in header.parties]
    issues = [(i.id, [o.id for o in i.options]) for i in header.issues]
    out: list[Any] = []
    for n in range(start, start + count):
        party = rng.choice(parties)
        issue, options = rng.choice(issues)
        option = rng.choice(options)
        at = f"2022-{1 + n // 40_000 % 12:02d}-{1 + n // 1_500 % 28:02d}"
        common = {"id": f"e{n}-{seed}", "at": at, "party": party}
        roll = rng.random()
        if roll < 0.45:
            out.append(Proposal(type="proposal", issue=issue, option=option, **common))
        elif roll < 0.65:
            out.append(Rejection(type="rejection", issue=issue, option=option, **common))
        elif roll < 0.80:
            about = rng.choice([p for p in parties if p != party])
            out.append(Claim(type="claim", about=about, issue=issue, option=option, **common))
        elif roll < 0.88 or not pledges:
            pledges.append(f"p{n}-{seed}")
            out.append(Pledge(type="pledge", pledge=pledges[-1], commitment="act", **common))
        else:
            out.append(Report(type="report", pledge=rng.choice(pledges), observation="seen",
                              finding=rng.choice(["supports", "contradicts"]), **common))
    return out


def test_bench_diff_of_100k_event_timelines_sharing_a_90k_prefix(benchmark: Any) -> None:
    """`domain.diff.compare` on two 100k-event timelines that share their first 90k."""
    header = Header.model_validate({
        "negotiation": {"id": "big", "title": "Big"},
        "principals": ["p0", "p1"],
        "parties": [{"id": f"p{n}", "name": f"P{n}"} for n in range(4)],
        "issues": [{"id": f"i{n}", "title": f"I{n}",
                    "options": [{"id": f"o{k}", "label": f"O{k}"} for k in range(4)]}
                   for n in range(6)],
    })
    pledges: list[str] = []
    prefix = generated(header, 90_000, seed=1, pledges=pledges)
    base = Timeline("base", "Base", "<base>", header,
                    tuple(prefix + generated(header, 10_000, 2, 90_000, list(pledges))))
    variant = Timeline("variant", "Variant", "<variant>", header,
                       tuple(prefix + generated(header, 10_000, 3, 90_000, list(pledges))))
    result = benchmark.pedantic(compare, args=(base, variant), rounds=3, iterations=1)
    assert result.diverges_at is not None and result.diverges_at.step == 90_001
    assert result.changes
