"""The HTML pages: what each page says, put into the Jinja2 templates (autoescaped; data is text).

Every value that comes from the graph reaches a template as a :class:`Value` — text, an optional link to a
page of the site or an ``http(s)`` URL, an optional footnote number — and is only ever printed as text or as
an attribute, both escaped by Jinja2. A source's URL becomes a link only when it is ``http(s)``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sovgraph.namespaces import KIND, SOV, shorten
from sovgraph.publish.addresses import (
    base_of,
    class_page,
    concept_base,
    concept_page,
    ontology_anchor,
    page_of,
    relative,
)
from sovgraph.publish.catalogue import (
    ALT_LABEL,
    CONFIDENCE,
    DEFINITION,
    EXACT_MATCH,
    IDENTIFIER,
    IN_SCHEME,
    LABELS,
    NOTE,
    RDF_TYPE,
    SHOWN_APART,
    SOURCE,
    SUMMARY,
    Catalogue,
    is_web_url,
)
from sovgraph.publish.words import LANGS, WORDS, column_title

if TYPE_CHECKING:
    import jinja2

    from sovgraph.graph import KnowledgeGraph
    from sovgraph.sparql.results import Cell, Result

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'"
)
"""The pages' policy: scripts, styles and images from the site itself only, no request elsewhere."""

STATUSES = ("in_force", "future", "past")


@dataclass
class Value:
    """A value as the page shows it: text, an optional link, an optional footnote."""

    text: str
    href: str | None = None
    lang: str | None = None
    external: bool = False
    refs: list[int] = field(default_factory=list)


@dataclass
class Footnote:
    number: int
    label: str
    url: str | None
    link: bool
    citation: str | None
    page: str | None


class Notes:
    """The numbered sources of one page, in the order they are first cited."""

    def __init__(self, site: Site, path: str, lang: str) -> None:
        self.site, self.path, self.lang = site, path, lang
        self.numbers: dict[str, int] = {}

    def cite(self, source: str) -> int:
        if source not in self.numbers:
            self.numbers[source] = len(self.numbers) + 1
        return self.numbers[source]

    def cite_all(self, sources: Iterable[str]) -> list[int]:
        return sorted({self.cite(s) for s in sources})

    def footnotes(self) -> list[Footnote]:
        cat = self.site.catalogue
        notes = []
        for iri, number in self.numbers.items():
            info = cat.sources.get(iri)
            url = info.url if info else None
            notes.append(
                Footnote(
                    number=number,
                    label=cat.label(iri, self.lang),
                    url=url,
                    link=is_web_url(url),
                    citation=info.citation if info else None,
                    page=self.site.href(self.path, iri, self.lang),
                )
            )
        return notes


