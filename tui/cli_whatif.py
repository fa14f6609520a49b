"""The `accord` command(s) for whatif (registered on the main Typer app)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to `app` (filled in by the whatif work)."""
