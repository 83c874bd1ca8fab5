"""The project's files (sovgraph.project): which files are the graph's, and the label each is loaded under.

Both are on the path of every command, so they are written with few path operations; these tests hold them
to the plain definitions (``Path.rglob`` and ``Path.resolve``) on trees with hidden folders, ignored files,
links to files and folders, and paths with ``..``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sovgraph.errors import InputError, MissingInputError
from sovgraph.project import EXTERNAL, IGNORED_SUFFIXES, label, labels, rdf_files


def _plain_rdf_files(folder: Path) -> list[Path]:
    """The definition: every file below ``folder``, sorted, but hidden ones and documentation."""
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() not in IGNORED_SUFFIXES:
            found.append(path)
    return found


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    data = root / "data"
    for name in (
        "a.ttl",
        "B.ttl",
        "z/y.nt",
        "z/a b.trig",
        "z/deeper/x.jsonld",
        "README.md",
        "notes.MD",
        "draft.txt~",
        ".hidden.ttl",
        ".git/config.ttl",
        "z/.cache/kept.ttl",
        "dotted.name.ttl",
        "no-extension",
    ):
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# empty\n", encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "linked.ttl").write_text("# outside\n", encoding="utf-8")
    (outside / "folder" / "inner.ttl").write_text("# outside\n", encoding="utf-8")
    (data / "link-to-file.ttl").symlink_to(outside / "linked.ttl")
    (data / "link-to-folder").symlink_to(outside / "folder")
    (data / "z" / "link-inside.ttl").symlink_to(data / "a.ttl")
    (data / "broken.ttl").symlink_to(outside / "missing.ttl")
    return root


def test_the_listing_is_the_plain_definitions(tree: Path) -> None:
    listed = rdf_files(tree / "data")
    assert listed == _plain_rdf_files(tree / "data")
    names = {p.relative_to(tree / "data").as_posix() for p in listed}
    assert {"a.ttl", "z/deeper/x.jsonld", "link-to-file.ttl", "no-extension"} <= names
    assert not names & {"README.md", "notes.MD", "draft.txt~", ".hidden.ttl", ".git/config.ttl"}
    assert "link-to-folder/inner.ttl" not in names  # a linked folder is not followed


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(MissingInputError, match="not a folder"):
        rdf_files(tmp_path / "nowhere")


def test_labels_are_label_of_each_file(tree: Path, tmp_path: Path) -> None:
    data = tree / "data"
    paths = [
        *rdf_files(data),
        data / "z" / ".." / "a.ttl",  # the same file as data/a.ttl
        data / "link-to-folder" / ".." / "linked.ttl",  # ".." after a link: the link's folder's parent
        tmp_path / "outside" / "folder" / "inner.ttl",
    ]
    given = labels(paths, tree)
    assert given == [(path, label(path, tree)) for path in paths]
    by_path = dict(given)
    assert by_path[data / "a.ttl"] == "data/a.ttl"
    assert by_path[data / "link-to-file.ttl"] == EXTERNAL + "link-to-file.ttl"  # it resolves outside
    assert by_path[data / "z" / "link-inside.ttl"] == "data/a.ttl"
    assert by_path[data / "link-to-folder" / ".." / "linked.ttl"] == EXTERNAL + "linked.ttl"


def test_labels_work_from_a_relative_path_and_a_linked_root(tree: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(tree)
    here = Path.cwd()
    os.chdir(tree)
    try:
        relative = [Path("data/a.ttl"), Path("data/z/y.nt")]
        assert labels(relative, alias) == [(p, label(p, alias)) for p in relative]
        assert [name for _, name in labels(relative, alias)] == ["data/a.ttl", "data/z/y.nt"]
    finally:
        os.chdir(here)


def test_two_outside_files_with_one_name_are_refused(tree: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "linked.ttl").write_text("# another\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"both would be loaded as external/linked\.ttl"):
        labels([tmp_path / "outside" / "linked.ttl", other / "linked.ttl"], tree)
