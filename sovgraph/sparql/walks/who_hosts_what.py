"""``who-hosts-what`` for one platform, by index lookups (see :mod:`sovgraph.sparql.walks`).

The query's text (``queries/who-hosts-what.rq``) stays the definition; this walk follows it step by step:

1. the hostings of the platform (a ``sov:Hosting`` or ``sov:ServiceUse`` that hosts it, or a service use by
   it that hosts no data), with a confidence and in force on the day;
2. their provider (the contracting one, else the service's operator), the provider's control paths in force
   whose top has no control link in force above it, and the ultimate parent they lead to;
3. the exposures of the hosting in force on the day, the decision that authorised it, the service's
   operator and technology supplier, and the sources of each hop.

Every combination of values gives one solution, as the query's joins and ``OPTIONAL``s do; solutions are then
grouped on the query's ``GROUP BY`` keys, whose ``GROUP_CONCAT(DISTINCT ...)`` cells are the union of the
sources of the group's solutions. Multiplicities never matter (every aggregate is ``DISTINCT``), so the walk
works with sets. Comparisons and truth values follow SPARQL: an ``xsd:date`` against an ``xsd:date`` in
Python, any other pair of values by Oxigraph itself (cached), so that an incomparable value counts as the
query's ``COALESCE(..., true)`` counts it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph

from sovgraph.namespaces import PREFIXES, SOV
from sovgraph.sparql.walks.reader import Reader
from sovgraph.sparql.walks.values import (
    XSD_BOOLEAN,
    XSD_STRING,
    Cell,
    Term,
    at_most,
    coalesce,
    evaluate,
    is_true,
    sort_key,
)

_RDF, _SCHEMA = PREFIXES["rdf"], PREFIXES["schema"]
_DCTERMS, _PROV = PREFIXES["dcterms"], PREFIXES["prov"]


def _sov(local: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(SOV + local)


HOSTING, SERVICE_USE, CONTROL_PATH = _sov("Hosting"), _sov("ServiceUse"), _sov("ControlPath")
CONTROL, EXPOSURE, REACH, DERIVED, SOURCE = (
    _sov("Control"),
    _sov("Exposure"),
    _sov("Reach"),
    _sov("Derived"),
    _sov("Source"),
)
HOSTED, USER, PROVIDER, SERVICE = _sov("hosted"), _sov("user"), _sov("provider"), _sov("service")
OPERATED_BY, CONFIDENCE, LOCATION = _sov("operatedBy"), _sov("confidence"), _sov("location")
IN_FORCE_FROM, IN_FORCE_UNTIL, OBSERVED_ON = _sov("inForceFrom"), _sov("inForceUntil"), _sov("observedOn")
INCORPORATED_IN, CONTROLLED, CONTROLLER = _sov("incorporatedIn"), _sov("controlled"), _sov("controller")
CONTROL_KIND, CONVEYS_CONTROL = _sov("controlKind"), _sov("conveysControl")
VIA, LAW, CRITERION, THROUGH = _sov("via"), _sov("law"), _sov("reachCriterion"), _sov("through")
EXTRATERRITORIAL, AUTHORISED_BY = _sov("extraterritorial"), _sov("authorisedBy")
TECHNOLOGY_SUPPLIER, BASED_ON_TECHNOLOGY_OF = _sov("technologySupplier"), _sov("basedOnTechnologyOf")
OWN_DATES = tuple(
    pyoxigraph.NamedNode(_SCHEMA + local) for local in ("startDate", "endDate", "validFrom", "validThrough")
)
URL = pyoxigraph.NamedNode(_SCHEMA + "url")
CITATION = pyoxigraph.NamedNode(_DCTERMS + "bibliographicCitation")
DC_SOURCE, DC_DATE = pyoxigraph.NamedNode(_DCTERMS + "source"), pyoxigraph.NamedNode(_DCTERMS + "date")
WAS_DERIVED_FROM = pyoxigraph.NamedNode(_PROV + "wasDerivedFrom")
NONE = pyoxigraph.NamedNode("urn:sovgraph:none")  # the query's stand-in for an unbound start of a path
SEPARATOR = " ; "


# --- SPARQL's operators on values ---------------------------------------------------------------


def _true(term: Cell) -> bool:
    """``COALESCE(term, true)`` as a filter's condition: true unbound, else its effective boolean value
    (false for false, for an error and for anything with no boolean value)."""
    if term is None:
        return True
    if isinstance(term, pyoxigraph.Literal) and term.datatype == XSD_BOOLEAN and term.value in ("true", "1"):
        return True
    return is_true(evaluate("IF(?v0, true, false)", term))


def _equal(left: Cell, right: Term) -> bool:
    """``left = right`` as a filter's condition (false for an error)."""
    if left is None:
        return False
    if isinstance(right, pyoxigraph.NamedNode) or isinstance(left, pyoxigraph.NamedNode):
        return left == right
    return is_true(evaluate("?v0 = ?v1", left, right))


