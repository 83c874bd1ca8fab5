"""The query library: ``.rq`` files whose ``#+`` header lines document them.

A header is a block of ``#+`` lines at the top of the file::

    #+ summary: Who hosts what, under which law.
    #+ description: For each platform or data asset ... (continuation lines start with
    #+   "#+" and at least three spaces)
    #+ param as_of (date, default today): the day at which every relation of the chain must be in force.
    #+ param platform (iri, optional): only this platform or data asset.
    #+ column platform: the platform or data asset that is hosted.

Parameter types: ``iri``, ``date``, ``string``, ``integer``, ``boolean``. A parameter is the SPARQL
variable of the same name: a value binds it (see :mod:`sovgraph.sparql.bind`); an optional parameter left out
leaves the variable free, so the query enumerates every value. Any other ``key: value`` line is kept in
:attr:`QueryFile.extra` (e.g. ``premises`` in rules, ``summary-fr``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sovgraph.errors import QueryError
from sovgraph.project import label

TYPES = ("iri", "date", "string", "integer", "boolean")

_KEY = re.compile(
    r"^#\+ (?P<key>[a-z][a-z0-9_-]*)"
    r"(?: (?P<name>[A-Za-z_][A-Za-z0-9_]*))?"
    r"(?: \((?P<spec>[^)]*)\))?"
    r":\s?(?P<value>.*)$"
)
_CONTINUATION = re.compile(r"^#\+ {3,}(?P<value>\S.*)$")


@dataclass(frozen=True)
class Param:
    """A parameter of a query: the SPARQL variable of the same name."""

    name: str
    type: str
    required: bool
    default: str | None
    description: str

    def signature(self) -> str:
        if self.required:
            return f"{self.name} ({self.type}, required)"
        if self.default is not None:
            return f"{self.name} ({self.type}, default {self.default})"
        return f"{self.name} ({self.type}, optional)"


@dataclass(frozen=True)
class QueryFile:
    """One documented SPARQL file of ``queries/``."""

    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def read_query(path: Path, name: str, label: str | None = None) -> QueryFile:
    """Parse a ``.rq`` file's header; errors name the file and line."""
    where = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{where}: cannot read this query file: {exc}.") from None
    fields: dict[str, str] = {}
    params: list[Param] = []
    columns: list[tuple[str, str]] = []
    for number, key, pname, spec, value in _records(text, where):
        if key == "param":
            params.append(_param(where, number, pname, spec, value))
        elif key == "column":
            if pname is None:
                raise QueryError(f"{where}:{number}: '#+ column NAME: meaning' needs the column's name.")
            columns.append((pname, value))
        else:
            fields[key] = value
    if "summary" not in fields:
        raise QueryError(f"{where}: the query has no '#+ summary:' header line.")
    return QueryFile(
        name=name,
        path=path,
        text=text,
        summary=fields.pop("summary"),
        description=fields.pop("description", ""),
        params=tuple(params),
        columns=tuple(columns),
        extra=fields,
    )


def _records(text: str, where: str) -> list[tuple[int, str, str | None, str | None, str]]:
    """The header's records (line, key, name, spec, value), continuation lines joined to their record."""
    records: list[tuple[int, str, str | None, str | None, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            if line.strip() and not line.startswith("#"):
                break  # the header ends where the query starts
            continue
        more = _CONTINUATION.match(line)
        if more and records:
            n, key, pname, spec, value = records[-1]
            records[-1] = (n, key, pname, spec, f"{value} {more.group('value').strip()}".strip())
            continue
        match = _KEY.match(line)
        if match is None:
            raise QueryError(f"{where}:{number}: a header line must read '#+ key: value'; got {line!r}.")
        key, pname, spec, value = match.group("key", "name", "spec", "value")
        records.append((number, key, pname, spec, value.strip()))
    return records


def library(folder: Path, root: Path | None = None) -> dict[str, QueryFile]:
    """Every query below ``folder`` by name (``who-hosts-what``, ``checks/…``), rules and views excluded.

    Rules (``queries/rules/``) are read by :func:`rules`; views (``queries/views/``) by the network views.
    """
    found = {}
    for path in sorted(folder.rglob("*.rq")):
        rel = path.relative_to(folder)
        if rel.parts[0] in ("rules", "views"):
            continue
        name = rel.with_suffix("").as_posix()
        found[name] = read_query(path, name, label(path, root))
    return found


def rules(folder: Path, root: Path | None = None) -> list[QueryFile]:
    """The rules of ``folder`` (``queries/rules/``) in the order they apply: by file name.

    A rule's name is its file name without the numeric prefix that orders it (``10-in-force`` → ``in-force``).
    """
    found = []
    for path in rule_files(folder):
        name = re.sub(r"^\d+-", "", path.stem)
        found.append(read_query(path, name, label(path, root)))
    return found


def rule_files(folder: Path) -> list[Path]:
    """The files of the rules of ``folder``, in the order they apply (see :func:`rules`), unread."""
    return sorted(folder.glob("*.rq")) if folder.is_dir() else []


def _param(where: str, number: int, name: str | None, spec: str | None, description: str) -> Param:
    if name is None or spec is None:
        raise QueryError(
            f"{where}:{number}: a parameter reads "
            "'#+ param NAME (TYPE[, optional | , default VALUE]): meaning'."
        )
    parts = [p.strip() for p in spec.split(",", 1)]
    ptype = parts[0]
    if ptype not in TYPES:
        raise QueryError(
            f"{where}:{number}: parameter {name}: unknown type {ptype!r}; use one of {', '.join(TYPES)}."
        )
    required, default = True, None
    if len(parts) == 2:
        if parts[1] == "optional":
            required = False
        elif parts[1].startswith("default "):
            required, default = False, parts[1].removeprefix("default ").strip()
        else:
            raise QueryError(
                f"{where}:{number}: parameter {name}: write 'optional' or 'default VALUE', not {parts[1]!r}."
            )
    return Param(name, ptype, required, default, description)
