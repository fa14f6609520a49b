"""`accord tui FILE [OVERLAY…]`: open the terminal UI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the `tui` command to `app`."""

    @app.command()
    def tui(
        file: Annotated[Path, typer.Argument(
            help="A scenario or overlay file (YAML), or with --store a stored timeline.")],
        overlays: Annotated[list[Path] | None, typer.Argument(
            help="Overlay files to switch to and compare against.")] = None,
        store: Annotated[str, typer.Option(
            "--store", help="The event store the file is recorded into and read back from: "
            "memory (the default), sqlite:///file.db, a file path, or postgresql://…; "
            "with a store, FILE may also name a stored timeline.")] = "memory",
    ) -> None:
        """The terminal UI: step through the negotiation, ask what-ifs, compare them."""
        from tui.app import AccordApp

        AccordApp(file, overlays or [], store=store).run()
