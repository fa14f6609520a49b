"""Turning YAML files into validated models and timelines, with located error messages.

Everything is checked before anything is returned: a file loads whole or not at all,
and every problem in it is reported at once (as an InputError).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from events.catalogue import EVENT_TYPES, Event
from events.errors import InputError, Problem
from events.quotes import missing_fragment
from events.references import check_events, check_header
from events.scenario import (
    Expectation,
    Issue,
    NegotiationRef,
    Option,
    Overlay,
    OverlayRef,
    Party,
    Scenario,
    Source,
    Speaker,
)
from events.timeline import Locator, Timeline, in_timeline_order
from events.yamldoc import YamlDoc, dotted, read_yaml

_EVENT_LISTS = ("events", "add", "replace")


def read_document(path: Path, display: str | None = None) -> tuple[Scenario | Overlay, YamlDoc]:
    """Parse and validate one file's shape (not yet its references)."""
    doc = read_yaml(path, display)
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), "expected a mapping with `format: accord/1` at the top")])
    model: type[Scenario] | type[Overlay] = Overlay if "overlay" in doc.data else Scenario
    try:
        return model.model_validate(doc.data), doc
    except ValidationError as exc:
        raise InputError([_problem(doc, err) for err in exc.errors()]) from None


def load_timeline(path: Path | str, display: str | None = None) -> Timeline:
    """Load a scenario or an overlay file into a validated timeline (InputError if not valid)."""
    path = Path(path)
    document, doc = read_document(path, display)
    if isinstance(document, Overlay):
        from events.overlay import resolve_overlay

        return resolve_overlay(document, doc, path)
    return scenario_timeline(document, doc, path)


def scenario_timeline(scenario: Scenario, doc: YamlDoc, path: Path) -> Timeline:
    """Check a parsed scenario's references and quotes; return its timeline."""
    where: dict[str, tuple[str | int, ...]] = {}
    problems: list[Problem] = []
    firsts: list[Event] = []
    for i, e in enumerate(scenario.events):  # in file order, so each one is located right
        if e.id in where:
            problems.append(doc.problem(("events", i, "id"), f"duplicate event id {e.id!r}"))
        else:
            where[e.id] = ("events", i)
            firsts.append(e)
    locate = event_locator(doc, where)
    events = in_timeline_order(scenario.events)
    problems += check_header(scenario, locate)
    problems += check_events(scenario, in_timeline_order(firsts), locate)
    problems += check_quotes(scenario, doc, path, scenario.events, locate)
    problems += check_expectations(scenario.expect, {e.id for e in events}, len(events), doc)
    if problems:
        raise InputError(problems)
    return Timeline(
        name=scenario.negotiation.id,
        title=scenario.negotiation.title,
        file=doc.file,
        header=scenario,
        events=tuple(events),
        expectations=tuple(scenario.expect),
        locate=locate,
    )


def event_locator(doc: YamlDoc, where: dict[str, tuple[str | int, ...]]) -> Locator:
    """A Locator for events of `doc`, given each event id's path in it ("" = header path)."""

    def locate(event_id: str, field: str, message: str) -> Problem:
        if not event_id:
            return doc.problem(parse_dotted(field), message)
        base = where.get(event_id, ())
        path = (*base, *parse_dotted(field)) if field else base
        problem = doc.problem(path, message)
        label = f"{dotted(base)} ({event_id})" + (f".{field}" if field else "")
        return Problem(problem.file, problem.line, problem.column, label, problem.message)

    return locate


