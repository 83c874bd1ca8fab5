"""The ``sovgraph synth`` command: write a deterministic synthetic graph (for benchmarks and scale tests).

:func:`register` adds it to the main parser (it loads no graph: no ``--data``). Nothing heavy is imported:
:mod:`sovgraph.tools.synth` loads when the command runs.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from sovgraph.cli.common import Command

_SIZE = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]+)?)(?P<unit>[kKmM]?)$")
_UNITS = {"": 1, "k": 1_000, "m": 1_000_000}
LIMIT = 100_000_000


def register(commands: Any, command: Command) -> None:
    """Add the ``synth`` command to ``commands`` (the main parser's subparsers) through ``command``."""
    synth = command(
        commands,
        "synth",
        "write a synthetic graph of N triples (benchmarks, scale tests)",
        "Write a deterministic synthetic graph that follows the ontology and passes the shapes: "
        "jurisdictions and a union of states, laws and their reach, corporate groups with dated parent "
        "chains 0 to 6 links deep, cloud services, public bodies, platforms and data hosted under "
        "authorising decisions, qualifications, people and posts, sources; French and English labels; "
        "every IRI under https://w3id.org/sovgraph/id/synth/. The same --triples and --seed give the same "
        "bytes. The format follows the extension of -o (.nt, recommended for big files, or .ttl); the file "
        "is written atomically. Load it with --data FILE, e.g. 'sovgraph validate --data synth.nt'.",
        _synth,
        graph=False,
    )
    synth.add_argument(
        "--triples",
        "-n",
        type=size,
        required=True,
        metavar="N",
        help="about how many triples (10000, 10k, 1.5m; lands within a few dozen of N)",
    )
    synth.add_argument("--seed", "-s", type=int, default=0, help="the random seed (default: 0)")
    synth.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE", help="the file to write (.nt or .ttl)"
    )
    synth.add_argument("--quiet", "-q", action="store_true", help="no progress on standard error")


def size(text: str) -> int:
    """A number of triples as people write it: ``10000``, ``10k``, ``1.5m``, ``5M``."""
    match = _SIZE.match(text.strip().replace("_", "").replace(",", ""))
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of triples; write 10000, 10k or 1.5m")
    value = round(float(match.group("number")) * _UNITS[match.group("unit").lower()])
    if not 1 <= value <= LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r}: the number of triples must be between 1 and {LIMIT:,}")
    return value


def _synth(args: argparse.Namespace) -> int:
    from sovgraph.progress import counter
    from sovgraph.tools.synth import FORMATS, REPORT_EVERY, write

    target: int = args.triples
    show = not args.quiet and target >= 2 * REPORT_EVERY
    with counter("synth", target, "triple") as progress:
        count = write(args.output, target, args.seed, progress=progress if show else None)
    syntax = FORMATS[args.output.suffix.lower()]
    print(f"wrote {args.output}: {count:,} triples ({syntax}, seed {args.seed})", file=sys.stderr)
    return 0
