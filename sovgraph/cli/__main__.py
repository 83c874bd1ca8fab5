"""``python -m sovgraph.cli``: the same command line as ``sovgraph``."""

import sys

from sovgraph.cli import main

sys.exit(main())
