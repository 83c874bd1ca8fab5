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

A query may name **bound variants**: other writings of the same question, each used instead of the main text
when all the parameters it names are bound (one text rarely suits both a listing and one entity in Oxigraph
0.5, see ``benchmarks/README.md``)::

    #+ variant (platform): who-hosts-what@platform.rq

The variant's file sits next to the query, is named ``NAME@PARAMS.rq`` and is not a query of its own (the
library lists only ``NAME``); its header declares the same parameters and the same columns as the query's,
which :func:`read_query` checks. :meth:`QueryFile.text_for` picks the text for the parameters bound: the
first variant, in header order, whose parameters are all bound, else the query's own text.

A query may also name a **walk**: the same question answered by index lookups in the embedded store, used
there instead of any text when all the parameters it names are bound (see :mod:`sovgraph.sparql.walks`)::

    #+ walk (entity): chain

names ``sovgraph/sparql/walks/chain.py``, which must exist. A remote endpoint always runs a text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

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


class Param(NamedTuple):
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


class QueryFile(NamedTuple):
    """One documented SPARQL file of ``queries/``."""

    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    extra: Mapping[str, str] = MappingProxyType({})  # the header's other lines (read-only)
    variants: tuple[Variant, ...] = ()
    walks: tuple[Walk, ...] = ()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def text_for(self, bound: Iterable[str]) -> str:
        """The text to run when the parameters ``bound`` have values: the first variant whose parameters are
        all among them, else the query's own text."""
        return self.variant_for(bound).text

    def variant_for(self, bound: Iterable[str]) -> QueryFile:
        """The file whose text :meth:`text_for` gives: a variant's, or this query itself."""
        given = set(bound)
        return next((v.query for v in self.variants if v.when <= given), self)

    def walk_for(self, bound: Iterable[str]) -> str | None:
        """The module (under :mod:`sovgraph.sparql.walks`) that answers for the parameters ``bound`` on the
        embedded store: the first walk, in header order, whose parameters are all among them; else None."""
        given = set(bound)
        return next((w.module for w in self.walks if w.when <= given), None)


class Variant(NamedTuple):
    """Another writing of a query, run when every parameter of ``when`` is bound (same rows and columns)."""

    when: frozenset[str]
    query: QueryFile


class Walk(NamedTuple):
    """The query answered by index lookups (module ``sovgraph.sparql.walks.<module>``) when every parameter
    of ``when`` is bound, on the embedded store."""

    when: frozenset[str]
    module: str


_WALKS = Path(__file__).resolve().parent / "walks"
_MODULE = re.compile(r"^[a-z_][a-z0-9_]*$")


def read_query(path: Path, name: str, label: str | None = None) -> QueryFile:
    """Parse a ``.rq`` file's header, and read the bound variants it names; errors name the file and line."""
    where = label or str(path)
    query, declared = _parse(path, name, where)
    if not declared:
        return query
    variants = tuple(
        _variant(query, where, number, spec, value)
        for number, key, spec, value in declared
        if key == "variant"
    )
    walks = tuple(
        _walk(query, where, number, spec, value) for number, key, spec, value in declared if key == "walk"
    )
    return query._replace(variants=variants, walks=walks)


def _parse(path: Path, name: str, where: str) -> tuple[QueryFile, list[tuple[int, str, str | None, str]]]:
    """The query of a file, and the variants and walks its header declares (line, key, parameters, file),
    unread."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{where}: cannot read this query file: {exc}.") from None
    fields: dict[str, str] = {}
    params: list[Param] = []
    columns: list[tuple[str, str]] = []
    declared: list[tuple[int, str, str | None, str]] = []
    for number, key, pname, spec, value in _records(text, where):
        if key in ("variant", "walk"):
            declared.append((number, key, spec, value))
        elif key == "param":
            params.append(_param(where, number, pname, spec, value))
        elif key == "column":
            if pname is None:
                raise QueryError(f"{where}:{number}: '#+ column NAME: meaning' needs the column's name.")
            columns.append((pname, value))
        else:
            fields[key] = value
    if "summary" not in fields:
        raise QueryError(f"{where}: the query has no '#+ summary:' header line.")
    query = QueryFile(
        name=name,
        path=path,
        text=text,
        summary=fields.pop("summary"),
        description=fields.pop("description", ""),
        params=tuple(params),
        columns=tuple(columns),
        extra=fields,
    )
    return query, declared


def _variant(query: QueryFile, where: str, number: int, spec: str | None, value: str) -> Variant:
    """The variant declared at line ``number`` of ``query``'s header, read and checked against the query."""
    if not (spec or "").strip() or not value.endswith(".rq") or "/" in value:
        raise QueryError(
            f"{where}:{number}: a variant reads '#+ variant (PARAM[, PARAM...]): FILE.rq', the file next to "
            "the query."
        )
    when = _when(query, where, number, spec, f"variant {value}")
    path = query.path.parent / value
    vlabel = str(Path(where).parent / value)
    variant, nested = _parse(path, query.name, vlabel)
    if nested:
        raise QueryError(f"{vlabel}: a variant cannot declare variants or walks of its own.")
    expected, declares = [p.signature() for p in query.params], [p.signature() for p in variant.params]
    if declares != expected:
        raise QueryError(
            f"{vlabel}: a variant of {query.name} must declare the query's parameters, the same and in the "
            f"same order ({', '.join(expected)}); it declares ({', '.join(declares)})."
        )
    expected, gives = [c for c, _ in query.columns], [c for c, _ in variant.columns]
    if gives != expected:
        raise QueryError(
            f"{vlabel}: a variant of {query.name} must give the query's columns, the same and in the same "
            f"order ({', '.join(expected)}); it gives ({', '.join(gives)})."
        )
    return Variant(when, variant)


