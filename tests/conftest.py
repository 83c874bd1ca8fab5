"""Shared fixtures: the project root, the shipped graph (loaded once), small fixture files."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from worlds import world_files

import sovgraph

ROOT = Path(__file__).resolve().parents[1]

# Commands run by the tests keep their on-disk store in a temporary folder, never in the user's cache: one
# per process, so that the workers of a parallel run (pytest-xdist) never update each other's cache (they
# inherit the environment of the process that starts them).
os.environ["SOVGRAPH_CACHE_DIR"] = tempfile.mkdtemp(
    prefix=f"sovgraph-test-cache-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-"
)
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
def world() -> sovgraph.KnowledgeGraph:
    """The ontology and the small invented world every query has golden rows over, derived (do not modify
    it in tests). The one definition of the world: tests that need more load ``world_files(...)``."""
    return sovgraph.load(ROOT, files=world_files())


@pytest.fixture(scope="session")
def report(kg: sovgraph.KnowledgeGraph) -> sovgraph.validation.validate.Report:
    return kg.validate()


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's ontology, queries and data in a temporary folder, for tests that change
    files or fill a cache of their own."""
    copy = tmp_path / "project"
    for folder in ("ontology", "queries", "data"):
        shutil.copytree(ROOT / folder, copy / folder)
    return copy
