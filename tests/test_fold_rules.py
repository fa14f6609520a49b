"""Given events, when they are replayed, then the state is what DESIGN.md's table says.

One test (or a few) per row of the event table, plus timeline ordering and provenance.
"""

from __future__ import annotations

from pathlib import Path

from helpers import (
    acceptance,
    claim,
    dump,
    event,
    final,
    load,
    pledge,
    proposal,
    rejection,
    report,
    retraction,
    scenario,
    states,
)

from domain.replay import Replay


def cell(state: dict, party: str, issue: str = "crimea") -> dict:
    return state["positions"][party][issue]


# --- the empty state ---------------------------------------------------------------------


def test_every_party_issue_pair_appears_unknown_before_the_first_event(tmp_path: Path) -> None:
    state = states(tmp_path, [proposal("p", "russia", "crimea", "russian")])[0]
    assert state["step"] == 0 and state["steps"] == 1
    assert state["event"] is None and state["at"] is None
    assert set(state["positions"]) == {"russia", "ukraine", "turkey"}
    for row in state["positions"].values():
        assert set(row) == {"crimea", "neutrality"}
        for c in row.values():
            assert c == {"option": None, "accepts": [], "rejects": [], "conditions": [],
                         "claims": [], "events": []}


def test_step_event_and_at_name_the_last_applied_event(tmp_path: Path) -> None:
    s = states(tmp_path, [proposal("p1", "russia", "crimea", "russian", at="2022-03-29"),
                          proposal("p2", "ukraine", "crimea", "ukrainian",
                                   at="2022-03-30T10:00:00")])
    assert (s[1]["step"], s[1]["event"], s[1]["at"]) == (1, "p1", "2022-03-29")
    assert (s[2]["step"], s[2]["event"], s[2]["at"]) == (2, "p2", "2022-03-30T10:00:00")
    assert s[2]["negotiation"] == "test-talks"


# --- proposal ----------------------------------------------------------------------------


def test_proposal_sets_position_and_accepts_it(tmp_path: Path) -> None:
    c = cell(final(tmp_path, [proposal("p", "russia", "crimea", "russian")]), "russia")
    assert c["option"] == "russian"
    assert c["accepts"] == ["russian"]
    assert c["rejects"] == []
    assert c["events"] == ["p"]


def test_a_new_proposal_moves_the_position_and_earlier_ones_stay_accepted(tmp_path: Path) -> None:
    c = cell(final(tmp_path, [proposal("p1", "russia", "crimea", "russian"),
                              proposal("p2", "russia", "crimea", "deferred")]), "russia")
    assert c["option"] == "deferred"
    assert c["accepts"] == ["deferred", "russian"]  # axis order, not timeline order
    assert c["events"] == ["p1", "p2"]


def test_proposal_of_a_rejected_option_leaves_the_rejected_ones(tmp_path: Path) -> None:
    c = cell(final(tmp_path, [rejection("r", "ukraine", "crimea", "deferred"),
                              proposal("p", "ukraine", "crimea", "deferred")]), "ukraine")
    assert c["option"] == "deferred"
    assert c["rejects"] == []
    assert c["accepts"] == ["deferred"]


def test_proposal_conditions_replace_and_absent_conditions_keep_them(tmp_path: Path) -> None:
    s = states(tmp_path, [
        proposal("p1", "ukraine", "neutrality", "neutral", conditions=["guarantees", "no bases"]),
        proposal("p2", "ukraine", "neutrality", "neutral", conditions="referendum"),
        proposal("p3", "ukraine", "neutrality", "neutral"),
    ])
    assert cell(s[1], "ukraine", "neutrality")["conditions"] == ["guarantees", "no bases"]
    assert cell(s[2], "ukraine", "neutrality")["conditions"] == ["referendum"]
    assert cell(s[3], "ukraine", "neutrality")["conditions"] == ["referendum"]


def test_a_proposal_touches_only_its_own_party_and_issue(tmp_path: Path) -> None:
    state = final(tmp_path, [proposal("p", "russia", "crimea", "russian")])
    assert cell(state, "ukraine")["option"] is None
    assert cell(state, "russia", "neutrality")["option"] is None


# --- acceptance --------------------------------------------------------------------------


