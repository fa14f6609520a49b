"""User keymaps: binding ids → keys, read from `$ACCORD_KEYMAP` or
`~/.config/accord/keys.toml`, applied with Textual's `App.set_keymap`.

The file holds one table::

    [keys]
    step_next = "j,down,l"
    quit = "ctrl+q"
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from pathlib import Path


class KeymapError(Exception):
    """A keymap file that cannot be used; the message names the file and the entry."""


def keymap_path() -> Path:
    """Where the keymap is read from."""
    env = os.environ.get("ACCORD_KEYMAP")
    return Path(env) if env else Path.home() / ".config" / "accord" / "keys.toml"


def load_keymap(path: Path, known_ids: Iterable[str]) -> dict[str, str]:
    """The keymap in `path` ({} when the file does not exist)."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise KeymapError(f"{path}: cannot read the keymap: {exc}") from None
    keys = data.get("keys")
    if not isinstance(keys, dict) or set(data) - {"keys"}:
        raise KeymapError(f"{path}: expected one table [keys] of binding_id = \"key,key\"")
    known = set(known_ids)
    keymap: dict[str, str] = {}
    for binding_id, value in keys.items():
        if binding_id not in known:
            raise KeymapError(f"{path}: keys.{binding_id}: unknown binding id; expected one "
                              f"of: {', '.join(sorted(known))}")
        if not isinstance(value, str) or not value.strip():
            raise KeymapError(f"{path}: keys.{binding_id}: expected a string of keys like "
                              f"\"j,down\"; got {value!r}")
        keymap[binding_id] = value
    return keymap
