"""The live what-if saved as an overlay file (`LiveOverlay.overlay_yaml`) loads back, with
the project's loader, to the variant the TUI shows: the same events, in the same order.
Each kind of change is written as the format means it (docs/whatif.md, "Saving the live
what-if"); random what-ifs on the Istanbul scenario, made as the TUI makes them, round-trip;
a base not read from a file (a store's timeline) is said not to load, in the file and by
`overlay_problems`."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import event as event_
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from domain.replay import Replay
from events.catalogue import Event
from events.loader import load_timeline
from tui import cli
from tui.whatif import LiveOverlay, check_event, event_data, event_yaml, read_event

ISTANBUL = Path(__file__).resolve().parent.parent / "scenarios" / "istanbul-2022.yaml"
BASE = load_timeline(ISTANBUL)
EVENTS = {e.id: e for e in BASE.events}
IDS = [e.id for e in BASE.events]


def changed(event: Event, **fields: Any) -> Event:
    """`event` with some fields changed (validated as a new event)."""
    return type(event).model_validate({**event.model_dump(), **fields})


def put(live: LiveOverlay, original: str | None, event: Event) -> list[str]:
    """The event form's check, then `put` as the TUI does when it passes; the problems
    ("field: message"; nothing is applied when there are any)."""
    read, problems = read_event(event_yaml(event))
    assert read is not None and problems == []
    found = check_event(read, live, original)
    if not found:
        live.put(original, read.event, live.find(original) if original is not None else None)
    return [f"{p.field}: {p.message}" for p in found]


def toggle(live: LiveOverlay, event_id: str) -> list[str]:
    """Drop (or restore, or remove an added) event as the TUI does: tried on a copy, taken
    when the variant has no problems; the problems."""
    trial = dataclasses.replace(live, dropped=set(live.dropped), added=list(live.added))
    trial.toggle(event_id)
    found = trial.problems()
    if not found:
        live.dropped, live.added = trial.dropped, trial.added
    return [f"{p.field}: {p.message}" for p in found]


def save(live: LiveOverlay, folder: Path) -> tuple[str, Path]:
    """The overlay file's text, written in `folder` (its base: a path relative to it)."""
    path = folder / "whatif.yaml"
    text = live.overlay_yaml(path, "istanbul-whatif", "What if")
    path.write_text(text, encoding="utf-8")
    return text, path


def round_trip(live: LiveOverlay, folder: Path) -> dict[str, Any]:
    """Save `live`, load the file, and hold the loaded variant to `live.timeline()` (ids,
    content, order); the file's changes (`drop`, `replace`, `add`)."""
    text, path = save(live, folder)
    loaded = load_timeline(path)  # InputError (every problem) if it does not load
    shown = list(live.timeline().events)
    assert [e.id for e in loaded.events] == [e.id for e in shown]
    assert list(loaded.events) == shown
    data = yaml.safe_load(text)
    assert (path.parent / data["base"]).resolve() == ISTANBUL.resolve()
    return {k: data[k] for k in ("drop", "replace", "add") if k in data}


def test_a_renamed_event_is_its_base_event_dropped_and_a_new_one_added(
        tmp_path: Path) -> None:
    """Bug 1: a rename was written as a `replace` under the new id, which the loader
    refuses. It is a drop and an add; the live rows place it where loading the file does:
    after the base's events at its moment (here in the middle of 27 March)."""
    live = LiveOverlay(BASE)
    renamed = changed(EVENTS["zelensky-discuss-status"], id="zelensky-discusses")
    assert put(live, "zelensky-discuss-status", renamed) == []
    day = [e.id for e in BASE.events if e.at == "2022-03-27"]
    assert [e.id for e in live.rows() if e.at == "2022-03-27"] == \
        [*(i for i in day if i != "zelensky-discuss-status"), "zelensky-discusses"]
    assert round_trip(live, tmp_path) == {"drop": ["zelensky-discuss-status"],
                                          "add": [event_data(renamed)]}
    # renamed again (the row's id is what the TUI passes), then back to its base id
    again = changed(renamed, id="zelensky-talks", at="2022-03-26")
    assert put(live, "zelensky-discusses", again) == []
    assert live.replaced == {"zelensky-discuss-status": again}
    assert round_trip(live, tmp_path) == {"drop": ["zelensky-discuss-status"],
                                          "add": [event_data(again)]}
    back = changed(again, id="zelensky-discuss-status")
    assert put(live, "zelensky-talks", back) == []
    assert round_trip(live, tmp_path) == {"replace": [event_data(back)]}