def _str(term: Cell) -> pyoxigraph.Literal | None:
    """``STR(term)``: an IRI's or a literal's text as a plain string; ``None`` (an error) otherwise."""
    if isinstance(term, pyoxigraph.NamedNode | pyoxigraph.Literal):
        return pyoxigraph.Literal(term.value)
    return None


def _group_concat(values: Iterable[Term]) -> pyoxigraph.Literal | None:
    """``GROUP_CONCAT(DISTINCT ...; separator=" ; ")`` as Oxigraph gives it: unbound for no value or for a
    value that is not a string; tagged with the language all the values share, if they share one."""
    strings = []
    for value in dict.fromkeys(values):
        if not isinstance(value, pyoxigraph.Literal) or (
            value.language is None and value.datatype != XSD_STRING
        ):
            return None
        strings.append(value)
    if not strings:
        return None
    languages = {value.language for value in strings}
    text = SEPARATOR.join(value.value for value in strings)
    language = languages.pop() if len(languages) == 1 else None
    return pyoxigraph.Literal(text, language=language) if language else pyoxigraph.Literal(text)


# --- The steps of the query ----------------------------------------------------------------------


def _in_force(graph: Reader, node: Term, as_of: Term) -> bool:
    """Some combination of the node's start and end (each optional, possibly several) lets ``as_of`` in:
    ``COALESCE(?from <= ?as_of, true) && COALESCE(?as_of <= ?until, true)``."""
    starts = graph.or_unbound(node, IN_FORCE_FROM)
    ends = graph.or_unbound(node, IN_FORCE_UNTIL)
    return any(at_most(start, as_of) for start in starts) and any(at_most(as_of, end) for end in ends)


def _hostings(graph: Reader, platform: Term) -> list[Term]:
    """The three ``UNION`` branches: hostings and service uses of the platform, and service uses by it that
    host no data."""
    found: dict[Term, None] = {}
    for hosting in graph.subjects(HOSTED, platform):
        graph.read(hosting)
        if graph.is_a(hosting, HOSTING) or graph.is_a(hosting, SERVICE_USE):
            found[hosting] = None
    for use in graph.subjects(USER, platform):
        graph.read(use)
        if graph.is_a(use, SERVICE_USE) and not graph.objects(use, HOSTED):
            found[use] = None
    return list(found)


def _providers(graph: Reader, hosting: Term) -> tuple[Term, ...]:
    """The contracting provider, else the operator of the hosting's service."""
    contracted = graph.objects(hosting, PROVIDER)
    if contracted:
        return contracted
    operators = (
        op for service in graph.objects(hosting, SERVICE) for op in graph.objects(service, OPERATED_BY)
    )
    return tuple(dict.fromkeys(operators))


