"""The one output writer (sovgraph.files): what it refuses, and that a refusal writes nothing."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sovgraph.errors import InputError, OutputError
from sovgraph.files import check_input, check_output, check_output_dir, protected, write_atomic


def test_a_symlink_is_refused_and_left_a_link(tmp_path: Path) -> None:
    target = tmp_path / "target.ttl"
    target.write_text("kept\n")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    with pytest.raises(OutputError, match="symbolic link"):
        write_atomic(link, b"new")
    assert link.is_symlink() and target.read_text() == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "target.ttl"]  # no temporary file


def test_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="named pipe"):
        write_atomic(fifo, b"x")
    assert fifo.exists() and not fifo.is_file()


def test_a_device_is_refused() -> None:
    with pytest.raises(OutputError, match="a device"):
        write_atomic(Path("/dev/null"), b"x")


def test_the_inputs_of_the_project_and_paths_under_them_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    curated = data / "hosting.ttl"
    curated.write_text("curated\n")
    extra = tmp_path / "extra.ttl"
    extra.write_text("extra\n")
    link = tmp_path / "sneaky.ttl"
    link.symlink_to(curated)
    with protected([data, extra]):
        for path in (curated, data / "new.ttl", extra, data / "sub" / "x.ttl"):
            with pytest.raises(OutputError, match="input of the project"):
                check_output(path)
        with pytest.raises(OutputError):  # a link into the inputs: refused either way
            write_atomic(link, b"x")
        for folder in (data, data / "site", tmp_path):
            with pytest.raises(OutputError, match="input of the project"):
                check_output_dir(folder)
        write_atomic(tmp_path / "result.ttl", b"ok")  # beside the inputs is fine
    assert curated.read_text() == "curated\n" and extra.read_text() == "extra\n"
    write_atomic(curated, b"after")  # protection lasts as long as the block
    assert curated.read_text() == "after"


def test_a_name_too_long_and_a_missing_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="file name is 304 bytes"):
        write_atomic(tmp_path / ("x" * 300 + ".ttl"), b"x")
    with pytest.raises(OutputError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "x.ttl", b"x")


@contextlib.contextmanager
def _unwritable(folder: Path) -> Iterator[None]:
    """Make ``folder`` unwritable for the user running the tests, root included: its mode for a user (0o500),
    the immutable attribute (``chattr +i``, which root's privileges do not override) for root. Fails, with
    the reason, where neither works (a file system without the attribute, a container without the
    capability): the test must not pass without the folder being unwritable."""
    import shutil
    import subprocess

    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.fail("running as root, the test needs chattr (e2fsprogs) to make a folder unwritable")
    done = subprocess.run([chattr, "+i", str(folder)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"running as root, 'chattr +i {folder}' failed: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    with _unwritable(folder):
        with pytest.raises(PermissionError):  # the folder really is unwritable for this user
            (folder / "probe").touch()
        with pytest.raises(OutputError, match="not writable"):
            write_atomic(folder / "x.ttl", b"x")
    assert list(folder.iterdir()) == []


def test_check_input_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "x.ttl"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="named pipe"):
        check_input(fifo, "--data file")
    with pytest.raises(InputError, match="a folder"):
        check_input(tmp_path)
    with pytest.raises(InputError, match="a device"):
        check_input("/dev/zero")
    with pytest.raises(InputError, match="does not exist"):
        check_input(tmp_path / "missing.ttl")
    regular = tmp_path / "ok.ttl"
    regular.write_text("")
    assert check_input(regular) == regular
