"""The persistent store: an on-disk pyoxigraph store kept in step with the project's files, by content.

A second call neither re-parses nor re-derives unchanged files: each file's SHA-256 is kept in a manifest
beside the store, a changed file reloads only its own named graph, a removed file's graph is dropped, and
the derived graph is recomputed only when a file or a rule changed (the cache is handed the derivation, a
:class:`Derivation`: it does not know the rules). Validation reports are kept by the
same content keys (see :func:`report_key`).

Safety: files are all parsed before the store changes (as in :mod:`sovgraph.store.ingest`); a marker file is
written before the store changes and removed once the manifest is written, so an interrupted update is
detected and the cache rebuilt from scratch next time. A lock file guards the store: readers share it
(the store is then opened read-only, so several processes read at once), an update takes it alone; when
the lock cannot be had, :class:`CacheBusy` is raised and callers fall back to an in-memory load. The lock
is held for as long as the returned :class:`CacheState` lives.

The cache lives in ``$SOVGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/sovgraph``, else ``~/.cache/sovgraph``,
in one folder per project (named by a hash of the project's path).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sovgraph.errors import CacheBusy
from sovgraph.files import write_atomic
from sovgraph.project import graph_iri
from sovgraph.project import labels as project_labels
from sovgraph.store.ingest import LoadedFile, fill_store, read_files

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.project import Project

FORMAT = 1  # bump when the manifest or the store layout changes: older caches are rebuilt
IN_MEMORY_QUADS = 200_000  # a cached store up to this size is copied into memory: queries there are faster
MANIFEST = "manifest.json"
DIRTY = "updating"


@dataclass(frozen=True)
class CacheState:
    """What opening the cache did (and the lock that keeps the store safe while it is in use)."""

    folder: Path
    lock: Any = field(default=None, repr=False, compare=False)
    reused: tuple[str, ...] = ()
    reloaded: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    derived: bool = False
    rebuilt: bool = False

    def released(self) -> CacheState:
        """The same state without the lock (once the on-disk store is no longer used)."""
        from dataclasses import replace

        if self.lock is not None:
            self.lock.close()
        return replace(self, lock=None)

    def recall(self, kind: str, key: str) -> str | None:
        """A text kept beside the store under ``kind`` for the content key ``key`` (see :meth:`keep`)."""
        kept = self.folder / f"{kind}-{key[:32]}.json"
        return kept.read_text(encoding="utf-8") if kept.is_file() else None

    def keep(self, kind: str, key: str, text: str) -> None:
        """Keep ``text`` beside the store under ``kind`` for ``key``, replacing older keys' texts."""
        for old in self.folder.glob(f"{kind}-*.json"):
            old.unlink(missing_ok=True)
        write_atomic(self.folder / f"{kind}-{key[:32]}.json", text.encode("utf-8"))

    def summary(self) -> str:
        parts = [f"{len(self.reused)} file(s) reused", f"{len(self.reloaded)} (re)loaded"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.derived:
            parts.append("derived graph recomputed")
        if self.rebuilt:
            parts.append("cache rebuilt")
        return f"cache {self.folder}: " + ", ".join(parts)


@dataclass
class _Manifest:
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    derived: str | None = None

    @classmethod
    def read(cls, folder: Path) -> _Manifest | None:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        return cls(files=dict(data.get("files", {})), derived=data.get("derived"))

    def write(self, folder: Path) -> None:
        data = {"format": FORMAT, "files": self.files, "derived": self.derived}
        write_atomic(folder / MANIFEST, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))


def default_folder(project: Project) -> Path:
    """The cache folder of a project (see the module documentation)."""
    base = os.environ.get("SOVGRAPH_CACHE_DIR")
    if base:
        root = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = (Path(xdg) if xdg else Path.home() / ".cache") / "sovgraph"
    digest = hashlib.sha256(str(project.root.resolve()).encode("utf-8")).hexdigest()[:16]
    return root / f"{project.root.name}-{digest}"


def digest(path: Path) -> str:
    """The SHA-256 of a file's content (a missing file is reported by the loader, not here)."""
    h = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return "missing"
    return h.hexdigest()


