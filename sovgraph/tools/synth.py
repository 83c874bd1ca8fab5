"""A deterministic synthetic sovereignty graph for benchmarks and scale tests: ``write(path, triples, seed)``.

The graph follows the ontology and passes the shapes: jurisdictions (a union of states with
``sov:partOfJurisdiction``, federated states inside members), laws (extraterritorial ones reaching by
incorporation and control, territorial ones), sourced ``sov:Reach`` nodes over top companies, corporate groups
whose parent chains are 0 to 6 links deep (dated ``sov:Control`` nodes, some ended and replaced, so that the
day asked matters), cloud services and sites, public bodies, platforms and data assets hosted once or several
times (dated ``sov:Hosting`` nodes authorised by decisions with a validity, some challenged in court: a
``sov:LegalCase`` and a ``sov:Dossier`` telling the story), requirements of a scheme by some laws,
qualifications, people and their posts, data flows, statements and claims, and ``sov:Source`` nodes on
``example.org`` or ``urn:`` addresses. Everything has French and English labels; every relation node a
confidence. Every IRI is under ``https://w3id.org/sovgraph/id/synth/``, so nothing collides with curated data.

The output is streamed, node by node, and every node refers only to nodes written before it: generation stops
at the first point where ``triples`` is reached, so the size lands within a few dozen triples of the target
and the file is consistent wherever it stops. The same ``(triples, seed)`` gives the same bytes.

>>> import io
>>> out = io.StringIO()
>>> written = generate(out, 2000, seed=1)
>>> 2000 <= written < 2050 and out.getvalue().count(" .\\n") == written
True
>>> print(out.getvalue().splitlines()[0].replace("> <", ">\\n<"))
<https://w3id.org/sovgraph/id/synth/src-1>
<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>
<https://w3id.org/sovgraph/ontology#Source> .
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO, cast

from sovgraph.errors import UnsupportedFormatError
from sovgraph.files import atomic_writer
from sovgraph.namespaces import ID, KIND, PREFIXES, SOV

SYNTH = ID + "synth/"
FORMATS = {".nt": "N-Triples", ".ttl": "Turtle"}
REPORT_EVERY = 250_000  # triples between two progress reports

Progress = Callable[[int], None]


def _iri(prefix: str, local: str) -> str:
    return f"<{PREFIXES[prefix]}{local}>"


A, LABEL, SOURCE = _iri("rdf", "type"), _iri("rdfs", "label"), _iri("dcterms", "source")
DATE, START, END = _iri("dcterms", "date"), _iri("schema", "startDate"), _iri("schema", "endDate")
VALID_FROM, VALID_THROUGH, URL = (
    _iri("schema", "validFrom"),
    _iri("schema", "validThrough"),
    _iri("schema", "url"),
)
PUBLISHER, CITATION = _iri("dcterms", "publisher"), _iri("dcterms", "bibliographicCitation")
XSD = PREFIXES["xsd"]
TRUE, FALSE = f'"true"^^<{XSD}boolean>', f'"false"^^<{XSD}boolean>'
CONFIDENCE = (("verified-in-source", 0.8), ("seed-stated", 0.1), ("believed-but-unverified", 0.1))
FIRST_DAY, LAST_DAY = date(2008, 1, 1).toordinal(), date(2025, 12, 31).toordinal()
# fmt: off
SYLLABLES = (
    "ar", "bel", "cor", "dan", "el", "fen", "gal", "hor", "is", "jun", "kel", "lor", "mar", "nor", "ol",
    "pra", "quin", "ros", "sel", "tor", "ul", "var", "wen", "xan", "yor", "zel", "bri", "cal", "dor", "fin",
    "gar", "hal", "kir", "lum", "mon", "nev", "pol", "rin", "sar", "tal", "ven",
)
# fmt: on
SERVICES = ("Cloud", "Compute", "Data Platform", "Sovereign Cloud")
SUFFIXES = ("Corp", "SA", "GmbH", "Ltd", "BV", "SAS", "AB", "Oy", "SpA", "KK")


def sov(local: str) -> str:
    return f"<{SOV}{local}>"


def kind(local: str) -> str:
    return f"<{KIND}{local}>"


def text(value: str, lang: str | None = None) -> str:
    """A literal in N-Triples syntax (plain, or with a language tag)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def of(name: str) -> str:
    """French "de" before a name, elided before a vowel."""
    return f"d'{name}" if name[:1] in "AEIOUYaeiouy" else f"de {name}"


def labels(fr: str, en: str) -> list[tuple[str, str]]:
    return [(LABEL, text(fr, "fr")), (LABEL, text(en, "en"))]


