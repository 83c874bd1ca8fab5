"""Charts for notebooks and reports (matplotlib, an optional dependency: ``pip install sovgraph[notebooks]``).

Each function takes a query result or plain numbers and returns a matplotlib ``Figure``; nothing is shown or
written unless the caller does it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sovgraph.errors import SovgraphError

if TYPE_CHECKING:
    from sovgraph.sparql.results import Result


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt  # the backend is the caller's: inline in a notebook, Agg headless
    except ImportError:
        raise SovgraphError("charts need matplotlib: pip install 'sovgraph[notebooks]'.") from None
    return plt


def _year_fraction(text: str) -> float | None:
    """A date as a decimal year (partial dates at the middle of their period), or None if not a date."""
    import datetime as dt

    parts = text.split("-")
    try:
        if len(parts) == 1:
            return int(parts[0]) + 0.5
        if len(parts) == 2:
            return int(parts[0]) + (int(parts[1]) - 0.5) / 12
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day.year + (day.timetuple().tm_yday - 0.5) / 365.25


def timeline(
    result: Result,
    *,
    date: str = "date",
    label: str = "decision",
    group: str = "kind",
    title: str = "",
    since: int | None = None,
) -> Any:
    """One row per group (e.g. kind of decision), one point per dated row, labelled; returns the Figure.

    ``since`` (a year) leaves out what is dated before it. Labels of close points are staggered.
    """
    plt = _pyplot()
    points: dict[str, list[tuple[float, str]]] = {}
    for row in result.rows:
        when, what, kind = row.get(date), row.get(label), row.get(group)
        year = _year_fraction(when.value) if when is not None else None
        if year is None or what is None or (since is not None and year < since):
            continue
        points.setdefault(kind.text() if kind is not None else "?", []).append((year, what.text()))
    groups = sorted(points)
    fig, ax = plt.subplots(figsize=(12, 1.5 + 0.9 * max(1, len(groups))), layout="constrained")
    for y, name in enumerate(groups):
        xs = [x for x, _ in points[name]]
        ax.scatter(xs, [y] * len(xs), s=36, zorder=3)
        for n, (x, text) in enumerate(sorted(points[name])):
            offset = (6, 16, -12)[n % 3]
            ax.annotate(
                text[:48], (x, y), xytext=(3, offset), textcoords="offset points", fontsize=7, rotation=12
            )
    ax.set_yticks(range(len(groups)), labels=groups)
    ax.set_ylim(-0.6, len(groups) - 0.2)
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("year")
    if title:
        ax.set_title(title)
    return fig


def shares(values: Mapping[str, float], *, title: str = "", xlabel: str = "share") -> Any:
    """A horizontal bar chart of shares (e.g. platforms per provider), largest first; returns the Figure."""
    plt = _pyplot()
    items = sorted(values.items(), key=lambda kv: (kv[1], kv[0]))
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.4 * max(1, len(items))))
    ax.barh([k for k, _ in items], [v for _, v in items])
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def concentration(result: Any, *, title: str = "") -> Any:
    """A share chart of a :func:`sovgraph.network.analysis.concentration` result (percent of all hosted)."""
    values = {share.label: round(100 * share.share, 1) for share in result.shares}
    heading = (
        title or f"Hosted platforms and data by {result.by}, as of {result.as_of} ({result.total} in all)"
    )
    return shares(values, title=heading, xlabel="% of hosted platforms and data")
