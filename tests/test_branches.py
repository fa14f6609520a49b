"""What-if branches in the store: own aggregate, shared history, the tree, both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import fresh_schema
from test_overlay import base_file, overlay
from typer.testing import CliRunner

from domain.aggregate import negotiation_id
from domain.application import Negotiations, StoreConflict
from domain.replay import Replay
from domain.stores import store_env
from events.loader import load_timeline
from tui import cli


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh store of each kind (PostgreSQL skips without a server, fails under CI)."""
    if request.param != "postgres":
        yield "memory" if request.param == "memory" else request.getfixturevalue("sqlite_url")
        return
    server = request.getfixturevalue("postgres_url").split("?")[0]
    with fresh_schema(server, "accord_branches") as url:  # the session's schema is shared
        yield url


def stored_events(app: Negotiations, name: str) -> int:
    """How many events the store holds for the aggregate of `name` (Started included)."""
    return len(list(app.events.get(negotiation_id(name))))


def test_recording_an_overlay_records_its_base_and_a_branch(tmp_path: Path, store: str
                                                            ) -> None:
    base_file(tmp_path)
    whatif = load_timeline(overlay(tmp_path, "drop: [nikolenko-rebuts]\n"))
    app = Negotiations(env=store_env(store))
    result = app.record(whatif)
    assert (result.name, result.already, result.appended) == ("whatif", 2, 3)
    entries = [(e.name, e.base, e.fork_step, steps) for e, steps in app.timelines()]
    assert entries[-2:] == [("talks", None, None, 6), ("whatif", "talks", 2, 5)]
    # the two shared steps are not copied: Started + the three statements after the fork
    assert stored_events(app, "whatif") == 4
    replay = Replay(whatif)
    for step in range(whatif.steps + 1):
        assert app.state("whatif", step=step) == replay.json(step), step
    assert app.state("whatif", at="ru-pledges") == replay.json(whatif.step_of("ru-pledges"))
    assert list(app.statements("whatif")) == list(whatif.events)
    assert list(app.statements("whatif", upto=3)) == list(whatif.events[:3])


def test_an_overlay_on_an_overlay_is_a_branch_of_a_branch(tmp_path: Path, store: str) -> None:
    base_file(tmp_path)
    overlay(tmp_path, "drop: [nikolenko-rebuts]\n", "first.yaml")
    second = load_timeline(overlay(tmp_path, """\
        add:
          - {id: ru-rebuffs, at: 2022-04-01, type: rejection, party: russia, issue: crimea,
             option: deferred}
        """, "second.yaml", base="first.yaml"))
    app = Negotiations(env=store_env(store))
    app.record(second)
    entries = [(e.name, e.base, e.fork_step, steps) for e, steps in app.timelines()]
    assert entries[-3:] == [("talks", None, None, 6), ("first", "talks", 2, 5),
                            ("second", "first", 5, 6)]
    assert stored_events(app, "second") == 2
    replay = Replay(second)
    for step in range(second.steps + 1):
        assert app.state("second", step=step) == replay.json(step), step


def test_re_recording_appends_only_what_is_new(tmp_path: Path, store: str) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, "drop: [nikolenko-rebuts]\n")
    app = Negotiations(env=store_env(store))
    app.record(load_timeline(path))
    again = app.record(load_timeline(path))
    assert (again.already, again.appended) == (5, 0)
    path.write_text(path.read_text() + """\
add:
  - {id: late, at: 2022-04-05, type: proposal, party: russia, issue: crimea, option: russian}
""")
    grown = load_timeline(path)
    more = app.record(grown)
    assert (more.already, more.appended) == (5, 1)
    assert app.state("whatif") == Replay(grown).json()


def test_a_changed_branch_is_refused_and_nothing_is_written(tmp_path: Path, store: str
                                                            ) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, "drop: [nikolenko-rebuts]\n")
    app = Negotiations(env=store_env(store))
    app.record(load_timeline(path))
    before = stored_events(app, "whatif")
    path.write_text(path.read_text().replace("nikolenko-rebuts", "shelling-goes-on"))
    with pytest.raises(StoreConflict) as caught:
        app.record(load_timeline(path))
    assert str(caught.value) == (
        f"{path}: 'whatif': step 3 differs from the stored branch (stored 'ru-pledges', "
        "file 'nikolenko-rebuts'); the store is append-only: record the what-if under a new id")
    assert stored_events(app, "whatif") == before


def test_a_branch_that_forks_earlier_than_stored_is_refused(tmp_path: Path, store: str
                                                            ) -> None:
    base_file(tmp_path)
    path = overlay(tmp_path, "drop: [nikolenko-rebuts]\n")
    app = Negotiations(env=store_env(store))
    app.record(load_timeline(path))
    path.write_text(path.read_text().replace("drop: [nikolenko-rebuts]",
                                             "drop: [ua-proposes, nikolenko-rebuts]"))
    with pytest.raises(StoreConflict) as caught:
        app.record(load_timeline(path))
    assert str(caught.value) == (
        f"{path}: 'whatif' leaves its base after step 0, the stored branch after step 2; "
        "stored history is never rewritten: record the what-if under a new id")


def test_a_plain_timeline_cannot_become_a_branch(tmp_path: Path) -> None:
    base_file(tmp_path)
    (tmp_path / "other").mkdir()
    plain = load_timeline(base_file(tmp_path / "other",
                                    negotiation={"id": "whatif", "title": "Plain"}))
    app = Negotiations(env=store_env("memory"))
    app.record(plain)
    path = overlay(tmp_path, "drop: [nikolenko-rebuts]\n")
    with pytest.raises(StoreConflict) as caught:
        app.record(load_timeline(path))
    assert str(caught.value) == (
        f"{path}: 'whatif' is stored as a timeline of its own, not as a branch of 'talks'; "
        "record the what-if under a new id")


def test_store_list_shows_branches_under_their_base(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.out, "width", 200)
    base_file(tmp_path)
    path = overlay(tmp_path, "min_reliability: B\n")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    runner = CliRunner()
    recorded = runner.invoke(cli.app, ["store", "record", str(path), "--store", url])
    assert recorded.exit_code == 0, recorded.output
    assert "whatif: 2 stored, 2 appended" in recorded.output
    listed = runner.invoke(cli.app, ["store", "list", "--store", url])
    lines = listed.output.splitlines()
    base_line = next(n for n, line in enumerate(lines) if "talks — Talks (6 events)" in line)
    branch = lines[base_line + 1]
    assert "whatif — What if (4 events, forks at step 2)" in branch
    assert branch.index("whatif") > lines[base_line].index("talks")  # indented under it
    replayed = runner.invoke(cli.app, ["replay", "whatif", "--store", url, "--json"])
    assert replayed.exit_code == 0, replayed.output
    assert '"status": "honoured"' in replayed.output
