"""Where the ontology, shapes, data and queries of a sovgraph project are: decided here and nowhere else.

A project is a folder holding ``ontology/`` (the model; ``ontology/shapes/`` holds the SHACL shapes),
``data/`` (curated facts) and ``queries/``. It is found, in order: from the ``root`` argument, from the
``SOVGRAPH_ROOT`` environment variable, by walking up from the current folder, and finally beside the
installed package (the repository checkout).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sovgraph.errors import MissingInputError
from sovgraph.store.ingest import rdf_files

MARKER = Path("ontology") / "sovgraph.ttl"


@dataclass(frozen=True)
class Project:
    """The folders of one sovgraph project."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "ontology" / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def ontology_files(self) -> list[Path]:
        """The RDF files of the model (``ontology/`` without its ``shapes/`` folder)."""
        return [p for p in rdf_files(self.ontology_dir) if self.shapes_dir not in p.parents]

    def data_files(self) -> list[Path]:
        """The curated data files (every RDF file below ``data/``)."""
        return rdf_files(self.data_dir)

    def shape_files(self) -> list[Path]:
        """The SHACL shape files."""
        return rdf_files(self.shapes_dir)


def find_project(root: Path | str | None = None) -> Project:
    """Locate the project folder (see the module documentation for the order of places tried)."""
    if root is not None:
        return _checked(Path(root), "given as the project root")
    env = os.environ.get("SOVGRAPH_ROOT")
    if env:
        return _checked(Path(env), "named by SOVGRAPH_ROOT")
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return Project(folder)
    beside_package = Path(__file__).resolve().parent.parent
    if (beside_package / MARKER).is_file():
        return Project(beside_package)
    raise MissingInputError(
        here,
        f"no sovgraph project here: no {MARKER.as_posix()} in this folder or above it; run from a "
        "checkout, pass --root, or set SOVGRAPH_ROOT",
    )


def _checked(folder: Path, how: str) -> Project:
    if not (folder / MARKER).is_file():
        raise MissingInputError(folder, f"{how}, but it holds no {MARKER.as_posix()}")
    return Project(folder.resolve())
