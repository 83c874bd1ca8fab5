"""The persistent store: an on-disk pyoxigraph store kept in step with the project's files, by content.

A second call neither re-parses nor re-derives unchanged files: each file's SHA-256 is kept in a manifest
beside the store, a changed file reloads only its own named graph, a removed file's graph is dropped, and
the derived graph is recomputed only when a rule changed, or a file changed in a way the rules can see (the
cache is handed the derivation, a :class:`Derivation`: it does not know the rules, and asks it whether the
triples removed and added matter). The rules then run on an in-memory copy of the store and only the
derived triples that differ are written to disk (:func:`derive_into`); the in-memory store is handed to the
caller, which need not copy the store from disk again. Otherwise a store of at most :data:`IN_MEMORY_QUADS`
quads is copied into memory when first needed, from the files and the derived graph kept beside the store
(:func:`memory_copy`, each checked by its SHA-256), which is several times faster than reading the store
back. Validation reports are kept by the same content keys (see :func:`report_key`).

**Writes.** A text of at least :data:`~sovgraph.store.ingest.BULK_FROM` statements (a big file, the derived
graph of a build) goes in through the bulk loader; a small edit goes in as one transaction, which holds its
writes in memory until it commits. A change to files that held most of the triples builds the store again
(:func:`_mostly_replaced`): removing a graph is one transaction too.

Safety:

- **Only its own folder.** A cache folder carries a marker, ``CACHEDIR.TAG`` (the standard tag backup
  tools know, with a line naming sovgraph). sovgraph creates a cache only in a new or empty folder, and
  deletes only in a folder that carries its marker, and there only what it wrote (the store, the manifest,
  the lock, kept reports); any other folder is refused (:class:`CacheRefused`), as is a folder inside the
  project's ``data/``, ``ontology/`` or ``queries/``.
- **It verifies itself on open.** The manifest must have its exact schema and its own checksum, and every
  file of the store must have the SHA-256 recorded when the update that wrote it finished (the store is
  closed before they are taken; a reader opens it read-only, which changes nothing). A store file whose
  size, modification and change times, inode and device are still those recorded with its SHA-256 is not
  read again (a truncation, a rewrite or a replacement changes its change time, which no program can set
  back; RocksDB checks its own blocks' checksums as it reads them); any other is hashed. A cache that fails
  any of this — truncated, rewritten, zeroed or deleted store files, a malformed manifest, a lock that is
  not a file — is rebuilt from the project's files; if that fails too (:class:`CacheUnusable`), callers
  load in memory with one warning.
- **Interrupted updates** are detected: a marker file is written before the store changes and removed once
  the manifest is written, so the cache is rebuilt from scratch next time.
- **Concurrency.** A lock file guards the store: readers share it (the store is then opened read-only, so
  several processes read at once), an update takes it alone; when the lock cannot be had,
  :class:`CacheBusy` is raised and callers fall back to an in-memory load. The lock is held for as long as
  the returned :class:`CacheState` lives.

The cache lives in ``$SOVGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/sovgraph``, else ``~/.cache/sovgraph``,
in one folder per project (named by a hash of the project's path).

**Unchanged files are not read.** Like git's index, the manifest keeps, beside each input's SHA-256, the
file's size, modification and change times, inode and device as they were when it was hashed: a file
whose status is still exactly that, and that had not been modified for :data:`SETTLED_NS` when it was
hashed, is taken as unchanged without reading it (a file written again within the same tick of the
file system's clock would keep its times, hence the margin); any other file is hashed.

**Answers.** A cache also keeps the answers of library queries for the graph it holds
(:meth:`CacheState.answer`, :meth:`CacheState.keep_answer`, keyed by the caller; see
:mod:`sovgraph.sparql.answers`): a later identical call on an unchanged graph reads the answer instead of
opening the store. Each answer is checked against its own SHA-256 when read; at most
:data:`MAX_ANSWERS` are kept, the oldest removed first, and all go with any update of the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sovgraph.errors import CacheBusy, CacheRefused, CacheUnusable, SovgraphError
from sovgraph.files import write_atomic
from sovgraph.project import graph_iri
from sovgraph.project import labels as project_labels
from sovgraph.store.ingest import BOM, BULK_FROM, LoadedFile, check_input, fill_store, rdf_format, read_files

if TYPE_CHECKING:
    import pyoxigraph

    from sovgraph.project import Project

FORMAT = 4  # bump when the manifest or the store layout changes: older caches are rebuilt
IN_MEMORY_QUADS = 5_000_000
"""A cached store up to this size is copied into memory, where queries run about three times faster than on
disk (and give the answers a store loaded without the cache gives); a larger one is queried on disk."""
MANIFEST = "manifest.json"
DIRTY = "updating"
DERIVED_NT = "derived.nt"
"""The derived graph as the last update wrote it to the store, in N-Triples (its SHA-256 in the manifest): the
next update compares its new derived graph with it without reading the graph back from the store."""
TAG = "CACHEDIR.TAG"
TAG_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This folder is a cache of sovgraph (an on-disk store of a project's graph); it is rebuilt from the\n"
    "# project's files when removed. See https://bford.info/cachedir/ for this tag.\n"
)
ANSWERS = "answers"
MAX_ANSWERS = 256
"""The most answers a cache keeps (the oldest are removed first)."""
SETTLED_NS = 2_000_000_000
"""A file modified less than this (2 s) before it was hashed is hashed again on the next open."""
_OWN = (
    "store",
    MANIFEST,
    DIRTY,
    DERIVED_NT,
    "lock",
    ANSWERS,
    "validation",
)  # what sovgraph writes in its folder (and validation-*.json, reads-*.json)
_KEYS = frozenset({"format", "files", "derived", "derived_nt", "store", "store_stat", "seen", "checksum"})
_UNCHECKED = ("LOG", "LOCK")  # RocksDB's informational log and its lock change on every open
_SHA256 = frozenset("0123456789abcdef")


class CacheState(NamedTuple):
    """What opening the cache did (and the lock that keeps the store safe while it is in use)."""

    folder: Path
    lock: Any = None
    reused: tuple[str, ...] = ()
    reloaded: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    derived: bool = False
    rebuilt: bool = False
    repaired: str | None = None  # why a damaged cache was rebuilt
    derivation: str | None = None  # what became of the derived graph after a change, and why
    fingerprint: str | None = None  # the manifest's checksum: equal fingerprints, equal stores
    digests: tuple[tuple[str, str], ...] = ()  # each file's label and the SHA-256 the store holds it at

    def released(self) -> CacheState:
        """The same state without the lock (once the on-disk store is no longer used)."""
        if self.lock is not None:
            self.lock.close()
        return self._replace(lock=None)

    def holding(self, lock: Any) -> CacheState:
        """The same state, keeping ``lock`` (the store is read from disk for as long as it lives)."""
        return self._replace(lock=lock)

    def without_answers(self) -> CacheState:
        """The same state, keeping and reading no answer (the graph was loaded from the files instead)."""
        return self.released()._replace(fingerprint=None)

    def recall(self, kind: str, key: str) -> str | None:
        """A text kept beside the store under ``kind`` for the content key ``key`` (see :meth:`keep`)."""
        kept = self.folder / f"{kind}-{key[:32]}.json"
        try:
            return kept.read_text(encoding="utf-8") if kept.is_file() else None
        except (OSError, ValueError):
            return None

    def keep(self, kind: str, key: str, text: str) -> None:
        """Keep ``text`` beside the store under ``kind`` for ``key``, replacing older keys' texts (a cache
        that cannot be written keeps nothing: the text is computed again next time)."""
        try:
            for old in self.folder.glob(f"{kind}-*.json"):
                old.unlink(missing_ok=True)
            write_atomic(self.folder / f"{kind}-{key[:32]}.json", text.encode("utf-8"))
        except (OSError, SovgraphError):
            pass

    def answer(self, key: str) -> bytes | None:
        """The answer kept for ``key`` (see :meth:`keep_answer`), or ``None``; one that does not match its
        own checksum (damage) is removed and not returned."""
        kept = self.folder / ANSWERS / f"{key[:48]}.answer"
        try:
            with kept.open("rb") as handle:
                data = handle.read()
        except OSError:
            return None
        check, _, body = data.partition(b"\n")
        if check != hashlib.sha256(body).hexdigest().encode("ascii"):
            with contextlib.suppress(OSError):
                kept.unlink()
            return None
        return body

    def keep_answer(self, key: str, body: bytes) -> None:
        """Keep an answer for ``key`` (a caller's hash of everything the answer depends on, the cache's
        :attr:`fingerprint` included); the oldest are removed past :data:`MAX_ANSWERS`. A cache that cannot
        be written keeps nothing: the answer is computed again next time."""
        folder = self.folder / ANSWERS
        try:
            folder.mkdir(exist_ok=True)
            names = [n for n in os.listdir(folder) if n.endswith(".answer")]
            if len(names) >= MAX_ANSWERS:  # only then are their ages read, the oldest removed
                kept = sorted((folder / n for n in names), key=lambda p: p.stat().st_mtime_ns)
                for old in kept[: len(kept) - MAX_ANSWERS + 1]:
                    old.unlink(missing_ok=True)
            check = hashlib.sha256(body).hexdigest().encode("ascii")
            write_atomic(folder / f"{key[:48]}.answer", check + b"\n" + body)
        except (OSError, SovgraphError):
            pass

    def summary(self) -> str:
        parts = [f"{len(self.reused)} file(s) reused", f"{len(self.reloaded)} (re)loaded"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.derivation:
            parts.append(self.derivation)
        elif self.derived:
            parts.append("derived graph recomputed")
        if self.rebuilt:
            parts.append("cache rebuilt")
        if self.repaired:
            parts.append(f"repaired ({self.repaired})")
        return f"cache {self.folder}: " + ", ".join(parts)


class _Manifest:
    """The cache's record of what its store holds (``manifest.json``), with its own checksum."""

    __slots__ = ("checksum", "derived", "derived_nt", "files", "seen", "store", "store_stat")

    def __init__(
        self,
        files: dict[str, dict[str, Any]] | None = None,
        derived: str | None = None,
        store: dict[str, str] | None = None,
        store_stat: dict[str, list[int]] | None = None,
        seen: dict[str, dict[str, Any]] | None = None,
        checksum: str | None = None,
        derived_nt: str | None = None,
    ) -> None:
        self.files = files if files is not None else {}  # label -> sha256, graph, triples
        self.derived = derived
        self.store = store if store is not None else {}  # store file name -> SHA-256
        self.store_stat = store_stat if store_stat is not None else {}  # store file name -> its status then
        self.seen = seen if seen is not None else {}  # input path -> sha256, stat, at
        self.checksum = checksum
        self.derived_nt = derived_nt  # SHA-256 of DERIVED_NT, when it holds the store's derived graph

    @classmethod
    def read(cls, folder: Path) -> _Manifest | None:
        """The manifest, or ``None`` if it is missing, of another format, malformed, or not the one
        written (its checksum)."""
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        if set(data) != {
            "format",
            "files",
            "derived",
            "derived_nt",
            "store",
            "store_stat",
            "seen",
            "checksum",
        }:
            return None
        body = {k: v for k, v in data.items() if k != "checksum"}
        if data["checksum"] != _checksum(body):
            return None
        files, derived, store = data["files"], data["derived"], data["store"]
        store_stat, seen = data["store_stat"], data["seen"]
        if not isinstance(files, dict) or not isinstance(store, dict) or not store:
            return None
        if derived is not None and not _is_sha256(derived):
            return None
        if data["derived_nt"] is not None and not _is_sha256(data["derived_nt"]):
            return None
        for entry in files.values():
            if not (
                isinstance(entry, dict)
                and set(entry) == {"sha256", "graph", "triples"}
                and _is_sha256(entry["sha256"])
                and isinstance(entry["graph"], str)
                and isinstance(entry["triples"], int)
            ):
                return None
        if not all(isinstance(k, str) and "/" not in k and _is_sha256(v) for k, v in store.items()):
            return None
        if not (isinstance(store_stat, dict) and all(_is_stat(v) for v in store_stat.values())):
            return None
        if not isinstance(seen, dict):
            return None
        for entry in seen.values():
            if not (
                isinstance(entry, dict)
                and set(entry) == {"sha256", "stat", "at"}
                and _is_sha256(entry["sha256"])
                and _is_stat(entry["stat"])
                and isinstance(entry["at"], int)
            ):
                return None
        return cls(
            files=dict(files),
            derived=derived,
            store=dict(store),
            store_stat=dict(store_stat),
            seen=dict(seen),
            checksum=data["checksum"],
            derived_nt=data["derived_nt"],
        )

    def body(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "files": self.files,
            "derived": self.derived,
            "derived_nt": self.derived_nt,
            "store": self.store,
            "store_stat": self.store_stat,
            "seen": self.seen,
        }

    def write(self, folder: Path) -> None:
        body = self.body()
        self.checksum = _checksum(body)
        data = {**body, "checksum": self.checksum}
        write_atomic(folder / MANIFEST, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))


