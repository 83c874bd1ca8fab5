"""Plain-text tables for the terminal: aligned columns, long cells wrapped to a width."""

from __future__ import annotations

from collections.abc import Sequence


def terminal_width(fallback: int = 120) -> int:
    """The width tables are laid out to: ``COLUMNS`` if set, else the terminal's, else ``fallback`` (what
    ``shutil.get_terminal_size`` gives, without importing shutil on every command's path)."""
    import os
    import sys

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else fallback


def render(headers: Sequence[str], rows: Sequence[Sequence[object]], max_width: int | None = None) -> str:
    """Render rows under headers; columns share the terminal width and long cells wrap."""
    import textwrap

    total = max_width or terminal_width()
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    natural = [
        max(len(line) for r in cells for line in (r[i].splitlines() or [""])) for i in range(len(headers))
    ]
    widths = _fit(natural, total - 3 * (len(headers) - 1))
    out = []
    for n, row in enumerate(cells):
        wrapped = [
            textwrap.wrap(c, w, break_long_words=True) or [""] for c, w in zip(row, widths, strict=True)
        ]
        for k in range(max(len(w) for w in wrapped)):
            parts = [
                (w[k] if k < len(w) else "").ljust(width) for w, width in zip(wrapped, widths, strict=True)
            ]
            out.append(" | ".join(parts).rstrip())
        if n == 0:
            out.append("-+-".join("-" * w for w in widths))
    return "\n".join(out)


def _fit(natural: list[int], budget: int) -> list[int]:
    """Shrink the widest columns first until the row fits the budget (each column keeps at least 8)."""
    widths = list(natural)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= 8:
            break
        widths[widest] -= 1
    return widths
