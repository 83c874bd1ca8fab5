"""Install anywhere: the sdist and the wheel carry the graph, and an installed sovgraph answers from an empty
folder outside any checkout.

The test builds the sdist from the checkout, the wheel from that sdist (so the sdist is proven complete),
installs the wheel without its dependencies into a fresh virtual environment in a temporary folder, and
lets that environment see the dependencies already installed here (a ``.pth`` file naming this
environment's site-packages): fast, and it needs no network.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The sdist is built in the checkout (setuptools stages it there): a parallel run keeps a module's tests on
# one worker (`make test` passes --dist loadfile), so that two builds never share that staging folder.


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> tuple[str, str]:
    """Standard output and standard error of a command that must succeed."""
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, done.stderr


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    hook = f"import setuptools.build_meta as b; print(b.build_sdist({str(out)!r}))"
    name, sdist_log = _run(sys.executable, "-c", hook, cwd=ROOT)
    sdist = out / name.strip().splitlines()[-1]
    _, wheel_log = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", out, sdist, cwd=out
    )
    (wheel,) = out.glob("sovgraph-*.whl")
    (out / "build.log").write_text(sdist_log + wheel_log, encoding="utf-8")
    return {"sdist": sdist, "wheel": wheel, "log": out / "build.log"}


def test_the_sdist_carries_the_graph_and_the_licences(dist: dict[str, Path]) -> None:
    with tarfile.open(dist["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    expected = {"ontology/sovgraph.ttl", "queries/chain.rq", "LICENSE", "LICENSE-DATA.md", "setup.py"}
    assert expected <= names
    assert {p.relative_to(ROOT).as_posix() for p in (ROOT / "data").rglob("*.ttl")} <= names


def test_the_wheel_carries_every_data_file_once_under_sovgraph_data(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
    for folder in ("ontology", "data", "queries"):
        files = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert files, folder
        assert {f"sovgraph/_data/{f}" for f in files} <= names, folder
    assert not [n for n in names if n.startswith(("data/", "ontology/", "queries/"))]
    assert any(n.endswith("licenses/LICENSE-DATA.md") for n in names), sorted(names)


def test_building_prints_no_warning(dist: dict[str, Path]) -> None:
    log = dist["log"].read_text(encoding="utf-8")
    assert "warning" not in log.lower(), log


def test_an_installed_wheel_answers_from_an_empty_folder(dist: dict[str, Path], tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", dist["wheel"], cwd=tmp_path)
    site, _ = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path)
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site.strip()) / "sovgraph-test-deps.pth").write_text("\n".join(sorted(here)) + "\n")

    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("SOVGRAPH_ROOT", "PYTHONPATH")}
    env |= {"SOVGRAPH_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    sovgraph = venv / ("Scripts/sovgraph.exe" if os.name == "nt" else "bin/sovgraph")

    where, _ = _run(python, "-c", "import sovgraph; print(sovgraph.__file__)", cwd=empty, env=env)
    assert Path(where.strip()).is_relative_to(venv), where
    version, _ = _run(sovgraph, "--version", cwd=empty, env=env)
    assert "installed with the package" in version and "ontology " in version, version
    answer, _ = _run(sovgraph, "query", "who-hosts-what", "--format", "csv", "--labels", cwd=empty, env=env)
    assert "EMC2" in answer and "CLOUD Act" in answer, answer
    found, _ = _run(sovgraph, "search", "emc2", cwd=empty, env=env)
    assert "https://w3id.org/sovgraph/id/emc2" in found, found
    assert list(empty.iterdir()) == []
