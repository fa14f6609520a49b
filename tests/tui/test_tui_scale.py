"""The TUI on a long timeline: a far jump before the gap worker has folded that far
waits for the worker instead of folding on the UI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import tui.app
from domain.measures import overall_gap
from domain.replay import Replay
from events import synthetic
from tui.app import AccordApp
from tui.components.claims import ClaimsPledges
from tui.components.detail import EventDetail
from tui.components.matrix import PositionsMatrix
from tui.messages import GapSeries

SIZE = (120, 34)


class HeldGaps(AccordApp):
    """The app with a gap worker that does nothing until the test says it is done."""

    CSS_PATH = str(Path(tui.app.__file__).with_name("accord.tcss"))

    def compute_gaps(self, timeline: Any, generation: int) -> None:  # type: ignore[override]
        self.held = (timeline, generation)


@pytest.mark.asyncio
async def test_a_far_jump_waits_for_the_gap_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tui.app, "FAR_STEPS", 20)
    timeline = synthetic.timeline(synthetic.Spec(300, seed=2))
    app = HeldGaps(timeline.name, preloaded=timeline, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("j", "j")
        assert app.sub_title.startswith("Step 2/300") and app.waiting is None
        await pilot.press("G")  # 298 events from the state in hand: too far
        await pilot.pause()
        assert app.waiting == 300 and app.cursor == 299
        assert app.sub_title.endswith("· folding… 0 %")
        assert app.query_one(PositionsMatrix).loading and app.query_one(ClaimsPledges).loading
        detail = Console(width=200, record=True)
        detail.print(app.query_one(EventDetail).content)
        assert "[folding the timeline to reach this step: 0 % done]" in detail.export_text()
        await pilot.press("g")  # a near step is shown at once meanwhile
        await pilot.pause()
        assert app.waiting is None and app.sub_title.startswith("Step 1/300")
        assert not app.query_one(PositionsMatrix).loading
        await pilot.press("G")
        await pilot.pause()
        # the worker reports progress, then that it is done with its checkpoints
        held, generation = app.held
        worker = Replay(held)
        app.post_message(GapSeries(generation, [0.0], False, 150))
        await pilot.pause()
        assert app.waiting == 300 and app.sub_title.endswith("· folding… 50 %")
        worker.state(300)
        app._gap_replay = worker
        app.post_message(GapSeries(generation, [0.0, 1.0], True, 300))
        await pilot.pause()
        assert app.waiting is None and not app.gap_running
        assert app.sub_title.startswith("Step 300/300")
        assert not app.query_one(PositionsMatrix).loading
        assert app.replay is not None and app.replay.distance(300) <= app.replay.every
        gap = overall_gap(worker.state(300))
        assert f"now {'—' if gap is None else f'{gap:.2f}'}" in str(
            app.query_one("#gap-label").render())