def test_acceptance_sets_the_position_only_when_there_is_none(tmp_path: Path) -> None:
    s = states(tmp_path, [acceptance("a1", "ukraine", "crimea", "deferred"),
                          proposal("p", "ukraine", "crimea", "ukrainian"),
                          acceptance("a2", "ukraine", "crimea", "russian")])
    assert cell(s[1], "ukraine")["option"] == "deferred"
    assert cell(s[3], "ukraine")["option"] == "ukrainian"
    assert cell(s[3], "ukraine")["accepts"] == ["ukrainian", "deferred", "russian"]
    assert cell(s[3], "ukraine")["events"] == ["a1", "p", "a2"]


def test_acceptance_leaves_rejected_and_takes_conditions(tmp_path: Path) -> None:
    c = cell(final(tmp_path, [
        rejection("r", "russia", "neutrality", "neutral"),
        acceptance("a", "russia", "neutrality", "neutral", conditions=["no foreign bases"]),
    ]), "russia", "neutrality")
    assert c["rejects"] == []
    assert c["accepts"] == ["neutral"]
    assert c["option"] == "neutral"
    assert c["conditions"] == ["no foreign bases"]


# --- rejection ---------------------------------------------------------------------------


def test_rejecting_the_position_makes_it_unknown(tmp_path: Path) -> None:
    c = cell(final(tmp_path, [proposal("p", "russia", "crimea", "deferred"),
                              rejection("r", "russia", "crimea", "deferred")]), "russia")
    assert c["option"] is None
    assert c["accepts"] == []
    assert c["rejects"] == ["deferred"]
    assert c["events"] == ["p", "r"]


def test_rejecting_another_option_keeps_the_position(tmp_path: Path) -> None:
    c = cell(final(tmp_path, [proposal("p1", "russia", "crimea", "deferred"),
                              acceptance("a", "russia", "crimea", "ukrainian"),
                              rejection("r", "russia", "crimea", "ukrainian")]), "russia")
    assert c["option"] == "deferred"
    assert c["accepts"] == ["deferred"]
    assert c["rejects"] == ["ukrainian"]


def test_rejecting_a_target_proposal_means_its_issue_and_option(tmp_path: Path) -> None:
    state = final(tmp_path, [proposal("p", "russia", "neutrality", "neutral"),
                             rejection("r", "ukraine", target="p")])
    assert cell(state, "ukraine", "neutrality")["rejects"] == ["neutral"]
    assert cell(state, "ukraine", "neutrality")["events"] == ["r"]
    assert cell(state, "russia", "neutrality") == {
        "option": "neutral", "accepts": ["neutral"], "rejects": [], "conditions": [],
        "claims": [], "events": ["p"]}


def test_a_rejection_may_target_several_events(tmp_path: Path) -> None:
    state = final(tmp_path, [proposal("p1", "russia", "neutrality", "neutral"),
                             acceptance("a1", "russia", "crimea", "russian"),
                             proposal("p", "ukraine", "crimea", "russian"),
                             rejection("r", "ukraine", target=["p1", "a1"])])
    assert cell(state, "ukraine", "neutrality")["rejects"] == ["neutral"]
    assert cell(state, "ukraine")["rejects"] == ["russian"]
    assert cell(state, "ukraine")["option"] is None  # it was its position
    assert cell(state, "ukraine")["events"] == ["p", "r"]


def test_a_rejection_of_a_target_stands_after_the_target_is_retracted(tmp_path: Path) -> None:
    state = final(tmp_path, [proposal("p", "russia", "neutrality", "neutral"),
                             rejection("r", "ukraine", target="p"),
                             retraction("x", "russia", "p")])
    assert cell(state, "ukraine", "neutrality")["rejects"] == ["neutral"]
    assert cell(state, "russia", "neutrality")["option"] is None


def test_a_rebuttal_marks_the_claim_and_leaves_the_partys_own_options(tmp_path: Path) -> None:
    s = states(tmp_path, [proposal("p", "ukraine", "crimea", "deferred"),
                          claim("c", "russia", "ukraine", "crimea", "russian"),
                          rejection("r", "ukraine", target="c")])
    before, after = cell(s[2], "ukraine"), cell(s[3], "ukraine")
    for key in ("option", "accepts", "rejects", "conditions", "claims"):
        assert after[key] == before[key]
    assert after["rejects"] == []  # the claimed option is not rejected by a rebuttal
    assert after["events"] == ["p", "c", "r"]
    assert s[3]["claims"]["c"]["rebutted"] is True
    assert s[3]["claims"]["c"]["rebuttals"] == ["r"]
    assert s[3]["claims"]["c"]["events"] == ["c", "r"]


