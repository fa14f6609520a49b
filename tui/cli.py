"""The `accord` command line (Typer + Rich)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from events.errors import InputError
from events.loader import load_timeline
from events.timeline import Timeline
from tui.tables import ROWS, state_tables, summary

app = typer.Typer(
    help="accord: an event-sourced negotiation-state simulator.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
store_app = typer.Typer(help="Record timelines into a persistent store, list what it holds.",
                        no_args_is_help=True)
app.add_typer(store_app, name="store")

out = Console(highlight=False, soft_wrap=True)  # one-line messages stay one line (grep)
err = Console(stderr=True, highlight=False, soft_wrap=True)

FileArg = Annotated[Path, typer.Argument(help="A scenario or overlay file (YAML).")]
StoreOpt = Annotated[
    str | None,
    typer.Option("--store", help="memory, sqlite:///file.db, a file path, or postgresql://…"
                 " (default: $ACCORD_STORE, else accord.db)"),
]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error for a person and exit."""
    err.print(message, markup=False)
    raise typer.Exit(code)


def load(path: Path) -> Timeline:
    """Load a file, or exit 1 with its located problems."""
    try:
        return load_timeline(path)
    except InputError as exc:
        fail(str(exc))


def emit_json(data: Any) -> None:
    """Print JSON to standard output."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def each_timeline(files: list[Path]) -> Iterator[tuple[Path, Timeline | None]]:
    """Each file with its timeline, or None after printing its problems."""
    for path in files:
        try:
            yield path, load_timeline(path)
        except InputError as exc:
            err.print(str(exc), markup=False)
            yield path, None


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Scenario and overlay files.")]
             ) -> None:
    """Check scenario and overlay files; exit 1 with file:line errors."""
    bad = 0
    for path, timeline in each_timeline(files):
        if timeline is None:
            bad += 1
        else:
            out.print(f"{path}: ok ({timeline.steps} events)", markup=False)
    if bad:
        raise typer.Exit(1)


@app.command()
def check(files: Annotated[list[Path], typer.Argument(help="Scenario and overlay files.")]
          ) -> None:
    """Run the files' expectations; exit 1 on any that fails."""
    from domain.expectations import check as run_checks

    bad = 0
    for path, timeline in each_timeline(files):
        if timeline is None:
            bad += 1
            continue
        failures = run_checks(timeline)
        for failure in failures:
            err.print(str(failure), markup=False)
        count = sum(len(e.state) for e in timeline.expectations)
        if failures:
            bad += 1
            out.print(f"{path}: {len(failures)} of {count} expectations failed", markup=False)
        else:
            out.print(f"{path}: {count} expectations hold", markup=False)
    if bad:
        raise typer.Exit(1)


@app.command()
def timeline(file: FileArg,
             as_json: Annotated[bool, typer.Option("--json", help="JSON lines.")] = False
             ) -> None:
    """The events in order, one a line, with their step numbers."""
    loaded = load(file)
    if as_json:
        emit_json([{"step": n, "id": e.id, "at": e.at, "type": e.type, "party": e.party,
                    "speaker": e.speaker, "summary": summary(e)}
                   for n, e in enumerate(loaded.events, start=1)])
        return
    width = len(str(loaded.steps))
    for n, e in enumerate(loaded.events, start=1):
        who = e.party + (f"/{e.speaker}" if e.speaker else "")
        out.print(f"{n:>{width}}  {e.at:<10}  {e.type:<10}  {who:<24}  {e.id}  {summary(e)}",
                  markup=False, soft_wrap=True)


def resolve_step(loaded: Timeline, at: str | None, step: int | None) -> int:
    """The step that `--at ID` or `--step N` names (the end when neither); exit 1 if none."""
    if at is not None and step is not None:
        fail("give --at or --step, not both", 2)
    if at is not None:
        try:
            return loaded.step_of(at)
        except KeyError:
            fail(f"{loaded.file}: --at: no event {at!r} in the timeline")
    if step is not None:
        if not 0 <= step <= loaded.steps:
            fail(f"{loaded.file}: --step: step {step} is beyond the last step ({loaded.steps})")
        return step
    return loaded.steps


