"""The per-class sections of an entity page, each the answer of a library query about the entity.

A section applies to an entity when the entity has one of its classes (superclasses count) and the library
has the query with that parameter: a query renamed or removed drops its section, a new class under
``sov:Organisation`` gets the organisations' sections. Columns come from the query's answer, so a column
added to a query shows up on the pages with no change here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sovgraph.namespaces import SOV


@dataclass(frozen=True)
class Section:
    """One library query asked about the entity of a page."""

    query: str
    param: str
    classes: tuple[str, ...]
    en: str
    fr: str
    at_once: bool = False
    """Ask the query once for every entity, unbound, and give each entity the rows whose column named like
    the parameter is that entity: the same rows as binding it (in the order of the query's ``ORDER BY``;
    rows it leaves tied may come in another order, as on another engine), when the parameter is a plain
    variable of the query's patterns and a column. A test checks it for every entity of the section's
    classes on the curated graph. One query instead of one per page: the site grows with the graph, not
    with its square."""

    def title(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


HOSTED = (SOV + "Platform", SOV + "DataAsset")
ACTORS = (SOV + "Organisation",)

SECTIONS = (
    Section(
        "who-hosts-what",
        "platform",
        HOSTED,
        "Who hosts it, under which law",
        "Qui l'héberge, sous quel droit",
        at_once=True,
    ),
    Section(
        "chain",
        "entity",
        (*HOSTED, SOV + "CloudService", *ACTORS),
        "Dependency chain to the laws that reach it",
        "Chaîne de dépendance jusqu'aux lois qui l'atteignent",
    ),
    Section("who-hosts-what", "provider", ACTORS, "What it hosts", "Ce qu'elle héberge", at_once=True),
    Section(
        "ownership",
        "controlled",
        ACTORS,
        "Who controls it, up to the top",
        "Qui la contrôle, jusqu'au sommet",
        at_once=True,
    ),
    Section(
        "ownership",
        "controller",
        ACTORS,
        "What it controls, directly and indirectly",
        "Ce qu'elle contrôle, directement ou indirectement",
        at_once=True,
    ),
    Section(
        "exposure",
        "law",
        (SOV + "Law",),
        "What it reaches, and through whom",
        "Ce qu'elle atteint, et par qui",
        at_once=True,
    ),
    Section("exposure", "platform", HOSTED, "Exposures to laws", "Expositions aux lois", at_once=True),
    Section(
        "decisions",
        "entity",
        (SOV + "Decision", *HOSTED, *ACTORS, SOV + "Law", SOV + "CloudService"),
        "Decisions: parties, outcomes, appeals, timeline",
        "Décisions : parties, issues, recours, chronologie",
    ),
    Section(
        "actors", "person", (SOV + "Person", *ACTORS), "Posts and memberships", "Fonctions et appartenances"
    ),
    Section("actors", "organisation", ACTORS, "People and members", "Personnes et membres", at_once=True),
    Section(
        "qualifications",
        "scheme",
        (SOV + "CertificationScheme",),
        "Who holds it, by version and date",
        "Qui le détient, par version et date",
        at_once=True,
    ),
    Section(
        "qualifications",
        "holder",
        (SOV + "CloudService", *ACTORS),
        "Certifications and qualifications",
        "Certifications et qualifications",
        at_once=True,
    ),
    Section(
        "claims",
        "about",
        (SOV + "Agent", *HOSTED, SOV + "Law", SOV + "Decision", SOV + "CloudService"),
        "Claims about it",
        "Affirmations à son sujet",
    ),
)
"""Which library query answers which question on which class of page (all skipped if the query is gone)."""
