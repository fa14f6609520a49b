"""Which events depend on which: the references of a timeline, reversed, so that the
problems of a variant of the timeline (some events dropped, edited or added) are found
without walking it.

`index` walks the events once, running `check_events` on them and noting on the way each
event id's position, the events that name it (the rejections and retractions targeting
it and, for a pledge event, the reports on the pledge it made), the retraction of each
retracted event, and the event that made each pledge id. Then, provided the timeline
itself has no problems (otherwise they say they cannot tell, None, and the variant is
checked in full):

- `Dependants.problems_without(D)` is `check_events` of the timeline without the events
  whose ids are in D (same problems, same order, same text), in O(the references to D);
- `Dependants.problems_with(V)` is `check_events` of a `Variant` V: the timeline with some
  events removed (dropped, or replaced) and changed events (replacements, added events)
  placed among the rest, in O((changed + removed events) × the events naming them or
  named by them, each placed in O(log n)).

Drops: why the answers agree when the timeline T is valid (check_events(T) == []). The
variant V is T without D, in T's order; T's ids are unique (else "duplicate event id"),
so an event of T is in V exactly when its id is not in D. Go through check_events' rules
for an event e of V:

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

Edits and adds: T is valid; V holds T's events at the positions not removed (the set R),
unchanged and in T's order (the "kept" events), and the changed events C at their places
(a replacement, whatever it changed, is the removal of its original and a changed event;
a drop of a changed event leaves it out of C). Let Z be the ids V may resolve otherwise
than T: the ids of R's events, the ids of C's events, the targets of C's retractions,
and the ids of T's pledge events whose pledge id a pledge event of C makes too.

1. Which events of V can have a problem. Take a kept event k whose id is not in Z and
   which names no id of Z (its targets; for a report, the event of T that made its
   pledge). What check_events reads for k, rule by rule:
   - party, speaker, source, issue, option, `about`: k and the header, unchanged;
   - "duplicate event id": V's events with k's id are k (T's ids are unique) and C's
     (none: the id is not in Z);
   - a target t: "listed twice" and "cannot target itself" read k alone. V's events with
     id t are T's one and C's; t is not in Z, so only T's, kept, and before k in V as in
     T: found (never "comes later" or "unknown"), with the same type, party and `about`:
     "a rejection targets a proposal, acceptance or claim", "a retraction targets …",
     "only the party a claim is about can rebut it" and "a party retracts only its own
     statements" hold as in T. "was retracted": V's retractions of t are T's (kept) and
     C's (none: t is not in Z); T has none of t before k (else k had that problem in T);
   - a pledge's pledge id X: made by T's one pledge event (k) and by no event of C (else
     k's id is in Z): not "already used";
   - a report on X: T's event P that made X comes earlier, and T's retraction of P (if
     any) later; P's id is not in Z, so P is kept, no duplicate, and no event of C makes
     X or retracts P: the report holds as in T.
   So the problems of V are on changed events, kept events whose id is in Z and kept
   events naming an id of Z. The cases, for the changed event itself and for others: an
   added or edited event naming an id is checked in full (below), so an id only later in
   V "comes later" and one removed is "unknown"; an added event whose id a later kept
   event has: that event's id is in Z, its "duplicate event id" is found; a pledge event
   of C reusing pledge id X: T's maker of X has its id in Z ("already used" on whichever
   comes later; the reports on X name that maker); a retraction added or edited: its
   target is in Z, what names the target later "was retracted"; a claim edited to be
   about another party, an event edited to another type or moved after what names it
   ("comes later"), removed or given another id ("unknown"): its id is in Z, and what
   names it is checked.

2. Their problems, exactly. Let I be the ids of the events of 1 and A every event of V
   with an id in I (C among them: every changed event). check_events runs on S, V's
   sub-sequence of A and, for each id t an event of A looks up (its targets; for a
   report, the id of T's event making its pledge id, as retracted or not), T's event
   with id t and T's retraction of t, if kept. Two events of V share an id only when one
   is changed, and then all of them are in A; so an event of S is a duplicate in S
   exactly when in V, and for every id x that e, an event of A, reads, V's first event
   with id x is in S (T's, or a changed one). Before e, every entry of check_events'
   running state that e's check reads is the same in S as in V: `earlier[x]` holds the
   first event with id x; `retracted[t]` names the first valid retraction of t, and all
   of V's retractions of t are in S (T's one, kept; the changed ones), each one's
   validity read off entries of this list (whether it is a duplicate, t's first event,
   the retractions of t before it); `pledges[X]` names the last pledge event making X
   that is no duplicate: the changed ones are in S, and T's one is too when e is a
   report (its maker's id is looked up) or a pledge (e itself, or a changed event makes X
   and T's maker's id is in Z); a target not met "comes later" when some event of V has
   its id, then V's first is in S. So the problems S gives an event of A are those V
   gives it. check_events locates a problem by event id: the problems of S's events with
   an id in I are those of A (every event of V with such an id is in A), in V's order.
   The rules are check_events' own, written once.

When T has a problem, dropping, editing or adding events may remove it or change its
wording (a duplicate id or pledge id gone, a retraction gone, a target that "comes later"
now unknown): no shortcut is taken then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Protocol, overload

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


class Variant(Protocol):
    """A variant of an indexed timeline, as `Dependants.problems_with` reads it.

    Its events are the timeline's, less those at the positions `removed` (dropped, or
    replaced), and the `changed` ones (replacements and added events) among them. A rank
    orders the variant's events: a changed event's is given, a kept event's is
    `rank(its position)`; ranks compare as the events' places in the variant."""

    @property
    def removed(self) -> Collection[int]:
        """The positions of the timeline's events that are not in the variant as such."""
        ...

    @property
    def changed(self) -> Collection[tuple[int, Event]]:
        """(rank, event) of the variant's events that are not the timeline's own."""
        ...

    def rank(self, position: int) -> int:
        """The rank of the kept event at `position` of the timeline."""
        ...


