"""Questions in SPARQL: the ``.rq`` library and its headers (``library``), parameters bound as terms
(``bind``, ``params``), running library queries (``queries``), result formats (``results``, ``table``), the
derivation rules (``rules``) and the data-quality checks (``checks``)."""
