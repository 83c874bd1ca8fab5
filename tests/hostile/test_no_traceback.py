"""No command prints a traceback for any hostile input: every probe of every ``probes*.py`` module of this
folder is run as a subprocess; its exit code and message are checked, and the project's inputs must come out
unchanged (nothing written over them). Other modules add probes by adding a ``probes_<topic>.py`` file with
a ``PROBES`` list (see ``probes.py`` for the format)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from hostile_setup import run_cli, snapshot

HERE = Path(__file__).parent


def _probes() -> list[Any]:
    found = []
    for path in sorted(HERE.glob("probes*.py")):
        spec = importlib.util.spec_from_file_location(f"hostile_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for number, probe in enumerate(module.PROBES):
            name = f"{path.stem}-{number}-{' '.join(a for a in probe[0] if a not in ('--root', '{root}'))}"
            found.append(pytest.param(probe, id=name[:90]))
    return found


@pytest.mark.parametrize("probe", _probes())
def test_probe(probe: tuple[Any, ...], hostile_root: Path, hostile_tmp: Path) -> None:
    argv, stdin, code, fragment = probe[:4]
    env = probe[4] if len(probe) > 4 else None
    before = snapshot(hostile_root)
    done = run_cli(list(argv), stdin, root=hostile_root, tmp=hostile_tmp, env=env)
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert done.returncode == code, (done.returncode, err[-2000:])
    assert fragment in out + err, (fragment, out[-1000:], err[-2000:])
    if code != 0:  # one paragraph: one error line (argparse prints its usage before it)
        errors = [line for line in err.splitlines() if line.startswith("sovgraph") and "error:" in line]
        assert len(errors) == 1, err
    assert snapshot(hostile_root) == before, "a probe changed the project's inputs"