class Writer:
    """Writes nodes as N-Triples or Turtle (terms are given in N-Triples syntax) and counts their triples."""

    def __init__(self, stream: TextIO, turtle: bool = False, progress: Progress | None = None) -> None:
        self.stream = stream
        self.turtle = turtle
        self.count = 0
        self._progress = progress
        self._next = REPORT_EVERY
        self._short: dict[str, str] = {}
        self._namespaces = sorted(
            [(ns, p) for p, ns in PREFIXES.items() if p != "sg"] + [(SYNTH, "syn")], key=lambda x: -len(x[0])
        )
        if turtle:
            stream.write("".join(f"@prefix {p}: <{ns}> .\n" for ns, p in sorted(self._namespaces)) + "\n")

    def node(self, subject: str, pairs: list[tuple[str, str]]) -> None:
        if self.turtle:
            body = " ;\n    ".join(f"{'a' if p == A else self._term(p)} {self._term(o)}" for p, o in pairs)
            self.stream.write(f"{self._term(subject)} {body} .\n\n")
        else:
            self.stream.write("".join(f"{subject} {p} {o} .\n" for p, o in pairs))
        self.count += len(pairs)
        if self._progress is not None and self.count >= self._next:
            self._progress(self.count)
            self._next += REPORT_EVERY

    def _term(self, term: str) -> str:
        if term.startswith("<"):
            return self._prefixed(term)
        if term.endswith(">") and "^^<" in term:
            value, datatype = term.rsplit("^^", 1)
            return f"{value}^^{self._prefixed(datatype)}"
        return term

    def _prefixed(self, iri: str) -> str:
        found = self._short.get(iri)
        if found is not None:
            return found
        short = iri
        for ns, prefix in self._namespaces:
            local = iri[len(ns) + 1 : -1]
            if iri.startswith(ns, 1) and local and all(c.isalnum() or c in "-_" for c in local):
                short = f"{prefix}:{local}"
                break
        if not iri.startswith(SYNTH, 1):  # synthetic IRIs rarely repeat: do not keep them
            self._short[iri] = short
        return short


@dataclass
class Jurisdiction:
    iri: str
    name: str
    power: bool = False  # has extraterritorial laws
    member: bool = False  # part of the union
    laws: list[tuple[str, str]] = field(default_factory=list)  # (law, criterion of its reach over companies)
    authority: str = ""
    court: str = ""


@dataclass
class Group:
    """A corporate group: its top, its companies (top first), its contracting provider, services and sites."""

    top: str
    name: str
    home: Jurisdiction
    companies: list[str] = field(default_factory=list)
    provider: str = ""
    services: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)


