"""Snapshot tests of the main, help, compare and error screens (fixed size, fixture files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tui.app import AccordApp

FIXTURES = Path(__file__).parent / "fixtures"
SIZE = (120, 34)


async def loaded(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative file names, so that paths on screen do not depend on the checkout."""
    monkeypatch.chdir(FIXTURES)


def app(file: str = "talks.yaml", *overlays: str) -> AccordApp:
    return AccordApp(file, list(overlays), keymap={})


def test_main_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app(), press=["j"] * 8, terminal_size=SIZE, run_before=loaded)


def test_main_screen_wide(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app(), press=["j"] * 8 + ["v"], terminal_size=(200, 50),
                        run_before=loaded)


def test_help_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app(), press=["question_mark"], terminal_size=SIZE, run_before=loaded)


def test_compare_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def compare(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("c")
        await loaded(pilot)
        await pilot.press("d")

    assert snap_compare(app("talks.yaml", "no-rebuttal.yaml"), terminal_size=SIZE,
                        run_before=compare)


def test_error_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app("broken.yaml"), terminal_size=SIZE, run_before=loaded)