def _checksum(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _SHA256


def _is_stat(value: object) -> bool:
    return isinstance(value, list) and len(value) == 5 and all(isinstance(v, int) for v in value)


def file_status(path: Path) -> list[int] | None:
    """What tells a file's content changed without reading it: size, modification and change times (in
    nanoseconds), inode and device; ``None`` when the file cannot be examined."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


class Seen(NamedTuple):
    """An input's SHA-256 with the status its file had when hashed, and when that was (ns since 1970)."""

    sha256: str
    stat: list[int] | None
    at: int

    def entry(self) -> dict[str, Any] | None:
        return {"sha256": self.sha256, "stat": self.stat, "at": self.at} if self.stat is not None else None


def digests(paths: Iterable[Path], seen: dict[str, dict[str, Any]]) -> dict[Path, Seen]:
    """The SHA-256 of each file, read only when its status differs from the one recorded in ``seen`` (the
    manifest's) or when it had been modified less than :data:`SETTLED_NS` before it was hashed."""
    found = {}
    for path in paths:
        key = os.path.abspath(path)
        now = time.time_ns()
        stat = file_status(path)
        was = seen.get(key)
        if was is not None and _settled(Seen(was["sha256"], was["stat"], was["at"]), stat):
            found[path] = Seen(was["sha256"], stat, was["at"])
        else:
            found[path] = Seen(digest(path), stat, now)
    return found


def _settled(seen: Seen, stat: list[int] | None) -> bool:
    """Whether a file whose status is now ``stat`` still has the content ``seen`` hashed: the same status,
    and not modified within :data:`SETTLED_NS` before it was hashed."""
    return (
        stat is not None
        and seen.stat == stat
        and stat[1] <= seen.at - SETTLED_NS
        and stat[2] <= seen.at - SETTLED_NS
    )


def _seen_entries(seen: dict[Path, Seen]) -> dict[str, dict[str, Any]]:
    return {os.path.abspath(p): e for p, s in seen.items() if (e := s.entry()) is not None}


def store_digests(
    location: Path,
    known: Mapping[str, str] | None = None,
    status: Mapping[str, list[int] | None] | None = None,
) -> dict[str, str]:
    """The SHA-256 of every file of an on-disk store (RocksDB's informational log and lock excepted). A file
    whose status (:func:`file_status`) is still the one ``status`` records is not read: its digest is the one
    ``known`` records (as the manifest's check on open trusts it; RocksDB writes a new file rather than
    rewrite one, so an update leaves most of them as they were)."""
    known, status = known or {}, status or {}
    found = {}
    for path in _store_files(location):
        name = path.name
        was, now = status.get(name), file_status(path) if name in known else None
        found[name] = known[name] if now is not None and now == was else digest(path)
    return found


def store_status(location: Path) -> dict[str, list[int] | None]:
    """The status (:func:`file_status`) of every file of an on-disk store, as :func:`store_digests`."""
    return {path.name: file_status(path) for path in _store_files(location)}


def _store_files(location: Path) -> list[Path]:
    found = []
    for path in sorted(location.iterdir()):
        if path.name.startswith(_UNCHECKED):
            continue
        if not path.is_file():
            raise OSError(f"{path.name} is not a file")
        found.append(path)
    return found


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


Updated = tuple[bytes, tuple[set[bytes], set[bytes]] | None, Sequence[bytes]]
"""What :attr:`Derivation.update` returns."""


class Derivation(NamedTuple):
    """How the derived graph is made, handed to the cache by its caller (the cache knows no rules).

    ``inputs`` are the files the derivation reads besides the graph (the rule files): when one of them
    changes, ``apply`` runs again on the store; when a loaded file changes, too, unless ``affects`` says the
    change cannot alter the derived graph. ``graph``, when given, is the one named graph
    ``apply`` writes (and replaces): the cache then applies it to an in-memory copy of the other graphs and
    writes to disk only the triples that differ from the derived graph it holds (see :func:`derive_into`).
    """

    inputs: Sequence[Path]
    apply: Callable[[pyoxigraph.Store], object]
    graph: str | None = None
    affects: Callable[[pyoxigraph.Store, list[pyoxigraph.Triple], Path], str | None] | None = None
    """Given the store after a change to the files (the rules unchanged), the triples removed or added, and
    a folder where it may keep what it learns, why the derived graph may change, or ``None`` when it cannot:
    the derived graph is then kept as it is."""
    update: (
        Callable[[pyoxigraph.Store, list[pyoxigraph.Triple] | None, bytes | None, Path | None], Updated]
        | None
    ) = None
    """Used instead of ``apply`` when given: given an in-memory store of the files' graphs, the triples of
    the files removed or added since the derived graph was made (``None``: not known), the text it returned
    then (``None``: not kept), and a folder where it may keep what it learns, make ``graph`` and return the
    text to keep (the derived graph in N-Triples, comment lines allowed), when it knows it, how the
    graph differs from the one the text it was given holds (the N-Triples lines gone, and those added), and
    the N-Triples texts of ``graph`` it left out of the store, to be loaded into it before it is read."""
    prepare: Callable[[Path], object] | None = None
    """Called with the cache folder before the store is opened for an update that may call ``affects`` or
    ``update``: whatever they would parse (the rules' read-sets, kept in the folder) is parsed then. A parser
    may keep the frames it ran in, and with them a store open for writing in a caller's arguments: RocksDB
    then refuses to open it again in this process ("lock hold by current process")."""


def claim(folder: Path, project: Project | None = None) -> None:
    """Make ``folder`` a sovgraph cache folder, or raise :class:`CacheRefused` (see the module documentation).

    A new or empty folder is created and given the marker; a folder that carries it is kept; a cache of the
    earlier format (a manifest of format 1, before the marker existed) is given it. Any other folder is
    refused, so that nothing in it is ever deleted.
    """
    if project is not None:
        resolved = folder.resolve()
        for curated in (project.data_dir, project.ontology_dir, project.queries_dir):
            inside = curated.resolve()
            if resolved == inside or inside in resolved.parents:
                raise CacheRefused(
                    f"{folder}: a cache cannot live inside the project's {curated.name}/ folder, whose files "
                    "are read as the project's own. Choose another folder for --cache-dir (or "
                    "SOVGRAPH_CACHE_DIR), or use --no-cache."
                )
    tag = folder / TAG
    if _is_ours(tag):
        return
    if folder.exists() and not folder.is_dir():
        raise CacheRefused(f"{folder}: the cache must be a folder, and this is a file; choose another one.")
    if folder.is_dir() and any(folder.iterdir()) and not _earlier_cache(folder):
        raise CacheRefused(
            f"{folder}: this folder is not empty and is not a sovgraph cache (it has no {TAG} written by "
            "sovgraph), so sovgraph will neither use it nor delete anything in it. Choose a new or empty "
            "folder for --cache-dir (or SOVGRAPH_CACHE_DIR), or use --no-cache."
        )
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(tag, TAG_TEXT.encode("utf-8"))


def _is_ours(tag: Path) -> bool:
    try:
        text = tag.read_text(encoding="utf-8") if tag.is_file() and not tag.is_symlink() else ""
    except (OSError, ValueError):
        return False
    return text.startswith(TAG_TEXT.splitlines()[0]) and "cache of sovgraph" in text


def _earlier_cache(folder: Path) -> bool:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("format") == 1 and isinstance(data.get("files"), dict)


def _remove(path: Path) -> None:
    """Remove one of the cache's own entries (a link is removed, never followed)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        import shutil  # here: only a rebuild or an update removes folders

        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _wipe(folder: Path) -> None:
    """Remove what sovgraph wrote in its (marked) folder, the lock excepted."""
    if not _is_ours(folder / TAG):  # never delete in a folder that is not sovgraph's
        raise CacheRefused(f"{folder}: this folder is not a sovgraph cache; nothing in it is deleted.")
    for name in _OWN:
        if name != "lock":
            _remove(folder / name)
    for kept in folder.glob("*-*.json"):
        if kept.name.startswith(("validation-", "reads-")):
            _remove(kept)


StoreOpener = Callable[..., "tuple[pyoxigraph.Store, Any]"]
"""How the cached store is opened, on first use (a call that only reads kept answers never opens it): the
store, and the shared lock to keep while it is read from disk (``None`` for a store in memory: a store of
at most :data:`IN_MEMORY_QUADS` is handed over as a copy in memory, see :func:`memory_copy`). Called with
``copy=False``, it opens the on-disk store read-only whatever its size (for a few index lookups)."""


def open_cached(
    project: Project,
    paths: Sequence[Path],
    folder: Path,
    *,
    derive: Derivation | None = None,
    model: Collection[Path] | None = None,
) -> tuple[StoreOpener, list[LoadedFile], CacheState]:
    """The on-disk store of ``folder`` brought up to date with ``paths`` (and derived by ``derive``), as a
    function that opens it; ``model`` names the files that may describe the vocabulary (see
    :func:`sovgraph.store.ingest.load_store`).

    A damaged cache is rebuilt; one that cannot be used raises :class:`CacheUnusable` (or
    :class:`CacheBusy` when another process holds it), and a folder that is not a cache
    :class:`CacheRefused`. A bad input file raises its own error, and the cache is left as it was. A store
    that verified but then fails to open raises :class:`CacheUnusable` from the opener, and is marked to be
    rebuilt by the next call.
    """
    labels = dict(project_labels(paths, project.root))
    for path in paths:  # before any is read: an unknown extension, a FIFO (which would block)...
        rdf_format(path)
        check_input(path, labels[path])
    hints = _Manifest.read(folder)  # what was seen: unchanged files are not read again
    inputs = [*paths, *(derive.inputs if derive else ())]
    seen = digests(inputs, hints.seen if hints is not None else {})
    file_digests = {labels[p]: seen[p].sha256 for p in paths}
    derived_key = (
        report_key([*file_digests.values(), *(seen[r].sha256 for r in derive.inputs)]) if derive else None
    )
    try:
        claim(folder, project)
    except OSError as exc:
        raise CacheUnusable(f"{folder}: the cache cannot be written ({exc.strerror or exc})") from None
    args = (project, paths, folder, labels, file_digests, seen, derived_key, derive, model)
    try:
        return _open_or_update(*args, None)
    except (CacheBusy, CacheRefused, CacheUnusable):
        raise
    except SovgraphError:
        raise  # a bad input file: the cache was not changed (or was marked for a rebuild)
    except (OSError, RuntimeError, ValueError, AttributeError) as exc:
        damage = f"{type(exc).__name__}: {exc}"
    try:  # once: what the checks did not see made the store fail; rebuild it from the files
        return _open_or_update(*args, damage)
    except (CacheBusy, CacheRefused, CacheUnusable, SovgraphError):
        raise
    except (OSError, RuntimeError, ValueError, AttributeError) as exc:
        raise CacheUnusable(
            f"{folder}: the cache is damaged ({damage}) and could not be rebuilt ({exc})"
        ) from None


def _damage(folder: Path, manifest: _Manifest | None) -> str | None:
    """Why the cache cannot be reused as it is, or ``None`` if it verifies."""
    if manifest is None:
        return "no valid manifest" if (folder / MANIFEST).exists() else "new"
    if (folder / DIRTY).exists():
        return "an update did not finish"
    try:
        status = store_status(folder / "store")
        if set(status) == set(manifest.store) and all(
            now is not None and now == manifest.store_stat.get(name) for name, now in status.items()
        ):
            return None  # every file as written (see the module documentation)
        found = store_digests(folder / "store", manifest.store, manifest.store_stat)
    except OSError:
        return "the store is missing or unreadable"
    if found != manifest.store:
        return "the store's files are not the ones written"
    return None


def _sources(
    manifest: _Manifest, paths: Sequence[Path], labels: Mapping[Path, str], seen: Mapping[Path, Seen]
) -> list[tuple[str, Path, Seen]]:
    """Each file's graph, path and :class:`Seen` (its SHA-256 as the store holds it), for the files the
    manifest lists."""
    return [(manifest.files[labels[p]]["graph"], p, seen[p]) for p in paths if labels[p] in manifest.files]


def _opener(
    folder: Path,
    verified: _Manifest,
    sources: Sequence[tuple[str, Path, Seen]],
    derive: Derivation | None,
) -> StoreOpener:
    """Open the verified store when first needed, under a shared lock, if it is still the one verified (its
    manifest's checksum is ``verified``'s). A store of at most :data:`IN_MEMORY_QUADS` (by the manifest's
    counts) is returned as a copy in memory (:func:`memory_copy`) and the lock is released (``None``);
    a larger one read-only, with the lock, which the caller keeps for as long as it reads the on-disk store.
    A store that changed since, or is being updated, raises :class:`CacheUnusable`; one that fails to open
    is also marked for a rebuild."""
    fingerprint = verified.checksum
    derived = derive.graph if derive is not None else None

    def open_store(*, copy: bool = True) -> tuple[pyoxigraph.Store, Any]:
        try:
            lock = _lock(folder, exclusive=False)
        except CacheBusy:
            raise CacheUnusable(f"{folder}: another sovgraph process is updating this cache") from None
        try:
            manifest = _Manifest.read(folder)
            if manifest is None or manifest.checksum != fingerprint or (folder / DIRTY).exists():
                raise CacheUnusable(f"{folder}: the cache was changed by another process since it was opened")
            store = _open(folder, read_only=True)
            if not copy:
                return store, lock
            kept = _kept_derived(folder, manifest.derived_nt)
            if _at_most(manifest, kept, IN_MEMORY_QUADS) or len(store) <= IN_MEMORY_QUADS:
                in_memory_copy = memory_copy(store, sources, derived, kept)
                lock.close()
                return in_memory_copy, None
            return store, lock
        except CacheUnusable:
            lock.close()
            raise
        except (OSError, RuntimeError, ValueError) as exc:
            lock.close()
            with contextlib.suppress(OSError):
                (folder / DIRTY).write_text(
                    "the store failed to open; it will be rebuilt\n", encoding="utf-8"
                )
            raise CacheUnusable(f"{folder}: the cached store failed to open ({exc})") from None

    return open_store


def _key_of(manifest: _Manifest, derive: Derivation, seen: dict[Path, Seen]) -> str:
    """The derived graph's key for the files the manifest lists and the current rules: equal to the
    manifest's own when the rules did not change since the derived graph was made."""
    return report_key(
        [*(e["sha256"] for e in manifest.files.values()), *(seen[r].sha256 for r in derive.inputs)]
    )


def _dumps(store: pyoxigraph.Store, graphs: Sequence[str]) -> dict[str, set[bytes]]:
    """The N-Triples lines of each of ``graphs`` in ``store`` (an absent graph has none)."""
    import pyoxigraph

    nt = pyoxigraph.RdfFormat.N_TRIPLES
    found = {}
    for iri in graphs:
        graph = pyoxigraph.NamedNode(iri)
        data = store.dump(format=nt, from_graph=graph) if store.contains_named_graph(graph) else None
        found[iri] = set((data or b"").splitlines())
    return found


def _changes(before: dict[str, set[bytes]], after: dict[str, set[bytes]]) -> list[pyoxigraph.Triple]:
    """The triples removed from or added to each graph (blank nodes, whose labels differ between two
    loads, count as changed: more than the change, never less)."""
    import pyoxigraph

    lines = set().union(*(before[g] ^ after.get(g, set()) for g in before)) if before else set()
    data = b"\n".join(lines)
    return list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)) if data else []


