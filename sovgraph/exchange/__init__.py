"""The graph going out and coming in: RDF serialization (``export``, the one serializer), upload to a SPARQL
endpoint (``push``), the Oxigraph server (``server``) and enrichment from Wikidata (``enrich``)."""
