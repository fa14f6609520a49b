"""Every validation error names the file, the line, the field and the offending value."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    acceptance,
    claim,
    dump,
    line_of,
    load,
    pledge,
    proposal,
    rejection,
    report,
    retraction,
    scenario,
    write,
)
from pydantic import TypeAdapter

from events.catalogue import Event
from events.errors import InputError, Problem
from events.references import check_events


def problems(tmp_path: Path, data: dict[str, Any] | str) -> list[str]:
    """The located problems of a file, as printed."""
    with pytest.raises(InputError) as caught:
        load(tmp_path, data)
    return [str(p) for p in caught.value.problems]


def assert_one(tmp_path: Path, data: dict[str, Any], needle: str, field: str,
               message: str, nth: int = 1) -> None:
    """Loading `data` fails with exactly this problem, on the (`nth`) line of `needle`."""
    text = dump(data)
    found = problems(tmp_path, text)
    line = line_of(text, needle, nth)
    file = str(tmp_path / "talks.yaml")
    assert len(found) == 1, found
    assert found[0].startswith(f"{file}:{line}:"), (found[0], line)
    assert found[0].endswith(f" {field}: {message}"), found[0]


# --- unknown references ------------------------------------------------------------------


def test_unknown_party(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([proposal("p", "chechnya", "crimea", "russian")]),
               "party: chechnya", "events[0] (p).party",
               "unknown party 'chechnya'; expected one of: russia, turkey, ukraine")


def test_unknown_claim_subject(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([claim("c", "russia", "mars", "crimea", "russian")]),
               "about: mars", "events[0] (c).about",
               "unknown party 'mars'; expected one of: russia, turkey, ukraine")


def test_unknown_principal(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario(principals=["russia", "usa"]), "- usa", "principals[1]",
               "unknown party 'usa'; expected one of: russia, turkey, ukraine")


def test_unknown_speaker(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([proposal("p", "russia", "crimea", "russian",
                                            speaker="shoigu")]),
               "speaker: shoigu", "events[0] (p).speaker", "unknown speaker 'shoigu'")


def test_a_speaker_of_another_party(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([proposal("p", "russia", "crimea", "russian",
                                            speaker="podolyak")]),
               "speaker: podolyak", "events[0] (p).speaker",
               "speaker 'podolyak' speaks for 'ukraine', not for 'russia'")


def test_unknown_issue(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([proposal("p", "russia", "donbas", "russian")]),
               "issue: donbas", "events[0] (p).issue",
               "unknown issue 'donbas'; expected one of: crimea, neutrality")


def test_unknown_option(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([acceptance("a", "russia", "neutrality", "russian")]),
               "option: russian", "events[0] (a).option",
               "unknown option 'russian' of issue 'neutrality'; expected one of: nato, neutral")


def test_unknown_option_in_a_rejection(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([rejection("r", "russia", "crimea", "nato")]),
               "option: nato", "events[0] (r).option",
               "unknown option 'nato' of issue 'crimea'; "
               "expected one of: deferred, russian, ukrainian")


def test_unknown_source(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([proposal("p", "russia", "crimea", "russian",
                                            source="tass", quote="we said so")]),
               "source: tass", "events[0] (p).source",
               "unknown source 'tass'; expected one of: src")


def test_unknown_target(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([rejection("r", "ukraine", target="ghost")]),
               "target: ghost", "events[0] (r).target", "unknown event 'ghost'")


def test_a_target_that_comes_later(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([
        rejection("r", "ukraine", target="p", at="2022-03-29"),
        proposal("p", "russia", "crimea", "russian", at="2022-03-30")]),
        "target: p", "events[0] (r).target",
        "target 'p' comes later in the timeline; a target must come earlier")


def test_a_target_later_in_the_file_but_earlier_in_time_is_fine(tmp_path: Path) -> None:
    timeline = load(tmp_path, scenario([
        rejection("r", "ukraine", target="p", at="2022-03-30"),
        proposal("p", "russia", "crimea", "russian", at="2022-03-29")]))
    assert [e.id for e in timeline.events] == ["p", "r"]


def test_an_event_targeting_itself(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([retraction("x", "russia", "x")]), "target: x",
               "events[0] (x).target", "an event cannot target itself ('x')")


# --- what may target what ----------------------------------------------------------------


def test_a_rebuttal_by_a_party_the_claim_is_not_about(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([claim("c", "russia", "ukraine", "crimea", "russian"),
                                   rejection("r", "turkey", target="c")]),
               "target: c", "events[1] (r).target",
               "only the party a claim is about can rebut it: claim 'c' is about 'ukraine', "
               "not 'turkey'")


@pytest.mark.parametrize("kind", ["pledge", "report", "rejection", "retraction"])
def test_a_rejection_of_what_cannot_be_rejected(tmp_path: Path, kind: str) -> None:
    events = [proposal("p", "russia", "crimea", "russian"),
              pledge("pledge", "russia", "deescalate"),
              report("report", "ukraine", "deescalate", "contradicts"),
              rejection("rejection", "ukraine", "crimea", "russian"),
              proposal("p2", "russia", "crimea", "deferred"),
              retraction("retraction", "russia", "p2"),
              rejection("r", "ukraine", target=kind)]
    assert_one(tmp_path, scenario(events), f"target: {kind}", "events[6] (r).target",
               f"a rejection targets a proposal, acceptance or claim; {kind!r} is a {kind}")


def test_a_retraction_of_another_partys_event(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([proposal("p", "russia", "crimea", "russian"),
                                   retraction("x", "ukraine", "p")]),
               "target: p", "events[1] (x).target",
               "a party retracts only its own statements: 'p' is by 'russia', not 'ukraine'")


@pytest.mark.parametrize("kind", ["report", "rejection", "retraction"])
def test_a_retraction_of_what_cannot_be_retracted(tmp_path: Path, kind: str) -> None:
    events = [pledge("pl", "russia", "deescalate"),
              report("report", "russia", "deescalate", "supports"),
              rejection("rejection", "russia", "crimea", "ukrainian"),
              proposal("p", "russia", "crimea", "deferred"),
              retraction("retraction", "russia", "p"),
              retraction("x", "russia", kind)]
    assert_one(tmp_path, scenario(events), f"target: {kind}", "events[5] (x).target",
               "a retraction targets a proposal, acceptance, claim or pledge; "
               f"{kind!r} is a {kind}")


def test_a_target_that_was_already_retracted(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([proposal("p", "russia", "crimea", "russian"),
                                   retraction("x1", "russia", "p"),
                                   rejection("r", "ukraine", target="p")]),
               "target: p", "events[2] (r).target", "target 'p' was retracted by 'x1'", nth=2)


def test_a_report_on_an_unknown_pledge(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([report("rep", "ukraine", "ghost", "contradicts")]),
               "pledge: ghost", "events[0] (rep).pledge",
               "unknown pledge 'ghost' (a report needs an earlier pledge event)")


def test_a_report_on_a_retracted_pledge(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([pledge("pl", "russia", "deescalate"),
                                   retraction("x", "russia", "pl"),
                                   report("rep", "ukraine", "deescalate", "contradicts")]),
               "pledge: deescalate", "events[2] (rep).pledge",
               "pledge 'deescalate' was retracted by 'x'", nth=2)


def test_a_pledge_id_used_twice(tmp_path: Path) -> None:
    data = scenario([pledge("pl1", "russia", "deescalate"),
                     pledge("pl2", "russia", "deescalate")])
    text = dump(data)
    found = problems(tmp_path, text)
    assert len(found) == 1
    assert f":{line_of(text, 'pledge: deescalate', nth=2)}:" in found[0]
    assert found[0].endswith("events[1] (pl2).pledge: pledge id 'deescalate' is already used "
                             "by event 'pl1'")


def test_a_rejection_needs_an_option_or_a_target(tmp_path: Path) -> None:
    data = scenario([{"id": "r", "at": "2022-03-29", "type": "rejection", "party": "ukraine",
                      "issue": "crimea"}])
    assert_one(tmp_path, data, "- id: r", "events[0] (r)",
               "a rejection needs `issue` and `option`, or `target`")


def test_a_sourced_event_needs_a_quote(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([proposal("p", "russia", "crimea", "russian", source="src")]),
               "- id: p", "events[0] (p)",
               "an event with a source needs its quote (verbatim from the source)")


def test_source_and_credibility_are_optional(tmp_path: Path) -> None:
    timeline = load(tmp_path, scenario([proposal("p", "russia", "crimea", "russian")]))
    assert timeline.events[0].effective_credibility == 6


# --- duplicate ids -----------------------------------------------------------------------


def test_duplicate_event_ids_point_at_the_duplicate(tmp_path: Path) -> None:
    data = scenario([proposal("p", "russia", "crimea", "russian", speaker="shoigu"),
                     proposal("p", "ukraine", "crimea", "ukrainian")])
    text = dump(data)
    found = problems(tmp_path, text)
    file = tmp_path / "talks.yaml"
    assert found == [
        f"{file}:{line_of(text, 'speaker: shoigu')}:3: events[0] (p).speaker: "
        "unknown speaker 'shoigu'",
        f"{file}:{line_of(text, '- id: p', nth=2)}:3: events[1].id: duplicate event id 'p'",
    ]


@pytest.mark.parametrize(("where", "field", "kind"), [
    ("parties", "parties[3].id", "party"),
    ("issues", "issues[2].id", "issue"),
    ("sources", "sources[1].id", "source"),
])
def test_duplicate_header_ids(tmp_path: Path, where: str, field: str, kind: str) -> None:
    data = scenario()
    data[where].append({**data[where][0]})
    data[where][-1].pop("speakers", None)
    ident = data[where][0]["id"]
    text = dump(data)
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    assert f":{line_of(text, f'- id: {ident}', nth=2)}:" in found[0]
    assert found[0].endswith(f"{field}: duplicate {kind} id {ident!r}")


def test_duplicate_speaker_ids_across_parties(tmp_path: Path) -> None:
    data = scenario()
    data["parties"][2]["speakers"].append({"id": "lavrov", "name": "Another Lavrov"})
    assert_one(tmp_path, data, "- id: lavrov", "parties[2].speakers[1].id",
               "duplicate speaker id 'lavrov'", nth=2)


def test_duplicate_option_ids(tmp_path: Path) -> None:
    data = scenario()
    data["issues"][1]["options"].append({"id": "nato", "label": "NATO again"})
    text = dump(data)
    found = problems(tmp_path, text)
    assert len(found) == 1
    assert f":{line_of(text, '- id: nato', nth=2)}:" in found[0]
    assert found[0].endswith("issues[1].options[2].id: duplicate option id 'nato'")


# --- shapes: unknown keys, bad values ----------------------------------------------------


def test_unknown_top_level_key(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario(mediator="turkey"), "mediator: turkey", "mediator",
               "unknown key; expected one of: negotiation, principals, parties, issues, "
               "sources, format, events, expect")


def test_unknown_key_in_an_event(tmp_path: Path) -> None:
    event = proposal("p", "russia", "crimea", "russian", confidence=3)
    assert_one(tmp_path, scenario([event]), "confidence: 3", "events[0] (p).confidence",
               "unknown key; expected one of: id, at, party, speaker, quote, source, "
               "credibility, note, tags, type, issue, option, conditions")


def test_unknown_key_in_a_party(tmp_path: Path) -> None:
    data = scenario()
    data["parties"][1]["capital"] = "Kyiv"
    assert_one(tmp_path, data, "capital: Kyiv", "parties[1].capital",
               "unknown key; expected one of: id, name, speakers, note")


def test_unknown_event_type(tmp_path: Path) -> None:
    data = scenario([{"id": "t", "at": "2022-03-29", "type": "threat", "party": "russia"}])
    assert_one(tmp_path, data, "type: threat", "events[0] (t).type",
               "unknown event type 'threat'; expected one of: proposal, acceptance, rejection, "
               "claim, pledge, report, retraction")


def test_a_missing_required_field(tmp_path: Path) -> None:
    data = scenario([{"id": "p", "at": "2022-03-29", "type": "proposal", "party": "russia",
                      "issue": "crimea"}])
    assert_one(tmp_path, data, "- id: p", "events[0] (p).option", "required field is missing")


@pytest.mark.parametrize("bad", ["2022-13-30", "30/03/2022", "2022-03-30T25:00:00", "soon"])
def test_bad_dates(tmp_path: Path, bad: str) -> None:
    event = proposal("p", "russia", "crimea", "russian", at=bad)
    assert_one(tmp_path, scenario([event]), "at: ", "events[0] (p).at",
               "expected an ISO date (2022-03-30) or datetime (2022-03-30T14:00:00), "
               f"got {bad!r}")


@pytest.mark.parametrize("value", [0, 7, -1])
def test_credibility_outside_1_to_6(tmp_path: Path, value: int) -> None:
    event = proposal("p", "russia", "crimea", "russian", source="src", quote="q",
                     credibility=value)
    bound = "greater than or equal to 1" if value < 1 else "less than or equal to 6"
    assert_one(tmp_path, scenario([event]), f"credibility: {value}", "events[0] (p).credibility",
               f"input should be {bound}; got {value}")


def test_credibility_must_be_a_number(tmp_path: Path) -> None:
    event = proposal("p", "russia", "crimea", "russian", source="src", quote="q",
                     credibility="B")
    assert_one(tmp_path, scenario([event]), "credibility: B", "events[0] (p).credibility",
               "input should be a valid integer; got 'B'")


@pytest.mark.parametrize("value", ["G", "a", "1"])
def test_reliability_outside_a_to_f(tmp_path: Path, value: str) -> None:
    data = scenario()
    data["sources"][0]["reliability"] = value
    assert_one(tmp_path, data, "reliability: ", "sources[0].reliability",
               f"input should be 'A', 'B', 'C', 'D', 'E' or 'F'; got {value!r}")


# --- quotes against source texts ---------------------------------------------------------

ARTICLE = ("Lavrov said on Wednesday that “the issues of Crimea and Donbas have been\n"
           "finally resolved,” adding that   talks would go on.\n")


def sourced(tmp_path: Path, quote: str, text: str | None = "sources/article.txt"
            ) -> dict[str, Any]:
    (tmp_path / "sources").mkdir(exist_ok=True)
    (tmp_path / "sources" / "article.txt").write_text(ARTICLE, encoding="utf-8")
    data = scenario([claim("c", "russia", "ukraine", "crimea", "russian", source="src",
                           quote=quote, credibility=2)])
    data["sources"][0]["text"] = text
    return data


@pytest.mark.parametrize("quote", [
    "the issues of Crimea and Donbas have been finally resolved",
    "\"the issues of Crimea and Donbas have been finally resolved,\"",  # plain for typographic
    "the issues of Crimea ... finally resolved",
    "the issues of Crimea … resolved, ... talks would go on",
    "adding that talks would go on",  # runs of whitespace and line breaks are one space
])
def test_a_quote_found_verbatim_passes(tmp_path: Path, quote: str) -> None:
    assert load(tmp_path, sourced(tmp_path, quote)).steps == 1


def test_a_quote_not_in_its_source(tmp_path: Path) -> None:
    data = sourced(tmp_path, "the issues of Crimea ... have been settled for good")
    assert_one(tmp_path, data, "quote: ", "events[0] (c).quote",
               "not found verbatim in source 'src': 'have been settled for good'")


def test_omitted_fragments_must_stand_in_order(tmp_path: Path) -> None:
    data = sourced(tmp_path, "talks would go on ... the issues of Crimea")
    assert_one(tmp_path, data, "quote: ", "events[0] (c).quote",
               "not found verbatim in source 'src': 'the issues of Crimea'")


def test_a_missing_source_text_file(tmp_path: Path) -> None:
    data = sourced(tmp_path, "resolved", text="sources/missing.txt")
    assert_one(tmp_path, data, "text: sources/missing.txt", "sources[0].text",
               "cannot read source text 'sources/missing.txt': file not found")


# --- all at once -------------------------------------------------------------------------


def test_several_errors_in_one_file_are_all_reported(tmp_path: Path) -> None:
    data = scenario([proposal("p", "chechnya", "crimea", "russian"),
                     claim("c", "russia", "ukraine", "crimea", "russian"),
                     rejection("r", "turkey", target="c"),
                     report("rep", "ukraine", "ghost", "supports"),
                     retraction("x", "ukraine", "p")])
    text = dump(data)
    found = problems(tmp_path, text)
    assert [f.split(": ", 1)[1].split(":")[0] for f in found] == [
        "events[0] (p).party", "events[2] (r).target", "events[3] (rep).pledge",
        "events[4] (x).target"]
    lines = [int(f.split(":")[1]) for f in found]
    assert lines == sorted(lines)  # in file order


def test_several_shape_errors_are_all_reported(tmp_path: Path) -> None:
    data = scenario([proposal("p", "russia", "crimea", "russian", at="yesterday"),
                     proposal("q", "russia", "crimea", "russian", colour="red")], extra=1)
    found = problems(tmp_path, data)
    assert [f.split(": ", 1)[1].split(":")[0] for f in found] == [
        "events[0] (p).at", "events[1] (q).colour", "extra"]


def test_a_valid_file_loads_whole(tmp_path: Path) -> None:
    path = write(tmp_path, scenario([proposal("p", "russia", "crimea", "russian")]))
    assert load(tmp_path, path.read_text()).steps == 1


def test_a_target_listed_twice(tmp_path: Path) -> None:
    assert_one(tmp_path, scenario([claim("c", "russia", "ukraine", "crimea", "russian"),
                                   rejection("r", "ukraine", target=["c", "c"])]),
               "target:", "events[1] (r).target", "target 'c' is listed twice")


def test_targets_later_and_unknown_keep_their_wording_and_order(tmp_path: Path) -> None:
    data = scenario([
        rejection("r", "ukraine", target=["p", "ghost"], at="2022-03-01"),
        proposal("q", "chechnya", "crimea", "russian", at="2022-03-02"),
        retraction("x", "russia", "nobody", at="2022-03-02"),
        proposal("p", "russia", "crimea", "russian", at="2022-03-03"),
        retraction("y", "russia", "z", at="2022-03-04"),
        proposal("z", "russia", "crimea", "russian", source="nowhere", quote="so",
                 at="2022-03-05")])
    found = [f.split(": ", 1)[1] for f in problems(tmp_path, data)]
    assert found == [
        "events[0] (r).target: target 'p' comes later in the timeline; "
        "a target must come earlier",
        "events[0] (r).target: unknown event 'ghost'",
        "events[1] (q).party: unknown party 'chechnya'; expected one of: russia, turkey, "
        "ukraine",
        "events[2] (x).target: unknown event 'nobody'",
        "events[4] (y).target: target 'z' comes later in the timeline; "
        "a target must come earlier",
        "events[5] (z).source: unknown source 'nowhere'; expected one of: src"]


class _Once(Sequence[Event]):
    """Events that may be iterated once, and never indexed (a long stored timeline)."""

    def __init__(self, events: list[Event]) -> None:
        self.events, self.walks = events, 0

    def __len__(self) -> int:
        return len(self.events)

    def __getitem__(self, index: Any) -> Any:
        raise AssertionError("check_events indexed the events")

    def __iter__(self) -> Iterator[Event]:
        self.walks += 1
        assert self.walks == 1, "check_events walked the events twice"
        return iter(self.events)


def test_check_events_walks_the_events_once(tmp_path: Path) -> None:
    timeline = load(tmp_path, scenario([proposal("p", "russia", "crimea", "russian")]))
    adapter: TypeAdapter[Event] = TypeAdapter(Event)
    events = [adapter.validate_python(e) for e in [
        rejection("r", "ukraine", target=["p", "ghost"], at="2022-03-01"),
        proposal("p", "russia", "crimea", "russian", at="2022-03-03")]]
    once = _Once(events)

    def locate(event_id: str, fld: str, message: str) -> Problem:
        return Problem("f", None, None, f"{event_id}.{fld}", message)

    found = check_events(timeline.header, once, locate)
    assert once.walks == 1
    assert [(p.field, p.message) for p in found] == [
        ("r.target", "target 'p' comes later in the timeline; a target must come earlier"),
        ("r.target", "unknown event 'ghost'")]
