"""Fixtures of the hostile suite: one copy of the project and one scratch folder for the whole session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hostile_setup import copy_project, scratch


@pytest.fixture(scope="session")
def hostile_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's inputs that probes may try to overwrite."""
    return copy_project(tmp_path_factory.mktemp("hostile-project"))


@pytest.fixture(scope="session")
def hostile_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scratch folder of awkward files (FIFO, link, folder, Latin-1 and deep queries)."""
    return scratch(tmp_path_factory.mktemp("hostile-scratch") / "work")
