# sovgraph: one command per job. `make demo` and `make check` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BASE := $(VENV)/.installed-base
TESTED := $(VENV)/.installed-test

.PHONY: setup demo test check lint typecheck docs golden screenshot serve bench site clean

## setup: the package and the test extra, for development (make check needs it)
setup: $(TESTED)

# The package alone, with what its commands need (what `make demo` uses).
$(BASE): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(BASE)

# The test extra on top (pytest, ruff, mypy, Playwright, the notebook and server extras).
$(TESTED): $(BASE)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TESTED)

## demo: validate the graph, show what the map covers and who hosts what under which law (embedded store;
## installs no test tool); writes non-eu-dependence.csv for a spreadsheet
demo: $(BASE)
	$(BIN)/sovgraph validate
	$(BIN)/sovgraph stats
	$(BIN)/sovgraph check
	$(BIN)/sovgraph who-hosts-what --platform EMC2
	$(BIN)/sovgraph who-hosts-what --platform "European Commission"
	$(BIN)/sovgraph query non-eu-dependence --format csv --labels -o non-eu-dependence.csv

## test: the test suite only, over one worker per core (pytest-xdist; WORKERS=0 runs it in this process);
## a test module's tests run on one worker (their module fixtures are made once)
WORKERS ?= auto
test: setup
	$(BIN)/pytest -n $(WORKERS) --dist loadfile

## check: lint, type-check and test (what CI runs)
check: setup lint typecheck test

lint: setup
	$(BIN)/ruff check sovgraph tests setup.py
	$(BIN)/ruff format --check sovgraph tests setup.py

typecheck: setup
	$(BIN)/mypy

## docs: regenerate queries/README.md, ontology/README.md and docs/api.md (query headers, ontology, docstrings)
docs: setup
	$(BIN)/python -m sovgraph.tools.docs

## golden: regenerate the golden query results (review the diff of tests/golden/ like code)
golden: setup
	SOVGRAPH_REGEN_GOLDEN=1 $(BIN)/pytest -q tests/test_queries.py tests/test_landscape_queries.py

## bench: sovgraph vs raw pyoxigraph vs rdflib (ARGS=--quick: under 2 minutes); writes benchmarks/results/
bench: setup
	$(BIN)/python benchmarks/run.py $(ARGS)

## serve: serve the graph with the Oxigraph server on http://127.0.0.1:7878/ (read-only)
serve: setup
	$(BIN)/sovgraph serve

## screenshot: regenerate docs/screenshot-emc2.png and docs/screenshot-site.png (headless Chromium)
screenshot: setup
	SOVGRAPH_UPDATE_SCREENSHOT=1 $(BIN)/pytest -q tests/test_view_browser.py tests/test_site_browser.py -k screenshot

## site: the static site of the graph in public/ (pages in French and English, linked data; see docs/site.md)
site: setup
	$(BIN)/sovgraph site -o public

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