def parse_dotted(text: str) -> tuple[str | int, ...]:
    """`events[3].option` → `("events", 3, "option")`."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", text):
        out.append(int(index) if index else name)
    return tuple(out)


def check_quotes(
    scenario: Scenario, doc: YamlDoc, path: Path, events: list[Event], locate: Locator
) -> list[Problem]:
    """Each quote of an event whose source names a `text` must stand in that text."""
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for i, source in enumerate(scenario.sources):
        if source.text is None:
            continue
        try:
            texts[source.id] = (path.parent / source.text).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = "file not found" if isinstance(exc, FileNotFoundError) else str(exc)
            problems.append(doc.problem(("sources", i, "text"),
                                        f"cannot read source text {source.text!r}: {reason}"))
    for event in events:
        if event.source in texts:
            fragment = missing_fragment(event.quote, texts[event.source])
            if fragment is not None:
                problems.append(locate(event.id, "quote",
                                       f"not found verbatim in source {event.source!r}: "
                                       f"{_clip(fragment)!r}"))
    return problems


def check_expectations(
    expectations: list[Expectation], event_ids: set[str], steps: int, doc: YamlDoc,
    key: str = "expect",
) -> list[Problem]:
    """Expectations must name events and steps that exist."""
    problems = []
    for i, exp in enumerate(expectations):
        if exp.after is not None and exp.after not in event_ids:
            problems.append(doc.problem((key, i, "after"), f"unknown event {exp.after!r}"))
        if exp.step is not None and exp.step > steps:
            problems.append(doc.problem((key, i, "step"),
                                        f"step {exp.step} is beyond the last step ({steps})"))
    return problems


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- pydantic errors → located problems -------------------------------------------------

_MODEL_AT: list[tuple[tuple[str, ...], type[BaseModel]]] = [
    (("negotiation",), NegotiationRef),
    (("overlay",), OverlayRef),
    (("parties", "#"), Party),
    (("parties", "#", "speakers", "#"), Speaker),
    (("issues", "#"), Issue),
    (("issues", "#", "options", "#"), Option),
    (("sources", "#"), Source),
    (("expect", "#"), Expectation),
]


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """The part of a pydantic error location that names real keys in the data."""
    out: list[str | int] = []
    for part in loc:
        in_dict = isinstance(data, dict) and isinstance(part, str) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_dict or in_list:
            data = data[part]
            out.append(part)
        elif (isinstance(data, dict) and isinstance(part, str) and part not in EVENT_TYPES
              and not any(c in part for c in "[(")):
            out.append(part)  # a missing or unknown key: name it
            data = None
    return tuple(out)


def _allowed(doc: YamlDoc, path: tuple[str | int, ...]) -> list[str] | None:
    shape = tuple("#" if isinstance(p, int) else p for p in path)
    if not path:
        model: type[BaseModel] = Overlay if isinstance(doc.data, dict) and "overlay" in doc.data \
            else Scenario
        return list(model.model_fields)
    if len(path) == 2 and path[0] in _EVENT_LISTS and isinstance(path[1], int):
        item = _get(doc.data, path)
        kind = EVENT_TYPES.get(str(item.get("type"))) if isinstance(item, dict) else None
        return list(kind.model_fields) if kind else None
    for model_shape, model in _MODEL_AT:
        if shape == model_shape:
            return list(model.model_fields)
    return None


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _problem(doc: YamlDoc, err: Any) -> Problem:
    path = _data_path(doc.data, err["loc"])
    kind, value = err["type"], err.get("input")
    if kind == "missing":
        message = "required field is missing"
    elif kind == "extra_forbidden":
        allowed = _allowed(doc, path[:-1])
        message = "unknown key" + (f"; expected one of: {', '.join(allowed)}" if allowed else "")
    elif kind == "union_tag_invalid":
        message = f"unknown event type {value.get('type')!r}" if isinstance(value, dict) else \
            err["msg"]
        message += f"; expected one of: {', '.join(EVENT_TYPES)}"
        path = (*path, "type")
    elif kind == "union_tag_not_found":
        message = f"an event needs a `type`; expected one of: {', '.join(EVENT_TYPES)}"
    else:
        msg = str(err["msg"])
        msg = msg.removeprefix("Value error, ")
        message = msg if kind == "value_error" or isinstance(value, dict | list) else \
            f"{msg[0].lower()}{msg[1:]}; got {value!r}"
    problem = doc.problem(path, message)
    label = problem.field
    if len(path) >= 2 and path[0] in _EVENT_LISTS and isinstance(path[1], int):
        item = _get(doc.data, path[:2])
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            rest = dotted(path[2:])
            label = f"{dotted(path[:2])} ({item['id']})" + (f".{rest}" if rest else "")
    return Problem(problem.file, problem.line, problem.column, label, problem.message)
