"""Regression tests for the data audit of the seed files (issue 12, item 3).

Each test asserts, on the shipped graph, the triples a fix put right (or took out), so that a later edit
cannot quietly bring the audited error back.
"""

from __future__ import annotations

import pyoxigraph

import sovgraph
from sovgraph.namespaces import ID


def ask(kg: sovgraph.KnowledgeGraph, query: str) -> bool:
    return bool(kg.query(query))


def values(kg: sovgraph.KnowledgeGraph, query: str) -> set[str]:
    """The values of the single variable ?v (IRIs as their last segment: sg: slugs, kind: concepts)."""
    found = set()
    for row in kg.query(query):
        term = row["v"]
        value = term.value
        if isinstance(term, pyoxigraph.NamedNode):
            value = value[len(ID) :] if value.startswith(ID) else value.rsplit("/", 1)[-1]
        found.add(value)
    return found


# --- data/hosting.ttl: EMC2's hosting has no known go-live ----------------------------------------


def test_emc2_hosting_has_no_start_date_taken_from_the_authorisation_year(
    kg: sovgraph.KnowledgeGraph,
) -> None:
    assert values(kg, "SELECT ?v WHERE { sg:hosting-emc2-azure schema:startDate ?v }") == set()
    # The authorising decision carries the date, and as-of questions start the hosting there.
    assert values(kg, "SELECT ?v WHERE { sg:hosting-emc2-azure sov:authorisedBy ?v }") == {
        "cnil-deliberation-2023-146"
    }
    assert values(kg, "SELECT ?v WHERE { sg:hosting-emc2-azure sov:inForceFrom ?v }") == {"2023-12-21"}


# --- data/laws.ttl: the FISA 702 reach nodes are inferences -----------------------------------------


def test_fisa_702_reach_nodes_are_not_verified_in_source(kg: sovgraph.KnowledgeGraph) -> None:
    for node in ("reach-fisa-702-microsoft-corporation", "reach-fisa-702-microsoft-azure"):
        assert values(kg, f"SELECT ?v WHERE {{ sg:{node} sov:confidence ?v }}") == {"believed-but-unverified"}
        notes = values(kg, f"SELECT ?v WHERE {{ sg:{node} sov:note ?v }}")
        assert any("Inférence" in n for n in notes) and any("An inference" in n for n in notes), node
    # Nothing derived from them is stronger than they are.
    assert not ask(
        kg,
        "ASK { ?e a sov:Exposure ; sov:law sg:fisa-702 ; sov:confidence kind:verified-in-source }",
    )


# --- data/decisions.ttl: the 2025 interim tender is what was cancelled -----------------------------


def test_the_cancelled_outcome_is_on_the_2025_interim_tender(kg: sovgraph.KnowledgeGraph) -> None:
    assert values(kg, "SELECT ?v WHERE { sg:hdh-intercalaire-tender-2025 sov:outcome ?v }") == {"cancelled"}
    assert values(kg, "SELECT ?v WHERE { sg:hdh-secnumcloud-host-decision-2026 sov:outcome ?v }") == set()
    # The February 2026 decision is still the act that ends it, and the tender is not in force after.
    assert ask(
        kg, "ASK { sg:hdh-secnumcloud-host-decision-2026 sov:updates sg:hdh-intercalaire-tender-2025 }"
    )
    rows = kg.run("decisions", entity="hdh-intercalaire-tender-2025", as_of="2026-03-01").rows
    own = [r for r in rows if r["decision"].value == ID + "hdh-intercalaire-tender-2025"]
    assert [r["status"].value for r in own] == ["expired"]


# --- data/institutions.ttl: no unsourced gloss in a label -------------------------------------------


def test_saint_joseph_label_says_only_what_the_source_supports(kg: sovgraph.KnowledgeGraph) -> None:
    assert values(kg, "SELECT ?v WHERE { sg:fondation-hopital-saint-joseph rdfs:label ?v }") == {
        "Fondation hôpital Saint-Joseph"
    }
    assert not ask(kg, 'ASK { ?x rdfs:label ?l . FILTER(CONTAINS(?l, "Paris hospital")) }')


# --- Microsoft Ireland is not resolved to Microsoft Ireland Operations Limited -----------------------


def test_relations_whose_sources_say_only_microsoft_ireland_name_that_entity(
    kg: sovgraph.KnowledgeGraph,
) -> None:
    # EMC2's hosting sub-processor and the HDS certification: the sources say "Microsoft Ireland".
    assert values(kg, "SELECT ?v WHERE { sg:hosting-emc2-azure sov:provider ?v }") == {"microsoft-ireland"}
    assert values(
        kg, "SELECT ?v WHERE { sg:qualification-microsoft-ireland-operations-hds sov:holder ?v }"
    ) == {"microsoft-ireland"}
    assert values(kg, "SELECT ?v WHERE { sg:microsoft-ireland sov:incorporatedIn ?v }") == {"ireland"}
    assert ask(
        kg,
        "ASK { ?c a sov:Control ; sov:controlled sg:microsoft-ireland ;"
        " sov:controller sg:microsoft-corporation }",
    )
    # The named company keeps only what its own source (the 2020 HDH contract) supports.
    assert values(kg, "SELECT ?v WHERE { sg:hosting-hdh-azure sov:provider ?v }") == {
        "microsoft-ireland-operations"
    }
    assert values(kg, "SELECT ?v WHERE { sg:contract-hdh-microsoft-2020 sov:decidedBy ?v }") >= {
        "microsoft-ireland-operations"
    }
    assert "Microsoft Ireland" not in values(
        kg, "SELECT ?v WHERE { sg:microsoft-ireland-operations skos:altLabel ?v }"
    )
    assert values(kg, "SELECT ?v WHERE { sg:microsoft-ireland-operations dcterms:source ?v }") == {
        "src-legalplanet-hdh"
    }


# --- data/certifications.ttl: Docaposte's and Worldline's "granted" are not established ---------------


def test_docaposte_and_worldline_secnumcloud_are_not_recorded_as_established(
    kg: sovgraph.KnowledgeGraph,
) -> None:
    assert values(kg, "SELECT ?v WHERE { sg:qualification-docaposte-secnumcloud-3-2 sov:confidence ?v }") == {
        "believed-but-unverified"
    }
    assert values(kg, "SELECT ?v WHERE { sg:qualification-worldline-secnumcloud sov:confidence ?v }") == {
        "seed-stated"
    }
    established = kg.query(
        "SELECT ?h WHERE { ?q a sov:Qualification ; sov:holder ?h ; sov:scheme sg:secnumcloud ;"
        " sov:qualificationStatus kind:granted ; sov:confidence kind:verified-in-source }"
    )
    holders = {row["h"].value.rsplit("/", 1)[-1] for row in established}
    assert holders.isdisjoint({"docaposte", "worldline"})
    assert "outscale-iaas" in holders


# --- data/laws.ttl: loi 78-17's date, from its Légifrance source ---------------------------------------


def test_loi_78_17_carries_its_date(kg: sovgraph.KnowledgeGraph) -> None:
    assert values(kg, "SELECT ?v WHERE { sg:loi-78-17 dcterms:date ?v }") == {"1978-01-06"}
    assert "src-legifrance-cniltext000049057224" in values(
        kg, "SELECT ?v WHERE { sg:loi-78-17 dcterms:source ?v }"
    )
