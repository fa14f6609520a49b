"""Cross-reference checks of a timeline: every id an event names must exist and fit.

Runs over events in timeline order, so "must come earlier" rules are checked as the
fold will meet them. Returns every problem found; never stops at the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from events.catalogue import (
    Acceptance,
    Claim,
    Event,
    Pledge,
    Proposal,
    Rejection,
    Report,
    Retraction,
)
from events.errors import Problem
from events.scenario import Header
from events.timeline import Locator


def check_header(header: Header, problem: Locator) -> list[Problem]:
    """Duplicate ids in the header, and principals that are not parties."""
    out: list[Problem] = []

    def unique(kind: str, ids: list[str], where: str) -> None:
        seen: set[str] = set()
        for i, ident in enumerate(ids):
            if ident in seen:
                out.append(problem("", f"{where}[{i}].id", f"duplicate {kind} id {ident!r}"))
            seen.add(ident)

    unique("party", [p.id for p in header.parties], "parties")
    seen_speakers: set[str] = set()
    for n, party in enumerate(header.parties):
        for k, speaker in enumerate(party.speakers):
            if speaker.id in seen_speakers:
                out.append(problem("", f"parties[{n}].speakers[{k}].id",
                                   f"duplicate speaker id {speaker.id!r}"))
            seen_speakers.add(speaker.id)
    unique("issue", [i.id for i in header.issues], "issues")
    unique("source", [s.id for s in header.sources], "sources")
    for n, issue in enumerate(header.issues):
        unique("option", [o.id for o in issue.options], f"issues[{n}].options")
    parties = {p.id for p in header.parties}
    for i, principal in enumerate(header.principals):
        if principal not in parties:
            out.append(
                problem("", f"principals[{i}]", f"unknown party {principal!r}; {_known(parties)}")
            )
    return out


def _known(ids: set[str] | list[str]) -> str:
    listed = sorted(ids)
    shown = ", ".join(listed[:12]) + (" …" if len(listed) > 12 else "")
    return f"expected one of: {shown}" if listed else "none are defined"


def unknown_event(target: str) -> str:
    """The problem of a reference to an event no event of the timeline is."""
    return f"unknown event {target!r}"


def unknown_pledge(pledge: str) -> str:
    """The problem of a report on a pledge no earlier event made."""
    return f"unknown pledge {pledge!r} (a report needs an earlier pledge event)"


class _Seen(NamedTuple):
    """What a later event's check needs of an earlier one (shared between the events
    alike, so a long timeline's checks hold one id and one slot per event, not events)."""

    type: str
    party: str
    about: str | None


