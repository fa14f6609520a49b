"""The folded negotiation state, and its JSON form (the stable contract of DESIGN.md).

Plain mutable dataclasses: the fold rules in `domain.fold` are the only code that changes
them. Their lists and dicts are plain ones, except in the states a `domain.replay.Replay`
folds, which use the structure-sharing stand-ins of `domain.persistent` (hence the
abstract container types below). Derived measures (contested claims, gaps, common
ground, pledge status) are computed when the state is read, never stored, so they are
right at every step.
"""

from __future__ import annotations

from collections.abc import MutableMapping, MutableSequence
from dataclasses import dataclass, field
from typing import Any

from events.scenario import Header


@dataclass
class Cell:
    """One party's stance on one issue."""

    option: str | None = None
    accepts: set[str] = field(default_factory=set)
    rejects: set[str] = field(default_factory=set)
    conditions: list[str] = field(default_factory=list)
    #: the party's own non-retracted stances on this issue: (event id, kind, option,
    #: conditions), kept so that a retraction can refold the cell
    history: MutableSequence[tuple[Any, ...]] = field(default_factory=list)
    #: ids of the (non-retracted) claims about this party on this issue
    claims: MutableSequence[str] = field(default_factory=list)
    #: ids of the events that shaped this cell, in timeline order
    events: MutableSequence[str] = field(default_factory=list)
    #: of the claims about this cell not rebutted: option claimed → how many (kept by the
    #: fold so that a viewer counts the contested ones in O(options), not O(claims))
    claimed: dict[str, int] = field(default_factory=dict)
    #: how many claims about this cell are rebutted
    rebutted: int = 0

    def reads_as(self, other: Cell) -> bool:
        """Whether the two cells' JSON is equal (a copy of a Replay's id list compares
        chunk by chunk, shared chunks by identity: no 10^4-id copies)."""
        return (self.option == other.option and self.accepts == other.accepts
                and self.rejects == other.rejects and self.conditions == other.conditions
                and self.claims == other.claims and self.events == other.events)

    def disputes(self, option: str) -> bool:
        """Whether the party's stance contests a claim that it holds `option`: it has
        rejected that option, or advocates another."""
        return option in self.rejects or (self.option is not None and self.option != option)

    def contested_claims(self) -> int:
        """How many claims about this cell are contested (`State.is_contested`): the
        rebutted ones, and those the party's stance disputes."""
        return self.rebutted + sum(n for option, n in self.claimed.items()
                                   if self.disputes(option))


@dataclass
class ClaimState:
    """A claim by one party about another's stance."""

    by: str
    about: str
    issue: str
    option: str
    rebuttals: list[str] = field(default_factory=list)

    @property
    def rebutted(self) -> bool:
        """True once the party the claim is about has rebutted it."""
        return bool(self.rebuttals)


@dataclass
class PledgeState:
    """A commitment and the evidence on it."""

    party: str
    commitment: str
    issue: str | None
    event: str
    #: (report event id, finding) in timeline order
    evidence: list[tuple[str, str]] = field(default_factory=list)

    @property
    def supports(self) -> list[str]:
        """Ids of the reports that support the pledge being kept."""
        return [r for r, finding in self.evidence if finding == "supports"]

    @property
    def contradicts(self) -> list[str]:
        """Ids of the reports that contradict it."""
        return [r for r, finding in self.evidence if finding == "contradicts"]

    @property
    def status(self) -> str:
        """open (no evidence), honoured, violated, or disputed (evidence both ways)."""
        if self.supports and self.contradicts:
            return "disputed"
        if self.supports:
            return "honoured"
        if self.contradicts:
            return "violated"
        return "open"


@dataclass
class State:
    """Everything the fold knows after some steps of a timeline."""

    header: Header
    cells: dict[tuple[str, str], Cell]
    claims: MutableMapping[str, ClaimState] = field(default_factory=dict)
    pledges: MutableMapping[str, PledgeState] = field(default_factory=dict)
    #: pledge event id → pledge id (retractions name the event)
    pledge_events: MutableMapping[str, str] = field(default_factory=dict)
    #: proposal/acceptance event id → (party, issue, option), for targets and retractions
    stances: MutableMapping[str, tuple[str, str, str]] = field(default_factory=dict)
    step: int = 0
    last_event: str | None = None
    last_at: str | None = None

    @classmethod
    def empty(cls, header: Header) -> State:
        """The state before the first event: every party × issue cell unknown."""
        cells = {(p.id, i.id): Cell() for p in header.parties for i in header.issues}
        return cls(header=header, cells=cells)

    def copy(self) -> State:
        """An independent plain copy to fold on from (what-ifs, branches, diffs): new
        mutable containers, shared immutable values (ids, history tuples, the header).
        Constructors called directly: `copy.deepcopy` walks every immutable value and
        `dataclasses.replace` checks every field, both several times slower on a state
        of 10^5 claims and pledges. A field added to Cell must be copied here (a test
        folds on a copy and checks that the original stays as it was)."""
        cells = {key: Cell(c.option, set(c.accepts), set(c.rejects), list(c.conditions),
                           list(c.history), list(c.claims), list(c.events),
                           dict(c.claimed), c.rebutted)
                 for key, c in self.cells.items()}
        claims = {k: ClaimState(c.by, c.about, c.issue, c.option, list(c.rebuttals))
                  for k, c in self.claims.items()}
        pledges = {k: PledgeState(p.party, p.commitment, p.issue, p.event, list(p.evidence))
                   for k, p in self.pledges.items()}
        return State(self.header, cells, claims, pledges, dict(self.pledge_events),
                     dict(self.stances), self.step, self.last_event, self.last_at)

    def cell(self, party: str, issue: str) -> Cell:
        """The cell of `party` on `issue`."""
        return self.cells[(party, issue)]

    def is_contested(self, claim: ClaimState) -> bool:
        """A claim is contested while its subject advocates another option, has rejected
        the claimed one, or has rebutted the claim."""
        return claim.rebutted or self.cell(claim.about, claim.issue).disputes(claim.option)
