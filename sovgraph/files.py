"""Atomic writes: a result appears whole at its path, or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sovgraph.errors import OutputError


@contextmanager
def atomic_writer(path: Path, *, text: bool = False) -> Iterator[IO[Any]]:
    """A handle to write ``path`` through: the content appears whole at ``path`` when the block ends.

    The handle writes a temporary file in the same folder, which is flushed, synced and renamed over
    ``path`` when the block ends normally. If anything fails (in the block or on writing), the previous
    content of ``path`` (if any) is left untouched and no temporary file remains.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: cannot write here: the folder {folder} does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
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
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write here: {exc.strerror or exc}.") from None
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
