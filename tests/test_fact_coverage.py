"""The European map's fact bases are in the graph: most verified rows as triples, no lead as a fact.

The fact bases (``facts-fr.md``, ``facts-eu.md``, ``facts-ms.md``) live in ``shared/research/`` beside the
repository, or wherever ``SOVGRAPH_RESEARCH`` points. Each curated node that a row produced is preceded by a
comment naming the row (``# FR012``, ``# EU042; EU043``); these tests read those comments. If the fact bases
are missing the module is skipped, unless ``CI`` is set, where a missing folder is a failure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = Path(os.environ.get("SOVGRAPH_RESEARCH") or ROOT.parent / "shared" / "research")
BASES = {"FR": "facts-fr.md", "EU": "facts-eu.md", "MS": "facts-ms.md"}
ROW = re.compile(r"^\|\s*((?:FR|EU|MS)\d{3})\s*\|.*\|\s*([a-z-]+)\s*\|\s*$")
ROW_ID = re.compile(r"\b(?:FR|EU|MS)\d{3}\b")
# a parenthesis or clause that says the row was not turned into a node
NOT_RECORDED = re.compile(r"\([^)]*\b(?:not recorded|left out|note only|notes only)\b[^)]*\)")


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


if not RESEARCH.is_dir():
    if _on_ci():
        raise RuntimeError(f"the fact bases are missing: no folder {RESEARCH} (set SOVGRAPH_RESEARCH)")
    pytest.skip(f"no fact bases at {RESEARCH} (set SOVGRAPH_RESEARCH)", allow_module_level=True)


def rows(prefix: str) -> dict[str, str]:
    """Row id → confidence, for one fact base."""
    found = {}
    for line in (RESEARCH / BASES[prefix]).read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match and match.group(1).startswith(prefix):
            found[match.group(1)] = match.group(2)
    return found


def blocks() -> list[tuple[set[str], str]]:
    """(row ids named by the comments, the Turtle text) of every node block of the curated data."""
    found = []
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            comments = [line for line in block.splitlines() if line.lstrip().startswith("#")]
            body = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("#"))
            if not body.strip() or body.lstrip().startswith("@prefix"):
                continue
            ids = set(ROW_ID.findall(NOT_RECORDED.sub("", " ".join(comments))))
            found.append((ids, body))
    return found


@pytest.mark.parametrize("prefix", sorted(BASES))
def test_the_fact_base_is_read(prefix: str) -> None:
    # a guard for the tests below: the table format is understood (over a hundred rows each)
    table = rows(prefix)
    assert len(table) > 100, BASES[prefix]
    assert set(table.values()) <= {"verified-in-source", "believed-but-unverified"}, set(table.values())


@pytest.mark.parametrize("prefix", sorted(BASES))
def test_at_least_nine_in_ten_verified_rows_produced_a_node(prefix: str) -> None:
    verified = {k for k, v in rows(prefix).items() if v == "verified-in-source"}
    produced = set().union(*(ids for ids, _ in blocks()))
    missing = sorted(verified - produced)
    assert len(verified & produced) >= 0.9 * len(verified), missing


def leads_marked_verified(found: list[tuple[set[str], str]], leads: set[str]) -> list[list[str]]:
    """The row ids of node blocks produced by leads only and yet marked verified."""
    return [sorted(ids) for ids, body in found if ids and ids <= leads and "kind:verified-in-source" in body]


def test_the_lead_check_fires_on_a_lead_marked_verified() -> None:
    # positive control of the check below, on a made-up block
    block = ({"MS143"}, "sg:x a sov:Control ;\n    sov:confidence kind:verified-in-source .")
    assert leads_marked_verified([block], {"MS143"}) == [["MS143"]]
    assert leads_marked_verified([block], {"MS144"}) == []


@pytest.mark.parametrize("prefix", sorted(BASES))
def test_no_lead_is_recorded_as_verified(prefix: str) -> None:
    leads = {k for k, v in rows(prefix).items() if v == "believed-but-unverified"}
    assert leads, "each fact base has leads"
    assert leads_marked_verified(blocks(), leads) == []


def test_the_leads_recorded_are_marked_as_leads() -> None:
    # the member-state leads recorded as control links (MS140, MS143, MS144) are believed, not verified
    leads = {k for k, v in rows("MS").items() if v == "believed-but-unverified"}
    recorded = [body for ids, body in blocks() if ids and ids <= leads]
    assert recorded
    assert all("kind:believed-but-unverified" in body for body in recorded)
