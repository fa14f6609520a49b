"""Whether a panel's size follows its content (then an update must lay the screen out)."""

from __future__ import annotations

from textual.widget import Widget


def sized_by_content(widget: Widget) -> bool:
    """True when the widget's width or height is `auto`: new content may resize it, so an
    update needs a layout of the screen. A panel sized by the layout (`1fr`, a fixed
    size) skips it: a layout of the main screen is ~10 ms of each step's repaint."""
    styles = widget.styles
    return any(rule is None or rule.is_auto for rule in (styles.width, styles.height))
