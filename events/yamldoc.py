"""YAML reading that remembers where every value stood (file, line, column).

PyYAML (with its C loader where available) parses; we walk its node tree ourselves so that
every mapping key and sequence item keeps its position, duplicate keys are refused, and
alias expansion is bounded (a "billion laughs" file is refused, not expanded).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from events.errors import InputError, Problem

try:  # the C loader is several times faster on large files
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]

#: How many values a document may expand to, relative to the nodes actually written.
ALIAS_EXPANSION_LIMIT = 10
#: Expansion below this many values is always accepted.
ALIAS_EXPANSION_FLOOR = 100_000


@dataclass
class YamlDoc:
    """A parsed YAML document: plain Python data plus the position of every path in it."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Iterable[str | int]) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the value at `path`, or of its nearest parent."""
        p = tuple(path)
        while True:
            if p in self.marks:
                return self.marks[p]
            if not p:
                return (None, None)
            p = p[:-1]

    def problem(self, path: Iterable[str | int], message: str) -> Problem:
        """A Problem located at `path`, with `path` written as a dotted field name."""
        p = tuple(path)
        line, column = self.where(p)
        return Problem(self.file, line, column, dotted(p), message)


def dotted(path: Iterable[str | int]) -> str:
    """`("events", 3, "option")` → `events[3].option`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def read_yaml(path: Path, display: str | None = None) -> YamlDoc:
    """Parse `path`; raise InputError (never a YAML traceback) on any problem."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(name, None, None, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(name, None, None, "", f"cannot read file: {exc}")]) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> YamlDoc:
    """Parse YAML text named `name` into a YamlDoc."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        msg = f"not valid YAML: {exc.problem or exc.context}"
        raise InputError([Problem(name, line, col, "", msg)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, None, None, "", f"not valid YAML: {exc}")]) from None
    doc = YamlDoc(name, None)
    if node is None:
        raise InputError([Problem(name, 1, 1, "", "the file is empty; expected a mapping")])
    walker = _Walker(doc)
    doc.data = walker.build(node, ())
    if walker.problems:
        raise InputError(walker.problems)
    return doc


class _Walker:
    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.loader = _Loader("")
        self.visits = 0
        self.distinct: set[int] = set()
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.visits += 1
        self.distinct.add(id(node))
        limit = max(ALIAS_EXPANSION_FLOOR, ALIAS_EXPANSION_LIMIT * len(self.distinct))
        if self.visits > limit:
            line = node.start_mark.line + 1
            raise InputError(
                [
                    Problem(
                        self.doc.file,
                        line,
                        node.start_mark.column + 1,
                        dotted(path),
                        "YAML aliases expand beyond a sane size "
                        f"(more than {ALIAS_EXPANSION_LIMIT}× the values written); refused",
                    )
                ]
            )
        self.doc.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(
                        self.doc.problem(path, "YAML merge keys (<<) are not supported")
                    )
                    continue
                key = self.loader.construct_object(key_node)
                if not isinstance(key, str | int | bool | float) and key is not None:
                    self.problems.append(self.doc.problem(path, f"unusable key {key!r}"))
                    continue
                key = str(key) if not isinstance(key, str) else key
                child = (*path, key)
                if key in out:
                    line = key_node.start_mark.line + 1
                    self.problems.append(
                        Problem(
                            self.doc.file,
                            line,
                            key_node.start_mark.column + 1,
                            dotted(child),
                            "duplicate key; each key may appear once",
                        )
                    )
                    continue
                mark = key_node.start_mark
                self.doc.marks[child] = (mark.line + 1, mark.column + 1)
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # keep dates as written; the models parse and validate them
        try:
            return self.loader.construct_object(node)
        except (ValueError, yaml.YAMLError):
            # e.g. `2022-13-30` looks like a date but is not one: keep the text, and let the
            # model's validation say what was expected.
            return node.value
