"""The command line: exit codes 0/1/2, errors on stderr without tracebacks, the JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import claim, dump, pledge, proposal, rejection, report, scenario, write
from typer.testing import CliRunner

from events.loader import load_timeline
from tui.cli import app

runner = CliRunner()
ACCORD = Path(sys.executable).parent / "accord"
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

EVENTS = [proposal("p1", "russia", "crimea", "russian", at="2022-03-29"),
          proposal("p2", "ukraine", "crimea", "deferred", at="2022-03-29T10:00:00"),
          claim("c", "russia", "ukraine", "crimea", "russian", at="2022-03-30"),
          rejection("r", "ukraine", target="c", at="2022-03-30T09:00:00"),
          pledge("pl", "russia", "deescalate", at="2022-03-30T10:00:00"),
          report("rep", "ukraine", "deescalate", "contradicts", at="2022-03-31")]

TOP = {"negotiation", "step", "steps", "event", "at", "positions", "claims", "issues", "gap",
       "pledges"}
CELL = {"option", "accepts", "rejects", "conditions", "claims", "events"}
CLAIM = {"by", "about", "issue", "option", "contested", "rebutted", "rebuttals", "events"}
PLEDGE = {"party", "status", "supports", "contradicts", "events", "commitment", "issue"}


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write(tmp_path, scenario(EVENTS), "good.yaml")


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    return write(tmp_path, scenario([proposal("p", "chechnya", "crimea", "russian"),
                                     rejection("r", "ukraine", target="ghost")]), "bad.yaml")


def invoke(*args: Any) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def replay_json(*args: Any) -> dict[str, Any]:
    result = invoke("replay", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


# --- validate ------------------------------------------------------------------------------


def test_validate_a_good_file(good: Path) -> None:
    result = invoke("validate", good)
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{good}: ok (6 events)"


def test_validate_reports_every_problem_on_stderr_and_exits_1(good: Path, bad: Path) -> None:
    result = invoke("validate", bad, good)
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"{bad}:") and errors[0].endswith(
        "events[0] (p).party: unknown party 'chechnya'; expected one of: russia, turkey, ukraine")
    assert errors[1].endswith("events[1] (r).target: unknown event 'ghost'")
    assert f"{good}: ok (6 events)" in result.stdout  # the good file is still checked
    assert "Traceback" not in result.output


def test_validate_without_files_is_a_usage_error() -> None:
    assert invoke("validate").exit_code == 2


# --- replay --------------------------------------------------------------------------------


def test_replay_json_gives_exactly_the_contract_keys(good: Path) -> None:
    state = replay_json(good)
    assert set(state) == TOP
    assert (state["negotiation"], state["step"], state["steps"]) == ("test-talks", 6, 6)
    assert (state["event"], state["at"]) == ("rep", "2022-03-31")
    for row in state["positions"].values():
        for cell in row.values():
            assert set(cell) == CELL
    assert set(state["claims"]["c"]) == CLAIM
    assert set(state["issues"]["crimea"]) == {"gap", "common_ground"}
    assert set(state["pledges"]["deescalate"]) == PLEDGE
    assert state["positions"]["ukraine"]["crimea"] == {
        "option": "deferred", "accepts": ["deferred"], "rejects": [], "conditions": [],
        "claims": ["c"], "events": ["p2", "c", "r"]}
    assert state["claims"]["c"]["contested"] is True
    assert state["issues"]["crimea"]["gap"] == 0.5
    assert state["gap"] == 0.5
    assert state["pledges"]["deescalate"]["status"] == "violated"


def test_replay_at_an_event_and_at_a_step(good: Path) -> None:
    at = replay_json(good, "--at", "c")
    step = replay_json(good, "--step", 3)
    assert at == step
    assert (at["step"], at["event"], at["at"]) == (3, "c", "2022-03-30")
    assert at["claims"]["c"]["rebutted"] is False
    start = replay_json(good, "--step", 0)
    assert (start["step"], start["event"], start["gap"]) == (0, None, None)


def test_replay_a_step_beyond_the_last_is_an_error(good: Path) -> None:
    result = invoke("replay", good, "--step", 7, "--json")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{good}: --step: step 7 is beyond the last step (6)"
    assert result.stdout == ""


def test_replay_at_an_unknown_event_is_an_error(good: Path) -> None:
    result = invoke("replay", good, "--at", "ghost")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{good}: --at: no event 'ghost' in the timeline"


def test_replay_with_both_at_and_step_is_a_usage_error(good: Path) -> None:
    result = invoke("replay", good, "--at", "c", "--step", 2)
    assert result.exit_code == 2
    assert "give --at or --step, not both" in result.stderr


def test_replay_with_a_step_that_is_not_a_number_is_a_usage_error(good: Path) -> None:
    assert invoke("replay", good, "--step", "three").exit_code == 2


def test_replay_of_a_bad_file_exits_1_with_located_errors(bad: Path) -> None:
    result = invoke("replay", bad, "--json")
    assert result.exit_code == 1
    assert f"{bad}:" in result.stderr and "unknown party 'chechnya'" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_replay_tables_show_the_positions_and_the_gap(good: Path) -> None:
    result = invoke("replay", good, "--step", 2)
    assert result.exit_code == 0
    [russia] = [line for line in result.stdout.splitlines() if "Russian Federation" in line]
    assert "russian" in russia
    assert "step 2/6" in result.stdout
    assert "overall gap: 0.50" in result.stdout


def test_replay_tables_show_the_last_claims_and_pledges_and_say_how_many(
        tmp_path: Path) -> None:
    """A 10^6-event state holds ~10^5 claims: Rich took ~110 s to lay out their table.
    The tables show the last `--rows` (100 by default; 0: all) and say what they leave out."""
    events = [claim(f"c{n}", "russia", "ukraine", "crimea", "russian", at=f"2022-03-2{n}")
              for n in range(1, 6)]
    events += [pledge(f"p{n}", "russia", f"pl{n}", at="2022-03-29") for n in range(1, 4)]
    file = write(tmp_path, scenario(events), "many.yaml")

    def first_cells(*args: Any) -> tuple[list[str], str]:
        result = invoke("replay", file, *args)
        assert result.exit_code == 0, result.output
        cells = [line.split("│")[1].strip() for line in result.stdout.splitlines()
                 if line.startswith("│ c") or line.startswith("│ pl")]
        return cells, result.stdout

    cells, shown = first_cells("--rows", 2)
    assert cells == ["c4", "c5", "pl2", "pl3"]
    assert "the last 2 of 5 claims (--rows 0 shows them all; --json gives them all)" in shown
    assert "the last 2 of 3 pledges" in shown
    cells, shown = first_cells("--rows", 4)
    assert cells == ["c2", "c3", "c4", "c5", "pl1", "pl2", "pl3"]
    assert "the last 4 of 5 claims" in shown and "pledges (" not in shown
    for every in ((), ("--rows", 0)):
        cells, shown = first_cells(*every)
        assert cells == ["c1", "c2", "c3", "c4", "c5", "pl1", "pl2", "pl3"]
        assert "the last" not in shown
    refused = invoke("replay", file, "--rows", -1)
    assert refused.exit_code == 2 and "--rows" in refused.stderr


def test_replay_through_a_sqlite_store_then_by_name(good: Path, sqlite_url: str) -> None:
    direct = replay_json(good)
    assert replay_json(good, "--store", sqlite_url) == direct
    assert replay_json("test-talks", "--store", sqlite_url, "--step", 6) == direct
    tables = invoke("replay", "test-talks", "--store", sqlite_url, "--step", 2)
    assert tables.exit_code == 0, tables.output
    assert "step 2/6" in tables.stdout and "overall gap: 0.50" in tables.stdout
    [russia] = [line for line in tables.stdout.splitlines() if "Russian Federation" in line]
    assert "russian" in russia
    missing = invoke("replay", "nothing-here", "--store", sqlite_url)
    assert missing.exit_code == 1
    assert "no timeline 'nothing-here' in the store" in missing.stderr


# --- timeline, check, store ----------------------------------------------------------------


def test_timeline_lists_the_events_in_order_with_steps(good: Path) -> None:
    result = invoke("timeline", good)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["1", "2", "3", "4", "5", "6"]
    assert [line.split()[4] for line in lines] == ["p1", "p2", "c", "r", "pl", "rep"]
    assert lines[3].split()[2:4] == ["rejection", "ukraine"]
    assert lines[3].endswith("rejects c")


def test_check_exits_0_when_expectations_hold_and_1_when_not(tmp_path: Path) -> None:
    ok = write(tmp_path, scenario(EVENTS, expect=[{"after": "r", "state": {
        "claims.c.rebutted": True}}]), "ok.yaml")
    wrong = write(tmp_path, scenario(EVENTS, expect=[{"after": "r", "state": {
        "claims.c.rebutted": False}}]), "wrong.yaml")
    assert invoke("check", ok).exit_code == 0
    result = invoke("check", wrong)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"{wrong}: after r: claims.c.rebutted: expected false, "
                                     "got true (last shaped by 'r')")
    assert f"{wrong}: 1 of 1 expectations failed" in result.stdout


def test_store_record_refuses_a_contradicting_history(tmp_path: Path, sqlite_url: str) -> None:
    first = write(tmp_path, scenario(EVENTS[:3]), "first.yaml")
    assert invoke("store", "record", first, "--store", sqlite_url).exit_code == 0
    changed = [*EVENTS[:2], {**EVENTS[2], "option": "deferred"}, *EVENTS[3:]]
    second = write(tmp_path, scenario(changed), "second.yaml")
    result = invoke("store", "record", second, "--store", sqlite_url)
    assert result.exit_code == 1
    assert "step 3 differs from the stored history of 'test-talks'" in result.stderr
    assert "Traceback" not in result.output
    extended = write(tmp_path, scenario(EVENTS), "extended.yaml")
    result = invoke("store", "record", extended, "--store", sqlite_url)
    assert result.exit_code == 0
    assert "test-talks: 3 stored, 3 appended" in result.stdout
    assert "test-talks: snapshots at step 5" in result.stdout  # the one before the last


def test_store_record_of_an_overlay_snapshots_its_base(sqlite_url: str) -> None:
    overlay = SCENARIOS / "whatif" / "pledge-kept.yaml"
    base = load_timeline(overlay).base
    assert base is not None
    result = invoke("store", "record", overlay, "--store", sqlite_url)
    assert result.exit_code == 0
    assert f"{base.name}: snapshots at step {base.steps - 1}\n" in result.stdout
    result = invoke("store", "snapshot", base.name, "--store", sqlite_url)
    assert result.stdout == f"{base.name}: its snapshots are all stored\n"


def test_store_snapshot_adds_what_a_record_without_them_left_out(tmp_path: Path,
                                                                  sqlite_url: str) -> None:
    from domain import snapshots
    from domain.application import Negotiations
    from domain.stores import store_env

    path = write(tmp_path, scenario(EVENTS[:4]), "talks.yaml")
    result = invoke("store", "record", path, "--store", sqlite_url, "--no-snapshot")
    assert result.exit_code == 0 and "snapshots" not in result.stdout
    store = Negotiations(env=store_env(sqlite_url))
    loaded = load_timeline(path)
    assert snapshots.nearest(store, "test-talks", 4, loaded.header) is None
    result = invoke("store", "snapshot", "test-talks", "--store", sqlite_url)
    assert result.exit_code == 0
    assert result.stdout == "test-talks: snapshots at step 3\n"
    result = invoke("store", "snapshot", "test-talks", "--store", sqlite_url)
    assert result.stdout == "test-talks: its snapshots are all stored\n"
    result = invoke("store", "snapshot", "no-such-talks", "--store", sqlite_url)
    assert result.exit_code == 1
    assert result.stderr.strip() == "no timeline 'no-such-talks' in the store"
    result = invoke("store", "record", path, "--store", sqlite_url)
    assert result.exit_code == 0 and "snapshots" not in result.stdout  # all stored
    state = snapshots.nearest(store, "test-talks", 4, loaded.header)  # the one before
    assert state is not None and state.step == 3 and state.last_event == EVENTS[2]["id"]


# --- the installed command, as a person runs it ----------------------------------------------


@pytest.mark.parametrize("command", ["validate", "replay"])
def test_the_console_script_exits_1_without_a_traceback(bad: Path, command: str) -> None:
    if not ACCORD.exists():
        pytest.skip("the accord console script is not installed in this environment")
    result = subprocess.run([str(ACCORD), command, str(bad)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 1
    assert "unknown party 'chechnya'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_the_console_script_on_a_missing_file(tmp_path: Path) -> None:
    if not ACCORD.exists():
        pytest.skip("the accord console script is not installed in this environment")
    missing = tmp_path / "missing.yaml"
    result = subprocess.run([str(ACCORD), "replay", str(missing), "--json"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == f"{missing}: file not found"


# --- every kind of bad input, through both commands ------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [" + ", ".join([f"*{chr(97 + n)}"] * 9) + "]\n"
    for n in range(8))


def bad_inputs() -> dict[str, tuple[str, str]]:
    """name → (file text, a line of the expected message)."""
    text = dump(scenario([proposal("p", "russia", "crimea", "russian")]))
    sourced = scenario([proposal("p", "russia", "crimea", "russian", source="src",
                                 quote="never said")])
    sourced["sources"][0]["text"] = "missing.txt"
    return {
        "syntax": (text + "events: [\n", "not valid YAML"),
        "duplicate-key": (text.replace("  party: russia\n", "  party: russia\n  party: x\n"),
                          "events[0].party: duplicate key; each key may appear once"),
        "alias-bomb": (BOMB, "YAML aliases expand beyond a sane size"),
        "unknown-party": (text.replace("party: russia", "party: usa"),
                          "events[0] (p).party: unknown party 'usa'"),
        "bad-date": (text.replace("'2022-03-29'", "2022-02-30"),
                     "events[0] (p).at: expected an ISO date"),
        "unknown-key": (text.replace("  party: russia\n", "  party: russia\n  mood: calm\n"),
                        "events[0] (p).mood: unknown key"),
        "missing-text": (dump(sourced), "cannot read source text 'missing.txt': file not found"),
    }


@pytest.mark.parametrize("command", ["validate", "replay"])
@pytest.mark.parametrize("case", ["syntax", "duplicate-key", "alias-bomb", "unknown-party",
                                  "bad-date", "unknown-key", "missing-text"])
def test_bad_input_exits_1_with_a_located_message(tmp_path: Path, command: str,
                                                  case: str) -> None:
    text, expected = bad_inputs()[case]
    path = write(tmp_path, text, f"{case}.yaml")
    result = invoke(command, path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:")
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


# --- replay through a store: conflicts and unusable stores are messages, not tracebacks -----


def test_replay_with_a_store_refuses_a_contradicting_file(tmp_path: Path,
                                                          sqlite_url: str) -> None:
    first = write(tmp_path, scenario(EVENTS), "first.yaml")
    assert invoke("replay", first, "--store", sqlite_url, "--json").exit_code == 0
    changed = [*EVENTS[:1], {**EVENTS[1], "option": "ukrainian"}, *EVENTS[2:]]
    second = write(tmp_path, scenario(changed), "second.yaml")
    result = invoke("replay", second, "--store", sqlite_url, "--json")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{second}: step 2 differs from the stored history of "
                                    "'test-talks'")
    assert result.stdout == ""


def test_replay_by_name_with_both_at_and_step_is_a_usage_error(good: Path,
                                                               sqlite_url: str) -> None:
    assert invoke("replay", good, "--store", sqlite_url, "--json").exit_code == 0
    result = invoke("replay", "test-talks", "--store", sqlite_url, "--at", "c", "--step", 1)
    assert result.exit_code == 2
    assert "give --at or --step, not both" in result.stderr


@pytest.mark.parametrize("args", [["replay", "FILE", "--json"], ["store", "list"],
                                  ["store", "record", "FILE"]])
def test_an_unusable_store_is_a_one_line_error(good: Path, tmp_path: Path,
                                               args: list[str]) -> None:
    url = f"sqlite:///{tmp_path}/no/such/dir/store.db"
    result = invoke(*[str(good) if a == "FILE" else a for a in args], "--store", url)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"cannot open the SQLite {tmp_path}/no/such/dir/store.db: "
                                     "unable to open database file")


@pytest.mark.postgres
def test_replay_through_postgres_gives_the_same_json(tmp_path: Path, postgres_url: str) -> None:
    path = write(tmp_path, scenario(EVENTS, negotiation={"id": "cli-pg", "title": "CLI"}))
    direct = replay_json(path, "--step", 4)
    assert replay_json(path, "--store", postgres_url, "--step", 4) == direct
    assert replay_json("cli-pg", "--store", postgres_url, "--at", "r") == direct