def _handed(
    store: pyoxigraph.Store, later: Sequence[bytes], graph: str | None, disk: StoreOpener
) -> StoreOpener:
    """The in-memory store an update computed (it holds what the on-disk store was just made to hold, once
    ``later``, N-Triples texts of the derived graph ``graph``, is loaded into it: on the first opening), as
    the opener: no copy from disk, and no lock (``None``): the on-disk store is not read. Until then, a block
    of lookups (``copy=False``) reads the on-disk store (``disk``), which holds it all already."""
    import pyoxigraph

    left = list(later)

    def open_store(*, copy: bool = True) -> tuple[pyoxigraph.Store, Any]:
        if left and not copy:
            return disk(copy=False)
        if left and graph is not None:
            target = pyoxigraph.NamedNode(graph)
            for text in left:
                store.load(text, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=target, lenient=True)
        left.clear()
        return store, None

    return open_store


def _open_or_update(
    project: Project,
    paths: Sequence[Path],
    folder: Path,
    labels: dict[Path, str],
    digests: dict[str, str],
    seen: dict[Path, Seen],
    derived_key: str | None,
    derive: Derivation | None,
    model: Collection[Path] | None,
    repair: str | None,
) -> tuple[StoreOpener, list[LoadedFile], CacheState]:
    import gc
    import sys

    import pyoxigraph

    lock = _lock(folder, exclusive=False)
    manifest = None if repair else _Manifest.read(folder)
    damage = repair or _damage(folder, manifest)
    if damage is None and manifest is not None:
        changed = [p for p in paths if manifest.files.get(labels[p], {}).get("sha256") != digests[labels[p]]]
        removed = sorted(set(manifest.files) - set(digests))
        if not (changed or removed or (derive and manifest.derived != derived_key)):
            files = [_loaded(p, labels[p], manifest.files[labels[p]]) for p in paths]
            reused = tuple(labels[p] for p in paths)
            lock.close()  # taken again when the store is opened (see _opener)
            return (
                _opener(folder, manifest, _sources(manifest, paths, labels, seen), derive),
                files,
                CacheState(
                    folder,
                    reused=reused,
                    fingerprint=manifest.checksum,
                    digests=tuple(sorted(digests.items())),
                ),
            )
    lock.close()

    lock = _lock(folder, exclusive=True)  # an update: alone; then what is there is read again
    try:
        manifest = None if repair else _Manifest.read(folder)
        damage = repair or _damage(folder, manifest)
        rebuilt = damage is not None or (manifest is not None and _mostly_replaced(manifest, digests))
        if manifest is None or rebuilt:
            manifest = _Manifest()
        changed = [p for p in paths if manifest.files.get(labels[p], {}).get("sha256") != digests[labels[p]]]
        removed = sorted(set(manifest.files) - set(digests))
        stale_derived = bool(derive and manifest.derived != derived_key)

        parsed = read_files(
            changed, project.root, model=model
        )  # every changed file parses before the store changes
        if rebuilt:
            _wipe(folder)
        (folder / DIRTY).write_text(
            "an update of this cache did not finish; it will be rebuilt\n", encoding="utf-8"
        )
        _remove(folder / ANSWERS)  # answers of the store as it was
        rules_kept = bool(derive and not rebuilt and manifest.derived == _key_of(manifest, derive, seen))
        if derive and derive.prepare and rules_kept and (changed or removed):
            derive.prepare(folder)  # what it reads of the rules, before the store is open
        store = _open(folder, read_only=False)
        work = None  # the store in memory, when the derivation made one
        later: Sequence[bytes] = ()  # what the derivation left out of it, for the derived graph
        written: bytes | None = None  # the derived graph it wrote, in N-Triples
        watch = [manifest.files[labels[p]]["graph"] for p in changed if labels[p] in manifest.files]
        watch += [manifest.files[label]["graph"] for label in removed]
        before = _dumps(store, watch) if rules_kept and derive and derive.affects else {}
        for info in fill_store(store, parsed, bulk_from=BULK_FROM):  # marked dirty: bulk is safe
            manifest.files[info.label] = {
                "sha256": digests[info.label],
                "graph": info.graph,
                "triples": info.triples,
            }
        for label in removed:
            graph = pyoxigraph.NamedNode(manifest.files.pop(label)["graph"])
            if store.contains_named_graph(graph):
                store.remove_graph(graph)
        why = "derived graph recomputed" if derive else None
        changes = None  # the files' triples removed or added, when the rules and derived graph are kept
        if derive and derive.affects and rules_kept and (changed or removed):
            changes = _changes(before, _dumps(store, list(before)))
            reason = derive.affects(store, changes, folder)
            why = (
                f"derived graph recomputed: {reason}"
                if reason
                else "derived graph kept: no rule reads what changed"
            )
        if stale_derived or changed or removed:
            if derive and why and why.startswith("derived graph recomputed"):
                sources = _sources(manifest, paths, labels, seen)
                given = {info.graph: data.data for info, data in parsed}
                before_nt = _kept_derived(folder, manifest.derived_nt)
                manifest.derived_nt = None  # until the new one is written
                work, written, later = derive_into(
                    store,
                    derive,
                    sources=sources,
                    given=given,
                    before=before_nt,
                    changes=changes,
                    folder=folder,
                )
                if written is not None:
                    manifest.derived_nt = _keep_derived(folder, written)
            manifest.derived = derived_key
        store.flush()
        # Closed before its files are checksummed (closing may still write them): dropping the last reference
        # closes it; only when something else still holds it (a reference cycle) is a collection worth its
        # cost (0.1 s with a derivation's objects about).
        held = sys.getrefcount(store) > 2  # this name and the call's argument
        del store
        if held:
            gc.collect()
        known, known_status = manifest.store, manifest.store_stat  # as the last update left them
        manifest.store_stat = {n: st for n, st in store_status(folder / "store").items() if st is not None}
        manifest.store = store_digests(folder / "store", known, known_status)
        manifest.seen = _seen_entries(seen)
        manifest.write(folder)
        (folder / DIRTY).unlink()
    finally:
        lock.close()
    files = [_loaded(p, labels[p], manifest.files[labels[p]]) for p in paths]
    # a store missing what the derivation left out cannot be counted: its bound comes from the lines written
    small = work is not None and (
        _at_most(manifest, written, IN_MEMORY_QUADS)
        if later
        else _at_most_quads(work, manifest, written, IN_MEMORY_QUADS)
    )
    disk = _opener(folder, manifest, _sources(manifest, paths, labels, seen), derive)
    return (
        _handed(work, later, derive.graph if derive is not None else None, disk)
        if small and work is not None
        else disk,
        files,
        CacheState(
            folder,
            reused=tuple(labels[p] for p in paths if p not in changed),
            reloaded=tuple(labels[p] for p in changed),
            removed=tuple(removed),
            derived=work is not None
            or bool(derive and derive.graph is None and (stale_derived or changed or removed)),
            derivation=why if (stale_derived or changed or removed) else None,
            rebuilt=rebuilt,
            repaired=damage if damage not in (None, "new") else None,
            fingerprint=manifest.checksum,
            digests=tuple(sorted(digests.items())),
        ),
    )