class Site:
    """The catalogue, the templates and the library, and how one page links to another."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        catalogue: Catalogue,
        version: str,
        built: str,
        query_page: str | None = None,
    ) -> None:
        self.kg, self.catalogue, self.version, self.built = kg, catalogue, version, built
        self.query_page = query_page
        """The address of a ``sovgraph serve`` query page to link to (checked by the caller), or None."""
        self.env = environment()
        self.pages = set(catalogue.entities)
        self.by_text: dict[str, str] = {}
        for iri, info in catalogue.sources.items():
            for text in (info.url, info.citation):
                if text:
                    self.by_text.setdefault(text.strip(), iri)
        self.library = kg.library()
        self._answers: dict[tuple[str, str, tuple[tuple[str, object], ...]], Result] = {}
        self._grouped: dict[tuple[str, str, str], tuple[list[str], dict[str, list[Any]]]] = {}

    # --- links -------------------------------------------------------------------------------------------

    def href(self, origin: str, iri: str, lang: str) -> str | None:
        """The link from page ``origin`` to the page of ``iri``: an entity or concept page, or the ontology
        reference."""
        if iri in self.pages:
            return relative(origin, page_of(iri, lang))
        if iri in self.catalogue.concepts:
            return relative(origin, concept_page(iri, lang))
        if iri.startswith(SOV) or iri.startswith(KIND):
            return relative(origin, f"ontology.{lang}.html") + "#" + ontology_anchor(iri)
        return None

    def value(self, origin: str, term: Any, lang: str, notes: Notes | None = None) -> Value:
        """A term as a :class:`Value`: an IRI with its label and link, a literal as text."""
        import pyoxigraph

        if isinstance(term, pyoxigraph.NamedNode):
            iri = term.value
            shown = Value(self.catalogue.label(iri, lang), self.href(origin, iri, lang))
            if notes is not None and iri in self.catalogue.sources:
                shown.refs = [notes.cite(iri)]
            return shown
        if isinstance(term, pyoxigraph.Literal):
            return Value(str(term.value), lang=term.language or None)
        return Value(str(term.value))

    def common(self, path: str, lang: str, title: str) -> dict[str, Any]:
        """What every page's frame needs: language, links home and to the other language, title, policy."""
        other = next(code for code in LANGS if code != lang)
        return {
            "lang": lang,
            "other": other,
            "w": WORDS[lang],
            "root": relative(path, "index.html").removesuffix("index.html"),
            "path": path,
            "switch": relative(path, _swap(path, lang, other)),
            "title": title,
            "csp": CSP,
            "alternates": [],
            "version": self.version,
            "built": self.built,
            "as_of": self.catalogue.as_of,
            "query_page": self.query_page,
            "query_link": None,
        }

    def query_link(self, iri: str) -> str | None:
        """The query page opened on a ready query about ``iri`` (``?entity=IRI``), or None without one."""
        from urllib.parse import quote

        if self.query_page is None:
            return None
        return f"{self.query_page}?entity={quote(iri, safe='')}"

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    # --- the entity page ---------------------------------------------------------------------------------

    def entity_page(self, iri: str, lang: str, network: Mapping[str, Any] | None) -> str:
        cat = self.catalogue
        path = page_of(iri, lang)
        notes = Notes(self, path, lang)
        label = cat.label(iri, lang)
        context = self.common(path, lang, label)
        name = base_of(iri).rsplit("/", 1)[1]
        context["alternates"] = [(f"{name}.ttl", "text/turtle"), (f"{name}.jsonld", "application/ld+json")]
        classes = [
            Value(cat.label(c, lang), relative(path, class_page(c, lang)) if c.startswith(SOV) else None)
            for c in cat.entities[iri]
        ]
        same_as = []
        for term in cat.values(iri, EXACT_MATCH):
            text = str(term.value)
            same_as.append(Value(shorten(text), text if is_web_url(text) else None, external=True))
        context.update(
            entity=iri,
            label=label,
            classes=classes,
            alt_labels=_one_language(
                [Value(t, lang=c or None) for t, c in dict.fromkeys(cat.alt_labels(iri))], lang
            ),
            identifiers=[self.value(path, t, lang) for t in cat.values(iri, IDENTIFIER)],
            same_as=same_as,
            notes=_in_language(cat.values(iri, SUMMARY) + cat.values(iri, NOTE), lang),
            own_refs=notes.cite_all(s.value for s in cat.values(iri, SOURCE)),
            facts=self._facts(iri, path, lang, notes),
            relations=self._relations(iri, path, lang, notes) if not cat.is_relation(iri) else [],
            referenced=self._referenced(iri, path, lang, notes),
            sections=self._sections(iri, path, lang, notes),
            network=_json_block(network) if network else None,
            status=cat.status(iri) if cat.is_relation(iri) else None,
            query_link=self.query_link(iri),
        )
        context["footnotes"] = notes.footnotes()
        return self.render("entity.html.j2", **context)

    # --- the page of a concept of a controlled list ------------------------------------------------------

    def concept_page(self, iri: str, lang: str) -> str:
        """A ``kind:`` concept: labels, definition, its list, what the ontology says of it, and every curated
        entity or relation that uses it, by property."""
        cat = self.catalogue
        path = concept_page(iri, lang)
        label = cat.label(iri, lang)
        context = self.common(path, lang, label)
        name = concept_base(iri).rsplit("/", 1)[1]
        context["alternates"] = [(f"{name}.ttl", "text/turtle"), (f"{name}.jsonld", "application/ld+json")]
        triples = cat.concepts[iri]
        shown_apart = {RDF_TYPE, *LABELS, ALT_LABEL, DEFINITION, IN_SCHEME}
        facts: dict[str, list[Value]] = defaultdict(list)
        for triple in triples:
            if triple.predicate.value not in shown_apart:
                facts[triple.predicate.value].append(self.value(path, triple.object, lang))
        uses: dict[str, list[Value]] = defaultdict(list)
        for triple in cat.incoming.get(iri, []):
            if _name(triple.subject) in cat.entities:
                uses[triple.predicate.value].append(self.value(path, triple.subject, lang))
        context.update(
            entity=iri,
            label=label,
            schemes=[self.value(path, t.object, lang) for t in triples if t.predicate.value == IN_SCHEME],
            alt_labels=_one_language(
                [Value(t, lang=c or None) for t, c in dict.fromkeys(cat.alt_labels(iri))], lang
            ),
            definitions=_in_language([t.object for t in triples if t.predicate.value == DEFINITION], lang),
            facts=[(self._property(path, p, lang), _one_language(v, lang)) for p, v in facts.items()],
            uses=[
                (self._property(path, p, lang), sorted(v, key=lambda x: x.text.casefold()))
                for p, v in sorted(uses.items(), key=lambda item: cat.label(item[0], lang).casefold())
            ],
            query_link=self.query_link(iri),
        )
        return self.render("concept.html.j2", **context)

    def _facts(
        self, iri: str, path: str, lang: str, notes: Notes, leave_out: set[str] | None = None
    ) -> list[tuple[Value, list[Value]]]:
        """The entity's own statements, by property (labels, types, sources and notes are shown apart)."""
        grouped: dict[str, list[Value]] = defaultdict(list)
        for triple in self.catalogue.of(iri):
            prop = triple.predicate.value
            if prop in SHOWN_APART or prop in (leave_out or ()):
                continue
            grouped[prop].append(self.value(path, triple.object, lang, notes))
        return [
            (self._property(path, prop, lang), _one_language(values, lang))
            for prop, values in grouped.items()
        ]

    def _property(self, path: str, prop: str, lang: str) -> Value:
        return Value(self.catalogue.label(prop, lang), self.href(path, prop, lang))

    def _referenced(self, iri: str, path: str, lang: str, notes: Notes) -> list[tuple[Value, Value]]:
        """Entities that name this one, other than relation nodes (shown as relations) and via sources."""
        cat = self.catalogue
        found = []
        for triple in cat.incoming.get(iri, []):
            subject = _name(triple.subject)
            if triple.predicate.value in (RDF_TYPE, SOURCE) or subject not in cat.entities:
                continue
            if cat.is_relation(subject) and not cat.is_relation(iri):
                continue
            found.append(
                (
                    self.value(path, triple.subject, lang, notes),
                    self._property(path, triple.predicate.value, lang),
                )
            )
        if cat.is_source(iri):  # what the source supports
            for triple in cat.incoming.get(iri, []):
                if triple.predicate.value == SOURCE and _name(triple.subject) in cat.entities:
                    found.append((self.value(path, triple.subject, lang), self._property(path, SOURCE, lang)))
        return found

    def _relations(self, iri: str, path: str, lang: str, notes: Notes) -> list[dict[str, Any]]:
        """The relation nodes the entity takes part in, grouped by status on the as-of day."""
        cat = self.catalogue
        rows: dict[str, list[dict[str, Any]]] = {s: [] for s in STATUSES}
        for triple in cat.incoming.get(iri, []):
            node = _name(triple.subject)
            if node not in cat.entities or not cat.is_relation(node) or triple.predicate.value == SOURCE:
                continue
            others = []
            for prop, values in self._facts(node, path, lang, notes, leave_out={CONFIDENCE}):
                kept = [v for v in values if v.href != self.href(path, iri, lang) or v.href is None]
                if kept:
                    others.append((prop, kept))
            start, end = cat.in_force.get(node, (None, None))
            confidence = cat.values(node, CONFIDENCE)
            rows[cat.status(node)].append(
                {
                    "cls": Value(
                        cat.label(cat.main_class(node), lang),
                        relative(path, class_page(cat.main_class(node), lang)),
                    ),
                    "node": self.value(path, triple.subject, lang),
                    "role": self._property(path, triple.predicate.value, lang),
                    "others": others,
                    "start": start,
                    "end": end,
                    "confidence": (
                        (cat.label(confidence[0].value, lang), confidence[0].value.rsplit("/", 1)[-1])
                        if confidence
                        else None
                    ),
                    "refs": notes.cite_all(s.value for s in cat.values(node, SOURCE)),
                }
            )
        words = WORDS[lang]
        return [
            {
                "status": status,
                "title": words[status].format(day=cat.as_of),
                "rows": sorted(found, key=lambda r: (r["cls"].text, r["start"] or "", r["node"].text)),
            }
            for status, found in rows.items()
            if found
        ]

    def _sections(self, iri: str, path: str, lang: str, notes: Notes) -> list[dict[str, Any]]:
        from sovgraph.publish.sections import SECTIONS

        closure = self.catalogue.closure(iri)
        shown = []
        for section in SECTIONS:
            query = self.library.get(section.query)
            if query is None or query.param(section.param) is None or not closure & set(section.classes):
                continue
            params: dict[str, object] = {section.param: iri}
            if query.param("as_of") is not None:
                params["as_of"] = self.catalogue.as_of
            if section.at_once:
                result = self.answer_for(section.query, lang, section.param, iri, self.catalogue.as_of)
            else:
                result = self.answer(section.query, lang, params)
            if result.rows:
                table = self.table(result, path, lang, notes, leave_out=iri)
                shown.append({"title": section.title(lang), "query": section.query, **table})
        return shown

    def answer(self, name: str, lang: str, params: Mapping[str, object]) -> Result:
        """A library answer, asked once for both languages unless the query reads the language itself.

        Labels of IRIs are taken from the catalogue in the page's language when the cells are shown.
        """
        query = self.library[name]
        key = (name, lang if query.param("lang") is not None else "", tuple(sorted(params.items())))
        if key not in self._answers:
            self._answers[key] = self.kg.run(name, lang=lang, **params)
        return self._answers[key]

    def answer_for(self, name: str, lang: str, param: str, iri: str, as_of: str) -> Result:
        """The rows of a library query about ``iri`` taken from its answer for all entities (asked once):
        those whose column ``param`` is ``iri`` (see :attr:`sovgraph.publish.sections.Section.at_once`)."""
        from sovgraph.sparql.results import Result

        query = self.library[name]
        key = (name, lang if query.param("lang") is not None else "", param)
        if key not in self._grouped:
            whole = self.answer(name, lang, {"as_of": as_of} if query.param("as_of") is not None else {})
            grouped: dict[str, list[Any]] = defaultdict(list)
            for row in whole.rows:
                cell = row.get(param)
                if cell is not None and cell.is_iri:
                    grouped[cell.value].append(row)
            self._grouped[key] = (whole.columns, dict(grouped))
        columns, rows = self._grouped[key]
        return Result(list(columns), list(rows.get(iri, [])))

    def table(
        self, result: Result, path: str, lang: str, notes: Notes, leave_out: str | None = None
    ) -> dict[str, Any]:
        """A library answer as headings and rows of values; source columns become footnote numbers.

        Empty columns are left out, and so is a column that holds ``leave_out`` (the page's entity) in
        every row.
        """
        columns = [
            c
            for c in result.columns
            if any(row.get(c) is not None for row in result.rows)
            and not all((cell := row.get(c)) is not None and cell.value == leave_out for row in result.rows)
        ]
        rows = []
        for row in result.rows:
            rows.append([self.cell(row.get(c), c, path, lang, notes) for c in columns])
        return {"columns": [column_title(c, lang) for c in columns], "rows": rows}

    def cell(self, cell: Cell | None, column: str, path: str, lang: str, notes: Notes | None) -> Value:
        if cell is None:
            return Value("")
        if column.endswith("sources") and not cell.is_iri:
            parts = [p.strip() for p in cell.value.split(" ; ") if p.strip()]
            known = [self.by_text[p] for p in parts if p in self.by_text]
            unknown = [p for p in parts if p not in self.by_text]
            shown = Value("; ".join(unknown))
            if notes is not None:
                shown.refs = notes.cite_all(known)
            return shown
        if cell.is_iri:
            text = (
                self.catalogue.label(cell.value, lang) if cell.value in self.catalogue.names else cell.text()
            )
            shown = Value(text, self.href(path, cell.value, lang))
            if notes is not None and cell.value in self.catalogue.sources:
                shown.refs = [notes.cite(cell.value)]
            return shown
        return Value(cell.text())


