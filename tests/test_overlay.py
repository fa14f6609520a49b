"""Overlays: drop, replace, add, grade filters, expectations, and their located errors."""

from __future__ import annotations

import json
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from domain.expectations import check
from domain.replay import Replay
from events.catalogue import Event
from events.errors import InputError, Problem
from events.loader import load_timeline
from events.references import check_events
from events.timeline import Timeline, in_timeline_order

#: A small base scenario. Sources: `wire` graded A, `tabloid` graded D.
BASE: dict[str, Any] = {
    "format": "accord/1",
    "negotiation": {"id": "talks", "title": "Talks"},
    "principals": ["russia", "ukraine"],
    "parties": [
        {"id": "russia", "name": "Russia", "speakers": [{"id": "lavrov", "name": "Lavrov"}]},
        {"id": "ukraine", "name": "Ukraine",
         "speakers": [{"id": "nikolenko", "name": "Nikolenko"}]},
    ],
    "issues": [
        {"id": "crimea", "title": "Crimea",
         "options": [{"id": "ukrainian", "label": "Ukrainian"},
                     {"id": "deferred", "label": "Deferred"},
                     {"id": "russian", "label": "Russian"}]},
    ],
    "sources": [
        {"id": "wire", "outlet": "Wire", "reliability": "A", "text": "wire.txt"},
        {"id": "tabloid", "outlet": "Tabloid", "reliability": "D"},
    ],
    "events": [
        {"id": "ua-proposes", "at": "2022-03-29", "type": "proposal", "party": "ukraine",
         "issue": "crimea", "option": "deferred", "quote": "fifteen years of consultations",
         "source": "wire", "credibility": 2},
        {"id": "lavrov-claims", "at": "2022-03-30", "type": "claim", "party": "russia",
         "speaker": "lavrov", "about": "ukraine", "issue": "crimea", "option": "russian",
         "quote": "the issues of Crimea have been resolved", "source": "wire",
         "credibility": 2},
        {"id": "nikolenko-rebuts", "at": "2022-03-30", "type": "rejection",
         "party": "ukraine", "speaker": "nikolenko", "target": "lavrov-claims",
         "quote": "misunderstanding", "source": "tabloid", "credibility": 4},
        {"id": "ru-pledges", "at": "2022-03-30", "type": "pledge", "party": "russia",
         "pledge": "deescalate", "commitment": "reduce activity near Kyiv",
         "quote": "drastically reduce military activity", "source": "wire",
         "credibility": 1},
        {"id": "seen-leaving", "at": "2022-03-31", "type": "report", "party": "ukraine",
         "pledge": "deescalate", "finding": "supports", "observation": "columns leave",
         "quote": "columns leave", "source": "wire", "credibility": 2},
        {"id": "shelling-goes-on", "at": "2022-03-31", "type": "report", "party": "ukraine",
         "pledge": "deescalate", "finding": "contradicts", "observation": "shelling",
         "quote": "shelling goes on", "source": "tabloid", "credibility": 5},
    ],
}

WIRE_TEXT = ("Kyiv offered fifteen years of consultations. Lavrov: the issues of Crimea have "
             "been resolved. Moscow will drastically reduce military activity. Witnesses: columns "
             "leave.")


def write(directory: Path, name: str, data: dict[str, Any] | str) -> Path:
    """Write `data` as YAML (or YAML text) to `directory/name`."""
    path = directory / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def base_file(directory: Path, **changes: Any) -> Path:
    """The base scenario (with top-level keys replaced by `changes`) and its source text."""
    (directory / "wire.txt").write_text(WIRE_TEXT, encoding="utf-8")
    return write(directory, "talks.yaml", {**BASE, **changes})


def overlay(directory: Path, body: str, name: str = "whatif.yaml",
            base: str = "talks.yaml") -> Path:
    """An overlay file on `base`, with `body` (YAML text) after its header."""
    head = f"format: accord/1\noverlay: {{id: {Path(name).stem}, title: What if}}\nbase: {base}\n"
    return write(directory, name, head + textwrap.dedent(body))


def ids(timeline: Timeline) -> list[str]:
    """The event ids in timeline order."""
    return [e.id for e in timeline.events]


def final(timeline: Timeline) -> dict[str, Any]:
    """The JSON state after the last step."""
    return Replay(timeline).json()


def problems(path: Path) -> list[str]:
    """The problem lines that loading `path` reports."""
    with pytest.raises(InputError) as caught:
        load_timeline(path)
    return [str(p) for p in caught.value.problems]


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line of `path` containing `needle`."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