def _mostly_replaced(manifest: _Manifest, digests: Mapping[str, str]) -> bool:
    """Whether the files changed or removed since ``manifest`` (``digests``: the files' SHA-256 now, by
    label) held most of its triples, at least :data:`~sovgraph.store.ingest.BULK_FROM`: the store is then
    built again, in bulk. Replacing a graph removes it first, as one transaction that holds every removal
    in memory: 39 s and 650 MB for a graph of 1M triples, where loading the whole store again in bulk takes
    8 s; and the change's triples would be read back from the store first, to know what the rules see
    differently, when they all run again anyway."""
    entries = manifest.files.values()
    total = sum(int(entry.get("triples", 0)) for entry in entries)
    gone = sum(
        int(entry.get("triples", 0))
        for label, entry in manifest.files.items()
        if digests.get(label) != entry.get("sha256")
    )
    return gone >= BULK_FROM and 2 * gone > total


def derive_into(
    store: pyoxigraph.Store,
    derive: Derivation,
    *,
    sources: Sequence[tuple[str, Path, Seen]] | None = None,
    given: Mapping[str, bytes] | None = None,
    before: bytes | None = None,
    changes: list[pyoxigraph.Triple] | None = None,
    folder: Path | None = None,
) -> tuple[pyoxigraph.Store | None, bytes | None, Sequence[bytes]]:
    """Apply ``derive`` to the on-disk ``store``; return the in-memory store it was computed in (the same
    graphs as the on-disk store once this returns, but for the N-Triples texts of the derived graph it
    returns last, which the derivation left out of it and the caller loads into it before it is read) and the
    derived graph written, in N-Triples; or ``(None, None, ())`` when ``derive`` names no graph (it is then
    applied to the on-disk store itself).

    The rules run over an in-memory copy of the store (on disk they are several times slower, and every
    derived triple written there costs more than the rules). The copy is made from the files themselves
    (``sources``: each file's graph, path, and the SHA-256 the store holds it at with the status the file had
    when that was found, a :class:`Seen`; ``given``: the bytes of
    files just read, by graph), not read back from the store (at 100k triples: 0.4 s against 4 s); a file
    that no longer has that SHA-256, a dataset file, and any store that holds other graphs are copied from
    the store. Then only the difference between the derived graph computed and the one on disk (``before``,
    its N-Triples as the last update wrote them, else read from the store) is written: after a change to one
    file, a few triples instead of the whole derived graph. The derived graph on disk is then exactly the
    one computed (their N-Triples lines are compared as sets; a graph holding blank nodes, whose labels
    differ between copies, is replaced whole). With ``derive.update``, the derivation is handed ``changes``
    (the files' triples removed or added since ``before`` was written) and ``before`` itself, to derive
    again only what the change reaches; comment lines of the text it returns are not triples.
    """
    import pyoxigraph

    if derive.graph is None:
        derive.apply(store)
        return None, None, ()
    nt = pyoxigraph.RdfFormat.N_TRIPLES
    target = pyoxigraph.NamedNode(derive.graph)
    work = _work_copy(store, target, sources, given or {})
    old = before
    if old is None:
        old = (
            store.dump(format=nt, from_graph=target) if store.contains_named_graph(target) else None
        ) or b""
    difference: tuple[set[bytes], set[bytes]] | None = None
    later: Sequence[bytes] = ()
    if derive.update is not None:
        new, difference, later = derive.update(work, changes, before, folder)  # replaces the derived graph
    else:
        derive.apply(work)  # replaces the derived graph
        new = work.dump(format=nt, from_graph=target) or b""
    if difference is not None and before is not None:
        # ``before`` holds no blank node (a text with one is never kept), so neither do the lines kept from it
        blank = any(b"_:" in line for line in difference[1])
    else:
        blank = b"_:" in new or b"_:" in old
    if blank:  # blank nodes (or text that looks like one): replace the whole graph
        if store.contains_named_graph(target):
            store.remove_graph(target)
        store.add_graph(target)
        _write(store, new, new.count(b"\n") + 1, target)
        for text in later:
            work.load(text, format=nt, to_graph=target, lenient=True)
        return work, None, ()  # its blank nodes' labels are the copy's: not comparable with the next copy's
    if difference is not None and before is not None:  # the derivation knows what differs from ``before``
        gone_lines, added_lines = difference
    else:
        old_lines = _triple_lines(old)
        new_lines = _triple_lines(new) if old_lines else set()  # (a first build: no set of what is new)
        kept = old_lines & new_lines
        if not kept:  # nothing in common (a first build, a rebuild, new rules): written whole
            if old_lines:
                store.remove_graph(target)
            store.add_graph(target)
            _write(store, new, new.count(b"\n") + 1, target)
            return work, new, later
        gone_lines, added_lines = old_lines - kept, new_lines - kept
    gone = b"\n".join(gone_lines)
    for triple in pyoxigraph.parse(gone, format=nt) if gone else ():
        store.remove(pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, target))
    store.add_graph(target)
    added = b"\n".join(added_lines)
    if added:
        _write(store, added, len(added_lines), target)
    return work, new, later


