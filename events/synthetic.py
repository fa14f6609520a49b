"""Synthetic negotiations: N valid events over P parties and I issues, from a seed.

For benchmarks and tests at scale (10^5–10^6 events). Every reference is valid by
construction (targets earlier and not retracted, reports on live pledges, rebuttals by the
claim's subject, speakers of their own party); `tests/test_synthetic.py` proves it on small
N with `events.references.check_events`. The same seed gives the same events.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from events.catalogue import (
    Acceptance,
    Claim,
    Event,
    EventBase,
    Pledge,
    Proposal,
    Rejection,
    Report,
    Retraction,
)
from events.scenario import Header
from events.timeline import Timeline

#: The share of each event type (a negotiation is mostly stances; claims, pledges and
#: evidence are rarer; retractions rarer still).
MIX: dict[str, float] = {
    "proposal": 0.26,
    "acceptance": 0.18,
    "rejection": 0.20,
    "claim": 0.12,
    "pledge": 0.06,
    "report": 0.14,
    "retraction": 0.04,
}

_OPTIONS = 4
_SPEAKERS = 2
_SOURCES = 8
_RECENT = 20  # a retraction withdraws one of the party's last 20 live statements
_PER_DAY = 40  # statements per day: timestamps advance by 36 minutes
_SHARED_EMPTY: list[str] = []  # every event's `tags`: one list, never mutated


@dataclass(frozen=True)
class Spec:
    """What to generate: `events` statements over `parties` parties and `issues` issues."""

    events: int
    parties: int = 4
    issues: int = 6
    seed: int = 0
    #: a what-if: from step `fork_at` on, the events come from `fork_seed` instead
    fork_at: int | None = None
    fork_seed: int = 1

    @property
    def name(self) -> str:
        """The negotiation id."""
        fork = "" if self.fork_at is None else f"-f{self.fork_at}s{self.fork_seed}"
        return f"synthetic-{self.events}-{self.parties}p{self.issues}i-s{self.seed}{fork}"


def header(spec: Spec) -> Header:
    """The parties (the first two are the principals), issues, options and sources."""
    if spec.parties < 2 or spec.issues < 1:
        raise ValueError("a synthetic negotiation needs at least 2 parties and 1 issue")
    return Header.model_validate({
        "negotiation": {"id": f"synthetic-{spec.parties}p{spec.issues}i",
                        "title": f"Synthetic: {spec.parties} parties, {spec.issues} issues"},
        "principals": ["p0", "p1"],
        "parties": [
            {"id": f"p{p}", "name": f"Party {p}",
             "speakers": [{"id": f"p{p}s{s}", "name": f"Speaker {s} of party {p}"}
                          for s in range(_SPEAKERS)]}
            for p in range(spec.parties)
        ],
        "issues": [
            {"id": f"i{i}", "title": f"Issue {i}",
             "options": [{"id": f"o{o}", "label": f"Option {o}"} for o in range(_OPTIONS)]}
            for i in range(spec.issues)
        ],
        "sources": [{"id": f"src{s}", "outlet": f"Outlet {s}", "reliability": "ABCDEF"[s % 6]}
                    for s in range(_SOURCES)],
    })


_FIELDS_SET: dict[type[EventBase], frozenset[str]] = {cls: frozenset(cls.model_fields) for cls in
               (Proposal, Acceptance, Rejection, Claim, Pledge, Report, Retraction)}
_new = object.__new__
_set = object.__setattr__


def _build(cls: type[EventBase], fields: dict[str, Any]) -> Any:
    """An event from fields known to be valid, without validation.

    pydantic's `model_construct` does the same but measured ~150 µs per event here; this
    sets the instance attributes directly (~2 µs) and shares one empty `tags` list.
    """
    event = _new(cls)
    _set(event, "__dict__", fields)
    _set(event, "__pydantic_fields_set__", _FIELDS_SET[cls])
    _set(event, "__pydantic_extra__", None)
    _set(event, "__pydantic_private__", None)
    return event


class _Live:
    """Ids that may still be targeted, with O(1) random pick and removal."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.where: dict[str, int] = {}

    def add(self, item: str) -> None:
        self.where[item] = len(self.items)
        self.items.append(item)

    def remove(self, item: str) -> None:
        i = self.where.pop(item)
        last = self.items.pop()
        if i < len(self.items):
            self.items[i] = last
            self.where[last] = i

    def pick(self, rng: random.Random) -> str | None:
        return self.items[int(rng.random() * len(self.items))] if self.items else None