# --- the resulting timeline ---------------------------------------------------------------


def test_an_overlay_with_no_changes_is_its_base_under_its_own_name(tmp_path: Path) -> None:
    base_file(tmp_path)
    timeline = load_timeline(overlay(tmp_path, ""))
    base = load_timeline(tmp_path / "talks.yaml")
    assert (timeline.name, timeline.title) == ("whatif", "What if")
    assert timeline.header == base.header
    assert timeline.base is not None and timeline.base.name == "talks"
    assert timeline.events == base.events


def test_drop_removes_the_rebuttal_so_the_claim_is_no_longer_rebutted(tmp_path: Path) -> None:
    base_file(tmp_path)
    timeline = load_timeline(overlay(tmp_path, "drop: [nikolenko-rebuts]\n"))
    assert "nikolenko-rebuts" not in ids(timeline)
    claim = final(timeline)["claims"]["lavrov-claims"]
    assert claim["rebutted"] is False
    # still contested: Ukraine advocates `deferred`, not the claimed `russian`
    assert claim["contested"] is True


def test_replace_keeps_the_id_and_position_with_new_content(tmp_path: Path) -> None:
    base_file(tmp_path)
    timeline = load_timeline(overlay(tmp_path, """\
        replace:
          - {id: ua-proposes, at: 2022-03-29, type: proposal, party: ukraine,
             issue: crimea, option: russian}
        """))
    assert ids(timeline)[0] == "ua-proposes"
    state = final(timeline)
    assert state["positions"]["ukraine"]["crimea"]["option"] == "russian"
    assert state["claims"]["lavrov-claims"]["contested"] is True  # rebutted still
    assert state["claims"]["lavrov-claims"]["rebutted"] is True


def test_added_events_are_placed_by_at_and_after_the_bases_ties(tmp_path: Path) -> None:
    base_file(tmp_path)
    timeline = load_timeline(overlay(tmp_path, """\
        add:
          - {id: late, at: 2022-04-02, type: proposal, party: russia, issue: crimea,
             option: russian}
          - {id: same-day, at: 2022-03-30, type: proposal, party: russia, issue: crimea,
             option: deferred}
          - {id: early, at: 2022-03-28, type: proposal, party: russia, issue: crimea,
             option: ukrainian}
        """))
    assert ids(timeline) == ["early", "ua-proposes", "lavrov-claims", "nikolenko-rebuts",
                             "ru-pledges", "same-day", "seen-leaving", "shelling-goes-on",
                             "late"]
    assert final(timeline)["positions"]["russia"]["crimea"]["option"] == "russian"


def test_min_reliability_drops_lower_graded_sources_and_turns_disputed_to_honoured(
        tmp_path: Path) -> None:
    base_file(tmp_path)
    base = load_timeline(tmp_path / "talks.yaml")
    assert final(base)["pledges"]["deescalate"]["status"] == "disputed"
    timeline = load_timeline(overlay(tmp_path, "min_reliability: B\n"))
    assert ids(timeline) == ["ua-proposes", "lavrov-claims", "ru-pledges", "seen-leaving"]
    assert final(timeline)["pledges"]["deescalate"]["status"] == "honoured"


def test_an_event_without_a_source_counts_as_f_and_6(tmp_path: Path) -> None:
    base_file(tmp_path)
    body = """\
        add:
          - {id: unsourced, at: 2022-04-01, type: proposal, party: russia, issue: crimea,
             option: russian}
        """
    assert "unsourced" not in ids(load_timeline(overlay(tmp_path, body + "min_reliability: E\n")))
    assert "unsourced" in ids(load_timeline(
        overlay(tmp_path, body + "min_reliability: F\n", "all.yaml")))
    graded = load_timeline(overlay(tmp_path, body + "min_credibility: 5\n", "cred.yaml"))
    assert "unsourced" not in ids(graded)
    assert "unsourced" in ids(load_timeline(
        overlay(tmp_path, body + "min_credibility: 6\n", "cred6.yaml")))


def test_min_credibility_drops_worse_credibility(tmp_path: Path) -> None:
    base_file(tmp_path)
    timeline = load_timeline(overlay(tmp_path, "min_credibility: 3\n"))
    assert ids(timeline) == ["ua-proposes", "lavrov-claims", "ru-pledges", "seen-leaving"]
    assert final(timeline)["claims"]["lavrov-claims"]["rebutted"] is False