def test_a_rebuttal_alone_makes_a_claim_contested(tmp_path: Path) -> None:
    s = states(tmp_path, [claim("c", "russia", "ukraine", "crimea", "russian"),
                          rejection("r", "ukraine", target="c")])
    assert s[1]["claims"]["c"]["contested"] is False
    assert s[2]["claims"]["c"]["contested"] is True


def test_one_rejection_may_rebut_a_claim_and_reject_a_proposal(tmp_path: Path) -> None:
    state = final(tmp_path, [proposal("p", "russia", "neutrality", "neutral"),
                             claim("c", "russia", "ukraine", "crimea", "russian"),
                             rejection("r", "ukraine", target=["c", "p"])])
    assert state["claims"]["c"]["rebutted"] is True
    assert cell(state, "ukraine")["rejects"] == []
    assert cell(state, "ukraine", "neutrality")["rejects"] == ["neutral"]


# --- claim -------------------------------------------------------------------------------


def test_a_claim_is_recorded_under_the_party_it_is_about(tmp_path: Path) -> None:
    state = final(tmp_path, [claim("c", "russia", "ukraine", "crimea", "russian")])
    assert cell(state, "ukraine")["claims"] == ["c"]
    assert cell(state, "ukraine")["events"] == ["c"]
    assert cell(state, "ukraine")["option"] is None  # a claim is not a position
    assert cell(state, "russia")["claims"] == []
    assert state["claims"]["c"] == {
        "by": "russia", "about": "ukraine", "issue": "crimea", "option": "russian",
        "contested": False, "rebutted": False, "rebuttals": [], "events": ["c"]}


def test_a_claim_is_contested_while_its_subject_advocates_another_option(tmp_path: Path) -> None:
    s = states(tmp_path, [claim("c", "russia", "ukraine", "crimea", "russian"),
                          proposal("p", "ukraine", "crimea", "ukrainian"),
                          rejection("r", "ukraine", "crimea", "ukrainian")])
    assert s[1]["claims"]["c"]["contested"] is False
    assert s[2]["claims"]["c"]["contested"] is True
    # the subject drops the other option: nothing contests the claim any more
    assert s[3]["claims"]["c"]["contested"] is False


def test_a_claim_is_not_contested_while_its_subject_holds_that_option(tmp_path: Path) -> None:
    state = final(tmp_path, [proposal("p", "ukraine", "crimea", "deferred"),
                             claim("c", "russia", "ukraine", "crimea", "deferred")])
    assert state["claims"]["c"]["contested"] is False


def test_a_claim_is_contested_when_its_subject_rejected_the_option(tmp_path: Path) -> None:
    s = states(tmp_path, [rejection("r", "ukraine", "crimea", "russian"),
                          claim("c", "russia", "ukraine", "crimea", "russian"),
                          acceptance("a", "ukraine", "crimea", "russian")])
    assert s[2]["claims"]["c"]["contested"] is True
    assert s[3]["claims"]["c"]["contested"] is False  # accepting it lifted the rejection


def test_a_claim_stops_being_contested_when_the_other_proposal_is_retracted(
        tmp_path: Path) -> None:
    s = states(tmp_path, [claim("c", "russia", "ukraine", "crimea", "russian"),
                          proposal("p", "ukraine", "crimea", "ukrainian"),
                          retraction("x", "ukraine", "p")])
    assert s[2]["claims"]["c"]["contested"] is True
    assert s[3]["claims"]["c"]["contested"] is False


# --- pledge and report -------------------------------------------------------------------


def test_a_pledge_is_open_until_evidence_arrives(tmp_path: Path) -> None:
    state = final(tmp_path, [pledge("pl", "russia", "deescalate", "cut activity",
                                    issue="neutrality")])
    assert state["pledges"]["deescalate"] == {
        "party": "russia", "status": "open", "supports": [], "contradicts": [],
        "events": ["pl"], "commitment": "cut activity", "issue": "neutrality"}


