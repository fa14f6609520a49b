"""Expectations (`expect:` blocks): checked against the replayed state, failures explained."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import claim, dump, load, proposal, rejection, scenario

from domain.expectations import MISSING, check, holds
from events.errors import InputError

EVENTS = [proposal("p1", "russia", "crimea", "russian"),
          proposal("p2", "ukraine", "crimea", "deferred"),
          claim("c", "russia", "ukraine", "crimea", "russian"),
          rejection("r", "ukraine", target="c")]


def failures(tmp_path: Path, expect: list[dict[str, Any]]) -> list[str]:
    timeline = load(tmp_path, scenario(EVENTS, expect=expect))
    return [str(f) for f in check(timeline)]


def test_expectations_that_hold(tmp_path: Path) -> None:
    assert failures(tmp_path, [
        {"after": "p1", "state": {"positions.russia.crimea.option": "russian",
                                  "issues.crimea.gap": None}},
        {"step": 2, "state": {"issues.crimea.gap": 0.5, "gap": 0.5}},
        {"state": {"claims.c.contested": True, "claims.c.rebutted": True,
                   "positions.ukraine.crimea.events": ["r", "p2"],
                   "positions.russia.crimea.accepts": ["russian"]}},
    ]) == []


def test_a_failed_expectation_names_path_expected_actual_and_the_event(tmp_path: Path) -> None:
    found = failures(tmp_path, [{"after": "c", "state": {"claims.c.contested": False,
                                                         "positions.ukraine.crimea.option":
                                                             "russian"}}])
    file = tmp_path / "talks.yaml"
    assert found == [
        f"{file}: after c: claims.c.contested: expected false, got true (last shaped by 'c')",
        f"{file}: after c: positions.ukraine.crimea.option: expected \"russian\", "
        "got \"deferred\" (last shaped by 'c')",
    ]


def test_a_path_that_is_not_in_the_state(tmp_path: Path) -> None:
    found = failures(tmp_path, [{"step": 0, "state": {"claims.c.contested": True}}])
    assert found == [f"{tmp_path / 'talks.yaml'}: at step 0: claims.c.contested: expected true, "
                     "got (no such path)"]


def test_the_end_is_checked_when_neither_after_nor_step_is_given(tmp_path: Path) -> None:
    found = failures(tmp_path, [{"state": {"step": 3}}])
    assert found == [f"{tmp_path / 'talks.yaml'}: at the end: step: expected 3, got 4"]


def test_a_gap_expectation_names_the_last_event_on_that_issue(tmp_path: Path) -> None:
    found = failures(tmp_path, [{"step": 2, "state": {"issues.crimea.gap": 1.0}}])
    assert found[0].endswith("expected 1.0, got 0.5 (last shaped by 'p2')")


def test_a_list_means_contained_and_numbers_compare_closely() -> None:
    assert holds(["a"], ["b", "a"])
    assert not holds(["a", "c"], ["a", "b"])
    assert not holds(["a"], "a")
    assert holds(0.3, 0.1 + 0.2)
    assert not holds(True, 1)
    assert not holds(1, MISSING)


def test_an_expectation_after_an_unknown_event_is_a_validation_error(tmp_path: Path) -> None:
    data = scenario(EVENTS, expect=[{"after": "ghost", "state": {"gap": 0.5}}])
    try:
        load(tmp_path, dump(data))
    except InputError as exc:
        [problem] = exc.problems
        assert problem.field == "expect[0].after"
        assert problem.message == "unknown event 'ghost'"
    else:
        raise AssertionError("expected an InputError")


def test_an_expectation_beyond_the_last_step_is_a_validation_error(tmp_path: Path) -> None:
    data = scenario(EVENTS, expect=[{"step": 9, "state": {"gap": 0.5}}])
    try:
        load(tmp_path, dump(data))
    except InputError as exc:
        assert [str(p).split(": ", 1)[1] for p in exc.problems] == [
            "expect[0].step: step 9 is beyond the last step (4)"]
    else:
        raise AssertionError("expected an InputError")