def test_filtered_events_take_their_dependants_with_them(tmp_path: Path) -> None:
    data = {**BASE}
    data["events"] = [*BASE["events"][:3], {**BASE["events"][3], "source": "tabloid"},
                      *BASE["events"][4:]]
    base_file(tmp_path, events=data["events"])
    timeline = load_timeline(overlay(tmp_path, "min_reliability: C\n"))
    # the pledge now comes from a D source: it goes, and so do both reports on it
    assert ids(timeline) == ["ua-proposes", "lavrov-claims"]
    assert final(timeline)["pledges"] == {}


def test_an_overlay_may_stand_on_another_overlay(tmp_path: Path) -> None:
    base_file(tmp_path)
    overlay(tmp_path, "drop: [nikolenko-rebuts]\n", "first.yaml")
    second = load_timeline(overlay(tmp_path, "drop: [shelling-goes-on]\n", "second.yaml",
                                   base="first.yaml"))
    assert second.base is not None and second.base.name == "first"
    assert second.base.base is not None and second.base.base.name == "talks"
    assert ids(second) == ["ua-proposes", "lavrov-claims", "ru-pledges", "seen-leaving"]
    assert final(second)["pledges"]["deescalate"]["status"] == "honoured"


def test_expectations_of_an_overlay_are_checked_on_its_timeline(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, """\
        drop: [nikolenko-rebuts]
        expect:
          - state:
              claims.lavrov-claims.rebutted: false
          - after: lavrov-claims
            state:
              claims.lavrov-claims.rebutted: true
        """)
    timeline = load_timeline(path)
    assert len(timeline.expectations) == 2
    failures = check(timeline)
    assert [(f.point, f.path, f.expected, f.actual) for f in failures] == [
        ("after lavrov-claims", "claims.lavrov-claims.rebutted", True, False)]


# --- errors, located in the overlay file --------------------------------------------------


def test_dropping_or_replacing_an_unknown_id_is_an_error(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, """\
        drop: [nobody]
        replace:
          - {id: ghost, at: 2022-03-29, type: proposal, party: ukraine, issue: crimea,
             option: russian}
        """)
    assert problems(path) == [
        f"{path}:4:8: drop[0]: unknown event 'nobody': the base 'talks' has no such event",
        f"{path}:6:6: replace[0].id: unknown event 'ghost': the base 'talks' has no such "
        "event to replace",
    ]


def test_an_added_id_that_clashes_with_the_base_is_an_error(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, """\
        add:
          - {id: lavrov-claims, at: 2022-04-01, type: proposal, party: russia,
             issue: crimea, option: russian}
        """)
    assert problems(path) == [
        f"{path}:5:6: add[0].id: event id 'lavrov-claims' is already used in the base "
        "'talks'; to change that event use `replace`"]


def test_dropping_an_event_others_depend_on_names_the_dependants(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, "drop: [ru-pledges, lavrov-claims]\n")
    assert problems(path) == [
        f"{path}:4:8: drop[0]: cannot drop 'ru-pledges': 'seen-leaving', 'shelling-goes-on' "
        "depend on it; drop them too",
        f"{path}:4:20: drop[1]: cannot drop 'lavrov-claims': 'nikolenko-rebuts' depends on "
        "it; drop it too",
    ]


def test_dropping_the_dependants_too_is_fine(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, """\
        drop: [ru-pledges, seen-leaving, shelling-goes-on, lavrov-claims, nikolenko-rebuts]
        """)
    timeline = load_timeline(path)
    assert ids(timeline) == ["ua-proposes"]
    assert final(timeline)["pledges"] == {} and final(timeline)["claims"] == {}


def test_an_added_event_that_refers_to_a_dropped_one_is_an_error(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, """\
        drop: [ua-proposes]
        add:
          - {id: ua-withdraws, at: 2022-04-01, type: retraction, party: ukraine,
             target: ua-proposes}
        """)
    line = line_of(path, "ua-withdraws")
    assert problems(path) == [
        f"{path}:{line}:5: add[0] (ua-withdraws): refers to 'ua-proposes', which this "
        "overlay drops"]


def test_added_events_are_checked_like_a_scenarios(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, """\
        add:
          - {id: peskov-says, at: 2022-04-01, type: claim, party: russia, about: ukraine,
             issue: crimea, option: neutral}
        """)
    assert problems(path) == [
        f"{path}:6:21: add[0] (peskov-says).option: unknown option 'neutral' of issue "
        "'crimea'; expected one of: deferred, russian, ukrainian"]


