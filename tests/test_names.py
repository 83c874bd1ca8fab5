"""Entities by name: search, and one resolver for every argument that names an entity."""

from __future__ import annotations

import pytest

import sovgraph
from sovgraph.errors import AmbiguousNameError, UnknownNameError
from sovgraph.sparql.names import normalise, resolve, search

EMC2 = "https://w3id.org/sovgraph/id/emc2"


@pytest.mark.parametrize("name", [EMC2, f"<{EMC2}>", "sg:emc2", "emc2", "EMC2", "projet EMC2", "Emc2"])
def test_every_way_of_naming_emc2_gives_its_iri(kg: sovgraph.KnowledgeGraph, name: str) -> None:
    assert resolve(kg, name) == EMC2


def test_a_label_in_french_without_accents_names_its_entity(kg: sovgraph.KnowledgeGraph) -> None:
    assert resolve(kg, "Health Data Hub") == "https://w3id.org/sovgraph/id/health-data-hub"
    assert normalise("Conseil d\u2019État") == normalise("conseil d etat")


def test_an_unknown_name_is_an_error_with_the_closest(kg: sovgraph.KnowledgeGraph) -> None:
    with pytest.raises(UnknownNameError, match=r"'emc3' names no entity.*The closest: EMC2.*id/emc2"):
        resolve(kg, "emc3")
    with pytest.raises(UnknownNameError):
        resolve(kg, "sg:emc3")


def test_an_ambiguous_name_lists_the_entities(kg: sovgraph.KnowledgeGraph) -> None:
    with pytest.raises(AmbiguousNameError, match=r"names \d+ entities.*\[Decision\]"):
        resolve(kg, "entrepot")


def test_the_binder_resolves_iri_parameters(kg: sovgraph.KnowledgeGraph) -> None:
    by_label = kg.run("who-hosts-what", platform="EMC2", as_of="2024-06-01")
    by_slug = kg.run("who-hosts-what", platform="emc2", as_of="2024-06-01")
    assert by_label.rows and by_label.column("law") == by_slug.column("law")
    with pytest.raises(UnknownNameError, match="parameter platform"):
        kg.run("who-hosts-what", platform="emc3")


def test_search_is_accent_and_case_insensitive_and_ranks_whole_names_first(
    kg: sovgraph.KnowledgeGraph,
) -> None:
    found = search(kg, "EMC2")
    assert found[0].iri == EMC2 and found[0].cls_label
    assert [m.iri for m in search(kg, "entrepot multicentrique")] == [EMC2]
    assert any("conseil-etat" in m.iri for m in search(kg, "CONSEIL D ETAT"))
    assert search(kg, "no such thing at all") == []