def events(spec: Spec) -> Iterator[Event]:
    """The statements of `spec`, in timeline order (timestamps never decrease)."""
    rng = random.Random(spec.seed)
    rand = rng.random
    parties = [f"p{p}" for p in range(spec.parties)]
    issues = [f"i{i}" for i in range(spec.issues)]
    options = [f"o{o}" for o in range(_OPTIONS)]
    sources = [f"src{s}" for s in range(_SOURCES)]
    speakers = {p: [f"{p}s{s}" for s in range(_SPEAKERS)] for p in parties}
    kinds = list(MIX)
    cumulative = []
    total = 0.0
    for kind in kinds:
        total += MIX[kind]
        cumulative.append(total)

    stances = _Live()                                  # live proposals/acceptances
    # retractable statements per party, oldest first: a party walks back what it said
    # lately (the last _RECENT of its live statements), not months ago
    own: dict[str, list[str]] = {p: [] for p in parties}
    claims_about: dict[str, _Live] = {p: _Live() for p in parties}
    live_pledges = _Live()                             # pledge ids
    kind_of: dict[str, tuple[str, str]] = {}          # retractable id -> (kind, extra)
    start = date(2022, 1, 1)
    day_text = ""

    for n in range(spec.events):
        if n == spec.fork_at:
            rng.seed(spec.fork_seed)
        if n % _PER_DAY == 0:
            day_text = (start + timedelta(days=n // _PER_DAY)).isoformat()
        minutes = (n % _PER_DAY) * 36
        at = f"{day_text}T{minutes // 60:02d}:{minutes % 60:02d}:00"
        party = parties[int(rand() * len(parties))]
        r = rand() * total
        kind = next(k for k, c in zip(kinds, cumulative, strict=True) if r < c)
        ident = f"e{n}"
        base: dict[str, Any] = {
            "id": ident, "at": at, "party": party,
            "speaker": speakers[party][int(rand() * _SPEAKERS)],
            "quote": f"statement {n}", "source": sources[n % _SOURCES],
            "credibility": 1 + n % 6, "note": None, "tags": _SHARED_EMPTY, "type": kind,
        }
        issue = issues[int(rand() * len(issues))]
        option = options[int(rand() * _OPTIONS)]
        if kind == "rejection":
            rebuttable = claims_about[party].pick(rng)
            stance = stances.pick(rng)
            if rebuttable is not None and rand() < 0.3:
                targets = [rebuttable]
            elif stance is not None and rand() < 0.5:
                targets = [stance]
                other = stances.pick(rng)
                if other is not None and other != stance and rand() < 0.1:
                    targets.append(other)
            else:
                targets = []
            if targets:
                base.update(issue=None, option=None, target=targets)
            else:
                base.update(issue=issue, option=option, target=None)
            yield _build(Rejection, base)
        elif kind == "retraction":
            mine = own[party]
            if not mine:  # nothing to withdraw yet: a proposal instead
                kind = base["type"] = "proposal"
            else:
                target = mine.pop(len(mine) - 1 - int(rand() * min(len(mine), _RECENT)))
                what, extra = kind_of.pop(target)
                if what == "stance":
                    stances.remove(target)
                elif what == "claim":
                    claims_about[extra].remove(target)
                else:
                    live_pledges.remove(extra)
                base["target"] = target
                yield _build(Retraction, base)
                continue
        if kind == "report":
            pledge = live_pledges.pick(rng)
            if pledge is None:
                kind = base["type"] = "acceptance"
            else:
                base.update(pledge=pledge, observation=f"observation {n}",
                            finding="supports" if rand() < 0.5 else "contradicts")
                yield _build(Report, base)
                continue
        if kind in ("proposal", "acceptance"):
            base.update(issue=issue, option=option,
                        conditions=[f"condition {n}"] if rand() < 0.05 else None)
            stances.add(ident)
            own[party].append(ident)
            kind_of[ident] = ("stance", "")
            yield _build(Proposal if kind == "proposal" else Acceptance, base)
        elif kind == "claim":
            about = parties[int(rand() * len(parties))]
            if about == party:
                about = parties[(parties.index(party) + 1) % len(parties)]
            base.update(about=about, issue=issue, option=option)
            claims_about[about].add(ident)
            own[party].append(ident)
            kind_of[ident] = ("claim", about)
            yield _build(Claim, base)
        elif kind == "pledge":
            pledge_id = f"pl{n}"
            base.update(pledge=pledge_id, commitment=f"commitment {n}",
                        issue=issue if rand() < 0.7 else None)
            live_pledges.add(pledge_id)
            own[party].append(ident)
            kind_of[ident] = ("pledge", pledge_id)
            yield _build(Pledge, base)


def timeline(spec: Spec) -> Timeline:
    """The whole synthetic timeline in memory (about 0.6 KB per event)."""
    head = header(spec)
    return Timeline(name=spec.name, title=head.negotiation.title, file=f"<{spec.name}>",
                    header=head, events=tuple(events(spec)))