AtOpt = Annotated[str | None, typer.Option("--at", help="Stop after this event id.")]
StepOpt = Annotated[int | None, typer.Option("--step", help="Stop after N events.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="The JSON contract instead of tables.")]
RowsOpt = Annotated[int, typer.Option("--rows", min=0, help="Claims and pledges the tables "
                                      "show: the last N (0: all).")]


@app.command()
def replay(
    file: Annotated[str, typer.Argument(help="A scenario/overlay file, or with --store a "
                                             "stored timeline's name.")],
    at: AtOpt = None,
    step: StepOpt = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
    rows: RowsOpt = ROWS,
) -> None:
    """The state after all events, after --at ID, or after --step N."""
    from eventsourcing.persistence import PersistenceError

    from domain.application import Negotiations, StepOutOfRange, StoreConflict
    from domain.stores import describe, store_env

    if at is not None and step is not None:
        fail("give --at or --step, not both", 2)
    path = Path(file)
    if store is not None and not path.exists():
        from events.scenario import Scenario

        app_ = open_store(store)
        try:
            state = app_.state(file, step=step, at=at)
            opened = app_.opened(file)  # its header (the aggregate: a second read)
        except KeyError:
            fail(f"{store}: no timeline {file!r} in the store")
        except StepOutOfRange as exc:
            fail(f"{store}: {exc}")
        except PersistenceError as exc:  # the store opened lazily and failed
            fail(f"cannot use the {describe(store)}: {exc}")
        if as_json:
            emit_json(state)
        else:
            header = Scenario(format="accord/1", **opened.header.model_dump())
            shown = Timeline(opened.name, opened.title, file, header, ())
            out.print(state_tables(state, shown, rows))
        return
    loaded = load(path)
    target = resolve_step(loaded, at, step)
    if store is not None:
        app_ = open_store(store)
        try:
            app_.record(loaded)
            state = app_.state(loaded.name, step=target)
        except StoreConflict as exc:
            fail(str(exc))
        except PersistenceError as exc:  # the store opened lazily and failed
            fail(f"cannot use the {describe(store)}: {exc}")
    else:
        app_ = Negotiations(env=store_env("memory"))
        app_.record(loaded)
        state = app_.state(loaded.name, step=target)
    if as_json:
        emit_json(state)
    else:
        out.print(state_tables(state, loaded, rows))


def open_store(url: str | None) -> Any:
    """The application on the chosen store; exit 1 with a clear message if it can't open."""
    from domain.application import Negotiations
    from domain.stores import describe, store_env

    try:
        return Negotiations(env=store_env(url))
    except Exception as exc:  # the drivers raise many kinds; the person needs one line
        fail(f"cannot open the {describe(url)}: {exc}")


@store_app.command("record")
def store_record(files: Annotated[list[Path], typer.Argument(help="Scenario files.")],
                 store: StoreOpt = None,
                 snapshot: Annotated[bool, typer.Option(
                     help="Then store snapshots of the fold state (every "
                          "100,000 statements and before the last), so a viewer reads a far "
                          "step without folding from the first.")] = True) -> None:
    """Record timelines into the store (append-only)."""
    from domain import snapshots
    from domain.application import StoreConflict
    from domain.stores import describe

    app_ = open_store(store)
    for path in files:
        loaded = load(path)
        try:
            result = app_.record(loaded)
        except StoreConflict as exc:
            fail(str(exc))
        out.print(f"{path}: {result.name}: {result.already} stored, {result.appended} appended "
                  f"({describe(store)})", markup=False)
        if snapshot:
            if loaded.base is not None:  # an overlay records its base first: snapshot it
                report_snapshots(loaded.base.name, snapshots.take(app_, loaded.base.name))
            report_snapshots(result.name, snapshots.take(app_, result.name))


def report_snapshots(name: str, taken: Any) -> None:
    """Say at which steps snapshots of timeline `name` were written, and how many of them
    replaced stale ones (`taken`: a `domain.snapshots.Taken`; nothing if none written)."""
    if not taken.written:
        return
    line = f"{name}: snapshots at step {', '.join(map(str, taken.written))}"
    replaced = len(taken.replaced)
    if replaced:
        line += f" ({replaced} stale one{'s' if replaced > 1 else ''} replaced"
        if replaced < len(taken.written):
            line += f": at step {', '.join(map(str, taken.replaced))}"
        line += ")"
    out.print(line, markup=False)


@store_app.command("snapshot")
def store_snapshot(names: Annotated[list[str], typer.Argument(help="Stored timelines.")],
                   store: StoreOpt = None) -> None:
    """Store the snapshots a stored timeline lacks (every 100,000 statements and at the
    last), e.g. one recorded with --no-snapshot or by an older version, and replace those
    folded by other rules (a stale one stands in the way of a new one). Exit 1 if a name
    is not in the store."""
    from eventsourcing.persistence import PersistenceError

    from domain import snapshots
    from domain.stores import describe

    app_ = open_store(store)
    unknown = 0
    for name in names:
        try:
            taken = snapshots.take(app_, name)
        except KeyError:
            err.print(f"no timeline {name!r} in the store", markup=False)
            unknown += 1
            continue
        except PersistenceError as exc:  # the store opened lazily and failed
            fail(f"cannot use the {describe(store)}: {exc}")
        report_snapshots(name, taken)
        if taken.base is not None:
            own = taken.steps - taken.fork_step
            out.print(f"{name}: a what-if branch of {taken.base!r} after step "
                      f"{taken.fork_step}, with no snapshots of its own: it is read from "
                      f"{taken.base!r}'s snapshots up to the fork, its {own} own "
                      f"statement{'s' if own != 1 else ''} folded on; `accord store snapshot "
                      f"{taken.base}` stores those {taken.base!r} lacks", markup=False)
        elif taken.steps == 0:
            out.print(f"{name}: no statements, nothing to snapshot", markup=False)
        elif not taken.written:
            out.print(f"{name}: its snapshots are all stored", markup=False)
    if unknown:
        raise typer.Exit(1)


@store_app.command("list")
def store_list(store: StoreOpt = None) -> None:
    """The timelines the store holds."""
    from rich.tree import Tree

    from domain.stores import describe

    app_ = open_store(store)
    entries = app_.timelines()
    tree = Tree(f"{describe(store)}: {len(entries)} timeline(s)")
    nodes: dict[str, Any] = {}
    for entry, steps in entries:
        label = f"{entry.name} — {entry.title} ({steps} events"
        label += f", forks at step {entry.fork_step})" if entry.base else ")"
        parent = nodes.get(entry.base or "", tree)
        nodes[entry.name] = parent.add(label)
    out.print(tree)


from tui import cli_bench, cli_tui, cli_whatif  # noqa: E402  (they register on `app`)

for _module in (cli_whatif, cli_tui, cli_bench):
    _module.register(app)


def main() -> None:
    """Entry point of the `accord` console script."""
    try:
        app()
    except InputError as exc:  # a last guard: bad input never shows a traceback
        err.print(str(exc), markup=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
