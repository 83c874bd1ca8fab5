"""The data-quality checks: the queries of ``queries/checks/``, each must return nothing on sound data.

:func:`run_checks` runs them all (what ``sovgraph check`` does); a check that takes ``as_of`` is given the
day asked for (one parser, :func:`sovgraph.sparql.params.day`, so a wrong day is refused even when no
check reads it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sovgraph.sparql.params import day

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph
    from sovgraph.sparql.results import Result

PREFIX = "checks/"


@dataclass(frozen=True)
class Outcome:
    """What one check found (no row: the check passes)."""

    name: str
    summary: str
    result: Result

    @property
    def passed(self) -> bool:
        return not self.result.rows


def run_checks(kg: KnowledgeGraph, *, as_of: object = None, lang: str = "en") -> list[Outcome]:
    """Run every check of the library, in name order; ``as_of`` (default today) goes to those that take it."""
    when = day(as_of)
    outcomes = []
    for name, spec in kg.library().items():
        if not name.startswith(PREFIX):
            continue
        params: dict[str, object] = {"as_of": when} if spec.param("as_of") is not None else {}
        outcomes.append(Outcome(name, spec.summary, kg.run(name, lang=lang, **params)))
    return outcomes
