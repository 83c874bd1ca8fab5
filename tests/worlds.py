"""The invented world the library's golden rows are written over: its files, for tests that load it with
more (the ``world`` fixture of ``conftest.py`` loads it alone). Imported by name (``from worlds import
world_files``), since ``conftest`` names more than one module in this tree."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def world_files(*extra: Path) -> list[Path]:
    """The ontology files, the invented world of ``tests/fixtures/queries/world.ttl``, then ``extra``."""
    return [*sorted((ROOT / "ontology").glob("*.ttl")), FIXTURES / "queries" / "world.ttl", *extra]
