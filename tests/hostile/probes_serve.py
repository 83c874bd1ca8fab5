"""Endpoint and export probes (issue 13): ``(argv, stdin, exit code, message fragment)``, run by
``test_no_traceback.py`` (see ``probes.py`` for the format). Only what needs no server is here; the probes
against hostile servers are in ``test_endpoint_deadlines.py`` and ``test_server_guard.py``."""

from __future__ import annotations

R = ["--root", "{root}"]
CLOSED = "http://127.0.0.1:1/query"

PROBES: list[tuple] = [
    # push to a closed port: one paragraph, nothing sent
    ([*R, "push", "--endpoint", CLOSED, "--timeout", "2"], None, 3, "Nothing was pushed."),
    # a password written into the URL: used as credentials, never shown (the fragment is the URL without it)
    (
        [*R, "push", "--endpoint", "http://bob:s3cret@127.0.0.1:1/query", "--timeout", "2"],
        None,
        3,
        "the SPARQL endpoint http://127.0.0.1:1/query cannot be reached",
    ),
    # reading from a closed port
    ([*R, "query", "who-hosts-what", "--endpoint", CLOSED], None, 3, "cannot be reached"),
    # the network exports of the curated graph
    ([*R, "export-network", "--format", "graphml", "-o", "{tmp}/serve-net.graphml"], None, 0, ""),
    ([*R, "export-network", "--format", "csv", "-o", "{tmp}/serve-net"], None, 0, ""),
]