def test_a_renamed_event_id_is_not_given_to_another(tmp_path: Path) -> None:
    """The file drops a renamed base event, and an overlay cannot add an event under a
    base id: the form refuses the old id for an added event or another row."""
    live = LiveOverlay(BASE)
    assert put(live, "zelensky-referendum",
               changed(EVENTS["zelensky-referendum"], id="zelensky-vote")) == []
    message = ("id: event id 'zelensky-referendum' is the base's event renamed "
               "'zelensky-vote' in this what-if; an overlay drops 'zelensky-referendum' and "
               "cannot give its id to another event (choose a new id, or rename "
               "'zelensky-vote' back)")
    assert put(live, None, changed(EVENTS["zelensky-offer-donbas"],
                                   id="zelensky-referendum")) == [message]
    assert put(live, "zelensky-offer-donbas", changed(EVENTS["zelensky-offer-donbas"],
                                                      id="zelensky-referendum")) == [message]
    assert live.added == [] and list(live.replaced) == ["zelensky-referendum"]
    assert round_trip(live, tmp_path)["drop"] == ["zelensky-referendum"]


def test_an_edited_dropped_row_stays_dropped(tmp_path: Path) -> None:
    """Bug 2: a dropped row, then edited, was written under both `drop` and `replace`
    (refused). It stays dropped and the file drops it; the edit is kept in the session,
    and written once the row is restored."""
    live = LiveOverlay(BASE)
    assert toggle(live, "russia-no-breakthroughs") == []
    edit = changed(EVENTS["russia-no-breakthroughs"], credibility=5)
    assert put(live, "russia-no-breakthroughs", edit) == []
    assert live.dropped == {"russia-no-breakthroughs"}
    assert live.replaced == {"russia-no-breakthroughs": edit}
    assert "russia-no-breakthroughs" not in [e.id for e in live.timeline().events]
    assert round_trip(live, tmp_path) == {"drop": ["russia-no-breakthroughs"]}
    assert toggle(live, "russia-no-breakthroughs") == []
    assert live.timeline().events[IDS.index("russia-no-breakthroughs")] == edit
    assert round_trip(live, tmp_path) == {"replace": [event_data(edit)]}


def test_a_renamed_dropped_row_stays_dropped(tmp_path: Path) -> None:
    """Bug 3: renaming a dropped row un-dropped it (the drop named the old id). It stays
    dropped under its new id; the file drops the base event and adds nothing."""
    live = LiveOverlay(BASE)
    assert toggle(live, "denisenko-no-progress") == []
    renamed = changed(EVENTS["denisenko-no-progress"], id="denisenko-says")
    assert put(live, "denisenko-no-progress", renamed) == []
    assert live.dropped == {"denisenko-says"}
    assert [e.id for e in live.rows()].count("denisenko-says") == 1
    assert not {"denisenko-says", "denisenko-no-progress"} & \
        {e.id for e in live.timeline().events}
    assert round_trip(live, tmp_path) == {"drop": ["denisenko-no-progress"]}
    assert toggle(live, "denisenko-says") == []  # restored: the rename is written
    assert round_trip(live, tmp_path) == {"drop": ["denisenko-no-progress"],
                                          "add": [event_data(renamed)]}