def report_key(parts: Iterable[str]) -> str:
    """A content key over digests (files, rules, shapes): equal keys mean equal inputs."""
    return hashlib.sha256("\n".join(sorted(parts)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Derivation:
    """How the derived graph is made, handed to the cache by its caller (the cache knows no rules).

    ``inputs`` are the files the derivation reads besides the graph (the rule files): when one of them or a
    loaded file changes, ``apply`` runs again on the store.
    """

    inputs: Sequence[Path]
    apply: Callable[[pyoxigraph.Store], object]


def open_cached(
    project: Project, paths: Sequence[Path], folder: Path, *, derive: Derivation | None = None
) -> tuple[pyoxigraph.Store, list[LoadedFile], CacheState]:
    """The on-disk store of ``folder`` brought up to date with ``paths`` (and derived by ``derive``)."""
    import pyoxigraph

    labels = dict(project_labels(paths, project.root))
    digests = {labels[p]: digest(p) for p in paths}
    derived_key = report_key([*digests.values(), *(digest(r) for r in derive.inputs)]) if derive else None

    manifest = _Manifest.read(folder)
    rebuilt = manifest is None or (folder / DIRTY).exists()
    if rebuilt:
        manifest = _Manifest()
    assert manifest is not None
    changed = [p for p in paths if manifest.files.get(labels[p], {}).get("sha256") != digests[labels[p]]]
    removed = sorted(set(manifest.files) - set(digests))
    stale_derived = derive and manifest.derived != derived_key

    folder.mkdir(parents=True, exist_ok=True)
    if not (rebuilt or changed or removed or stale_derived):
        lock = _lock(folder, exclusive=False)
        store = _open(folder, read_only=True)
        files = [_loaded(p, labels[p], manifest.files[labels[p]]) for p in paths]
        return store, files, CacheState(folder, lock, reused=tuple(labels[p] for p in paths))

    parsed = read_files(changed, project.root)  # every changed file parses before the store changes
    lock = _lock(folder, exclusive=True)
    if rebuilt and (folder / "store").exists():
        shutil.rmtree(folder / "store")
    store = _open(folder, read_only=False)
    (folder / DIRTY).write_text(
        "an update of this cache did not finish; it will be rebuilt\n", encoding="utf-8"
    )
    for info in fill_store(store, parsed):
        manifest.files[info.label] = {
            "sha256": digests[info.label],
            "graph": info.graph,
            "triples": info.triples,
        }
    for label in removed:
        graph = pyoxigraph.NamedNode(manifest.files.pop(label)["graph"])
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
    if stale_derived or changed or removed:
        if derive:
            derive.apply(store)
        manifest.derived = derived_key
    store.flush()
    manifest.write(folder)
    (folder / DIRTY).unlink()
    _share(lock)
    files = [_loaded(p, labels[p], manifest.files[labels[p]]) for p in paths]
    return (
        store,
        files,
        CacheState(
            folder,
            lock,
            reused=tuple(labels[p] for p in paths if p not in changed),
            reloaded=tuple(labels[p] for p in changed),
            removed=tuple(removed),
            derived=bool(derive and (stale_derived or changed or removed)),
            rebuilt=rebuilt,
        ),
    )


def in_memory(store: pyoxigraph.Store) -> pyoxigraph.Store:
    """A copy of a (small) on-disk store in memory, where queries run several times faster."""
    import pyoxigraph

    copy = pyoxigraph.Store()
    copy.bulk_extend(store)
    return copy


def _lock(folder: Path, *, exclusive: bool) -> Any:
    """Take the cache's lock (shared to read, exclusive to update) without waiting, or raise CacheBusy."""
    import fcntl

    handle = (folder / "lock").open("a+")
    try:
        fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise CacheBusy(
            f"{folder}: another sovgraph process is {'using' if exclusive else 'updating'} this cache. "
            "Loading in memory instead."
        ) from None
    return handle


def _share(handle: Any) -> None:
    """Turn an update's exclusive lock into a reader's shared one."""
    import fcntl

    fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)


def _open(folder: Path, *, read_only: bool) -> pyoxigraph.Store:
    import pyoxigraph

    location = str(folder / "store")
    try:
        return pyoxigraph.Store.read_only(location) if read_only else pyoxigraph.Store(location)
    except OSError as exc:
        raise CacheBusy(
            f"{folder}: the cache's store cannot be opened ({exc}); another sovgraph process may be "
            "updating it. Loading in memory instead."
        ) from None


def _loaded(path: Path, label: str, entry: dict[str, Any]) -> LoadedFile:
    return LoadedFile(path, label, str(entry.get("graph") or graph_iri(label)), int(entry.get("triples", 0)))