def test_a_replacement_that_breaks_a_base_event_is_reported_at_the_base(
        tmp_path: Path) -> None:
    base = base_file(tmp_path)
    path = overlay(tmp_path, """\
        replace:
          - {id: lavrov-claims, at: 2022-03-30, type: claim, party: russia, about: russia,
             issue: crimea, option: russian}
        """)
    line = line_of(base, "target: lavrov-claims")
    assert problems(path) == [
        f"{base}:{line}:3: events[2] (nikolenko-rebuts).target: only the party a claim is "
        "about can rebut it: claim 'lavrov-claims' is about 'russia', not 'ukraine'"]


def test_quotes_of_added_events_are_checked_against_the_base_sources_text(
        tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, """\
        add:
          - {id: ok, at: 2022-04-01, type: proposal, party: russia, issue: crimea,
             option: russian, source: wire, quote: "the issues of Crimea ... resolved"}
          - {id: invented, at: 2022-04-01, type: proposal, party: russia, issue: crimea,
             option: deferred, source: wire, quote: "we accept consultations"}
        """)
    line = line_of(path, "we accept consultations")
    assert problems(path) == [
        f"{path}:{line}:38: add[1] (invented).quote: not found verbatim in source 'wire': "
        "'we accept consultations'"]


def test_a_missing_base_file_is_an_error_at_the_base_key(tmp_path: Path) -> None:
    path = overlay(tmp_path, "", base="nowhere.yaml")
    assert problems(path) == [
        f"{path}:3:1: base: base file 'nowhere.yaml' not found (looked for "
        f"{tmp_path / 'nowhere.yaml'})"]


def test_overlays_standing_on_each_other_in_a_cycle_are_refused(tmp_path: Path) -> None:
    overlay(tmp_path, "", "a.yaml", base="b.yaml")
    path = overlay(tmp_path, "", "b.yaml", base="a.yaml")
    assert problems(path) == [f"{path}:3:1: base: overlays form a cycle: "
                              "b.yaml → a.yaml → b.yaml"]


def test_an_overlay_named_like_its_base_is_refused(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, "", "talks-whatif.yaml")
    path.write_text(path.read_text().replace("id: talks-whatif", "id: talks"))
    assert problems(path) == [
        f"{path}:2:11: overlay.id: the overlay id 'talks' is the base's name; a what-if "
        "needs a name of its own"]


def test_an_expectation_after_a_dropped_event_is_an_error(tmp_path: Path) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, """\
        drop: [nikolenko-rebuts]
        expect:
          - after: nikolenko-rebuts
            state: {claims.lavrov-claims.rebutted: false}
        """)
    assert problems(path) == [f"{path}:6:5: expect[0].after: unknown event "
                              "'nikolenko-rebuts'"]


def test_a_replacement_with_a_new_time_moves_to_its_place(tmp_path: Path) -> None:
    base_file(tmp_path)
    timeline = load_timeline(overlay(tmp_path, """\
        replace:
          - {id: ua-proposes, at: 2022-03-31, type: proposal, party: ukraine,
             issue: crimea, option: deferred}
        """))
    assert ids(timeline) == ["lavrov-claims", "nikolenko-rebuts", "ru-pledges",
                             "ua-proposes", "seen-leaving", "shelling-goes-on"]


def test_a_filtered_claim_takes_its_rebuttal_with_it(tmp_path: Path) -> None:
    base_file(tmp_path)
    timeline = load_timeline(overlay(tmp_path, """\
        replace:
          - {id: lavrov-claims, at: 2022-03-30, type: claim, party: russia, about: ukraine,
             issue: crimea, option: russian, credibility: 2}
        min_credibility: 5
        """))
    # the claim now has no source (counts as 6): it goes, and the rebuttal (4) with it
    assert ids(timeline) == ["ua-proposes", "ru-pledges", "seen-leaving", "shelling-goes-on"]


# --- a dropped pledge event made again -----------------------------------------------------

PLEDGE_AGAIN = ("{id: ru-pledges-again, at: %s, type: pledge, party: russia, "
                "pledge: deescalate, commitment: reduce activity near Kyiv, "
                "quote: drastically reduce military activity, source: wire, credibility: 1}")