def _period(graph: Reader, hosting: Term, observed_on: Cell, as_of: Term) -> Cell:
    """The period column: known, unknown, observed or observed-only (unbound where ``STR`` fails)."""
    if any(graph.objects(hosting, predicate) for predicate in OWN_DATES):
        return pyoxigraph.Literal("known")
    if observed_on is None:
        return pyoxigraph.Literal("unknown")
    observed, day = _str(observed_on), _str(as_of)
    if observed is None or day is None:
        return None
    return pyoxigraph.Literal("observed" if day.value.startswith(observed.value) else "observed-only")


def _source_texts(graph: Reader, source: Term) -> set[Term]:
    """``COALESCE(STR(?url), ?citation, STR(?source))`` for each of the source's URLs and citations."""
    texts = set()
    for url in graph.or_unbound(source, URL):
        for citation in graph.or_unbound(source, CITATION):
            text = coalesce(_str(url), citation, _str(source))
            if text is not None:
                texts.add(text)
    return texts


def _sources_of(graph: Reader, sources: Iterable[Term]) -> frozenset[Term]:
    return frozenset(text for source in sources for text in _source_texts(graph, source))


def _chain_sources(graph: Reader, root: Term) -> frozenset[Term]:
    """The sources of what the control path is derived from (``prov:wasDerivedFrom+/dcterms:source``), each
    a ``sov:Source``."""
    sources = (
        source
        for premise in graph.closure(root, WAS_DERIVED_FROM, reflexive=False)
        for source in graph.objects(premise, DC_SOURCE)
        if graph.is_a(source, SOURCE)
    )
    return _sources_of(graph, dict.fromkeys(sources))


def _law_sources(graph: Reader, root: Term) -> frozenset[Term]:
    """The sources of the sourced reaches behind the exposure (a ``sov:Reach``, not ``sov:Derived``)."""
    sources = (
        source
        for premise in graph.closure(root, WAS_DERIVED_FROM, reflexive=False)
        if graph.is_a(premise, REACH) and not graph.is_a(premise, DERIVED)
        for source in graph.objects(premise, DC_SOURCE)
    )
    return _sources_of(graph, dict.fromkeys(sources))


@dataclass(frozen=True)
class _Chain:
    """A provider and where its control chain ends on the day."""

    provider: Term
    provider_jurisdiction: Cell
    ultimate_parent: Term
    parent_jurisdiction: Cell
    sources: frozenset[Term]


def _conveys_control_above(graph: Reader, top: Term, as_of: Term) -> bool:
    """A ``sov:Control`` link over ``top``, in force on the day, whose kind does not say it conveys none."""
    for link in graph.subjects(CONTROLLED, top):
        if not graph.is_a(link, CONTROL) or not _in_force(graph, link, as_of):
            continue
        kinds = graph.objects(link, CONTROL_KIND)
        conveys = tuple(value for kind in kinds for value in graph.objects(kind, CONVEYS_CONTROL)) or (None,)
        if any(_true(value) for value in conveys):
            return True
    return False


def _tops(graph: Reader, provider: Term, as_of: Term) -> list[tuple[Term, Term]]:
    """The (control path, top) pairs in force over the provider whose top no control link in force is above;
    ``[(NONE, provider)]`` for a provider with no path in force (it is then its own ultimate parent)."""
    pairs = [
        (path, top)
        for path in dict.fromkeys(graph.subjects(CONTROLLED, provider))
        if _in_force(graph, path, as_of) and graph.is_a(path, CONTROL_PATH)
        for top in graph.objects(path, CONTROLLER)
    ]
    if not pairs:
        return [] if _conveys_control_above(graph, NONE, as_of) else [(NONE, provider)]
    return [(path, top) for path, top in pairs if not _conveys_control_above(graph, top, as_of)]


