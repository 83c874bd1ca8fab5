"""The command line's hostile probes: bad outputs, inputs, parameters and queries (issue 13).

Each probe is ``(argv, stdin, expected exit code, expected message fragment)``, with an optional fifth item,
a dict of environment variables. ``{root}`` in argv is a copy of the project (its inputs must come out
unchanged), ``{tmp}`` a scratch folder of awkward files (see ``hostile_setup.py``). The fragment must appear
on standard error or output; ``test_no_traceback.py`` runs every ``PROBES`` of every ``probes*.py`` module.
"""

from __future__ import annotations

R = ["--root", "{root}"]
PROJECT = "input of the project"
LONG_NAME = "{tmp}/" + "x" * 300 + ".ttl"

PROBES: list[tuple] = [
    # -o onto the project's own inputs
    ([*R, "export", "-o", "{root}/data/hosting.ttl"], None, 2, PROJECT),
    ([*R, "query", "who-hosts-what", "-o", "{root}/data/hosting.ttl"], None, 2, PROJECT),
    ([*R, "view", "-o", "{root}/data/view.html"], None, 2, PROJECT),
    ([*R, "synth", "-n", "100", "-o", "{root}/data/hosting.ttl"], None, 2, PROJECT),
    ([*R, "export-network", "-o", "{root}/ontology/sovgraph.ttl"], None, 2, PROJECT),
    ([*R, "export-network", "--format", "csv", "-o", "{root}/data/net"], None, 2, PROJECT),
    (
        [*R, "sparql", "{root}/queries/who-hosts-what.rq", "-o", "{root}/queries/who-hosts-what.rq"],
        None,
        2,
        PROJECT,
    ),
    ([*R, "export", "--data", "{tmp}/target.ttl", "-o", "{tmp}/target.ttl"], None, 2, PROJECT),
    ([*R, "site", "-o", "{root}/data/site"], None, 2, "input of the project"),
    ([*R, "site", "-o", "{root}"], None, 2, "input of the project"),
    # -o onto what is not a regular file, or cannot be written
    ([*R, "export", "-o", "{tmp}/link.ttl"], None, 2, "symbolic link"),
    ([*R, "export", "-o", "{tmp}/fifo.ttl"], None, 2, "named pipe"),
    ([*R, "export", "-o", "/dev/null"], None, 2, "a device"),
    ([*R, "stats", "-o", "{tmp}/folder.ttl"], None, 2, "a folder"),
    ([*R, "export", "-o", "{tmp}/no-such-folder/x.ttl"], None, 2, "does not exist"),
    ([*R, "export", "-o", LONG_NAME], None, 2, "the file name is"),
    # inputs that are not regular files: refused, never a hang
    ([*R, "stats", "--data", "{tmp}/fifo.ttl"], None, 2, "named pipe"),
    ([*R, "stats", "--data", "{tmp}/folder.ttl"], None, 2, "a folder"),
    ([*R, "stats", "--data", "/dev/zero"], None, 2, "a device"),
    ([*R, "sparql", "{tmp}/fifo.ttl"], None, 2, "named pipe"),
    # string parameters (the documented French example, a quote, a newline, a long value) and a name
    ([*R, "query", "claims", "--param", "lang=fr"], None, 0, "rows"),
    ([*R, "query", "claims", "--param", "lang=l'été\"\nx"], None, 0, "rows"),
    ([*R, "query", "cases", "--param", "state=" + "a" * 10_000], None, 0, "0 rows"),
    ([*R, "query", "cases", "--param", "name=x"], None, 2, "unknown parameter name"),
    # ad-hoc queries: nesting, encoding, time
    ([*R, "sparql", "{tmp}/deep.rq"], None, 2, "more than 200 deep"),
    ([*R, "sparql", "-"], "ASK " + "{" * 3000 + "}" * 3000, 2, "more than 200 deep"),
    ([*R, "sparql", "{tmp}/latin1.rq"], None, 2, "not UTF-8"),
    ([*R, "sparql", "{tmp}/bom.rq"], None, 0, "true"),
    ([*R, "sparql", "{tmp}/cartesian.rq", "--timeout", "2"], None, 2, "time limit"),
    ([*R, "sparql", "{tmp}/cartesian.rq", "--timeout", "nan"], None, 2, "above 0"),
    # serve's arguments (checked before anything is loaded)
    ([*R, "serve", "--timeout", "nan"], None, 2, "above 0"),
    ([*R, "serve", "--timeout", "inf"], None, 2, "above 0"),
    ([*R, "serve", "--timeout", "0"], None, 2, "above 0"),
    ([*R, "serve", "--host", "no-such-host.invalid"], None, 2, "name this machine can resolve"),
    # a terminal that cannot show every character
    ([*R, "chain", "conseil d'État-xyz"], None, 2, "names no entity", {"PYTHONIOENCODING": "ascii"}),
    ([*R, "chain", "emc2"], None, 0, "EMC2", {"PYTHONIOENCODING": "ascii"}),
]
