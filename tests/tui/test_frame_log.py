"""The frame log's reading (tests/bench/frame_log.py): what each key cost."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))

from frame_log import keys

LOG = """\
    10.0 draw Screen 50 0.20
   100.0 key j cpu=500.00
   101.5 key j cpu=501.00
   109.0 refresh_view 7.50
   112.0 draw EventDetail 38 1.25
   115.0 draw PositionsMatrix 10 2.50
   118.0 draw EventDetail 38 0.25
   120.0 write 2400 cpu=516.25
   120.1 compositor 11.00
   150.0 write 1800
   200.0 key right_square_bracket
   205.0 write 100
   230.0 refresh_view 20.00
   260.0 layout 30.00
   261.0 write 9000
"""


def test_each_key_gets_what_followed_it_until_the_next() -> None:
    first, second = keys(LOG.splitlines())
    assert (first.name, first.work, first.written, first.compositor) == (
        "j", 7.5, 20.0, [11.0])
    assert first.drawn == {"EventDetail": 1.5, "PositionsMatrix": 2.5}
    assert first.cpu == 16.25  # from the first of the key's two posts
    assert second.cpu is None  # a log without CPU times
    # a write before the key's work is another frame's (a timer's, a worker's)
    assert (second.name, second.work, second.layout, second.written) == (
        "right_square_bracket", 20.0, 30.0, 61.0)