class Dependants:
    """A timeline's own problems (`check_events`) and its references, reversed."""

    def __init__(self, problems: list[Problem], named_by: dict[str, list[_Dependant]],
                 pledge_of: dict[str, str], position: dict[str, int],
                 retracted_by: dict[str, str], made_by: dict[str, str]) -> None:
        #: check_events' problems of the timeline itself
        self.problems = problems
        #: event id -> its position (the first, if the id is used twice)
        self._position = position
        valid = not problems
        #: event id -> the events naming it (targets, and reports on the pledge it made)
        self._named_by = named_by if valid else {}
        #: pledge event id -> the pledge id it made (those reported on only)
        self._pledge_of = pledge_of if valid else {}
        #: event id -> the id of the retraction of it
        self._retracted_by = retracted_by if valid else {}
        #: pledge id -> the id of the event that made it
        self._made_by = made_by if valid else {}

    def position(self, event_id: str) -> int | None:
        """The position of the (first) event with id `event_id`; None when none has it."""
        return self._position.get(event_id)

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

    def problems_with(self, header: Header, events: Sequence[Event], variant: Variant,
                      problem: Locator) -> list[Problem] | None:
        """`check_events(header, the variant's events, problem)`, for `variant` of the
        indexed `events`: check_events run on the few events whose problems may differ
        from the timeline's (none) and what their checks read (the module's docstring
        says why that is the same). None when the timeline itself has problems."""
        if self.problems:
            return None
        removed = variant.removed
        changed = sorted(variant.changed, key=lambda item: item[0])
        if not changed and not removed:
            return []
        position, named_by = self._position, self._named_by
        retracted_by, made_by = self._retracted_by, self._made_by
        with_id: defaultdict[str, list[tuple[int, Event]]] = defaultdict(list)
        for item in changed:  # the changed events by id
            with_id[item[1].id].append(item)
        read: dict[int, Event] = {}

        def at(where: int) -> Event:
            found = read.get(where)
            if found is None:
                found = read[where] = events[where]
            return found

        def kept(event_id: str) -> int | None:
            """The position of the kept event with id `event_id` (None: none is kept)."""
            where = position.get(event_id)
            return None if where is None or where in removed else where

        # Z: the ids the variant may resolve otherwise than the timeline
        touched = {at(where).id for where in removed}
        touched.update(with_id)
        for _, event in changed:
            if isinstance(event, Retraction):
                touched.add(event.target)
            elif isinstance(event, Pledge) and event.pledge in made_by:
                touched.add(made_by[event.pledge])
        # I: the ids of the events that may have problems
        suspects = set(with_id)
        for event_id in touched:
            if kept(event_id) is not None:
                suspects.add(event_id)
            suspects.update(name for where, _, name in named_by.get(event_id, ())
                            if where not in removed)

        ranks: dict[int, int] = {}
        chosen: dict[int, int | Event] = {}  # rank -> a kept event's position, or an event

        def rank_of(where: int) -> int:
            rank = ranks.get(where)
            if rank is None:
                rank = ranks[where] = variant.rank(where)
            return rank

        def keep(where: int) -> None:
            chosen[rank_of(where)] = where

        def target(event_id: str) -> None:
            """Take the timeline's events check_events reads for an id it looks up: the
            one with that id and the retraction of it, if kept (the changed events are
            all taken, being suspects)."""
            for named in (event_id, retracted_by.get(event_id)):
                if named is not None and (where := kept(named)) is not None:
                    keep(where)

        def around(event: Event) -> None:
            """Take what check_events reads for `event`."""
            if isinstance(event, Rejection):
                for each in event.target or ():
                    target(each)
            elif isinstance(event, Retraction):
                target(event.target)
            elif isinstance(event, Report):  # the pledge's maker, looked up as retracted
                maker = made_by.get(event.pledge)
                if maker is not None:
                    target(maker)

        for event_id in suspects:
            where = kept(event_id)
            if where is not None:
                keep(where)
                around(at(where))
            for rank, event in with_id.get(event_id, ()):
                chosen[rank] = event
                around(event)

        owner: dict[int, str] = {}  # id() of a problem -> the id of its event

        def located(event_id: str, fld: str, message: str) -> Problem:
            found = problem(event_id, fld, message)
            owner[id(found)] = event_id
            return found

        walked = [at(item) if isinstance(item, int) else item
                  for _, item in sorted(chosen.items(), key=lambda c: c[0])]
        return [p for p in check_events(header, walked, located) if owner[id(p)] in suspects]


