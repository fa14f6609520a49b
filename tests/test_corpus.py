"""Every scenario and what-if overlay under scenarios/ loads, and its expectations hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.expectations import check
from events.loader import load_timeline

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*(ROOT / "scenarios").glob("*.yaml"),
                *(ROOT / "scenarios" / "whatif").glob("*.yaml")])


@pytest.mark.skipif(not FILES, reason="scenarios/ holds no YAML files yet")
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_file_loads_and_its_expectations_hold(path: Path) -> None:
    timeline = load_timeline(path)
    assert timeline.steps > 0 or timeline.base is not None
    failures = check(timeline)
    assert not failures, "\n".join(str(f) for f in failures)
