"""`accord diff BASE VARIANT`: compare two timelines (a scenario and a what-if, usually)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from events.timeline import Timeline


def register(app: typer.Typer) -> None:
    """Add `accord diff` to `app`."""
    app.command("diff")(diff)


def _show(value: Any) -> str:
    return "—" if value is None else json.dumps(value, ensure_ascii=False)


def _gap(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _point(timeline: Timeline, at: str | None, step: int | None) -> int:
    """This side's last step for `--at ID` (its own step of that event) or `--step N`."""
    from tui.cli import fail

    if at is not None:
        try:
            return timeline.step_of(at)
        except KeyError:
            fail(f"{timeline.file}: --at: no event {at!r} in {timeline.name!r}; "
                 "compare at a step (--step N) instead")
    if step is not None:
        if step < 0:
            fail(f"--step: expected a step of 0 or more, got {step}", 2)
        return min(step, timeline.steps)
    return timeline.steps


def diff(
    base: Annotated[Path, typer.Argument(help="The base scenario or overlay file.")],
    variant: Annotated[Path, typer.Argument(help="The variant (usually an overlay).")],
    at: Annotated[str | None, typer.Option("--at", help="Compare after this event id "
                                           "(on each side).")] = None,
    step: Annotated[int | None, typer.Option("--step", help="Compare after N steps.")] = None,
    steps: Annotated[bool, typer.Option("--steps", help="List every step where the two "
                                        "states differ.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The JSON of DESIGN.md.")] = False,
) -> None:
    """Where two timelines' states first differ, and every path of the states that differs."""
    from domain.diff import compare, divergences
    from tui.cli import emit_json, fail, load, out

    if at is not None and step is not None:
        fail("give --at or --step, not both", 2)
    old, new = load(base), load(variant)
    if step is not None and step > max(old.steps, new.steps):
        fail(f"--step: step {step} is beyond the last step of both timelines "
             f"({old.steps} and {new.steps})")
    if steps:
        found = divergences(old, new)
        if as_json:
            emit_json({"base": old.name, "variant": new.name,
                       "steps": [d.json() for d in found]})
            return
        table = Table(title=f"{old.name} vs {new.name}: {len(found)} step(s) differ")
        for column in ("step", f"{old.name} event", f"{new.name} event"):
            table.add_column(column)
        for d in found:
            table.add_row(str(d.step), _show(d.base_event), _show(d.variant_event))
        out.print(table)
        return
    result = compare(old, new, _point(old, at, step), _point(new, at, step))
    if as_json:
        emit_json(result.json())
        return
    out.print(changes_table(result), markup=False)


def changes_table(result: Any) -> Table:
    """The changes as a Rich table, grouped by issue and party, with the events behind them."""
    where = "the same at every step"
    if result.diverges_at is not None:
        d = result.diverges_at
        where = (f"first differ after step {d.step} ({_show(d.base_event)} / "
                 f"{_show(d.variant_event)})")
    gap = f"gap {_gap(result.base_gap)} → {_gap(result.variant_gap)}"
    table = Table(title=f"{result.base} vs {result.variant}: {where}; {gap}")
    for column in ("issue", "party", "path", result.base, result.variant, "because of"):
        table.add_column(column, overflow="fold")
    rows = sorted(result.changes, key=lambda c: (c.issue or "~", c.party or "~"))
    last: tuple[str | None, str | None] | None = None
    for change in rows:
        group = (change.issue, change.party)
        causes = f"{_show(change.base_cause)} / {_show(change.variant_cause)}"
        table.add_row(
            (change.issue or "—") if group != last else "",
            (change.party or "—") if group != last else "",
            change.path, _show(change.base), _show(change.variant), causes,
            end_section=False,
        )
        last = group
    return table