class WalkedEvents(Sequence[Event]):
    """`events` as they are (length, indexing); a subclass sees their walk (`__iter__`),
    e.g. to note what it meets or to tell how far it has got."""

    def __init__(self, events: Sequence[Event]) -> None:
        self._events = events

    def __len__(self) -> int:
        return len(self._events)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        return self._events[index]


class _Noting(WalkedEvents):
    """`events`, whose walk notes who names whom (`Dependants`) and tells
    `watch(read, total)` after every `every` events read (and the last)."""

    def __init__(self, events: Sequence[Event], watch: Callable[[int, int], None] | None,
                 every: int) -> None:
        super().__init__(events)
        self._watch, self._every = watch, every
        self.named_by: defaultdict[str, list[_Dependant]] = defaultdict(list)
        self.pledge_of: dict[str, str] = {}
        self.position: dict[str, int] = {}
        self.retracted_by: dict[str, str] = {}
        self.made_by: dict[str, str] = {}  # pledge id -> the event that made it (the first)

    def __iter__(self) -> Iterator[Event]:
        named_by, pledge_of, made_by = self.named_by, self.pledge_of, self.made_by
        place, retracted_by = self.position.setdefault, self.retracted_by
        watch, every, total = self._watch, self._every, len(self._events)
        # `type(e) is` rather than isinstance, ~8x slower through pydantic's metaclass: events
        # are instances of the catalogue's classes themselves (a discriminated union)
        for position, event in enumerate(self._events):
            place(event.id, position)
            if type(event) is Report:
                maker = made_by.get(event.pledge)
                if maker is not None:
                    named_by[maker].append((position, _REPORT, event.id))
                    pledge_of[maker] = event.pledge
            elif type(event) is Rejection:
                for slot, target in enumerate(event.target or ()):
                    named_by[target].append((position, slot, event.id))
            elif type(event) is Retraction:
                named_by[event.target].append((position, 0, event.id))
                retracted_by.setdefault(event.target, event.id)
            elif type(event) is Pledge:
                made_by.setdefault(event.pledge, event.id)
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
    return Dependants(problems, noting.named_by, noting.pledge_of, noting.position,
                      noting.retracted_by, noting.made_by)
