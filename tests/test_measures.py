"""Derived measures: the gap per issue, the overall gap, and common ground."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from helpers import ISSUES, acceptance, claim, final, proposal, rejection, retraction, states


def test_gap_is_null_while_a_principal_is_unknown(tmp_path: Path) -> None:
    s = states(tmp_path, [proposal("p1", "russia", "crimea", "russian"),
                          proposal("p2", "ukraine", "crimea", "ukrainian"),
                          rejection("r", "ukraine", "crimea", "ukrainian")])
    assert [st["issues"]["crimea"]["gap"] for st in s] == [None, None, 1.0, None]
    assert [st["gap"] for st in s] == [None, None, 1.0, None]


@pytest.mark.parametrize(("russia", "ukraine", "gap"), [
    ("russian", "ukrainian", 1.0),
    ("russian", "deferred", 0.5),
    ("deferred", "ukrainian", 0.5),
    ("deferred", "deferred", 0.0),
])
def test_gap_is_the_distance_between_option_points(tmp_path: Path, russia: str, ukraine: str,
                                                   gap: float) -> None:
    state = final(tmp_path, [proposal("p1", "russia", "crimea", russia),
                             proposal("p2", "ukraine", "crimea", ukraine)])
    assert state["issues"]["crimea"]["gap"] == pytest.approx(gap)


def test_a_non_principal_does_not_count_towards_the_gap(tmp_path: Path) -> None:
    state = final(tmp_path, [proposal("p1", "russia", "crimea", "russian"),
                             proposal("p2", "ukraine", "crimea", "russian"),
                             proposal("p3", "turkey", "crimea", "ukrainian")])
    assert state["issues"]["crimea"]["gap"] == 0.0


def test_gap_over_three_principals_is_the_largest_pairwise_distance(tmp_path: Path) -> None:
    state = final(tmp_path, [proposal("p1", "russia", "crimea", "deferred"),
                             proposal("p2", "ukraine", "crimea", "ukrainian"),
                             proposal("p3", "turkey", "crimea", "russian")],
                  principals=["russia", "ukraine", "turkey"])
    assert state["issues"]["crimea"]["gap"] == 1.0


def test_a_one_option_issue_sits_at_zero(tmp_path: Path) -> None:
    issues = [*copy.deepcopy(ISSUES),
              {"id": "talks", "title": "Keep talking", "options": [{"id": "yes", "label": "Yes"}]}]
    state = final(tmp_path, [proposal("p1", "russia", "talks", "yes"),
                             proposal("p2", "ukraine", "talks", "yes")], issues=issues)
    assert state["issues"]["talks"]["gap"] == 0.0


def test_a_claim_does_not_move_the_gap(tmp_path: Path) -> None:
    state = final(tmp_path, [proposal("p1", "russia", "crimea", "russian"),
                             claim("c", "russia", "ukraine", "crimea", "russian")])
    assert state["issues"]["crimea"]["gap"] is None


def test_overall_gap_is_the_mean_of_the_known_issue_gaps(tmp_path: Path) -> None:
    s = states(tmp_path, [proposal("p1", "russia", "crimea", "russian"),
                          proposal("p2", "ukraine", "crimea", "deferred"),
                          proposal("p3", "russia", "neutrality", "neutral"),
                          proposal("p4", "ukraine", "neutrality", "nato")])
    assert s[2]["gap"] == 0.5  # neutrality unknown: left out, not counted as 0
    assert s[4]["issues"]["neutrality"]["gap"] == 1.0
    assert s[4]["gap"] == pytest.approx(0.75)


def test_overall_gap_is_null_when_no_issue_gap_is_known(tmp_path: Path) -> None:
    state = final(tmp_path, [proposal("p1", "russia", "crimea", "russian"),
                             proposal("p2", "ukraine", "neutrality", "neutral")])
    assert state["gap"] is None


def test_common_ground_is_what_every_principal_accepts_in_axis_order(tmp_path: Path) -> None:
    s = states(tmp_path, [
        proposal("p1", "russia", "crimea", "russian"),
        acceptance("a1", "russia", "crimea", "deferred"),
        acceptance("a2", "russia", "crimea", "ukrainian"),
        acceptance("a3", "ukraine", "crimea", "ukrainian"),
        proposal("p2", "ukraine", "crimea", "deferred"),
    ])
    assert [st["issues"]["crimea"]["common_ground"] for st in s] == [
        [], [], [], [], ["ukrainian"], ["ukrainian", "deferred"]]


def test_common_ground_ignores_non_principals(tmp_path: Path) -> None:
    state = final(tmp_path, [acceptance("a1", "russia", "neutrality", "neutral"),
                             acceptance("a2", "turkey", "neutrality", "neutral")])
    assert state["issues"]["neutrality"]["common_ground"] == []


def test_a_rejection_takes_an_option_out_of_common_ground(tmp_path: Path) -> None:
    s = states(tmp_path, [acceptance("a1", "russia", "neutrality", "neutral"),
                          acceptance("a2", "ukraine", "neutrality", "neutral"),
                          rejection("r", "ukraine", "neutrality", "neutral")])
    assert s[2]["issues"]["neutrality"]["common_ground"] == ["neutral"]
    assert s[3]["issues"]["neutrality"]["common_ground"] == []


def test_a_retraction_takes_an_option_out_of_common_ground(tmp_path: Path) -> None:
    state = final(tmp_path, [acceptance("a1", "russia", "neutrality", "neutral"),
                             acceptance("a2", "ukraine", "neutrality", "neutral"),
                             retraction("x", "russia", "a1")])
    assert state["issues"]["neutrality"]["common_ground"] == []
    assert state["issues"]["neutrality"]["gap"] is None