def _write(store: pyoxigraph.Store, data: bytes, lines: int, graph: pyoxigraph.NamedNode) -> None:
    """Add N-Triples (``lines`` of them, about) that pyoxigraph wrote to ``graph`` of the on-disk store: in
    bulk when there are many (:data:`~sovgraph.store.ingest.BULK_FROM`). The derived graph of a 1M-triple
    graph (1.2M triples) written as one transaction took 58 s and 3.4 GB more memory; the update is marked as
    unfinished until it ends, so a write that is not atomic is safe."""
    import pyoxigraph

    add = store.bulk_load if lines >= BULK_FROM else store.load
    add(data, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=graph)


def _at_most_quads(work: pyoxigraph.Store, manifest: _Manifest, derived: bytes | None, limit: int) -> bool:
    """Whether ``work`` holds at most ``limit`` quads: known without counting them (a tenth of a second at
    100k triples) when the files' triples, as the manifest records them, and the lines of the derived graph
    written are fewer (they are at least as many as the quads); else counted."""
    return _at_most(manifest, derived, limit) or len(work) <= limit


def _at_most(manifest: _Manifest, derived: bytes | None, limit: int) -> bool:
    """Whether a store of the manifest's files and the derived graph ``derived`` (N-Triples) certainly holds
    at most ``limit`` quads (``False``: not known)."""
    if derived is None:
        return False
    bound = sum(int(entry["triples"]) for entry in manifest.files.values()) + derived.count(b"\n") + 1
    return bound <= limit