def test_added_moved_and_removed_events(tmp_path: Path) -> None:
    """An added event edited and renamed in its place among the added ones; one added then
    dropped (removed: not written); a replacement moved to another date (written under
    its id; at its new moment it keeps its base position among the base's events);
    renamed events come before the added ones at a tie, in base order."""
    live = LiveOverlay(BASE)
    first = changed(EVENTS["russia-cut-activity"], id="new-one", at="2022-03-28")
    second = changed(EVENTS["ukraine-neutral-status"], id="new-two", at="2022-03-28")
    assert put(live, None, first) == [] and put(live, None, second) == []
    edited = changed(first, id="new-one-renamed", credibility=4)
    assert put(live, "new-one", edited) == []
    assert toggle(live, "new-two") == []
    moved = changed(EVENTS["zelensky-integrity-donbas"], at="2022-03-30")
    assert put(live, "zelensky-integrity-donbas", moved) == []
    renamed = changed(EVENTS["boichenko-evacuate"], id="boichenko-asks")
    assert put(live, "boichenko-evacuate", renamed) == []
    day = [e.id for e in live.rows() if e.at == "2022-03-28"]
    assert day[-2:] == ["boichenko-asks", "new-one-renamed"]
    assert next(e.id for e in live.rows() if e.at == "2022-03-30") == \
        "zelensky-integrity-donbas"  # by its base position among that day's events
    assert round_trip(live, tmp_path) == {
        "drop": ["boichenko-evacuate"], "replace": [event_data(moved)],
        "add": [event_data(renamed), event_data(edited)]}


def test_a_quote_not_in_the_source_is_refused() -> None:
    """Loading checks the quotes of replaced and added events against the source texts;
    so does the form (the live what-if had taken them, the file then did not load)."""
    live = LiveOverlay(BASE)
    said = changed(EVENTS["russia-no-breakthroughs"], quote="words never said")
    assert put(live, "russia-no-breakthroughs", said) == [
        "quote: not found verbatim in source 'newsweek-0330': 'words never said'"]
    assert put(live, None, changed(said, id="new")) == [
        "quote: not found verbatim in source 'newsweek-0330': 'words never said'"]
    assert live.empty
    quote = EVENTS["russia-no-breakthroughs"].quote
    cut = changed(said, quote=quote[:20] + "..." + quote[-10:])
    assert put(live, "russia-no-breakthroughs", cut) == []  # an omission is allowed


def test_a_renamed_pledge_with_reports_loads(tmp_path: Path) -> None:
    """A renamed pledge event on which reports stay (moved earlier, so that they still
    follow it): its file drops the base event and adds the renamed one, and the loader
    takes the reports to follow the renamed event, as the live what-if does (it refused
    the file: "cannot drop 'russia-deescalation-pledge': … depend on it")."""
    live = LiveOverlay(BASE)
    pledge = "russia-deescalation-pledge"
    renamed = changed(EVENTS[pledge], id="russia-pledges", at="2022-03-28T12:00:00")
    assert put(live, pledge, renamed) == [] and live.problems() == []
    reports = live.prepare_checks().dependants(pledge)
    assert len(reports) == 16
    assert live.overlay_problems() == []
    assert round_trip(live, tmp_path) == {"drop": [pledge], "add": [event_data(renamed)]}
    text, path = save(live, tmp_path)
    assert text.startswith("format: accord/1\n")  # no comment: it loads
    state = Replay(load_timeline(path)).json()["pledges"]["deescalate-kyiv-chernihiv"]
    assert state["events"] == ["russia-pledges", *reports]
    # dropping the renamed pledge too is refused: the reports would name no pledge
    assert toggle(live, "russia-pledges") == [
        f"{r}.pledge: unknown pledge 'deescalate-kyiv-chernihiv' (a report needs an "
        "earlier pledge event)" for r in reports]


def test_a_what_if_on_a_stored_timeline_is_said_not_to_load(tmp_path: Path) -> None:
    """A timeline read from a store has `label:name` for a file: no overlay can name it as
    its base. `overlay_problems` says so (the app refuses to save), and so does a file
    written anyway, at its top."""
    stored = dataclasses.replace(BASE, file="SQLite /data/store.db:istanbul-2022")
    live = LiveOverlay(stored)
    assert toggle(live, "peskov-rejects-consultation") == []
    reason = ("its base 'SQLite /data/store.db:istanbul-2022' is not a file: the timeline "
              "shown was read from a store (or generated), and an overlay names its base by "
              "a scenario or overlay file; open that file itself (accord tui FILE, without "
              "--store) and make the what-if there")
    assert live.overlay_problems() == [reason]
    text = live.overlay_yaml(tmp_path / "whatif.yaml", "w", "What if")
    assert text.startswith("# This what-if does not load as an overlay:\n"
                           "# - its base 'SQLite /data/store.db:istanbul-2022' is not a file:")
    assert yaml.safe_load(text)["drop"] == ["peskov-rejects-consultation"]
    assert LiveOverlay(BASE).overlay_problems() == []


