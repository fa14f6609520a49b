"""The TUI shows a timeline as the event store holds it (--store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.application import Negotiations
from domain.stores import store_env
from tui.app import AccordApp
from tui.screens.error import ErrorScreen

FIXTURES = Path(__file__).parent / "fixtures"
TALKS = FIXTURES / "talks.yaml"
SIZE = (120, 34)


@pytest.mark.asyncio
async def test_a_file_is_recorded_into_the_store_and_shown_from_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    app = AccordApp(TALKS, store=url, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sub_title == "Step 0/10"
        await pilot.press("G")
        assert app.sub_title.startswith("Step 10/10")
    stored = Negotiations(env=store_env(url))
    assert [entry.name for entry, _ in stored.timelines()] == ["talks"]
    assert len(list(stored.statements("talks"))) == 10


@pytest.mark.asyncio
async def test_a_stored_timeline_opens_by_name(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    from events.loader import load_timeline

    Negotiations(env=store_env(url)).record(load_timeline(TALKS))
    app = AccordApp("talks", store=url, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.sub_title == "Step 0/10"


@pytest.mark.asyncio
async def test_an_unknown_stored_name_opens_the_error_screen(tmp_path: Path) -> None:
    app = AccordApp("no-such-talks", store=f"sqlite:///{tmp_path / 'store.db'}", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "no timeline 'no-such-talks' in the store" in str(app.screen.problems[0])
