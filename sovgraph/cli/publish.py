"""The publishing command of ``sovgraph``: ``site`` (the static site of the graph).

:func:`register` adds it to the main parser; the work is :func:`sovgraph.publish.build_site`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sovgraph.cli.common import Command, add_as_of, open_graph


def register(commands: Any, command: Command) -> None:
    """Add ``site`` to ``commands`` (the main parser's subparsers) through ``command``."""
    site = command(
        commands,
        "site",
        "write the graph as a static site (pages in French and English, linked data)",
        "Write a static site of the graph into a new or empty folder (or one a previous run wrote): a page "
        "per entity in French and English with its relations, dates, confidence and numbered sources; "
        "index pages per class, the decisions timeline, the who-hosts-what table, a search page, a page per "
        "network view, the ontology reference; beside each page its Turtle and JSON-LD, plus the dumps and "
        "a VoID/DCAT description. It works from the file system and any static host: no page fetches "
        "anything from elsewhere. See docs/site.md for serving the w3id.org IRIs.",
        _site,
    )
    site.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="the site's folder")
    add_as_of(site, "the day whose relations the pages show as in force")
    site.add_argument("--no-networks", action="store_true", help="leave out the network drawings (faster)")
    site.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="where the site will be served, for the download links of void.ttl "
        "(default: https://w3id.org/sovgraph/)",
    )
    site.add_argument(
        "--query-page",
        type=_query_page,
        default=None,
        metavar="URL",
        help="the query page of a 'sovgraph serve' (e.g. http://127.0.0.1:7878/): every page links to it, "
        "and each entity page opens it on a ready query about the entity (default: no link)",
    )


def _query_page(text: str) -> str:
    from sovgraph.errors import InputError
    from sovgraph.publish.site import query_page_url

    try:
        return query_page_url(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _site(args: argparse.Namespace) -> int:
    from sovgraph.publish import build_site

    kg = open_graph(args)
    options: dict[str, Any] = {"as_of": args.as_of, "networks": not args.no_networks}
    if args.query_page:
        options["query_page"] = args.query_page
    if args.base_url:
        options["base_url"] = args.base_url if args.base_url.endswith("/") else args.base_url + "/"
    report = build_site(kg, args.output, **options)
    print(report.line(), file=sys.stderr)
    return 0
