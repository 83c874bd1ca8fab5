"""Where the ontology, shapes, data and queries of a sovgraph project are: decided here and nowhere else.

A project is a folder holding ``ontology/`` (the model; ``ontology/shapes/`` holds the SHACL shapes),
``data/`` (curated facts) and ``queries/`` (the library, ``rules/``, ``views/`` and ``checks/``). It is found,
in order: from the ``root`` argument, from the ``SOVGRAPH_ROOT`` environment variable, by walking up from the
current folder, beside the package (a repository checkout, or an editable install), and finally the copy
installed with the package (``sovgraph/_data/``, read through :mod:`importlib.resources`; see ``setup.py``).
The installed copy is what a ``pip install``-ed sovgraph answers from when no project is nearer.

How a loaded file is named is decided here too: its **label** (:func:`label`, the path relative to the
project root, or ``external/<file name>`` for a file outside it) and its named graph (:func:`graph_iri`).
Two different files may not share a label (:func:`labels` refuses them), so no file silently replaces
another in the store.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from sovgraph.errors import InputError, MissingInputError
from sovgraph.namespaces import GRAPH

MARKER = Path("ontology") / "sovgraph.ttl"
EXTERNAL = "external/"
"""The label prefix of a file outside the project (``external/notes.ttl``)."""

# Files in data folders that are documentation, not data.
IGNORED_SUFFIXES = {".md", ".txt~"}


class Project(NamedTuple):
    """The folders of one sovgraph project (a record: immutable, equal by its root)."""

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
    installed = packaged_root()
    if installed is not None:
        return Project(installed)
    raise MissingInputError(
        here,
        f"no sovgraph project here: no {MARKER.as_posix()} in this folder or above it, and none installed "
        "with the package; run from a checkout, pass --root, or set SOVGRAPH_ROOT",
    )


def packaged_root() -> Path | None:
    """The project installed with the package (``sovgraph/_data/``, put there by the wheel's build step),
    or ``None`` in a checkout or when the package was installed without it.

    Only a package installed as files counts: the store reads files by path.
    """
    from importlib.resources import files

    folder = files("sovgraph").joinpath("_data")
    if isinstance(folder, Path) and (folder / MARKER).is_file():
        return folder.resolve()
    return None


def data_version(project: Project) -> str:
    """What the graph of a project is: the ontology's ``owl:versionInfo`` and a short hash of the content
    of its ontology and data files (the same files give the same hash, wherever they are).

    >>> data_version(find_project())  # doctest: +ELLIPSIS
    'ontology 0.2.0, data ...'
    """
    import hashlib

    import pyoxigraph

    version = "unversioned"
    owl = "http://www.w3.org/2002/07/owl#"
    marker = project.root / MARKER
    try:
        quads = pyoxigraph.parse(path=str(marker), format=pyoxigraph.RdfFormat.TURTLE)
        found = sorted(
            q.object.value for q in quads if q.predicate == pyoxigraph.NamedNode(owl + "versionInfo")
        )
        version = found[0] if found else version
    except (OSError, SyntaxError):
        version = "unreadable"
    h = hashlib.sha256()
    for path in [*project.ontology_files(), *project.data_files()]:
        h.update(project.label(path).encode("utf-8") + b"\0")
        h.update(path.read_bytes())
    return f"ontology {version}, data {h.hexdigest()[:12]}"


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
    found: list[tuple[str, ...]] = []  # the parts below ``folder``: sorted as the paths would be

    def walk(where: str, parts: tuple[str, ...]) -> None:
        try:
            entries = list(os.scandir(where))
        except OSError:
            return  # a folder that cannot be listed holds nothing readable (as Path.rglob has it)
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden, with everything below it
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()
            except OSError:
                continue
            if is_dir:
                walk(entry.path, (*parts, entry.name))
            elif is_file and os.path.splitext(entry.name)[1].lower() not in IGNORED_SUFFIXES:
                found.append((*parts, entry.name))

    walk(os.fspath(folder), ())
    return [folder.joinpath(*parts) for parts in sorted(found)]


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
    owner: dict[str, tuple[Path, str]] = {}
    base = os.path.join(os.path.realpath(root), "")
    folders: dict[str, str] = {}  # each folder resolved once
    for path in paths:
        # what label() does: the real path relative to the real root (a file that is not a link resolves
        # to its real folder and its own name)
        if ".." in Path(path).parts:  # a link before "..": only a full resolution is right
            real = os.path.realpath(path)
        else:
            where, name_in = os.path.split(os.path.abspath(path))
            if where not in folders:
                folders[where] = os.path.realpath(where)
            real = os.path.join(folders[where], name_in)
            if os.path.islink(real):
                real = os.path.realpath(real)
        name = Path(real[len(base) :]).as_posix() if real.startswith(base) else EXTERNAL + path.name
        first, first_real = owner.setdefault(name, (path, real))
        if first_real != real:
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


def describe_version(code: str, root: Path | str | None = None) -> str:
    """What ``sovgraph --version`` prints: the code's version, then the graph's (:func:`data_version`)
    and where that graph was found.

    >>> describe_version("0.1.0").startswith("sovgraph 0.1.0\\ngraph: ontology ")
    True
    """
    try:
        project = find_project(root)
    except InputError as exc:
        return f"sovgraph {code}\ngraph: none found ({exc})"
    installed = project.root == packaged_root()
    where = "installed with the package" if installed else str(project.root)
    return f"sovgraph {code}\ngraph: {data_version(project)} ({where})"