def environment() -> jinja2.Environment:
    """The templates of ``sovgraph/publish/templates``, autoescaped, undefined names an error."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("sovgraph.publish", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _one_language(values: list[Value], lang: str) -> list[Value]:
    """Texts tagged in ``lang`` and untagged values; texts in other languages only if none is in ``lang``."""
    if not any(v.lang == lang for v in values):
        kept = values
    else:
        kept = [v for v in values if v.lang in (None, lang)]
    unique: dict[tuple[str, str | None], Value] = {}
    for value in kept:
        unique.setdefault((value.text, value.href), value)
    return list(unique.values())


def _name(term: Any) -> str:
    """The IRI (or blank node id) of a subject term."""
    return str(term.value)


def _swap(path: str, lang: str, other: str) -> str:
    """The same page in the other language (``id/x.en.html`` -> ``id/x.fr.html``)."""
    suffix = f".{lang}.html"
    if path.endswith(suffix):
        return path[: -len(suffix)] + f".{other}.html"
    return path


def _in_language(terms: Sequence[Any], lang: str) -> list[str]:
    """Texts in ``lang`` (else in the other language when none is in ``lang``, else untagged)."""
    texts: dict[str, list[str]] = defaultdict(list)
    for term in terms:
        texts[getattr(term, "language", None) or ""].append(str(term.value))
    for code in (lang, "", "en" if lang == "fr" else "fr"):
        if texts.get(code):
            return texts[code]
    return []


def _json_block(data: Any) -> str:
    """JSON for a ``<script type="application/json">`` block: it cannot close its tag nor open a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


__all__ = ["CSP", "Footnote", "Notes", "Site", "Value", "environment"]
