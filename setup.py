"""One build step on top of pyproject.toml: the knowledge graph travels inside the wheel.

The repository keeps one copy of the ontology, the curated data and the query library, in its top-level
folders ``ontology/``, ``data/`` and ``queries/`` (where curators edit them). When a wheel is built, this
step copies those folders, whole and with every subfolder, into the package as ``sovgraph/_data/``, where
``sovgraph.project`` finds them through ``importlib.resources`` once the package is installed anywhere.
The sdist carries the top-level folders (``MANIFEST.in``), so a wheel built from it has them too. An
editable install needs no copy: the checkout beside the package is found first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
PACKAGED = ("ontology", "data", "queries")
"""The project's folders copied into the package, under ``sovgraph/_data/``."""


class BuildWithData(build_py):
    """``build_py``, then the project's folders copied into ``sovgraph/_data/`` of the build."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "sovgraph" / "_data"
        for name in PACKAGED:
            source = HERE / name
            if not source.is_dir():
                raise SystemExit(f"cannot build sovgraph: the folder {name}/ is missing beside setup.py")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".*", "__pycache__"))


setup(cmdclass={"build_py": BuildWithData})