def test_pledge_status_follows_the_evidence(tmp_path: Path) -> None:
    s = states(tmp_path, [pledge("pl", "russia", "deescalate"),
                          report("r1", "ukraine", "deescalate", "contradicts"),
                          report("r2", "turkey", "deescalate", "contradicts"),
                          report("r3", "russia", "deescalate", "supports")])
    statuses = [st["pledges"]["deescalate"]["status"] for st in s[1:]]
    assert statuses == ["open", "violated", "violated", "disputed"]
    p = s[4]["pledges"]["deescalate"]
    assert p["contradicts"] == ["r1", "r2"]
    assert p["supports"] == ["r3"]
    assert p["events"] == ["pl", "r1", "r2", "r3"]


def test_only_supporting_evidence_honours_a_pledge(tmp_path: Path) -> None:
    state = final(tmp_path, [pledge("pl", "russia", "deescalate"),
                             report("r", "turkey", "deescalate", "supports")])
    assert state["pledges"]["deescalate"]["status"] == "honoured"


# --- retraction --------------------------------------------------------------------------


def test_retracting_a_proposal_refolds_as_if_it_never_happened(tmp_path: Path) -> None:
    s = states(tmp_path, [proposal("p1", "russia", "crimea", "russian", conditions=["a"]),
                          proposal("p2", "russia", "crimea", "deferred", conditions=["b"]),
                          rejection("r", "russia", "crimea", "ukrainian"),
                          retraction("x", "russia", "p2")])
    c = cell(s[4], "russia")
    assert c["option"] == "russian"
    assert c["accepts"] == ["russian"]
    assert c["rejects"] == ["ukrainian"]  # later events are re-applied
    assert c["conditions"] == ["a"]
    assert c["events"] == ["p1", "r", "x"]  # the retracted id leaves, the retraction joins


def test_retracting_the_only_proposal_leaves_the_cell_unknown(tmp_path: Path) -> None:
    c = cell(final(tmp_path, [proposal("p", "ukraine", "neutrality", "neutral"),
                              retraction("x", "ukraine", "p")]), "ukraine", "neutrality")
    assert (c["option"], c["accepts"], c["rejects"], c["events"]) == (None, [], [], ["x"])


def test_retracting_a_proposal_revives_an_acceptance_it_overrode(tmp_path: Path) -> None:
    c = cell(final(tmp_path, [acceptance("a", "ukraine", "crimea", "deferred"),
                              proposal("p", "ukraine", "crimea", "ukrainian"),
                              retraction("x", "ukraine", "p")]), "ukraine")
    assert c["option"] == "deferred"
    assert c["accepts"] == ["deferred"]


def test_retracting_an_acceptance_restores_an_earlier_rejection(tmp_path: Path) -> None:
    c = cell(final(tmp_path, [rejection("r", "ukraine", "crimea", "russian"),
                              acceptance("a", "ukraine", "crimea", "russian"),
                              retraction("x", "ukraine", "a")]), "ukraine")
    assert c["rejects"] == ["russian"]
    assert c["accepts"] == []
    assert c["option"] is None


def test_retracting_a_claim_removes_it_and_its_rebuttals(tmp_path: Path) -> None:
    s = states(tmp_path, [claim("c", "russia", "ukraine", "crimea", "russian"),
                          rejection("r", "ukraine", target="c"),
                          proposal("p", "ukraine", "crimea", "ukrainian"),
                          retraction("x", "russia", "c")])
    state = s[4]
    assert "c" not in state["claims"]
    assert cell(state, "ukraine")["claims"] == []
    assert cell(state, "ukraine")["events"] == ["p"]
    assert cell(state, "ukraine")["option"] == "ukrainian"
    assert s[3]["claims"]["c"]["contested"] is True  # earlier steps keep their history


def test_retracting_a_pledge_removes_it_with_its_evidence(tmp_path: Path) -> None:
    s = states(tmp_path, [pledge("pl", "russia", "deescalate"),
                          report("r", "ukraine", "deescalate", "contradicts"),
                          pledge("pl2", "russia", "withdraw"),
                          retraction("x", "russia", "pl")])
    assert set(s[3]["pledges"]) == {"deescalate", "withdraw"}
    assert set(s[4]["pledges"]) == {"withdraw"}


# --- the timeline order ------------------------------------------------------------------


