"""Regression: a post known only from the day it was observed is not held for ever.

The overlapping-post-holders check once read a post with no start and no end as held at all times, so two
chief executives seen in post on different days (DINUM, Delos Cloud) were reported as overlapping.
"""

from __future__ import annotations

from pathlib import Path

import sovgraph

CHECK = "checks/overlapping-post-holders-violation"


def _findings(root: Path, fixtures: Path, name: str) -> list[tuple[str, str]]:
    files = [
        *sorted((root / "ontology").glob("*.ttl")),
        fixtures / "queries" / "world.ttl",
        fixtures / "regressions" / name,
    ]
    rows = sovgraph.load(root, files=files).run(CHECK).rows
    return sorted((str(r["first"].term.value), str(r["second"].term.value)) for r in rows)


def test_posts_observed_on_different_days_do_not_overlap(root: Path, fixtures: Path) -> None:
    assert _findings(root, fixtures, "observed-posts-apart.ttl") == []


def test_a_post_observed_within_another_holders_known_period_is_reported(root: Path, fixtures: Path) -> None:
    # the positive control: the same check does fire on observed posts when the overlap is certain
    sg = "https://w3id.org/sovgraph/id/"
    assert _findings(root, fixtures, "observed-post-within-known.ttl") == [
        (sg + "post-alice-cloudco", sg + "post-erin-cloudco")
    ]
