"""What the TUI lists of the claims and pledges at a step (domain/state_view.py)."""

from __future__ import annotations

import pytest

from domain.replay import Replay
from domain.state_json import claim_json
from domain.state_view import recent_json
from events import synthetic


@pytest.mark.parametrize("plain", [False, True])
def test_the_latest_and_the_touched_ones_at_most_count_each(plain: bool) -> None:
    timeline = synthetic.timeline(synthetic.Spec(2_000, seed=6))
    replay = Replay(timeline)
    state = replay.copy() if plain else replay.state()
    ids = list(state.claims)
    assert len(ids) > 20
    touched = {ids[0], ids[2], ids[5], ids[-1], "not-a-claim"}
    shown, left_out = recent_json(state, "claims", 3, touched)
    # the earlier touched ones (at most 3), then the last 3 (the last one is touched)
    assert list(shown) == [ids[0], ids[2], ids[5], *ids[-3:]]
    assert left_out == len(ids) - 6
    assert shown[ids[-1]] == claim_json(state, ids[-1], state.claims[ids[-1]])
    shown, left_out = recent_json(state, "claims", 2, touched)
    assert list(shown) == [ids[2], ids[5], *ids[-2:]]  # the latest 2 of the earlier ones
    assert left_out == len(ids) - 4