def _chains(graph: Reader, hosting: Term, params: Mapping[str, Term]) -> list[_Chain]:
    """The hosting's providers with their ultimate parents, restricted as ``provider`` and ``jurisdiction``
    ask."""
    as_of, wanted_provider, jurisdiction = params["as_of"], params.get("provider"), params.get("jurisdiction")
    chains = []
    for provider in _providers(graph, hosting):
        if wanted_provider is not None and provider != wanted_provider:
            continue
        for path, top in _tops(graph, provider, as_of):
            sources = _chain_sources(graph, path)
            for parent_jurisdiction in graph.or_unbound(top, INCORPORATED_IN):
                if jurisdiction is not None and not _equal(parent_jurisdiction, jurisdiction):
                    continue
                for provider_jurisdiction in graph.or_unbound(provider, INCORPORATED_IN):
                    chains.append(_Chain(provider, provider_jurisdiction, top, parent_jurisdiction, sources))
    return chains


@dataclass(frozen=True)
class _Exposure:
    """A law the hosting is exposed to on the day (all unbound for a hosting with no such exposure)."""

    law: Cell = None
    criterion: Cell = None
    through: Cell = None
    extraterritorial: Cell = None
    confidence: Cell = None
    sources: frozenset[Term] = field(default_factory=frozenset)


def _exposures(graph: Reader, hosting: Term, params: Mapping[str, Term]) -> list[_Exposure]:
    """The hosting's exposures in force on the day (to ``law`` only, when it is bound). With none: one
    unbound exposure, or nothing when a law is asked for (``FILTER(!BOUND(?law) || BOUND(?exposure))``)."""
    as_of, wanted_law = params["as_of"], params.get("law")
    found = []
    for exposure in dict.fromkeys(graph.subjects(VIA, hosting)):
        if not _in_force(graph, exposure, as_of) or not graph.is_a(exposure, EXPOSURE):
            continue
        laws = [law for law in graph.objects(exposure, LAW) if wanted_law is None or law == wanted_law]
        values = itertools.product(
            laws,
            graph.objects(exposure, CRITERION),
            graph.objects(exposure, THROUGH),
            graph.objects(exposure, CONFIDENCE),
        )
        sources = _law_sources(graph, exposure)
        for law, criterion, through, confidence in values:
            for extraterritorial in graph.or_unbound(law, EXTRATERRITORIAL):
                found.append(_Exposure(law, criterion, through, extraterritorial, confidence, sources))
    if found or wanted_law is not None:
        return found
    return [_Exposure(sources=_law_sources(graph, NONE))]


@dataclass(frozen=True)
class _Decision:
    """The decision that authorised the hosting (all unbound for none)."""

    decision: Cell = None
    decided_on: Cell = None
    valid_until: Cell = None
    sources: frozenset[Term] = field(default_factory=frozenset)


def _decisions(graph: Reader, hosting: Term) -> list[_Decision]:
    found = []
    for decision in graph.objects(hosting, AUTHORISED_BY):
        sources = _sources_of(graph, graph.objects(decision, DC_SOURCE))
        for decided_on in graph.or_unbound(decision, DC_DATE):
            for valid_until in graph.or_unbound(decision, IN_FORCE_UNTIL):
                found.append(_Decision(decision, decided_on, valid_until, sources))
    return found or [_Decision()]


@dataclass(frozen=True)
class _Service:
    """The service used (unbound for none), one of its operators, and its technology suppliers."""

    service: Cell
    operator: Cell
    suppliers: frozenset[Term]


def _services(graph: Reader, hosting: Term) -> list[_Service]:
    found = []
    for service in graph.or_unbound(hosting, SERVICE):
        root = coalesce(service, NONE)
        suppliers = [
            *graph.objects(root, TECHNOLOGY_SUPPLIER),
            *(
                op
                for base in graph.objects(root, BASED_ON_TECHNOLOGY_OF)
                for op in graph.objects(base, OPERATED_BY)
            ),
        ]
        texts = frozenset(text for text in map(_str, suppliers) if text is not None)
        for operator in graph.or_unbound(root, OPERATED_BY):
            found.append(_Service(service, operator, texts))
    return found


# --- Grouping and ordering ----------------------------------------------------------------------