def memory_copy(
    store: pyoxigraph.Store,
    sources: Sequence[tuple[str, Path, Seen]],
    derived: str | None,
    kept: bytes | None,
) -> pyoxigraph.Store:
    """A copy in memory of the on-disk ``store``, made as the rules' copy is (:func:`_work_copy`: from the
    files, each checked against the SHA-256 the store holds it at) with the derived graph ``derived`` from
    its kept N-Triples (``kept``, checked against the manifest): at 100k triples 0.5 s, against 2.2 s to read
    the store back. When that cannot give the same graph (no kept text, blank nodes in it, graphs that are
    neither a file's nor the derived one), the store is read back (:func:`in_memory`)."""
    import pyoxigraph

    if derived is None or kept is None or b"_:" in kept:
        return in_memory(store)
    target = pyoxigraph.NamedNode(derived)
    copy = _work_copy(store, target, sources, {})
    if store.contains_named_graph(target) and not copy.contains_named_graph(target):
        copy.add_graph(target)
        copy.load(kept, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=target, lenient=True)
    return copy


def _triple_lines(data: bytes) -> set[bytes]:
    """The lines of N-Triples that are triples (neither empty nor comments)."""
    return {line for line in data.splitlines() if line and not line.startswith(b"#")}


def _work_copy(
    store: pyoxigraph.Store,
    derived: pyoxigraph.NamedNode,
    sources: Sequence[tuple[str, Path, Seen]] | None,
    given: Mapping[str, bytes],
) -> pyoxigraph.Store:
    """An in-memory store holding the on-disk ``store``'s file graphs (the derived graph left out: the rules
    replace it), loaded from the files where they still have the SHA-256 the store holds them at."""
    import pyoxigraph

    if sources is None:
        return in_memory(store)
    graphs = {pyoxigraph.NamedNode(graph) for graph, _, _ in sources}
    on_disk = set(store.named_graphs())
    default = next(iter(store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())), None)
    if default is not None or not on_disk <= graphs | {derived}:  # graphs that are not files': copy all
        return in_memory(store)
    nt = pyoxigraph.RdfFormat.N_TRIPLES
    work = pyoxigraph.Store()
    for graph, path, seen in sources:
        node = pyoxigraph.NamedNode(graph)
        if node not in on_disk:
            continue  # a file with no triple has no graph in the store either
        work.add_graph(node)
        data = None
        if not rdf_format(path).supports_datasets:
            data = given[graph] if graph in given else _file_at(path, seen.sha256, seen)
        if data is None:
            work.load(store.dump(format=nt, from_graph=node) or b"", format=nt, to_graph=node)
        else:
            _load_file(work, node, path, data)
    return work


