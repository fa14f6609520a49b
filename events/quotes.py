"""Checking that each quote stands verbatim in its source's text.

Typographic quotes and runs of whitespace are normalised on both sides; `...` (or `…`) in a
quote marks an omission: the fragments between must appear in the text, in order.
"""

from __future__ import annotations

import re

_TYPOGRAPHIC = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                              "‘": "'", "’": "'", "‚": "'", "\u00a0": " "})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Plain quotes, `…` as `...`, single spaces."""
    return _SPACE.sub(" ", text.translate(_TYPOGRAPHIC).replace("…", "...")).strip()


def missing_fragment(quote: str, text: str) -> str | None:
    """The first fragment of `quote` not found (in order) in `text`, or None if all are."""
    haystack = normalise(text)
    position = 0
    for fragment in normalise(quote).split("..."):
        fragment = fragment.strip()
        if not fragment:
            continue
        found = haystack.find(fragment, position)
        if found < 0:
            return fragment
        position = found + len(fragment)
    return None