def test_a_saved_what_if_passes_accord_validate(tmp_path: Path) -> None:
    """`accord validate` accepts the saved file, with the variant's number of events."""
    live = LiveOverlay(BASE)
    assert toggle(live, "peskov-rejects-consultation") == []
    assert put(live, "zelensky-ready-guarantees", changed(
        EVENTS["zelensky-ready-guarantees"], id="zelensky-guarantees")) == []
    _, path = save(live, tmp_path)
    result = CliRunner().invoke(cli.app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"ok ({len(IDS) - 1} events)" in result.output


# --- random what-ifs ------------------------------------------------------------------


def new_date(data: st.DataObject, rows: list[Event], at: str) -> str:
    """The same date, another row's (a tie), a time on a row's day, or before all."""
    other = data.draw(st.sampled_from(rows)).at if rows else at
    return data.draw(st.sampled_from([at, other, other[:10] + "T12:00:00", "2022-03-01"]))


def change(live: LiveOverlay, data: st.DataObject, k: int) -> str:
    """One random change made as the TUI makes it (refused ones leave `live` as it is):
    a drop or restore (an added event removed), an edit (a new date, id, credibility or
    quote) or an add; what it was."""
    rows = list(live.rows())
    row = data.draw(st.integers(0, len(rows) - 1))
    event = rows[row]
    op = data.draw(st.sampled_from(["drop", "drop", "edit", "edit", "add"]))
    if op == "drop":
        return "drop" + (" refused" if toggle(live, event.id) else "")
    gone = sorted(set(IDS) - {e.id for e in rows})
    fields: dict[str, Any] = {
        "id": data.draw(st.sampled_from([event.id, f"new-{k}", f"new-{k}", *gone[:2]])),
        "at": new_date(data, rows, event.at)}
    if data.draw(st.booleans()):
        fields["credibility"] = data.draw(st.integers(1, 6))
    if data.draw(st.integers(0, 5)) == 0:
        fields["quote"] = data.draw(st.sampled_from(["words never said",
                                                     event.quote[: len(event.quote) // 2]]))
    if op == "add" and fields["id"] == event.id:
        fields["id"] = f"added-{k}"
    found = put(live, event.id if op == "edit" else None, changed(event, **fields))
    return op + (" refused" if found else "")


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_random_what_ifs_round_trip(data: st.DataObject) -> None:
    """Random drops, restores, edits (renames among them: of base rows, replacements,
    added and dropped rows, and back) and adds on the Istanbul scenario, each checked as
    the TUI checks it: the saved overlay loads to the live variant (same events, same
    order); `overlay_problems` finds nothing to say."""
    live = LiveOverlay(BASE)
    for k in range(data.draw(st.integers(1, 10))):
        event_(change(live, data, k))
    assert live.problems() == []
    if any(e.id != o for o, e in live.replaced.items()):
        event_("with a rename")
    if any(e.id in live.dropped for e in live.replaced.values()):
        event_("with an edited dropped row")
    if any(o != e.id and e.type == "pledge" for o, e in live.replaced.items()):
        event_("with a renamed pledge")
    assert live.overlay_problems() == []
    with tempfile.TemporaryDirectory() as folder:
        round_trip(live, Path(folder))


def test_the_base_path_is_relative_to_the_overlay(tmp_path: Path) -> None:
    """Saved next to a copy of the scenario (and its source texts), the file names its base
    by a plain relative path, and loads."""
    folder = tmp_path / "copy"
    folder.mkdir()
    copy = folder / ISTANBUL.name
    copy.write_text(ISTANBUL.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "sources").mkdir()
    for source in (ISTANBUL.parent / "sources").iterdir():
        (folder / "sources" / source.name).write_bytes(source.read_bytes())
    base = load_timeline(copy)
    live = LiveOverlay(base)
    assert put(live, "zelensky-referendum",
               changed(EVENTS["zelensky-referendum"], id="zelensky-vote")) == []
    text, path = save(live, folder)
    assert yaml.safe_load(text)["base"] == ISTANBUL.name
    assert [e.id for e in load_timeline(path).events] == [e.id for e in live.timeline().events]
