"""Which events depend on which: the references of a timeline, reversed, so that the
problems of the timeline without some of its events are found without walking it.

`index` walks the events once, running `check_events` on them and noting on the way, for
each event id, the events that name it: the rejections and retractions targeting it and,
for a pledge event, the reports on the pledge it made. `Dependants.problems_without(D)`
is then `check_events` of the timeline without the events whose ids are in D (same
problems, same order, same text) in O(the references to D), provided the timeline itself
has no problems; otherwise it says it cannot tell (None), and the variant is checked in
full.

Why the answers agree when the timeline T is valid (check_events(T) == []). The variant
V is T without D, in T's order; T's ids are unique (else "duplicate event id"), so an
event of T is in V exactly when its id is not in D. Go through check_events' rules for
an event e of V:

- its id, party, speaker, source, issue, option and `about` are checked against V's
  earlier ids (a subset of T's: no duplicate in V) and the header (unchanged): no problem;
- a rejection's targets: listing one twice and targeting itself depend on e alone (none
  in T). A target t that is not in D is the same earlier event in V, with the same type,
  party and `about`: the type and rebuttal rules hold as in T; it "was retracted" in V
  only if a retraction of V before e retracted it, which that retraction did in T too
  (its own target, if kept, is found as in T), and T had no such problem. A target t in
  D is not among V's earlier events, nor anywhere in V (unique ids): "unknown event 't'";
- a retraction's target: the same, with the retractable-type and own-party rules;
- a pledge's pledge id was unused before it in T, so in V too;
- a report on pledge p: T's pledge ids are unique, so p was made by one earlier event P,
  not retracted before e in T, hence neither in V. If P is in D no event of V made p:
  "unknown pledge 'p' (...)"; otherwise the report holds.

So V's problems are exactly, for each event of V in timeline order and, within a
rejection, for each target in its order: "unknown event" per target or retraction
target in D, "unknown pledge" per report whose pledge event is in D. check_events gives
them in that order (a target not met is worded at the end, in the slot of its event).
When T has a problem, dropping events may remove it or change its wording (a duplicate
id or pledge id gone, a retraction gone, a target that "comes later" now unknown): no
shortcut is taken then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import overload

from events.catalogue import Event, Pledge, Rejection, Report, Retraction
from events.errors import Problem
from events.references import check_events, unknown_event, unknown_pledge
from events.scenario import Header
from events.timeline import Locator

#: An event that names another: (its position in the timeline, which of its references
#: it is: a rejection's target index, 0 for a retraction's target, -1 for a report on the
#: pledge the other made; its id). A plain tuple: there are ~3·10^5 of them in 10^6
#: events.
_Dependant = tuple[int, int, str]
#: The slot of a report on a pledge.
_REPORT = -1


class Dependants:
    """A timeline's own problems (`check_events`) and its references, reversed."""

    def __init__(self, problems: list[Problem], named_by: dict[str, list[_Dependant]],
                 pledge_of: dict[str, str]) -> None:
        #: check_events' problems of the timeline itself
        self.problems = problems
        #: event id -> the events naming it (targets, and reports on the pledge it made)
        self._named_by = {} if problems else named_by
        #: pledge event id -> the pledge id it made (those reported on only)
        self._pledge_of = {} if problems else pledge_of

    def dependants(self, event_id: str) -> list[str]:
        """The ids of the events that name `event_id`, in timeline order (known of a
        valid timeline only: [] when it has problems)."""
        return [event for _, _, event in self._named_by.get(event_id, ())]

    def problems_without(self, dropped: Collection[str],
                         problem: Locator) -> list[Problem] | None:
        """`check_events` of the timeline without the events whose ids are in `dropped`,
        located by `problem`: read off the events naming them, not walked for. None when
        the timeline itself has problems (then only a walk of the variant tells)."""
        if self.problems:
            return None
        gone = set(dropped)
        #: (the event naming a dropped one, the dropped one it names), in timeline order
        found = sorted((d, event_id) for event_id in gone
                       for d in self._named_by.get(event_id, ()) if d[2] not in gone)
        return [problem(event, "target", unknown_event(event_id)) if slot != _REPORT
                else problem(event, "pledge", unknown_pledge(self._pledge_of[event_id]))
                for (_, slot, event), event_id in found]


class _Noting(Sequence[Event]):
    """`events`, whose walk notes in `named_by` who names whom (`Dependants`) and tells
    `watch(read, total)` after every `every` events read (and the last)."""

    def __init__(self, events: Sequence[Event], watch: Callable[[int, int], None] | None,
                 every: int) -> None:
        self._events, self._watch, self._every = events, watch, every
        self.named_by: defaultdict[str, list[_Dependant]] = defaultdict(list)
        self.pledge_of: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._events)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        return self._events[index]

    def __iter__(self) -> Iterator[Event]:
        named_by, pledge_of = self.named_by, self.pledge_of
        watch, every, total = self._watch, self._every, len(self._events)
        pledges: dict[str, str] = {}  # pledge id -> the event that made it (the first)
        # `type(e) is` rather than isinstance, ~8x slower through pydantic's metaclass: events
        # are instances of the catalogue's classes themselves (a discriminated union)
        for position, event in enumerate(self._events):
            if type(event) is Report:
                made_by = pledges.get(event.pledge)
                if made_by is not None:
                    named_by[made_by].append((position, _REPORT, event.id))
                    pledge_of[made_by] = event.pledge
            elif type(event) is Rejection:
                for slot, target in enumerate(event.target or ()):
                    named_by[target].append((position, slot, event.id))
            elif type(event) is Retraction:
                named_by[event.target].append((position, 0, event.id))
            elif type(event) is Pledge:
                pledges.setdefault(event.pledge, event.id)
            yield event
            if watch is not None and ((read := position + 1) % every == 0 or read == total):
                watch(read, total)


def index(header: Header, events: Sequence[Event], problem: Locator,
          watch: Callable[[int, int], None] | None = None, every: int = 1_024) -> Dependants:
    """The problems of `events` (`check_events(header, events, problem)`) and who names
    whom among them, in one walk of `events` (a stored timeline is read page by page).
    `watch(read, total)` is told after every `every` events read; it may raise to stop
    the walk."""
    noting = _Noting(events, watch, every)
    problems = check_events(header, noting, problem)
    return Dependants(problems, noting.named_by, noting.pledge_of)
