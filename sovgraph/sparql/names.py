"""Find entities by name: search labels, and turn what a person types into the one IRI it names.

An entity can be named by its IRI (``https://w3id.org/sovgraph/id/emc2``, ``<…>``), a prefixed name
(``sg:emc2``), its slug (``emc2``, in any case) or one of its labels (``rdfs:label``, ``skos:altLabel``,
``skos:prefLabel``, in any language). Names are compared without accents, case or repeated spaces
(:func:`normalise`). :func:`resolve` is the one place a name becomes an IRI: one match is used; several
raise :class:`~sovgraph.errors.AmbiguousNameError` listing them; none raises
:class:`~sovgraph.errors.UnknownNameError` with the closest names. A name never silently matches nothing.

>>> normalise("  Conseil d\u2019État ")
'conseil d etat'
>>> normalise("health-data-hub")
'health data hub'
>>> import sovgraph
>>> kg = sovgraph.load()
>>> resolve(kg, "EMC2")
'https://w3id.org/sovgraph/id/emc2'
>>> resolve(kg, "Health Data Hub")
'https://w3id.org/sovgraph/id/health-data-hub'
>>> [m.iri for m in search(kg, "entrepot multicentrique")]
['https://w3id.org/sovgraph/id/emc2']
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sovgraph.errors import AmbiguousNameError, QueryError, UnknownNameError
from sovgraph.namespaces import ID, SOV, shorten
from sovgraph.sparql.bind import bind_values
from sovgraph.sparql.params import try_parse_iri
from sovgraph.sparql.results import Cell, Result

if TYPE_CHECKING:
    from sovgraph.graph import KnowledgeGraph

SHOWN = 8
"""How many entities an ambiguity or an unknown name lists."""

_NAMES = """
SELECT ?iri ?name WHERE {
    ?iri rdfs:label|skos:altLabel|skos:prefLabel ?name .
    FILTER(isIRI(?iri))
}
"""
_EXISTS = "ASK { { ?iri ?p ?o } UNION { ?s ?p ?iri } }"
_CLASSES = "SELECT ?iri ?class WHERE { ?iri a ?class FILTER(isIRI(?class)) }"
_PUNCTUATION = re.compile(r"[\W_]+")


@dataclass(frozen=True, order=True)
class Match:
    """An entity found by name: its IRI, its label, its class (the ``sov:`` one when it has one)."""

    iri: str
    label: str
    cls: str | None
    cls_label: str | None
    name: str
    """The name that matched (a label, an alternative label or the slug)."""

    def line(self) -> str:
        """``label [class] IRI``, for messages."""
        cls = self.cls_label or (shorten(self.cls) if self.cls else "no class")
        return f"{self.label} [{cls}] {self.iri}"


def normalise(text: str) -> str:
    """A name as it is compared: no accents, case folded, punctuation (quotes, hyphens...) and spaces made
    one space."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _PUNCTUATION.sub(" ", plain.casefold()).strip()


def names(kg: KnowledgeGraph) -> dict[str, set[str]]:
    """Every name of every IRI with a label: its labels in all languages, and its slug (last segment)."""
    found: dict[str, set[str]] = {}
    for row in kg.select(_NAMES):
        iri = row["iri"].value
        found.setdefault(iri, {_slug(iri)}).add(row["name"].value)
    return found


def search(kg: KnowledgeGraph, text: str, *, lang: str = "en", limit: int | None = 50) -> list[Match]:
    """The entities one of whose names contains ``text`` (accents and case ignored), best first: a whole
    name matched, then a name that starts with it, then a word that does, then anywhere; curated entities
    (``sg:``) before vocabulary terms."""
    needle = normalise(text)
    if not needle:
        raise QueryError("search: give some text to look for.")
    ranked: dict[str, tuple[int, str]] = {}
    for iri, found in names(kg).items():
        for name in found:
            rank = _rank(needle, normalise(name))
            if rank is not None and (iri not in ranked or rank < ranked[iri][0]):
                ranked[iri] = (rank, name)
    order = sorted(ranked, key=lambda i: (ranked[i][0], not i.startswith(ID), i))
    return _matches(kg, order[:limit] if limit else order, {i: n for i, (_, n) in ranked.items()}, lang)