Key = tuple[Cell, ...]
"""The ``GROUP BY`` keys, in the order of the query's ``SELECT`` (the aggregates left out)."""


@dataclass
class _Group:
    """The sources gathered by a group's solutions, for its ``GROUP_CONCAT`` cells."""

    hosting: set[Term] = field(default_factory=set)
    chain: set[Term] = field(default_factory=set)
    law: set[Term] = field(default_factory=set)
    decision: set[Term] = field(default_factory=set)
    suppliers: set[Term] = field(default_factory=set)


def _solutions(
    graph: Reader, platform: Term, hosting: Term, params: Mapping[str, Term]
) -> Iterator[tuple[Key, _Group]]:
    """The hosting's solutions, each as its group key and the sources it brings to the group."""
    as_of = params["as_of"]
    confidences = graph.objects(hosting, CONFIDENCE)
    if not confidences or not _in_force(graph, hosting, as_of):
        return
    chains = _chains(graph, hosting, params)
    exposures = _exposures(graph, hosting, params)
    if not chains or not exposures:
        return
    users = graph.or_unbound(hosting, USER) if graph.is_a(hosting, SERVICE_USE) else (None,)
    observed = [(day, _period(graph, hosting, day, as_of)) for day in graph.or_unbound(hosting, OBSERVED_ON)]
    hosting_sources = _sources_of(graph, graph.objects(hosting, DC_SOURCE))
    combinations = itertools.product(
        _services(graph, hosting),
        chains,
        graph.or_unbound(hosting, LOCATION),
        exposures,
        _decisions(graph, hosting),
        users,
        observed,
    )
    for service, chain, location, exposure, decision, user, (observed_on, period) in combinations:
        for confidence in (exposure.confidence,) if exposure.confidence is not None else confidences:
            key = (
                platform,
                service.service,
                chain.provider,
                chain.provider_jurisdiction,
                location,
                chain.ultimate_parent,
                chain.parent_jurisdiction,
                exposure.law,
                exposure.criterion,
                exposure.through,
                exposure.extraterritorial,
                decision.decision,
                decision.decided_on,
                decision.valid_until,
                confidence,
                user,
                service.operator,
                period,
                observed_on,
            )
            sources = _Group(
                set(hosting_sources), set(chain.sources), set(exposure.sources), set(decision.sources)
            )
            sources.suppliers.update(service.suppliers)
            yield key, sources


def _row(key: Key, group: _Group) -> tuple[Cell, ...]:
    """The row of a group: its keys and aggregates in the order of the query's ``SELECT``."""
    return (
        *key[:15],
        _group_concat(group.hosting),
        _group_concat(group.chain),
        _group_concat(group.law),
        _group_concat(group.decision),
        *key[15:17],
        _group_concat(group.suppliers),
        *key[17:],
    )


# The query's ORDER BY, as positions in a row: ?platform ?service ?law ?criterion ?through, then every other
# grouped variable in the order it names them.
_ORDER_BY = (0, 1, 7, 8, 9, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 19, 20, 22, 23)


def walk(store: pyoxigraph.Store, params: Mapping[str, Term]) -> list[tuple[Cell, ...]]:
    """The rows of ``who-hosts-what`` for ``params["platform"]`` on ``params["as_of"]`` (``provider``,
    ``jurisdiction`` and ``law`` restrict them when bound)."""
    graph = Reader(store)
    platform = params["platform"]
    groups: dict[Key, _Group] = {}
    for hosting in _hostings(graph, platform):
        for key, found in _solutions(graph, platform, hosting, params):
            group = groups.setdefault(key, _Group())
            group.hosting |= found.hosting
            group.chain |= found.chain
            group.law |= found.law
            group.decision |= found.decision
            group.suppliers |= found.suppliers
    rows = [_row(key, group) for key, group in groups.items()]
    rows.sort(key=lambda row: tuple(sort_key(row[i]) for i in _ORDER_BY))
    return rows
