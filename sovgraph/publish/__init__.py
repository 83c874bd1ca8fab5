"""Publish the graph as a static site: a page per entity in French and English, linked data beside it.

>>> import sovgraph, tempfile
>>> from sovgraph.publish import build_site
>>> report = build_site(sovgraph.load(), tempfile.mkdtemp(), networks=False)  # doctest: +SKIP

See :func:`sovgraph.publish.site.build_site` and docs/site.md.
"""

from __future__ import annotations

from sovgraph.publish.site import SiteReport, build_site

__all__ = ["SiteReport", "build_site"]