def check_events(header: Header, events: Sequence[Event], problem: Locator) -> list[Problem]:
    """Every reference an event makes, checked against the header and the earlier events.

    Walks `events` once (a stored timeline's lazy view is read page by page) and keeps of
    each event its id and a shared summary, never the event itself."""
    out: list[Problem | None] = []
    parties = {p.id: p for p in header.parties}
    speaker_party = {s.id: p.id for p in header.parties for s in p.speakers}
    issues: dict[str, set[str]] = {}
    for issue in header.issues:  # the first of duplicate ids wins, as it is reported so
        issues.setdefault(issue.id, {o.id for o in issue.options})
    sources = {s.id for s in header.sources}
    earlier: dict[str, _Seen] = {}
    summaries: dict[tuple[str, str, str | None], _Seen] = {}
    #: targets not met yet: (slot in `out`, event id, field, target); worded at the end,
    #: once it is known whether the target comes later or nowhere
    unmet: list[tuple[int, str, str, str]] = []
    retracted: dict[str, str] = {}
    pledges: dict[str, str] = {}  # pledge id -> pledge event id

    def err(event: Event, fld: str, msg: str) -> None:
        out.append(problem(event.id, fld, msg))

    def check_issue_option(event: Event, issue: str | None, option: str | None) -> None:
        if issue is None:
            return
        if issue not in issues:
            err(event, "issue", f"unknown issue {issue!r}; {_known(set(issues))}")
        elif option is not None and option not in issues[issue]:
            err(event, "option", f"unknown option {option!r} of issue {issue!r}; "
                f"{_known(sorted(issues[issue]))}")

    def target_of(event: Event, fld: str, target: str) -> _Seen | None:
        if target == event.id:
            err(event, fld, f"an event cannot target itself ({target!r})")
            return None
        if target not in earlier:
            unmet.append((len(out), event.id, fld, target))
            out.append(None)
            return None
        if target in retracted:
            err(event, fld, f"target {target!r} was retracted by {retracted[target]!r}")
            return None
        return earlier[target]

    for event in events:
        if event.id in earlier:
            err(event, "id", f"duplicate event id {event.id!r}")
            continue
        if event.party not in parties:
            err(event, "party", f"unknown party {event.party!r}; {_known(set(parties))}")
        if event.speaker is not None:
            owner = speaker_party.get(event.speaker)
            if owner is None:
                err(event, "speaker", f"unknown speaker {event.speaker!r}")
            elif owner != event.party:
                err(event, "speaker", f"speaker {event.speaker!r} speaks for {owner!r}, "
                    f"not for {event.party!r}")
        if event.source is not None and event.source not in sources:
            err(event, "source", f"unknown source {event.source!r}; {_known(sources)}")

        if isinstance(event, _PROPOSAL_OR_ACCEPTANCE):
            check_issue_option(event, event.issue, event.option)
        elif isinstance(event, Claim):
            if event.about not in parties:
                err(event, "about", f"unknown party {event.about!r}; {_known(set(parties))}")
            check_issue_option(event, event.issue, event.option)
        elif isinstance(event, Rejection):
            check_issue_option(event, event.issue, event.option)
            targets = event.target or []
            for n, target in enumerate(targets):
                if target in targets[:n]:
                    err(event, "target", f"target {target!r} is listed twice")
                    continue
                found = target_of(event, "target", target)
                if found is None:
                    continue
                if found.type == "claim":
                    if found.about != event.party:
                        err(event, "target", f"only the party a claim is about can rebut it: "
                            f"claim {target!r} is about {found.about!r}, not {event.party!r}")
                elif found.type not in _REJECTABLE:
                    err(event, "target", f"a rejection targets a proposal, acceptance or claim; "
                        f"{target!r} is a {found.type}")
        elif isinstance(event, Pledge):
            if event.pledge in pledges:
                err(event, "pledge", f"pledge id {event.pledge!r} is already used by event "
                    f"{pledges[event.pledge]!r}")
            pledges[event.pledge] = event.id
            if event.issue is not None:
                check_issue_option(event, event.issue, None)
        elif isinstance(event, Report):
            made_by = pledges.get(event.pledge)
            if made_by is None:
                err(event, "pledge", unknown_pledge(event.pledge))
            elif made_by in retracted:
                err(event, "pledge", f"pledge {event.pledge!r} was retracted by "
                    f"{retracted[made_by]!r}")
        elif isinstance(event, Retraction):
            found = target_of(event, "target", event.target)
            if found is not None:
                if found.type not in _RETRACTABLE:
                    err(event, "target", f"a retraction targets a proposal, acceptance, claim or "
                        f"pledge; {event.target!r} is a {found.type}")
                elif found.party != event.party:
                    err(event, "target", f"a party retracts only its own statements: "
                        f"{event.target!r} is by {found.party!r}, not {event.party!r}")
                else:
                    retracted[event.target] = event.id
        key = (event.type, event.party, event.about if isinstance(event, Claim) else None)
        seen = summaries.get(key)
        if seen is None:
            seen = summaries[key] = _Seen(*key)
        earlier[event.id] = seen
    for slot, event_id, fld, target in unmet:  # every id of the timeline is in `earlier` now
        out[slot] = problem(event_id, fld, (
            f"target {target!r} comes later in the timeline; a target must come earlier"
            if target in earlier else unknown_event(target)))
    return [p for p in out if p is not None]


_PROPOSAL_OR_ACCEPTANCE = (Proposal, Acceptance)
_REJECTABLE = frozenset({"proposal", "acceptance"})
_RETRACTABLE = frozenset({"proposal", "acceptance", "claim", "pledge"})