def as_result(matches: Iterable[Match]) -> Result:
    """Search results as rows (``label``, ``class``, ``iri``) for the output writer."""
    import pyoxigraph

    rows: list[dict[str, Cell | None]] = []
    for m in matches:
        rows.append(
            {
                "label": Cell(pyoxigraph.Literal(m.label)),
                "class": Cell(pyoxigraph.NamedNode(m.cls), m.cls_label) if m.cls else None,
                "iri": Cell(pyoxigraph.NamedNode(m.iri), m.label),
            }
        )
    return Result(["label", "class", "iri"], rows)


def resolve(kg: KnowledgeGraph, text: str, where: str = "entity", *, lang: str = "en") -> str:
    """The IRI of the one entity ``text`` names (see the module documentation), or an error saying why.

    ``where`` says which argument the name was given for, in messages (``query who-hosts-what, parameter
    platform``).
    """
    import pyoxigraph

    given = text.strip()
    if not given:
        raise UnknownNameError(f"{where}: an empty name names no entity.")
    iri = try_parse_iri(given)
    if iri is not None and bool(kg.query(_EXISTS, {"iri": pyoxigraph.NamedNode(iri)})):
        return iri
    needle = normalise(_slug(iri) if iri is not None and given.startswith(("<", "http", "urn:")) else given)
    every = names(kg)
    exact = sorted(i for i, found in every.items() if needle in {normalise(n) for n in found})
    if not exact and len(needle) >= 3:
        exact = sorted(i for i, found in every.items() if any(needle in normalise(n) for n in found))
    if len(exact) == 1:
        return exact[0]
    if exact:
        listed = _matches(kg, exact[:SHOWN], {}, lang)
        more = f" (and {len(exact) - SHOWN} more)" if len(exact) > SHOWN else ""
        raise AmbiguousNameError(
            f"{where}: {given!r} names {len(exact)} entities{more}: "
            + "; ".join(m.line() for m in listed)
            + ". Give one of these IRIs (or its slug) instead."
        )
    raise UnknownNameError(
        f"{where}: {given!r} names no entity of the graph. " + _closest(kg, every, needle, lang)
    )


def _closest(kg: KnowledgeGraph, every: dict[str, set[str]], needle: str, lang: str) -> str:
    by_name: dict[str, str] = {}
    for iri, found in every.items():
        for name in found:
            by_name.setdefault(normalise(name), iri)
    close = difflib.get_close_matches(needle, list(by_name), n=SHOWN * 3, cutoff=0.6)
    iris = list(dict.fromkeys(by_name[c] for c in close))[:SHOWN]
    if not iris:
        return "No name is close to it; 'sovgraph search TEXT' finds entities by part of a name."
    return "The closest: " + "; ".join(m.line() for m in _matches(kg, iris, {}, lang)) + "."


def _matches(kg: KnowledgeGraph, iris: list[str], matched: dict[str, str], lang: str) -> list[Match]:
    """The found IRIs, in order, with their label in ``lang`` and their class."""
    import pyoxigraph

    from sovgraph.sparql.queries import label_terms

    if not iris:
        return []
    classes: dict[str, list[str]] = {}
    for row in kg.select(bind_values(_CLASSES, "iri", [pyoxigraph.NamedNode(i) for i in iris])):
        classes.setdefault(row["iri"].value, []).append(row["class"].value)
    chosen = {i: _main_class(classes.get(i, [])) for i in iris}
    labels = label_terms(kg, (pyoxigraph.NamedNode(i) for i in [*iris, *filter(None, chosen.values())]), lang)
    return [
        Match(
            iri=i,
            label=labels.get(i, shorten(i)),
            cls=chosen[i],
            cls_label=labels.get(chosen[i] or "") or None,
            name=matched.get(i, ""),
        )
        for i in iris
    ]


def _main_class(classes: list[str]) -> str | None:
    """The class shown for an entity: a ``sov:`` class first, then any, in a stable order."""
    return min(classes, key=lambda c: (not c.startswith(SOV), c), default=None)


def _rank(needle: str, name: str) -> int | None:
    if name == needle:
        return 0
    if name.startswith(needle):
        return 1
    if f" {needle}" in f" {name}":
        return 2
    if needle in name:
        return 3
    return None


def _slug(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]