class World:
    """Draws the world, node by node; :meth:`items` yields after every self-contained item."""

    def __init__(self, out: Writer, target: int, seed: int) -> None:
        self.out = out
        self.rng = random.Random(seed)
        self.target = target
        self.counters: dict[str, int] = {}
        self.sources: list[str] = []
        self.jurisdictions: list[Jurisdiction] = []
        self.union: Jurisdiction | None = None
        self.groups: list[Group] = []
        self.bodies: list[tuple[str, Jurisdiction]] = []
        self.people: list[str] = []
        self.schemes: list[tuple[str, list[str]]] = []
        self.associations: list[str] = []

    # --- helpers -------------------------------------------------------------------------------------------

    def mint(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"<{SYNTH}{prefix}-{n}>"

    def name(self, syllables: int = 2) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()

    def cite(self, at_least: int = 1) -> list[tuple[str, str]]:
        """One to three recent sources (adding a new one now and then)."""
        if not self.sources or self.rng.random() < 0.3:
            self.source()
        window = self.sources[-40:]
        picked = {self.rng.choice(window) for _ in range(self.rng.randint(at_least, 3))}
        return [(SOURCE, s) for s in sorted(picked)]

    def source(self) -> None:
        iri = self.mint("src")
        n = self.counters["src"]
        publisher = self.name()
        pairs = [
            (A, sov("Source")),
            *labels(f"{publisher} Gazette, article {n}", f"{publisher} Gazette, item {n}"),
        ]
        if self.rng.random() < 0.8:
            pairs.append((URL, typed(f"https://example.org/synth/source/{n}", "anyURI")))
        else:
            pairs.append((URL, typed(f"urn:sovgraph-synth:source:{n}", "anyURI")))
            pairs.append((CITATION, text(f"{publisher} Gazette, synthetic item no. {n}")))
        pairs.append((PUBLISHER, text(f"{publisher} Gazette")))
        pairs.append((sov("sourceKind"), kind(self.rng.choice(("primary", "primary", "secondary")))))
        pairs.append((DATE, self.day(self.day_between(FIRST_DAY, LAST_DAY))))
        self.out.node(iri, pairs)
        self.sources.append(iri)

    def confidence(self) -> tuple[str, str]:
        roll, acc = self.rng.random(), 0.0
        for level, weight in CONFIDENCE:
            acc += weight
            if roll < acc:
                return (sov("confidence"), kind(level))
        return (sov("confidence"), kind(CONFIDENCE[0][0]))

    def day_between(self, first: int, last: int) -> int:
        return self.rng.randint(first, max(first, last))

    @staticmethod
    def day(ordinal: int) -> str:
        return typed(date.fromordinal(ordinal).isoformat(), "date")

    def start(self, ordinal: int) -> str:
        """A start date, sometimes known only to the month or the year (read from its first day)."""
        roll, day = self.rng.random(), date.fromordinal(ordinal)
        if roll < 0.1:
            return typed(f"{day.year:04d}", "gYear")
        if roll < 0.2:
            return typed(f"{day.year:04d}-{day.month:02d}", "gYearMonth")
        return self.day(ordinal)

    def end(self, ordinal: int, start: int) -> str:
        """An end date after ``start``; partial only when its whole year or month is after the start."""
        day, first = date.fromordinal(ordinal), date.fromordinal(start)
        roll = self.rng.random()
        if roll < 0.1 and day.year > first.year:
            return typed(f"{day.year:04d}", "gYear")
        if roll < 0.2 and (day.year, day.month) > (first.year, first.month):
            return typed(f"{day.year:04d}-{day.month:02d}", "gYearMonth")
        return self.day(ordinal)

    def period(self, first: int, p_end: float) -> tuple[list[tuple[str, str]], int, int | None]:
        """Dates of a relation starting after ``first``: (pairs, start day, end day or None)."""
        begin = self.day_between(first, LAST_DAY - 800)
        pairs = [(START, self.start(begin))]
        if self.rng.random() < p_end:
            finish = self.day_between(begin + 400, min(LAST_DAY, begin + 3000))
            pairs.append((END, self.end(finish, begin)))
            return pairs, begin, finish
        return pairs, begin, None

    # --- the world -----------------------------------------------------------------------------------------

    def items(self) -> Iterator[None]:
        yield from self.base()
        rounds = 0
        while True:
            yield from self.group(rounds)
            yield from self.customers(rounds)
            rounds += 1

    def base(self) -> Iterator[None]:
        for _ in range(5):
            self.source()
        yield
        states = max(8, min(200, 6 + math.isqrt(self.target) // 25))
        union = Jurisdiction(self.mint("jurisdiction"), f"Union {self.name(3)}")
        self.union = union
        self.out.node(
            union.iri, [(A, sov("Jurisdiction")), *labels(f"{union.name} (union d'États)", union.name)]
        )
        self.jurisdictions.append(union)
        for i in range(states):
            state = Jurisdiction(
                self.mint("jurisdiction"), self.name(3), power=i % 4 == 0, member=i % 4 in (1, 2)
            )
            pairs = [
                (A, sov("Jurisdiction")),
                *labels(f"République {of(state.name)}", f"Republic of {state.name}"),
            ]
            if state.member:
                pairs.append((sov("partOfJurisdiction"), union.iri))
            self.out.node(state.iri, pairs)
            self.jurisdictions.append(state)
            if state.member and i % 8 == 1:  # a federated state inside a member state
                sub = Jurisdiction(self.mint("jurisdiction"), self.name(2), member=True)
                self.out.node(
                    sub.iri,
                    [
                        (A, sov("Jurisdiction")),
                        *labels(f"Land {of(sub.name)}", f"State of {sub.name}"),
                        (sov("partOfJurisdiction"), state.iri),
                    ],
                )
                self.jurisdictions.append(sub)
            yield
        for juris in self.jurisdictions:
            yield from self.institutions(juris)
        for juris in self.jurisdictions:
            yield from self.laws(juris)
        yield from self.certification_schemes()

    def institutions(self, juris: Jurisdiction) -> Iterator[None]:
        juris.authority = self.mint("authority")
        self.out.node(
            juris.authority,
            [
                (A, sov("Authority")),
                *labels(f"Autorité des données {of(juris.name)}", f"{juris.name} Data Authority"),
                (sov("incorporatedIn"), juris.iri),
                *self.cite(),
            ],
        )
        yield
        juris.court = self.mint("court")
        self.out.node(
            juris.court,
            [
                (A, sov("Court")),
                *labels(f"Cour suprême {of(juris.name)}", f"{juris.name} Supreme Court"),
                (sov("incorporatedIn"), juris.iri),
                *self.cite(),
            ],
        )
        yield

    def law(self, juris: Jurisdiction, fr: str, en: str, criteria: tuple[str, ...], extra: bool) -> str:
        iri = self.mint("law")
        pairs = [
            (A, sov("Law")),
            *labels(fr, en),
            (sov("lawJurisdiction"), juris.iri),
            (sov("extraterritorial"), TRUE if extra else FALSE),
            (DATE, self.day(self.day_between(FIRST_DAY - 3000, FIRST_DAY + 2000))),
            *[(sov("reachCriterion"), kind(c)) for c in criteria],
            *self.cite(),
        ]
        self.out.node(iri, pairs)
        return iri

    def laws(self, juris: Jurisdiction) -> Iterator[None]:
        name = juris.name
        if juris is self.union:
            law = self.law(
                juris,
                f"Règlement de l'{name} sur les données",
                f"{name} Data Regulation",
                ("territory",),
                True,
            )
            article = self.mint("law-article")
            self.out.node(
                article,
                [
                    (A, sov("LawArticle")),
                    *labels(f"Règlement de l'{name}, article 48", f"{name} Data Regulation, Article 48"),
                    (sov("isPartOf"), law),
                    (sov("lawJurisdiction"), juris.iri),
                    *self.cite(),
                ],
            )
        elif juris.power:
            access = self.law(
                juris,
                f"Loi {of(name)} sur l'accès aux données",
                f"{name} Data Access Act",
                ("incorporation", "presence", "control", "service-provider-status"),
                True,
            )
            intel = self.law(
                juris,
                f"Loi {of(name)} sur le renseignement extérieur",
                f"{name} Foreign Intelligence Act",
                ("service-provider-status",),
                True,
            )
            juris.laws += [(access, "incorporation"), (intel, "service-provider-status")]
        elif self.rng.random() < 0.6:
            law = self.law(
                juris,
                f"Loi {of(name)} sur la protection des données",
                f"{name} Data Protection Law",
                ("territory", "incorporation"),
                False,
            )
            juris.laws.append((law, "incorporation"))
        yield

    def certification_schemes(self) -> Iterator[None]:
        for label_fr, label_en in (
            ("Référentiel synthétique de cloud de confiance", "Synthetic trusted-cloud scheme"),
            ("Certification synthétique d'hébergeur de données", "Synthetic data-host certification"),
        ):
            scheme = self.mint("scheme")
            self.out.node(
                scheme,
                [(A, sov("CertificationScheme")), *labels(label_fr, label_en), *self.cite()],
            )
            versions = []
            for number in ("1.0", "2.0", "3.0"):
                version = self.mint("scheme-version")
                self.out.node(
                    version,
                    [
                        (A, sov("SchemeVersion")),
                        *labels(f"{label_fr} {number}", f"{label_en} {number}"),
                        (sov("versionOf"), scheme),
                        (sov("versionNumber"), text(number)),
                        (DATE, self.day(self.day_between(FIRST_DAY, LAST_DAY - 2000))),
                        (sov("applicable"), TRUE),
                        *self.cite(),
                    ],
                )
                versions.append(version)
            self.schemes.append((scheme, versions))
            yield
        yield from self.requirements()
        association = self.mint("association")
        self.out.node(
            association,
            [
                (A, sov("Association")),
                *labels("Alliance synthétique du cloud", "Synthetic Cloud Alliance"),
                *self.cite(),
            ],
        )
        self.associations.append(association)
        yield

    def requirements(self) -> Iterator[None]:
        """A requirement of a scheme (its latest version) by the first law of every fourth jurisdiction that
        has one. Drawn without the random generator, so that the rest of the graph is the same with or without
        them."""
        for i, juris in enumerate(j for j in self.jurisdictions if j.laws):
            if i % 4:
                continue
            scheme, versions = self.schemes[i % len(self.schemes)]
            self.out.node(
                self.mint("requirement"),
                [
                    (A, sov("Requirement")),
                    *labels(
                        f"Exigence de certification {of(juris.name)}",
                        f"{juris.name} certification requirement",
                    ),
                    (sov("requiredBy"), juris.laws[0][0]),
                    (sov("scheme"), scheme),
                    (sov("schemeVersion"), versions[-1]),
                    (sov("summary"), text(f"Hébergement certifié exigé {of(juris.name)}", "fr")),
                    (sov("summary"), text(f"Certified hosting required in {juris.name}", "en")),
                    (sov("confidence"), kind(CONFIDENCE[0][0])),
                    (SOURCE, self.sources[-1]),
                ],
            )
            yield

    # --- corporate groups ----------------------------------------------------------------------------------

    def company(self, name: str, juris: Jurisdiction, fr_role: str = "", en_role: str = "") -> str:
        iri = self.mint("company")
        pairs = [
            (A, sov("Company")),
            *labels(f"{name}{fr_role}", f"{name}{en_role}"),
            (sov("incorporatedIn"), juris.iri),
            (sov("headquarteredIn"), juris.iri),
            (sov("foundingDate"), typed(f"{self.rng.randint(1970, 2007):04d}", "gYear")),
            *self.cite(),
        ]
        self.out.node(iri, pairs)
        return iri

    def control(
        self, child: str, parent: str, what: str, first: int, p_end: float, link_kind: str = ""
    ) -> int | None:
        """A control link from ``parent`` over ``child``; returns its end day, if it ended."""
        link_kind = link_kind or self.rng.choice(("subsidiary", "subsidiary", "majority-control"))
        dates, _, finish = self.period(first, p_end)
        pairs = [
            (A, sov("Control")),
            *labels(f"Contrôle {of(what)}", f"Control of {what}"),
            (sov("controlled"), child),
            (sov("controller"), parent),
            (sov("controlKind"), kind(link_kind)),
            *dates,
            self.confidence(),
            *self.cite(),
        ]
        if link_kind == "majority-control":
            pairs.append((sov("sharePercent"), typed(f"{self.rng.randint(51, 100)}.0", "decimal")))
        elif link_kind == "shareholding":
            pairs.append((sov("sharePercent"), typed(f"{self.rng.randint(2, 30)}.5", "decimal")))
        self.out.node(self.mint("control"), pairs)
        return finish

    def reach(self, law: str, reached: str, criterion: str, what: str) -> None:
        pairs = [
            (A, sov("Reach")),
            *labels(f"Portée d'une loi sur {what}", f"Reach of a law over {what}"),
            (sov("law"), law),
            (sov("reached"), reached),
            (sov("reachCriterion"), kind(criterion)),
            (START, self.day(self.day_between(FIRST_DAY, FIRST_DAY + 1500))),
            self.confidence(),
            *self.cite(),
        ]
        self.out.node(self.mint("reach"), pairs)

    def group(self, index: int) -> Iterator[None]:
        rng = self.rng
        states = [j for j in self.jurisdictions if j is not self.union]
        powers = [j for j in states if j.power]
        home = rng.choice(powers) if rng.random() < 0.5 else rng.choice(states)
        name = self.name(rng.choice((2, 2, 3)))
        group = Group("", name, home)
        group.top = self.company(f"{name} {SUFFIXES[states.index(home) % len(SUFFIXES)]}", home)
        group.companies.append(group.top)
        yield
        for law, criterion in home.laws:
            if rng.random() < 0.8:
                self.reach(law, group.top, criterion, name)
                yield
        for other in powers:
            if other is not home and rng.random() < 0.05:  # presence in another power state
                self.reach(other.laws[0][0], group.top, "presence", name)
                yield
        yield from self.people_of(group.top, name, "chief-executive", rng.randint(1, 3))
        # The parent chain: depths 0 to 6, every depth among the first groups.
        depth = (0, 2, 4, 1, 6, 3, 5)[index] if index < 7 else rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6))
        parent = group.top
        for level in range(1, depth + 1):
            juris = rng.choice([j for j in states if j.member] or states)
            child = self.company(f"{name} {juris.name} {level}", juris, " (filiale)", " (subsidiary)")
            ended = self.control(child, parent, f"{name} {juris.name} {level}", FIRST_DAY, 0.0)
            if rng.random() < 0.15 and len(self.groups) > 2:  # a change of hands: as-of matters
                buyer = rng.choice(self.groups[:-1]).top
                ended = self.control(child, parent, f"{name} {juris.name} {level}", FIRST_DAY, 1.0)
                if ended is not None:
                    self.control(child, buyer, f"{name} {juris.name} {level} (reprise)", ended + 1, 0.0)
            group.companies.append(child)
            parent = child
            yield
        if rng.random() < 0.3 and self.groups:  # a mere shareholding, which control paths do not follow
            holder = rng.choice(self.groups).top
            self.control(group.top, holder, f"{name} (participation)", FIRST_DAY, 0.2, "shareholding")
            yield
        group.provider = parent
        yield from self.services(group)
        if rng.random() < 0.2 and self.associations:
            self.membership(group.top, rng.choice(self.associations), name)
            yield
        self.groups.append(group)

    def services(self, group: Group) -> Iterator[None]:
        rng = self.rng
        for n in range(rng.randint(1, 2)):
            service = self.mint("service")
            operator = group.top if rng.random() < 0.7 else group.provider
            label = f"{group.name} {SERVICES[n + rng.randint(0, 2)]}"
            pairs = [
                (A, sov("CloudService")),
                *labels(label, label),
                (sov("operatedBy"), operator),
                *self.cite(),
            ]
            if self.groups and rng.random() < 0.1:
                other = rng.choice(self.groups)
                if other.services:
                    pairs.append((sov("basedOnTechnologyOf"), rng.choice(other.services)))
            self.out.node(service, pairs)
            group.services.append(service)
            yield
            for law, criterion in group.home.laws:
                if criterion == "service-provider-status" and rng.random() < 0.3:
                    self.reach(law, service, criterion, label)
                    yield
            if rng.random() < 0.5:
                yield from self.qualification(service, label)
        for _ in range(rng.randint(0, 2)):
            juris = rng.choice(self.jurisdictions)
            site = self.mint("site")
            self.out.node(
                site,
                [
                    (A, sov("Site")),
                    *labels(
                        f"Centre de données {group.name} à {juris.name}",
                        f"{group.name} data centre, {juris.name}",
                    ),
                    (sov("inJurisdiction"), juris.iri),
                    (sov("operatedBy"), group.provider),
                    *self.cite(),
                ],
            )
            group.sites.append(site)
            yield

    def qualification(self, holder: str, what: str) -> Iterator[None]:
        rng = self.rng
        scheme, versions = rng.choice(self.schemes)
        status = rng.choice(("granted", "granted", "in-progress", "not-eligible"))
        begin = self.day_between(FIRST_DAY + 1000, LAST_DAY - 400)
        pairs = [
            (A, sov("Qualification")),
            *labels(f"Qualification {of(what)}", f"Qualification of {what}"),
            (sov("holder"), holder),
            (sov("scheme"), scheme),
            (sov("schemeVersion"), rng.choice(versions)),
            (sov("qualificationStatus"), kind(status)),
            (VALID_FROM, self.day(begin)),
            self.confidence(),
            *self.cite(),
        ]
        if status == "granted":
            pairs.append((VALID_THROUGH, self.day(begin + 3 * 365)))
        self.out.node(self.mint("qualification"), pairs)
        yield

    def membership(self, member: str, organisation: str, what: str) -> None:
        pairs = [
            (A, sov("Membership")),
            *labels(f"{what}, membre de l'alliance", f"{what}, member of the alliance"),
            (sov("member"), member),
            (sov("organisation"), organisation),
            (sov("role"), kind("member")),
            (START, self.start(self.day_between(FIRST_DAY, LAST_DAY - 400))),
            self.confidence(),
            *self.cite(),
        ]
        self.out.node(self.mint("membership"), pairs)

    def people_of(self, organisation: str, what: str, role: str, successions: int) -> Iterator[None]:
        """Successive holders of a post, one after the other (their periods never overlap)."""
        begin = self.day_between(FIRST_DAY, FIRST_DAY + 1500)
        for n in range(successions):
            person = self.mint("person")
            first, last = self.name(2), self.name(2)
            self.out.node(
                person, [(A, sov("Person")), *labels(f"{first} {last}", f"{first} {last}"), *self.cite()]
            )
            self.people.append(person)
            pairs = [
                (A, sov("Post")),
                *labels(f"{first} {last}, fonction chez {what}", f"{first} {last}, post at {what}"),
                (sov("member"), person),
                (sov("organisation"), organisation),
                (sov("role"), kind(role)),
                (START, self.day(begin)),
                self.confidence(),
                *self.cite(),
            ]
            if n < successions - 1:
                finish = self.day_between(begin + 400, begin + 2000)
                pairs.append((END, self.day(finish)))
                begin = finish + 1
            self.out.node(self.mint("post"), pairs)
            yield

    # --- public bodies, platforms and their hosting --------------------------------------------------------

    def body(self) -> tuple[str, Jurisdiction, bool]:
        """A public body: an existing one, or a new one (then written); says whether it is new."""
        rng = self.rng
        if self.bodies and rng.random() < 0.6:
            return (*rng.choice(self.bodies), False)
        juris = rng.choice([j for j in self.jurisdictions if j is not self.union])
        name = self.name(2)
        iri = self.mint("public-body")
        self.out.node(
            iri,
            [
                (A, sov("PublicBody")),
                *labels(f"Agence {name} {of(juris.name)}", f"{juris.name} {name} Agency"),
                (sov("incorporatedIn"), juris.iri),
                *self.cite(),
            ],
        )
        self.bodies.append((iri, juris))
        return iri, juris, True

    def customers(self, index: int) -> Iterator[None]:
        rng = self.rng
        for _ in range(rng.randint(2, 5)):
            body, juris, new = self.body()
            yield
            if new and rng.random() < 0.5:
                yield from self.people_of(body, juris.name, "chair", rng.randint(1, 2))
            yield from self.platform(body, juris, index)

    def platform(self, body: str, juris: Jurisdiction, index: int) -> Iterator[None]:
        rng = self.rng
        is_data = rng.random() < 0.35
        name = self.name(2)
        iri = self.mint("data" if is_data else "platform")
        what_fr, what_en = ("Données", "data") if is_data else ("Plateforme", "platform")
        pairs = [
            (A, sov("DataAsset" if is_data else "Platform")),
            *labels(f"{what_fr} {name}", f"{name} {what_en}"),
            (sov("dataController"), body),
            (sov("purpose"), text(f"Traitement synthétique {name}", "fr")),
            (sov("purpose"), text(f"Synthetic processing {name}", "en")),
            *self.cite(),
        ]
        if rng.random() < 0.3:
            pairs.append((sov("usedBy"), rng.choice(self.bodies)[0]))
        self.out.node(iri, pairs)
        yield
        # One hosting, or a migration from one host to another (ended, then started): as-of matters.
        moves = 2 if rng.random() < 0.3 else 1
        begin = self.day_between(FIRST_DAY + 300, LAST_DAY - 2500)
        for move in range(moves):
            finish = self.day_between(begin + 500, begin + 2000) if move < moves - 1 else None
            # the first groups host the first platforms, so that small graphs hold deep chains too
            group = self.groups[index] if move == 0 and rng.random() < 0.5 else rng.choice(self.groups)
            self.hosting(iri, name, body, juris, group, begin, finish)
            yield
            if finish is not None:
                begin = finish + 1
        if rng.random() < 0.2:
            yield from self.flow(iri, name, body, juris)
        if self.people and (rng.random() < 0.05 or "statement" not in self.counters):
            self.statement(iri, name)
            yield

    def hosting(
        self,
        hosted: str,
        name: str,
        body: str,
        juris: Jurisdiction,
        group: Group,
        begin: int,
        finish: int | None,
    ) -> None:
        """A hosting, with the decision that authorised it and, now and then, a court ruling on it."""
        rng = self.rng
        iri = self.mint("hosting")
        service = rng.choice(group.services)
        location = (
            rng.choice(group.sites)
            if group.sites and rng.random() < 0.5
            else rng.choice(self.jurisdictions).iri
        )
        roles = ["host"] if rng.random() < 0.6 else ["host", "sub-processor"]
        if rng.random() < 0.1:
            roles = ["infrastructure-provider"]
        pairs = [
            (A, sov("Hosting")),
            *labels(f"{name} hébergé par {group.name}", f"{name} hosted by {group.name}"),
            (sov("hosted"), hosted),
            (sov("service"), service),
            (sov("location"), location),
            *[(sov("hostingRole"), kind(r)) for r in roles],
            (START, self.start(begin)),
            self.confidence(),
            *self.cite(),
        ]
        if rng.random() < 0.85:  # else the service's operator is the provider
            pairs.append((sov("provider"), group.provider))
        ruling: tuple[str, int, str] | None = None
        if rng.random() < 0.7:
            decision = self.mint("decision")
            pairs.append((sov("authorisedBy"), decision))
            decided = max(FIRST_DAY, begin - rng.randint(10, 200))
            self.decision(decision, iri, name, body, juris, decided, finish)
            if rng.random() < 0.08:
                ruled = decided + rng.randint(60, 900)
                ruling = (decision, ruled, rng.choice(("rejected", "rejected", "invalidated")))
                if ruling[2] == "invalidated":  # the hosting stops when its authorisation falls
                    finish = max(begin + 1, min(finish or ruled, ruled))
        if finish is not None:
            pairs.append((END, self.day(finish)))
        self.out.node(iri, pairs)
        if ruling is not None:
            self.ruling(*ruling, name, juris, body, iri)

    def decision(
        self,
        iri: str,
        hosting: str,
        name: str,
        body: str,
        juris: Jurisdiction,
        decided: int,
        finish: int | None,
    ) -> None:
        """The decision authorising a hosting, valid at least as long as the hosting lasts."""
        rng = self.rng
        pairs = [
            (A, sov("Decision")),
            *labels(
                f"Délibération autorisant l'hébergement {of(name)}",
                f"Deliberation authorising {name}'s hosting",
            ),
            (sov("decisionKind"), kind(rng.choice(("deliberation", "deliberation", "contract")))),
            (sov("decidedBy"), juris.authority),
            (sov("applicant"), body),
            (DATE, self.day(decided)),
            (sov("outcome"), kind("authorised")),
            (sov("authorises"), hosting),
            *self.cite(),
        ]
        if juris.laws:
            pairs.append((sov("legalBasis"), juris.laws[0][0]))
        if finish is not None and finish < decided + 3 * 365 and rng.random() < 0.7:
            pairs += [
                (sov("validityDuration"), typed("P3Y", "duration")),
                (sov("publicationDate"), self.day(decided + 40)),
            ]
        else:
            until = (finish or LAST_DAY) + rng.randint(30, 3650)
            pairs += [(VALID_FROM, self.day(decided)), (VALID_THROUGH, self.day(until))]
        self.out.node(iri, pairs)

    def ruling(
        self, decision: str, ruled: int, outcome: str, name: str, juris: Jurisdiction, body: str, hosting: str
    ) -> None:
        """A court ruling on the decision authorising a hosting, given in a case the body brought against the
        authority, and a case file telling the story. The case and the file are drawn without the random
        generator, so that the rest of the graph is the same with or without them."""
        case = self.mint("case")
        self.out.node(
            case,
            [
                (A, sov("LegalCase")),
                *labels(f"Recours sur l'hébergement {of(name)}", f"Challenge over {name}'s hosting"),
                (sov("court"), juris.court),
                (sov("applicant"), body),
                (sov("defendant"), juris.authority),
                (sov("challenges"), decision),
                (sov("filedOn"), self.day(ruled - 45)),
                (SOURCE, self.sources[-1]),
            ],
        )
        ruling = self.mint("ruling")
        pairs = [
            (A, sov("Decision")),
            *labels(f"Arrêt sur l'hébergement {of(name)}", f"Ruling on {name}'s hosting"),
            (sov("decisionKind"), kind("court-ruling")),
            (sov("decidedBy"), juris.court),
            (DATE, self.day(ruled)),
            (sov("challenges"), decision),
            (sov("outcome"), kind(outcome)),
            *self.cite(),
            (sov("inCase"), case),
        ]
        self.out.node(ruling, pairs)
        self.out.node(
            self.mint("dossier"),
            [
                (A, sov("Dossier")),
                *labels(f"L'hébergement {of(name)} devant le juge", f"{name}'s hosting in court"),
                (sov("summary"), text(f"Une autorisation d'hébergement contestée {of(juris.name)}", "fr")),
                (sov("summary"), text(f"A hosting authorisation challenged in {juris.name}", "en")),
                (sov("involves"), hosting),
                (sov("involves"), decision),
                (sov("involves"), case),
                (sov("involves"), ruling),
                (sov("coversJurisdiction"), juris.iri),
                (SOURCE, self.sources[-1]),
            ],
        )

    def flow(self, platform: str, name: str, body: str, juris: Jurisdiction) -> Iterator[None]:
        source = self.mint("data-source")
        self.out.node(
            source,
            [
                (A, sov("DataSource")),
                *labels(f"Base source {of(name)}", f"{name} source database"),
                (sov("dataController"), body),
                *self.cite(),
            ],
        )
        pairs = [
            (A, sov("DataFlow")),
            *labels(f"Flux vers {name}", f"Flow into {name}"),
            (sov("flowFrom"), source),
            (sov("flowTo"), platform),
            (START, self.start(self.day_between(FIRST_DAY, LAST_DAY - 400))),
            self.confidence(),
            *self.cite(),
        ]
        if juris.laws:
            pairs.append((sov("legalBasis"), juris.laws[0][0]))
        self.out.node(self.mint("dataflow"), pairs)
        yield

    def statement(self, about: str, name: str) -> None:
        rng = self.rng
        claim = rng.random() < 0.5 or "statement" not in self.counters  # the first one is a claim
        pairs = [
            (A, sov("Claim" if claim else "Statement")),
            *labels(f"Déclaration sur {name}", f"Statement about {name}"),
            (sov("statedBy"), rng.choice(self.people)),
            (sov("about"), about),
            (sov("summary"), text(f"Position synthétique sur {name}", "fr")),
            (sov("summary"), text(f"Synthetic stance on {name}", "en")),
            (sov("stance"), kind(rng.choice(("supports", "opposes", "questions", "asserts")))),
            (DATE, self.day(self.day_between(FIRST_DAY, LAST_DAY))),
            self.confidence(),
            *self.cite(),
        ]
        if claim:
            pairs.append((sov("verdict"), kind(rng.choice(("confirmed", "imprecise", "unconfirmed")))))
            pairs.append((sov("verifiedBy"), about))
        self.out.node(self.mint("statement"), pairs)


def generate(
    stream: TextIO, triples: int, seed: int = 0, *, turtle: bool = False, progress: Progress | None = None
) -> int:
    """Write a synthetic graph of about ``triples`` triples to ``stream``; returns how many were written."""
    if triples < 1:
        raise ValueError("the number of triples must be positive")
    out = Writer(stream, turtle=turtle, progress=progress)
    for _ in World(out, triples, seed).items():
        if out.count >= triples:
            break
    return out.count


def write(path: Path | str, triples: int, seed: int = 0, *, progress: Progress | None = None) -> int:
    """Write a synthetic graph to ``path`` (``.nt`` or ``.ttl``) atomically; returns the number of triples."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise UnsupportedFormatError(path, sorted(FORMATS), output=True)
    with atomic_writer(path, text=True) as handle:
        count = generate(
            cast(TextIO, handle), triples, seed, turtle=path.suffix.lower() == ".ttl", progress=progress
        )
    return count