def files_copy(files: Sequence[LoadedFile], digests: Mapping[str, str]) -> pyoxigraph.Store | None:
    """An in-memory store of the files' graphs alone (no derived graph), loaded from the files themselves,
    each checked against the SHA-256 the cache loaded it at (``digests``, by label); ``None`` when one has
    changed since or is a dataset (its graph is then read from the store). Reading the files' graphs back
    from a large on-disk store is slow: at 5M triples, 245 s (each term's text is a lookup in RocksDB),
    against 12 s from the files."""
    import pyoxigraph

    copy = pyoxigraph.Store()
    for info in files:
        sha256 = digests.get(info.label)
        if sha256 is None or rdf_format(info.path).supports_datasets:
            return None
        data = _file_at(info.path, sha256)
        if data is None:
            return None
        node = pyoxigraph.NamedNode(info.graph)
        copy.add_graph(node)
        _load_file(copy, node, info.path, data)
    return copy


def _load_file(store: pyoxigraph.Store, graph: pyoxigraph.NamedNode, path: Path, data: bytes) -> None:
    """Load a file's bytes into its graph: the very bytes a store was loaded from, parsed then with every
    check, so read leniently (no check of every IRI again, a third faster): they give the same triples."""
    store.load(data, format=rdf_format(path), base_iri=graph.value, to_graph=graph, lenient=True)


