"""Where the ontology, shapes, data and queries of a sovgraph project are: decided here and nowhere else.

A project is a folder holding ``ontology/`` (the model; ``ontology/shapes/`` holds the SHACL shapes),
``data/`` (curated facts) and ``queries/`` (the library, ``rules/``, ``views/`` and ``checks/``). It is found,
in order: from the ``root`` argument, from the ``SOVGRAPH_ROOT`` environment variable, by walking up from the
current folder, and finally beside the installed package (the repository checkout).

How a loaded file is named is decided here too: its **label** (:func:`label`, the path relative to the
project root, or ``external/<file name>`` for a file outside it) and its named graph (:func:`graph_iri`).
Two different files may not share a label (:func:`labels` refuses them), so no file silently replaces
another in the store.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sovgraph.errors import InputError, MissingInputError
from sovgraph.namespaces import GRAPH

MARKER = Path("ontology") / "sovgraph.ttl"
EXTERNAL = "external/"
"""The label prefix of a file outside the project (``external/notes.ttl``)."""

# Files in data folders that are documentation, not data.
IGNORED_SUFFIXES = {".md", ".txt~"}


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

    @property
    def enriched_dir(self) -> Path:
        """Where enrichments from outside sources are written by default (outside ``data/``)."""
        return self.root / "data-enriched"

    @property
    def rules_dir(self) -> Path:
        return self.queries_dir / "rules"

    @property
    def views_dir(self) -> Path:
        return self.queries_dir / "views"

    def ontology_files(self) -> list[Path]:
        """The RDF files of the model (``ontology/`` without its ``shapes/`` folder)."""
        return [p for p in rdf_files(self.ontology_dir) if self.shapes_dir not in p.parents]

    def data_files(self) -> list[Path]:
        """The curated data files (every RDF file below ``data/``)."""
        return rdf_files(self.data_dir)

    def shape_files(self) -> list[Path]:
        """The SHACL shape files."""
        return rdf_files(self.shapes_dir)

    def label(self, path: Path) -> str:
        """How a file of (or outside) this project is named in messages and graphs (see :func:`label`)."""
        return label(path, self.root)


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


def rdf_files(folder: Path) -> list[Path]:
    """Every data file below ``folder``, sorted; documentation (``*.md``) and hidden files are skipped.

    Any other file must be RDF by its extension: a stray file is reported (when it is read), not silently
    ignored.
    """
    if not folder.is_dir():
        raise MissingInputError(folder, "it is not a folder")
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() in IGNORED_SUFFIXES:
            continue
        found.append(path)
    return found


def label(path: Path, root: Path | None) -> str:
    """A file's name in messages and graphs: its path relative to ``root`` (POSIX form), else
    ``external/<file name>``; without a root, the path as given.

    >>> label(Path("/srv/project/data/hosting.ttl"), Path("/srv/project"))
    'data/hosting.ttl'
    >>> label(Path("/tmp/notes.ttl"), Path("/srv/project"))
    'external/notes.ttl'
    """
    if root is None:
        return str(path)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return EXTERNAL + path.name


def labels(paths: Iterable[Path], root: Path) -> list[tuple[Path, str]]:
    """Each file with its label (:func:`label`), in order; two different files with one label are refused.

    The same file given twice keeps one label (the later load replaces the earlier). Two files outside the
    project with the same name (``a/x.ttl`` and ``b/x.ttl``) would be one named graph, the second silently
    replacing the first: that raises :class:`~sovgraph.errors.InputError` instead.
    """
    found: list[tuple[Path, str]] = []
    owner: dict[str, Path] = {}
    for path in paths:
        name = label(path, root)
        first = owner.setdefault(name, path)
        if first.resolve() != path.resolve():
            raise InputError(
                f"{first} and {path}: both would be loaded as {name} (files outside the project are named "
                "by their file name), and the second would replace the first. Rename one of them, or copy "
                "them into the project's data/ folder. Nothing was loaded."
            )
        found.append((path, name))
    return found


def graph_iri(label: str) -> str:
    """The named-graph IRI of a file, from its label (:func:`label`).

    >>> graph_iri("data/hosting.ttl")
    'https://w3id.org/sovgraph/graph/data/hosting.ttl'
    """
    return GRAPH + quote(label, safe="/._-")
