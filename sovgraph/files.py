"""Files in and out: what an input is checked for before it is read, and the one way a result is written.

Every output goes through :func:`atomic_writer` (or :func:`write_atomic`): a result appears whole at its path,
or not at all, and :func:`check_output` refuses, before anything is written, a path that

- is one of the project's inputs (its ``ontology/``, ``data/`` and ``queries/`` folders, and any extra file
  loaded with ``--data``: see :func:`protected`);
- is a symbolic link (the link would be replaced by a regular file), a named pipe, a device, a socket or a
  folder (as root, ``-o /dev/null`` would replace the system's ``/dev/null``);
- has a name too long for the file system, or lies in a folder that is missing or not writable.

Every input file goes through :func:`check_input` before it is opened: a folder, a named pipe (reading it
would wait forever for a writer), a device or a socket is refused with one paragraph.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sovgraph.errors import InputError, MissingInputError, OutputError

NAME_MAX = 255
"""The longest file name (in bytes) most file systems take; a longer ``-o`` name is refused up front."""

_protected: list[Path] = []


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file is, in words (``None`` for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _absolute(path: Path) -> Path:
    """``path`` made absolute, its folders' links resolved but not its last part (which may be a link)."""
    path = Path(os.path.abspath(path))
    return path.parent.resolve() / path.name


@contextmanager
def protected(paths: Iterable[Path | str]) -> Iterator[None]:
    """While the block runs, :func:`check_output` refuses to write at, or under, any of ``paths`` (the
    project's input folders and files). The command line protects the loaded project's ``ontology/``,
    ``data/`` and ``queries/`` and every ``--data`` file for the whole of a command."""
    added = [_absolute(Path(p)) for p in paths]
    resolved = [Path(os.path.realpath(p)) for p in added]
    _protected.extend(added + resolved)
    try:
        yield
    finally:
        for path in added + resolved:
            _protected.remove(path)


def project_inputs(project: Any) -> list[Path]:
    """The folders of a project (a :class:`sovgraph.project.Project`) that are its inputs."""
    return [project.ontology_dir, project.data_dir, project.queries_dir]


def _input_at(path: Path) -> Path | None:
    """The protected input that ``path`` is, or lies under (``None`` when it is none)."""
    candidates = {_absolute(path), Path(os.path.realpath(path))}
    for guarded in _protected:
        for candidate in candidates:
            if candidate == guarded or guarded in candidate.parents:
                return guarded
    return None


def check_output(path: Path | str) -> Path:
    """Refuse, with one paragraph (:class:`OutputError`), an output path that must not be written; return it.

    See the module documentation for what is refused. Nothing is written or created.
    """
    path = Path(path)
    if str(path) in ("", "."):
        raise OutputError(f"{str(path)!r}: not a file name; give the file to write, e.g. -o result.csv.")
    if len(os.fsencode(path.name)) > NAME_MAX:
        raise OutputError(
            f"{str(path)[:80]}…: cannot write here: the file name is {len(os.fsencode(path.name))} bytes "
            f"long, more than the {NAME_MAX} a file system takes; choose a shorter name."
        )
    guarded = _input_at(path)
    if guarded is not None:
        raise OutputError(
            f"{path}: this is an input of the project ({guarded}); sovgraph never writes over its own "
            "inputs. Nothing was written; choose a path outside the ontology/, data/ and queries/ folders "
            "and the --data files."
        )
    if path.is_symlink():
        raise OutputError(
            f"{path}: this is a symbolic link; writing would replace the link with a file. Nothing was "
            "written; give the path it points to, or another name."
        )
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here: {exc.strerror or exc}.") from None
    kind = None if mode is None else _kind(mode)
    if kind is not None:
        raise OutputError(
            f"{path}: this is {kind}, not a regular file; sovgraph writes results to regular files only "
            "(to print them, leave out -o). Nothing was written."
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: cannot write here: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            f"{path}: cannot write here: the folder {folder} is not writable by this user; choose another "
            "folder."
        )
    return path


def check_output_dir(path: Path | str) -> Path:
    """Refuse an output *folder* (the static site's) that is, holds or lies in a project input, is a symbolic
    link, or exists and is not a folder; return it. Nothing is created."""
    path = Path(path)
    guarded = _input_at(path)
    if guarded is None:
        target = Path(os.path.realpath(path))
        guarded = next((p for p in _protected if target in p.parents), None)
    if guarded is not None:
        raise OutputError(
            f"{path}: this folder is, holds or lies in an input of the project ({guarded}); sovgraph never "
            "writes among its own inputs. Nothing was written; choose a folder outside the project's "
            "ontology/, data/ and queries/."
        )
    if path.is_symlink():
        raise OutputError(
            f"{path}: this is a symbolic link; give the folder it points to. Nothing was written."
        )
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: not a folder; give a new or empty folder. Nothing was written.")
    return path


def check_input(path: Path | str, what: str = "input") -> Path:
    """Refuse, before it is opened, an input that is missing, unreadable, or not a regular file; return it.

    A folder, a named pipe (reading one waits for a writer, forever), a device or a socket is an
    :class:`InputError` (exit 2) naming the path. ``what`` names the input in the message (``--data``,
    ``the query file``). The loader and the command line call it for every file they read.
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise MissingInputError(path, f"{what}: it does not exist") from None
    except OSError as exc:
        raise MissingInputError(path, f"{what}: {exc.strerror or exc}") from None
    kind = _kind(mode)
    if kind is not None:
        raise InputError(
            f"{path}: cannot read this {what}: it is {kind}, not a regular file; sovgraph reads inputs "
            "from regular files only. Nothing was loaded or written."
        )
    if not os.access(path, os.R_OK):
        raise MissingInputError(path, f"{what}: permission denied")
    return path


@contextmanager
def atomic_writer(path: Path, *, text: bool = False) -> Iterator[IO[Any]]:
    """A handle to write ``path`` through: the content appears whole at ``path`` when the block ends.

    The path is checked first (:func:`check_output`). The handle writes a temporary file in the same
    folder, which is flushed, synced and renamed over ``path`` when the block ends normally. If anything
    fails (in the block or on writing: a full disk, a vanished folder), the previous content of ``path``
    (if any) is left untouched, no temporary file remains, and the error is an :class:`OutputError`.
    """
    path = check_output(path)
    folder = path.parent if str(path.parent) else Path(".")
    import tempfile  # here, not at the top: most commands write nothing

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here: {exc.strerror or exc}.") from None
    try:
        os.chmod(tmp, _file_mode(path))
        handle = (
            os.fdopen(fd, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
            if text
            else os.fdopen(fd, "wb")
        )
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        check_output(path)  # nothing became a link, a device or an input meanwhile
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write here: {exc.strerror or exc}. Nothing was written.") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path) as handle:
        handle.write(data)


def _file_mode(path: Path) -> int:
    """The mode the file should have: its current one, else what a new file gets under the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