def _file_at(path: Path, sha256: str, seen: Seen | None = None) -> bytes | None:
    """The content of ``path`` (a byte-order mark left out, as the loader does) if its SHA-256 is still
    ``sha256``, else ``None``. When ``seen`` says the file had that SHA-256 with a status it still has, taken
    after the content is read, and had settled then (as :func:`digests` requires), it is not hashed again."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    trusted = seen is not None and seen.sha256 == sha256 and _settled(seen, file_status(path))
    if not trusted and hashlib.sha256(data).hexdigest() != sha256:
        return None
    return data[len(BOM) :] if data.startswith(BOM) else data


def _kept_derived(folder: Path, sha256: str | None) -> bytes | None:
    """The derived graph's N-Triples as the last update wrote them (:data:`DERIVED_NT`), if the file still has
    the SHA-256 the manifest records; else ``None`` (it is then read from the store)."""
    if sha256 is None:
        return None
    try:
        data = (folder / DERIVED_NT).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _keep_derived(folder: Path, data: bytes) -> str | None:
    """Write the derived graph's N-Triples beside the store (atomically) and return their SHA-256; ``None``
    if it cannot be written (the next update then reads the graph from the store)."""
    try:
        write_atomic(folder / DERIVED_NT, data)
    except OSError:
        _remove(folder / DERIVED_NT)
        return None
    return hashlib.sha256(data).hexdigest()


def in_memory(store: pyoxigraph.Store) -> pyoxigraph.Store:
    """A copy of an on-disk store in memory, where queries run several times faster (copied inside
    pyoxigraph, as N-Quads: no Python object per quad)."""
    import pyoxigraph

    copy = pyoxigraph.Store()
    copy.load(store.dump(format=pyoxigraph.RdfFormat.N_QUADS), format=pyoxigraph.RdfFormat.N_QUADS)
    return copy


def _lock(folder: Path, *, exclusive: bool) -> Any:
    """Take the cache's lock (shared to read, exclusive to update) without waiting, or raise CacheBusy.

    A lock path that is not a plain file (a folder, a link: damage) is replaced first.
    """
    import fcntl

    path = folder / "lock"
    if path.is_symlink() or (path.exists() and not path.is_file()):
        _remove(path)
    handle = path.open("a+")
    try:
        fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise CacheBusy(
            f"{folder}: another sovgraph process is {'using' if exclusive else 'updating'} this cache. "
            "Loading in memory instead."
        ) from None
    return handle


def _open(folder: Path, *, read_only: bool) -> pyoxigraph.Store:
    import pyoxigraph

    location = str(folder / "store")  # under the cache's lock: a failure here is damage (rebuilt)
    if read_only:
        return pyoxigraph.Store.read_only(location)
    try:
        return pyoxigraph.Store(location)
    except OSError as exc:
        if "lock hold by current process" not in str(exc):
            raise
    # A graph loaded earlier in this process still holds the store open for writing (RocksDB's own lock),
    # kept alive only by a reference cycle: collect it, which closes the store, and open again.
    import gc

    gc.collect()
    return pyoxigraph.Store(location)


def _loaded(path: Path, label: str, entry: dict[str, Any]) -> LoadedFile:
    return LoadedFile(path, label, str(entry.get("graph") or graph_iri(label)), int(entry.get("triples", 0)))
