"""Pilot tests of the terminal UI on a small fixture negotiation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import AccordApp
from tui.components.matrix import PositionsMatrix
from tui.components.timeline import TimelineView

FIXTURES = Path(__file__).parent / "fixtures"
TALKS = FIXTURES / "talks.yaml"
SIZE = (120, 34)


def make_app(*overlays: str) -> AccordApp:
    return AccordApp(TALKS, [FIXTURES / o for o in overlays], keymap={})


async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def matrix_cell(app: AccordApp, party: str, issue: str) -> str:
    matrix = app.query_one(PositionsMatrix)
    return str(matrix.get_cell(party, issue))


@pytest.mark.asyncio
async def test_opens_before_the_first_event_and_steps() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.sub_title == "Step 0/10"
        assert matrix_cell(app, "ukraine", "neutrality") == "—"
        await pilot.press("j")
        assert app.sub_title.startswith("Step 1/10 · 2022-03-29 10:00")
        assert matrix_cell(app, "ukraine", "neutrality") == "• Neutral with guarantees"
        await pilot.press("j", "down")
        assert app.step == 3
        await pilot.press("k")
        assert app.step == 2
        await pilot.press("G")
        assert app.sub_title.startswith("Step 10/10")
        await pilot.press("g")
        assert app.step == 1
        assert app.query_one(TimelineView).cursor == 0
