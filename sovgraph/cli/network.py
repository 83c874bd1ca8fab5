"""The network commands of ``sovgraph``: chain, impact, concentration, centrality, view, export-network.

:func:`register` adds them to the main parser. Nothing heavy is imported here: networkx, pyoxigraph and
pyvis load when a command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sovgraph.cli.common import (
    Command,
    add_as_of,
    add_endpoint_option,
    add_lang,
    add_output_options,
    emit_result,
    open_graph,
)


def register(commands: Any, command: Command) -> None:
    """Add the network commands to ``commands`` (the main parser's subparsers) through ``command``."""
    chain = command(
        commands,
        "chain",
        "every dependency path from an entity to the laws that reach it",
        "Project the graph through a view (default: dependencies) and print every dependency path from "
        "the entity (a platform, data asset, service or organisation) to a law that reaches a member of the "
        "path: hosting, service, provider, parents, jurisdictions. Only edges in force on --as-of are "
        "followed; derived edges (exposures) are not hops. With --sources, each hop is printed with its "
        "dates and sources.",
        _chain,
    )
    chain.add_argument("entity", help="where the chains start: an IRI, sg:slug, slug or label (e.g. EMC2)")
    chain.add_argument("--sources", action="store_true", help="print each hop with its dates and sources")
    chain.add_argument("--view", default="dependencies", help="the view whose edges are followed")
    _day_and_lang(chain)
    add_output_options(chain)

    impact = command(
        commands,
        "impact",
        "what-if: exposures gained and lost if an entity is removed or a host replaced",
        "Copy the curated graph, remove the entity (a provider, parent, service, law or decision) with every "
        "relation node that names it, or with --replace-with rewrite the hostings that use it (as service or "
        "provider) to use another one; apply the rules again and list the exposures (platform, law, "
        "criterion, through) in force on --as-of that are lost and gained. The loaded data are not modified.",
        _impact,
    )
    impact.add_argument("entity", help="the entity removed or replaced (IRI, sg:slug, slug or label)")
    impact.add_argument("--replace-with", metavar="OTHER", help="a cloud service or provider to host instead")
    impact.add_argument("--platform", help="only this platform or data asset (its hostings, its exposures)")
    _day_and_lang(impact)
    add_output_options(impact)

    concentration = command(
        commands,
        "concentration",
        "share of hosted platforms and data per provider, ultimate parent or jurisdiction",
        "Count the platforms and data assets hosted on --as-of (library query who-hosts-what) per "
        "contracting provider, per ultimate parent of the provider, or per jurisdiction of that parent, with "
        "their share of all hosted platforms and data. A platform hosted by two providers counts for both.",
        _concentration,
    )
    concentration.add_argument(
        "--by", choices=("provider", "parent", "jurisdiction"), default="provider", help="default: provider"
    )
    _day_and_lang(concentration)
    add_output_options(concentration)

    centrality = command(
        commands,
        "centrality",
        "rank the actors the dependency chains rest on",
        "Rank organisations, people and cloud services by the number of hosted platforms and data assets "
        "that depend on them (reach them along curated dependency edges in force on --as-of), then by "
        "betweenness centrality (the share of shortest dependency paths between other nodes that pass "
        "through them).",
        _centrality,
    )
    centrality.add_argument("--top", type=int, default=10, metavar="N", help="how many to list (default: 10)")
    centrality.add_argument("--view", default="dependencies", help="the view whose edges are followed")
    _day_and_lang(centrality)
    add_output_options(centrality)

    view = command(
        commands,
        "view",
        "write an interactive, offline HTML page of the network",
        "Project the graph through the views (default: all of queries/views/), keep the neighbourhood of "
        "--focus up to --depth hops with every dependency chain the focus is on, highlight the focus and "
        "those chains, and write one self-contained HTML page (search, class legend and filter, tooltips "
        "with class, dates and sources). Without --focus the whole projection is drawn.",
        _view,
    )
    view.add_argument(
        "--focus", metavar="ENTITY", help="the entity to centre on (IRI, sg:slug, slug or label)"
    )
    view.add_argument(
        "--depth", type=int, default=2, metavar="N", help="hops kept around the focus (default 2)"
    )
    view.add_argument(
        "--max-nodes",
        type=int,
        default=2000,
        metavar="N",
        help="above N nodes, group the nodes by class (the focus and its chains stay) and say so on the "
        "page (default 2000)",
    )
    _views_option(view)
    _day_and_lang(view)
    view.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE", help="the HTML file to write"
    )

    export = command(
        commands,
        "export-network",
        "write the projected network as GraphML, GEXF or CSV",
        "Project the graph through the views (default: all of queries/views/) and write it for other network "
        "tools. GraphML and GEXF keep every attribute (lists joined with ' ; '); csv writes PATH-nodes.csv "
        "and PATH-edges.csv. Files are written atomically.",
        _export_network,
    )
    export.add_argument("--format", "-f", choices=("graphml", "gexf", "csv"), default="graphml")
    _views_option(export)
    _day_and_lang(export)
    export.add_argument(
        "-o", "--output", type=Path, required=True, metavar="PATH", help="the file (or prefix)"
    )


