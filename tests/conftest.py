"""Shared fixtures: the project root, the shipped graph (loaded once), small fixture files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

import sovgraph

ROOT = Path(__file__).resolve().parents[1]

# Commands run by the tests keep their on-disk store in a temporary folder, never in the user's cache.
os.environ.setdefault("SOVGRAPH_CACHE_DIR", tempfile.mkdtemp(prefix="sovgraph-test-cache-"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def kg() -> sovgraph.KnowledgeGraph:
    """The shipped ontology and curated data (do not modify it in tests)."""
    return sovgraph.load(ROOT)


@pytest.fixture(scope="session")
def report(kg: sovgraph.KnowledgeGraph) -> sovgraph.validate.Report:
    return kg.validate()
