"""The version of sovgraph (one place, read by the package, the command line and the HTTP user agent)."""

__version__ = "0.1.0"
