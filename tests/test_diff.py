"""Comparing two timelines: hand-made pairs whose answer is known."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_overlay import base_file, overlay
from typer.testing import CliRunner

from domain.diff import Divergence, comparable, compare, divergences
from domain.replay import Replay
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