def _day_and_lang(sub: argparse.ArgumentParser) -> None:
    add_as_of(sub, "the day")
    add_lang(sub)
    add_endpoint_option(sub)


def _views_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--view", action="append", metavar="NAME", help="a view of queries/views/ (repeatable; default: all)"
    )


def _chain(args: argparse.Namespace) -> int:
    from sovgraph.network.analysis import chains, describe
    from sovgraph.network.projection import project_view
    from sovgraph.sparql.names import resolve
    from sovgraph.tables import chains_table

    kg = open_graph(args)
    graph = project_view(kg, args.view, as_of=args.as_of, lang=args.lang)
    found = chains(graph, resolve(kg, args.entity, "chain", lang=args.lang))
    text = [line for c in found for line in (describe(graph, c) if args.sources else [c.text(graph)])]
    emit_result(args, chains_table(graph, found), "\n".join(text))
    print(f"{len(found)} chain(s) as of {graph.graph['as_of']}.", file=sys.stderr)
    return 0


def _impact(args: argparse.Namespace) -> int:
    from sovgraph.impact import impact

    result = impact(
        open_graph(args),
        args.entity,
        replace_with=args.replace_with,
        platform=args.platform,
        as_of=args.as_of,
        lang=args.lang,
    )
    from sovgraph.tables import impact_table

    lines = [f"What if, as of {result.as_of}:", *(f"  {change}" for change in result.changes)]
    for title, exposures in (("Lost", result.lost), ("Gained", result.gained)):
        lines.append(f"{title} exposures ({len(exposures)}):" if exposures else f"{title} exposures: none")
        lines.extend(f"  {exposure.text()}" for exposure in exposures)
    lines.append(f"Unchanged exposures: {len(result.kept)}")
    emit_result(args, impact_table(result), "\n".join(lines))
    return 0


def _concentration(args: argparse.Namespace) -> int:
    from sovgraph.network.analysis import concentration
    from sovgraph.sparql.table import render
    from sovgraph.tables import concentration_table

    result = concentration(open_graph(args), args.by, as_of=args.as_of, lang=args.lang)
    rows = [(s.label, len(s.hosted), f"{100 * s.share:.0f} %", "; ".join(s.hosted)) for s in result.shares]
    text = render((args.by, "hosted", "share", "platforms and data"), rows)
    text += f"\n{result.total} hosted platform(s) and data asset(s) as of {result.as_of}."
    emit_result(args, concentration_table(result), text)
    return 0


def _centrality(args: argparse.Namespace) -> int:
    from sovgraph.network.analysis import centrality
    from sovgraph.network.projection import project_view
    from sovgraph.sparql.table import render

    graph = project_view(open_graph(args), args.view, as_of=args.as_of, lang=args.lang)
    ranks = centrality(graph)[: max(args.top, 0)]
    rows = [
        (
            i,
            r.label,
            r.cls_label,
            len(r.dependants),
            f"{r.betweenness:.4f}",
            "; ".join(str(graph.nodes[d]["label"]) for d in r.dependants),
        )
        for i, r in enumerate(ranks, start=1)
    ]
    from sovgraph.tables import centrality_table

    text = render(("rank", "actor", "class", "dependants", "betweenness", "platforms and data"), rows)
    emit_result(args, centrality_table(graph, ranks), text)
    return 0


def _view(args: argparse.Namespace) -> int:
    from sovgraph.network.aggregate import aggregate
    from sovgraph.network.focus import focus_view
    from sovgraph.network.projection import project_view
    from sovgraph.network.render import write_html
    from sovgraph.sparql.names import resolve

    kg = open_graph(args)
    graph = project_view(kg, args.view, as_of=args.as_of, lang=args.lang)
    focus = None if args.focus is None else resolve(kg, args.focus, "view --focus", lang=args.lang)
    page = aggregate(focus_view(graph, focus, depth=args.depth), args.max_nodes)
    write_html(page, args.output)
    print(
        f"wrote {args.output} ({page.number_of_nodes()} nodes, {page.number_of_edges()} edges)",
        file=sys.stderr,
    )
    return 0


def _export_network(args: argparse.Namespace) -> int:
    from sovgraph.network.interchange import write_network
    from sovgraph.network.projection import project_view

    graph = project_view(open_graph(args), args.view, as_of=args.as_of, lang=args.lang)
    for path in write_network(graph, args.format, args.output):
        print(f"wrote {path}", file=sys.stderr)
    return 0
