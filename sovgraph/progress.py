"""Progress on long work (parsing, deriving, validating, synth): a bar on standard error when it is a
terminal, nothing otherwise. The one module that imports tqdm; the work never depends on it.

``SOVGRAPH_PROGRESS=0`` turns bars off, ``SOVGRAPH_PROGRESS=1`` forces them (for a test).

>>> list(steps([1, 2, 3], "counting"))  # not a terminal here: the items, and no bar
[1, 2, 3]
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
ENV = "SOVGRAPH_PROGRESS"


def enabled() -> bool:
    """Whether bars are shown: standard error is a terminal, unless ``SOVGRAPH_PROGRESS`` says otherwise."""
    forced = os.environ.get(ENV)
    if forced is not None:
        return forced not in ("", "0", "false", "no")
    return sys.stderr.isatty()


def _bar(what: str, total: float | None, unit: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=what, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)


def steps(items: Iterable[T], what: str, *, total: int | None = None, unit: str = "file") -> Iterator[T]:
    """The items, one after the other, with a bar that advances after each."""
    if not enabled():
        yield from items
        return
    if total is None and isinstance(items, Sized):
        total = len(items)
    bar = _bar(what, total, unit)
    try:
        for item in items:
            yield item
            bar.update(1)
    finally:
        bar.close()


@contextmanager
def counter(what: str, total: int | None = None, unit: str = "it") -> Iterator[Callable[[int], None]]:
    """A callable to report how far the work is (a running count, e.g. triples written)."""
    if not enabled():
        yield lambda _count: None
        return
    bar = _bar(what, total, unit)

    def report(count: int) -> None:
        bar.update(max(0, count - bar.n))

    try:
        yield report
    finally:
        bar.close()


@contextmanager
def working(what: str) -> Iterator[None]:
    """One long call whose progress cannot be measured (pySHACL): a bar that shows the time spent."""
    if not enabled():
        yield
        return
    import threading

    bar = _bar(what, None, "s")
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(1.0):
            bar.update(1)

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        bar.close()