def _when(query: QueryFile, where: str, number: int, spec: str | None, what: str) -> frozenset[str]:
    """The parameters a variant or walk declared at line ``number`` is for: each one of the query's."""
    when = frozenset(p.strip() for p in (spec or "").split(",") if p.strip())
    if not when:
        raise QueryError(f"{where}:{number}: {what} names no parameter between its parentheses.")
    unknown = sorted(p for p in when if query.param(p) is None)
    if unknown:
        raise QueryError(f"{where}:{number}: {what}: {', '.join(unknown)} is not a parameter of the query.")
    return when


def _walk(query: QueryFile, where: str, number: int, spec: str | None, value: str) -> Walk:
    """The walk declared at line ``number`` of ``query``'s header; its module must exist."""
    if not spec or not spec.strip() or not _MODULE.match(value):
        raise QueryError(
            f"{where}:{number}: a walk reads '#+ walk (PARAM[, PARAM...]): MODULE', a module of "
            "sovgraph/sparql/walks/."
        )
    when = _when(query, where, number, spec, f"walk {value}")
    if not (_WALKS / f"{value}.py").is_file():
        raise QueryError(
            f"{where}:{number}: walk {value}: there is no module sovgraph/sparql/walks/{value}.py."
        )
    return Walk(when, value)


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


def library(folder: Path, root: Path | None = None) -> Library:
    """Every query below ``folder`` by name (``who-hosts-what``, ``checks/…``), rules, views and variants
    (``NAME@PARAMS.rq``, attached to their query) excluded; each file is read when its query is first asked
    for (see :class:`Library`).

    Rules (``queries/rules/``) are read by :func:`rules`; views (``queries/views/``) by the network views.
    """
    return Library(folder, root)


class Library(Mapping[str, QueryFile]):
    """The queries of a folder by name (see :func:`library`), each file read and checked when its query is
    first asked for, then kept: a command that runs one query reads one file (and its variants), not the
    whole library. Listing the names reads no file."""

    def __init__(self, folder: Path, root: Path | None = None) -> None:
        self.folder, self.root = folder, root
        self._names: list[str] | None = None
        self._read: dict[str, QueryFile] = {}

    def names(self) -> list[str]:
        """The queries' names, sorted as their paths are."""
        if self._names is None:
            found = []
            for path in sorted(self.folder.rglob("*.rq")):
                rel = path.relative_to(self.folder)
                if rel.parts[0] in ("rules", "views") or "@" in path.stem:
                    continue  # rules, views and the variants of queries (read with their query): not queries
                found.append(rel.with_suffix("").as_posix())
            self._names = found
        return self._names

    def __getitem__(self, name: str) -> QueryFile:
        if name not in self._read:
            if not self._named(name):
                raise KeyError(name)
            path = self.folder / f"{name}.rq"
            self._read[name] = read_query(path, name, label(path, self.root))
        return self._read[name]

    def _named(self, name: str) -> bool:
        """Whether ``name`` is a query's (:meth:`names` holds it), known without listing the folder when the
        name is plain: a file of that name, outside the rules and views, not a variant."""
        if self._names is not None:
            return name in self._names
        parts = name.split("/")
        plain = all(part and part not in (".", "..") and not part.startswith(".") for part in parts)
        if not plain or "\\" in name or "@" in parts[-1] or parts[0] in ("rules", "views"):
            return name in self.names()
        path = self.folder / f"{name}.rq"
        try:
            listed = path.name in os.listdir(
                path.parent
            )  # the name as written (a file system may ignore case)
        except OSError:
            listed = False
        return (listed and path.is_file() and not path.is_symlink()) or name in self.names()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())


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
