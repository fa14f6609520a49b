"""YAML-level problems: syntax, duplicate keys, alias bombs, wrong shapes, unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import dump, proposal, scenario, write

from events.errors import InputError
from events.loader import load_timeline
from events.yamldoc import ALIAS_EXPANSION_FLOOR


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_timeline(path)
    return [str(p) for p in caught.value.problems]


def test_a_syntax_error_names_the_line_and_column(tmp_path: Path) -> None:
    text = dump(scenario()) + "events: [unclosed\n"
    path = write(tmp_path, text)
    [found] = problems(path)
    lines = text.count("\n")
    assert found.startswith(f"{path}:{lines + 1}:")
    assert "not valid YAML" in found


def test_a_bad_indent_is_a_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, "format: accord/1\nnegotiation:\n  id: x\n title: y\n")
    [found] = problems(path)
    assert found.startswith(f"{path}:4:")
    assert "not valid YAML" in found


def test_a_duplicate_key_is_refused_with_both_its_name_and_line(tmp_path: Path) -> None:
    text = dump(scenario([proposal("p", "russia", "crimea", "russian")]))
    text = text.replace("  party: russia\n", "  party: russia\n  party: ukraine\n")
    path = write(tmp_path, text)
    [found] = problems(path)
    line = text.splitlines().index("  party: ukraine") + 1
    assert found == f"{path}:{line}:3: events[0].party: duplicate key; each key may appear once"


def test_a_duplicate_top_level_key(tmp_path: Path) -> None:
    text = dump(scenario()) + "principals: [russia, turkey]\n"
    path = write(tmp_path, text)
    [found] = problems(path)
    assert found == (f"{path}:{text.count(chr(10))}:1: principals: duplicate key; "
                     "each key may appear once")


def test_an_alias_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 9):
        prev = chr(ord("a") + n - 1)
        name = chr(ord("a") + n)
        rows.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "\n".join(rows) + "\n")  # 9**9 values if expanded
    [found] = problems(path)
    assert "YAML aliases expand beyond a sane size" in found
    assert found.startswith(f"{path}:")


def test_moderate_aliases_are_fine(tmp_path: Path) -> None:
    data = scenario([proposal("p", "russia", "crimea", "russian"),
                     proposal("q", "ukraine", "crimea", "ukrainian")])
    text = dump(data).replace("at: '2022-03-29'", "at: &d '2022-03-29'", 1)
    text = text.replace("at: '2022-03-29'", "at: *d")
    assert "*d" in text
    timeline = load_timeline(write(tmp_path, text))
    assert [e.at for e in timeline.events] == ["2022-03-29", "2022-03-29"]
    assert ALIAS_EXPANSION_FLOOR > 1000


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    text = dump(scenario()).replace(
        "negotiation:\n", "base: &b {id: x}\nnegotiation:\n  <<: *b\n", 1)
    found = problems(write(tmp_path, text))
    assert any("YAML merge keys (<<) are not supported" in f for f in found)


def test_an_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    assert problems(path) == [f"{path}:1:1: the file is empty; expected a mapping"]


def test_a_list_at_the_top(tmp_path: Path) -> None:
    path = write(tmp_path, "- a\n- b\n")
    assert problems(path) == [
        f"{path}:1:1: expected a mapping with `format: accord/1` at the top"]


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert problems(path) == [f"{path}: file not found"]


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: accord/1\nnote: café\n".encode("latin-1"))
    [found] = problems(path)
    assert found.startswith(f"{path}: cannot read file:")


def test_a_wrong_format(tmp_path: Path) -> None:
    text = dump(scenario()).replace("format: accord/1", "format: accord/2")
    path = write(tmp_path, text)
    [found] = problems(path)
    assert found == f"{path}:1:1: format: input should be 'accord/1'; got 'accord/2'"