def test_events_are_applied_in_at_order_whatever_the_file_order(tmp_path: Path) -> None:
    s = states(tmp_path, [proposal("late", "russia", "crimea", "russian", at="2022-03-30"),
                          proposal("early", "russia", "crimea", "deferred", at="2022-03-29")])
    assert [st["event"] for st in s[1:]] == ["early", "late"]
    assert cell(s[2], "russia")["option"] == "russian"


def test_ties_in_at_keep_file_order(tmp_path: Path) -> None:
    s = states(tmp_path, [proposal("b", "russia", "crimea", "russian"),
                          proposal("a", "russia", "crimea", "deferred"),
                          proposal("c", "russia", "crimea", "ukrainian", at="2022-03-29")])
    assert [st["event"] for st in s[1:]] == ["b", "a", "c"]
    assert cell(s[3], "russia")["events"] == ["b", "a", "c"]


def test_a_bare_date_sorts_before_a_datetime_on_the_same_day(tmp_path: Path) -> None:
    s = states(tmp_path, [
        proposal("timed", "russia", "crimea", "russian", at="2022-03-29T00:00:01"),
        proposal("midnight", "russia", "crimea", "ukrainian", at="2022-03-29T00:00:00"),
        proposal("dated", "russia", "crimea", "deferred", at="2022-03-29"),
        proposal("yesterday", "russia", "crimea", "deferred", at="2022-03-28T23:59:59"),
    ])
    # a bare date is the start of its day: it ties with midnight and keeps file order
    assert [st["event"] for st in s[1:]] == ["yesterday", "midnight", "dated", "timed"]


def test_datetimes_with_offsets_sort_by_the_instant(tmp_path: Path) -> None:
    s = states(tmp_path, [
        proposal("kyiv", "ukraine", "crimea", "ukrainian", at="2022-03-29T12:00:00+03:00"),
        proposal("utc", "russia", "crimea", "russian", at="2022-03-29T10:00:00Z"),
    ])
    assert [st["event"] for st in s[1:]] == ["kyiv", "utc"]  # 09:00Z before 10:00Z


def test_an_event_of_every_type_replays_together(tmp_path: Path) -> None:
    state = final(tmp_path, [
        proposal("p", "russia", "crimea", "russian"),
        acceptance("a", "ukraine", "crimea", "deferred"),
        claim("c", "russia", "ukraine", "crimea", "russian"),
        rejection("r", "ukraine", target="c"),
        pledge("pl", "russia", "deescalate"),
        report("rep", "ukraine", "deescalate", "contradicts"),
        event("retraction", "russia", "x", target="p"),
    ])
    assert state["step"] == state["steps"] == 7
    assert cell(state, "russia")["events"] == ["x"]
    assert cell(state, "ukraine")["events"] == ["a", "c", "r"]
    assert state["claims"]["c"]["contested"] is True
    assert state["pledges"]["deescalate"]["status"] == "violated"


def test_retracting_a_claim_keeps_a_rebuttal_that_also_rejected_an_option(
        tmp_path: Path) -> None:
    # r both rebuts c and rejects p on the same issue: the rejection outlives the claim
    state = final(tmp_path, [claim("c", "russia", "ukraine", "crimea", "russian"),
                             proposal("p", "russia", "crimea", "russian"),
                             rejection("r", "ukraine", target=["c", "p"]),
                             retraction("x", "russia", "c")])
    assert cell(state, "ukraine")["rejects"] == ["russian"]
    assert cell(state, "ukraine")["claims"] == []
    assert cell(state, "ukraine")["events"] == ["r"]


def test_empty_conditions_clear_the_conditions(tmp_path: Path) -> None:
    c = cell(final(tmp_path, [proposal("p1", "ukraine", "crimea", "deferred", conditions=["a"]),
                              acceptance("a", "ukraine", "crimea", "deferred", conditions=[])]),
             "ukraine")
    assert c["conditions"] == []


def test_unquoted_yaml_dates_and_times_are_kept_as_written(tmp_path: Path) -> None:
    text = dump(scenario([proposal("a", "russia", "crimea", "russian", at="X1"),
                          proposal("b", "russia", "crimea", "deferred", at="X2")]))
    text = text.replace("at: X1", "at: 2022-03-30 10:00:00").replace("at: X2", "at: 2022-03-30")
    replay = Replay(load(tmp_path, text))
    assert [replay.json(n)["at"] for n in (1, 2)] == ["2022-03-30", "2022-03-30 10:00:00"]