def test_a_pledge_dropped_and_made_again_before_its_reports_keeps_them(
        tmp_path: Path) -> None:
    """A pledge event dropped and added under another id (a rename, as the TUI saves one),
    still before the reports on its pledge: the reports follow the new event, the
    timeline is valid, and the overlay loads (it was refused: "cannot drop 'ru-pledges':
    'seen-leaving', 'shelling-goes-on' depend on it")."""
    base_file(tmp_path)
    path = overlay(tmp_path, f"drop: [ru-pledges]\nadd:\n  - {PLEDGE_AGAIN % '2022-03-30'}\n")
    timeline = load_timeline(path)
    assert ids(timeline) == ["ua-proposes", "lavrov-claims", "nikolenko-rebuts",
                             "ru-pledges-again", "seen-leaving", "shelling-goes-on"]
    assert check_events(timeline.header, timeline.events, timeline.locate or _no_locate) == []
    pledge = final(timeline)["pledges"]["deescalate"]
    assert pledge["events"] == ["ru-pledges-again", "seen-leaving", "shelling-goes-on"]
    assert (pledge["supports"], pledge["contradicts"]) == (["seen-leaving"],
                                                           ["shelling-goes-on"])


def test_a_pledge_made_again_after_its_reports_leaves_them_dangling(tmp_path: Path) -> None:
    """Made again only after the reports, the pledge leaves them with no earlier pledge
    event: refused with the same message as a plain drop."""
    base_file(tmp_path)
    path = overlay(tmp_path, f"drop: [ru-pledges]\nadd:\n  - {PLEDGE_AGAIN % '2022-04-01'}\n")
    assert problems(path) == [
        f"{path}:4:8: drop[0]: cannot drop 'ru-pledges': 'seen-leaving', 'shelling-goes-on' "
        "depend on it; drop them too"]


def test_an_added_report_follows_the_pledge_made_again(tmp_path: Path) -> None:
    """An added report on the pledge refers to the event making it before the report (no
    error), or to the dropped one when none does."""
    base_file(tmp_path)
    report = ("{id: still-shelling, at: %s, type: report, party: ukraine, pledge: deescalate,"
              " finding: contradicts, observation: shelling}")
    path = overlay(tmp_path, f"""\
        drop: [ru-pledges, seen-leaving, shelling-goes-on]
        add:
          - {PLEDGE_AGAIN % '2022-03-31'}
          - {report % '2022-04-01'}
        """)
    assert ids(load_timeline(path))[-2:] == ["ru-pledges-again", "still-shelling"]
    path = overlay(tmp_path, f"""\
        drop: [ru-pledges, seen-leaving, shelling-goes-on]
        add:
          - {PLEDGE_AGAIN % '2022-04-02'}
          - {report % '2022-04-01'}
        """)
    assert problems(path) == [
        f"{path}:{line_of(path, 'still-shelling')}:5: add[1] (still-shelling): refers to "
        "'ru-pledges', which this overlay drops"]


def _no_locate(event_id: str, field: str, message: str) -> Problem:
    return Problem("variant", None, None, f"{event_id}.{field}", message)


EVENTS: TypeAdapter[Event] = TypeAdapter(Event)
ADDED_DATES = ["2022-03-28", "2022-03-30", "2022-03-30T23:00:00", "2022-03-31",
               "2022-04-01"]


@settings(max_examples=150, deadline=None)
@given(drops=st.sets(st.sampled_from([e["id"] for e in BASE["events"]])),
       again=st.sampled_from([None, *ADDED_DATES]),
       report=st.sampled_from([None, *ADDED_DATES]))
def test_a_drop_is_refused_exactly_when_the_timeline_would_be_invalid(
        drops: set[str], again: str | None, report: str | None) -> None:
    """Random drops, the pledge made again (or not) and a report added (or not), at random
    dates: the overlay loads exactly when `check_events` finds its resulting timeline
    (placed by rules 3-4) valid."""
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        base = load_timeline(base_file(directory))
        added: list[dict[str, Any]] = []
        if again is not None:
            added.append({"id": "ru-pledges-again", "at": again, "type": "pledge",
                          "party": "russia", "pledge": "deescalate",
                          "commitment": "reduce activity near Kyiv"})
        if report is not None:
            added.append({"id": "added-report", "at": report, "type": "report",
                          "party": "ukraine", "pledge": "deescalate", "finding": "supports",
                          "observation": "quiet"})
        order = [e["id"] for e in BASE["events"] if e["id"] in drops]
        body = f"drop: {json.dumps(order)}\n" + \
            ("add:\n" + "".join(f"  - {json.dumps(a)}\n" for a in added) if added else "")
        path = overlay(directory, body)
        adds = [EVENTS.validate_python(a) for a in added]
        variant = in_timeline_order([*(e for e in base.events if e.id not in drops), *adds])
        valid = check_events(base.header, variant, _no_locate) == []
        try:
            loaded = load_timeline(path)
        except InputError as exc:
            assert not valid, [str(p) for p in exc.problems]
            return
        assert valid
        assert list(loaded.events) == variant
