"""The cache under damage: it deletes only what it created, verifies itself on open and repairs what is
broken, and falls back to memory with one warning line when it cannot be used — never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

import sovgraph
from sovgraph.cli import main
from sovgraph.errors import CacheRefused, CacheWarning
from sovgraph.store.cache import DERIVED_NT, DIRTY, MANIFEST, TAG

Capture = pytest.CaptureFixture[str]


@pytest.fixture(scope="module")
def project(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("cached") / "project"
    for folder in ("ontology", "queries", "data"):
        shutil.copytree(root / folder, copy / folder)
    return copy


@pytest.fixture(scope="module")
def expected(project: Path) -> set[tuple[object, ...]]:
    return _quads(sovgraph.load(project))


def _quads(kg: sovgraph.KnowledgeGraph) -> set[tuple[object, ...]]:
    return {(q.subject, q.predicate, q.object, q.graph_name) for q in kg.store}


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _stats(capsys: Capture, project: Path, *options: str) -> tuple[int, str]:
    code = main(["stats", "--root", str(project), *options])
    return code, capsys.readouterr().err


def test_a_folder_holding_a_users_store_is_refused_and_kept(
    capsys: Capture, project: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "d"
    (mine / "store").mkdir(parents=True)
    (mine / "store" / "thesis.tex").write_text("three years of work", encoding="utf-8")
    before = _tree(mine)
    code, err = _stats(capsys, project, "--cache-dir", str(mine))
    assert code == 2, err
    assert err.count("\n") == 1 and "is not a sovgraph cache" in err and "Traceback" not in err
    assert _tree(mine) == before
    with pytest.raises(CacheRefused):
        sovgraph.load(project, cache=mine)
    assert _tree(mine) == before


def test_the_data_folder_is_refused_as_a_cache(capsys: Capture, project: Path) -> None:
    before = _tree(project / "data")
    for folder in (project / "data", project / "data" / "cache", project / "ontology"):
        code, err = _stats(capsys, project, "--cache-dir", str(folder))
        assert code == 2 and "a cache cannot live inside the project's" in err, err
    assert _tree(project / "data") == before
    code, err = _stats(capsys, project, "--no-cache")
    assert code == 0, err


def test_a_file_in_place_of_the_folder_is_refused(capsys: Capture, project: Path, tmp_path: Path) -> None:
    target = tmp_path / "cache"
    target.write_text("not a folder", encoding="utf-8")
    code, err = _stats(capsys, project, "--cache-dir", str(target))
    assert code == 2 and "must be a folder" in err, err
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_a_new_cache_carries_the_marker_and_only_its_own_files(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    assert (cache / TAG).read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert {p.name for p in cache.iterdir()} <= {TAG, MANIFEST, DERIVED_NT, "store", "lock"}
    (cache / "notes.txt").write_text("mine", encoding="utf-8")
    (cache / "store").joinpath("000001.sst").write_bytes(b"damage")  # forces a rebuild
    kg = sovgraph.load(project, cache=cache)
    assert kg.cache_state is not None and kg.cache_state.repaired
    assert (cache / "notes.txt").read_text(encoding="utf-8") == "mine"


def _largest(cache: Path) -> Path:
    return max((cache / "store").glob("*.sst"), key=lambda p: p.stat().st_size)


def _truncate(cache: Path) -> None:
    sst = _largest(cache)
    with sst.open("r+b") as handle:
        handle.truncate(sst.stat().st_size // 2)


def _rewrite(cache: Path) -> None:
    sst = _largest(cache)
    data = bytearray(sst.read_bytes())
    for i in range(100, len(data), 997):
        data[i] ^= 0xFF
    sst.write_bytes(bytes(data))


def _zero(cache: Path) -> None:
    for path in (cache / "store").iterdir():
        if path.is_file():
            path.write_bytes(b"\0" * path.stat().st_size)


def _delete_store(cache: Path) -> None:
    shutil.rmtree(cache / "store")


def _malformed_manifest(cache: Path) -> None:
    (cache / MANIFEST).write_text('{"format": 2, "files": [', encoding="utf-8")


def _edited_manifest(cache: Path) -> None:
    data = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))
    first = next(iter(data["files"]))
    data["files"][first]["triples"] = 1
    (cache / MANIFEST).write_text(json.dumps(data), encoding="utf-8")


def _wrong_types(cache: Path) -> None:
    data = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))
    data["files"] = {"data/hosting.ttl": "yes"}
    (cache / MANIFEST).write_text(json.dumps(data), encoding="utf-8")


def _lock_is_a_folder(cache: Path) -> None:
    (cache / "lock").unlink()
    (cache / "lock").mkdir()
    (cache / "lock" / "inside").write_text("x", encoding="utf-8")


def _interrupted(cache: Path) -> None:
    (cache / DIRTY).write_text("crashed", encoding="utf-8")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated store file": _truncate,
    "rewritten store file": _rewrite,
    "zeroed store": _zero,
    "deleted store": _delete_store,
    "malformed manifest": _malformed_manifest,
    "edited manifest": _edited_manifest,
    "manifest of the wrong shape": _wrong_types,
    "lock path that is a folder": _lock_is_a_folder,
    "interrupted update": _interrupted,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_cache_is_repaired_and_gives_the_graph(
    capsys: Capture, project: Path, tmp_path: Path, expected: set[tuple[object, ...]], damage: str
) -> None:
    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    DAMAGE[damage](cache)
    code, err = _stats(capsys, project, "--cache-dir", str(cache))
    assert code == 0 and "Traceback" not in err, err
    kg = sovgraph.load(project, cache=cache)
    assert kg.cache_state is not None and kg.cache_state.reused and not kg.cache_state.repaired
    assert _quads(kg) == expected


def test_a_repair_is_reported_in_the_state(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    _truncate(cache)
    kg = sovgraph.load(project, cache=cache)
    assert kg.cache_state is not None and kg.cache_state.rebuilt
    assert kg.cache_state.repaired == "the store's files are not the ones written"
    assert "repaired" in kg.cache_state.summary()


def test_an_unchanged_cache_is_reused_without_repair(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    for _ in range(2):
        kg = sovgraph.load(project, cache=cache)
        assert kg.cache_state is not None and not kg.cache_state.rebuilt and not kg.cache_state.reloaded


def test_a_cache_of_the_earlier_format_is_taken_over_and_rebuilt(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / MANIFEST).write_text(json.dumps({"format": 1, "files": {}, "derived": None}), encoding="utf-8")
    (cache / "store").mkdir()
    kg = sovgraph.load(project, cache=cache)
    assert kg.cache_state is not None and kg.cache_state.rebuilt
    assert (cache / TAG).is_file()


def _in_memory_with_one_warning(load: Callable[[], sovgraph.KnowledgeGraph]) -> sovgraph.KnowledgeGraph:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kg = load()
    assert kg.cache_state is None
    assert [w.category for w in caught] == [CacheWarning]
    assert "loaded in memory" in str(caught[0].message) and "\n" not in str(caught[0].message)
    return kg


def test_an_unwritable_cache_folder_loads_in_memory(
    capsys: Capture, project: Path, tmp_path: Path, expected: set[tuple[object, ...]]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    kg = _in_memory_with_one_warning(lambda: sovgraph.load(project, cache=blocker / "cache"))
    assert _quads(kg) == expected
    argv = ["stats", "--root", str(project), "--cache-dir", str(blocker / "cache")]
    done = subprocess.run([sys.executable, "-m", "sovgraph.cli", *argv], capture_output=True, text=True)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "loaded in memory" in done.stderr, done.stderr


def test_a_home_folder_that_cannot_hold_a_cache_loads_in_memory(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home-is-a-file"
    home.write_text("x", encoding="utf-8")
    monkeypatch.delenv("SOVGRAPH_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    _in_memory_with_one_warning(lambda: sovgraph.load(project, cache=True))


def test_no_home_folder_at_all_loads_in_memory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("SOVGRAPH_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    _in_memory_with_one_warning(lambda: sovgraph.load(project, cache=True))


def test_a_bad_file_leaves_the_cache_as_it_was(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache)
    before = _tree(cache)
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://example.org/a> <http://example.org/p> .\n", encoding="utf-8")
    with pytest.raises(sovgraph.errors.ParseError):
        sovgraph.load(project, cache=cache, extra=[bad])
    assert {k: v for k, v in _tree(cache).items() if not k.startswith("store/LOG")} == {
        k: v for k, v in before.items() if not k.startswith("store/LOG")
    }


def test_a_file_naming_another_files_graph_does_not_break_the_cache(project: Path, tmp_path: Path) -> None:
    """The issue's probe: after editing data/hosting.ttl, the cached run lost the TriG file's triples."""
    trig = tmp_path / "x.trig"
    trig.write_text(
        "<https://w3id.org/sovgraph/graph/data/hosting.ttl> { <http://example.org/a> "
        "<http://example.org/p> <http://example.org/b> . }\n",
        encoding="utf-8",
    )
    cache = tmp_path / "cache"
    sovgraph.load(project, cache=cache, extra=[trig])
    hosting = project / "data" / "hosting.ttl"
    original = hosting.read_text(encoding="utf-8")
    try:
        hosting.write_text(original + "\n# edited\n", encoding="utf-8")
        cached = sovgraph.load(project, cache=cache, extra=[trig])
        assert cached.cache_state is not None and cached.cache_state.reloaded == ("data/hosting.ttl",)
        assert _quads(cached) == _quads(sovgraph.load(project, extra=[trig]))
        assert cached.query("ASK { <http://example.org/a> <http://example.org/p> <http://example.org/b> }")
    finally:
        hosting.write_text(original, encoding="utf-8")
