"""Pilot tests of the what-if actions: a refused removal of an added event leaves the
what-if as it was (x), and saving (w) refuses a what-if whose file would not load (a
timeline read from a store), saying why, before a file name is asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.application import Negotiations
from domain.stores import store_env
from events.loader import load_timeline
from tui.app import AccordApp
from tui.screens.prompts import TextPrompt

FIXTURES = Path(__file__).parent / "fixtures"
TALKS = FIXTURES / "talks.yaml"
SIZE = (120, 34)

ADDED = """\
id: a1
at: 2022-04-01T10:00:00
type: proposal
party: russia
issue: crimea
option: russian
"""
TARGETING = """\
id: b1
at: 2022-04-01T11:00:00
type: rejection
party: ukraine
target: a1
"""


async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for the load."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def add(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Add an event through the form (a), as the analyst types it."""
    await pilot.press("a")
    await pilot.pause()
    pilot.app.screen.query_one("#form-text").text = text
    await pilot.press("ctrl+s")
    await pilot.pause()


def messages(app: AccordApp) -> list[tuple[str, str, str]]:
    """The notifications shown: (title, message, severity)."""
    return [(n.title, n.message, n.severity) for n in app._notifications]


@pytest.mark.asyncio
async def test_a_refused_removal_of_an_added_event_keeps_it() -> None:
    """Removing (x) an added event that another added event targets is refused, and the
    what-if is left as it was: the event was marked dropped instead (added=[b1],
    dropped={a1}: a variant with problems)."""
    app = AccordApp(TALKS, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G")
        await add(pilot, ADDED)
        await pilot.press("G")
        await add(pilot, TARGETING)
        assert app.live is not None
        assert [e.id for e in app.live.added] == ["a1", "b1"]
        await pilot.press("G", "k")
        assert app.current_event is not None and app.current_event.id == "a1"
        await pilot.press("x")
        await pilot.pause()
        assert [e.id for e in app.live.added] == ["a1", "b1"]
        assert app.live.dropped == set() and app.live.problems() == []
        assert [e.id for e in app.rows][-2:] == ["a1", "b1"] and app.dropped_rows == []
        assert messages(app)[-1] == (
            "cannot drop a1",
            f"{TALKS}: b1.target: unknown event 'a1'", "error")
        await pilot.press("j", "x")  # b1 removed, then a1: nothing targets it now
        await pilot.pause()
        await pilot.press("G", "x")
        await pilot.pause()
        assert app.live.added == [] and app.live.dropped == set() and app.live.empty


@pytest.mark.asyncio
async def test_a_what_if_on_a_stored_timeline_is_not_saved(tmp_path: Path) -> None:
    """A timeline opened by name from a store has no file an overlay could name as its
    base: w says so and what to do, asks for no file name and writes nothing."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Negotiations(env=store_env(url)).record(load_timeline(TALKS))
    app = AccordApp("talks", store=url, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G", "k", "k", "x")  # nikolenko-rebuts
        await pilot.pause()
        assert app.live is not None and app.live.dropped == {"nikolenko-rebuts"}
        await pilot.press("w")
        await pilot.pause()
        assert not isinstance(app.screen, TextPrompt)
        base = f"SQLite {tmp_path / 'store.db'}:talks"
        assert messages(app)[-1] == (
            "cannot save the what-if",
            f"its base {base!r} is not a file: the timeline shown was read from a store (or "
            "generated), and an overlay names its base by a scenario or overlay file; open "
            "that file itself (accord tui FILE, without --store) and make the what-if there",
            "error")
        assert app.live.dropped == {"nikolenko-rebuts"}  # kept in the session
    assert list(tmp_path.glob("*.yaml")) == []


@pytest.mark.asyncio
async def test_a_what_if_on_a_file_is_saved_without_a_warning(tmp_path: Path) -> None:
    """On a file, w asks for a name and writes a file that loads; the only notification
    says where it went."""
    app = AccordApp(TALKS, keymap={})
    out = tmp_path / "whatif.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("G", "k", "k", "x", "w")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one("#prompt-input").value = str(out)
        await pilot.press("enter")
        await pilot.pause()
        assert messages(app) == [("", f"saved the what-if to {out}", "information")]
    assert [e.id for e in load_timeline(out).events] == [
        e.id for e in load_timeline(TALKS).events if e.id != "nikolenko-rebuts"]
