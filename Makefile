# sovgraph: one command per job. `make demo` and `make check` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test check lint typecheck clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## demo: validate the curated graph and show what it holds (embedded store)
demo: setup
	$(BIN)/sovgraph validate
	$(BIN)/sovgraph stats

## test: the test suite only
test: setup
	$(BIN)/pytest

## check: lint, type-check and test (what CI runs)
check: setup lint typecheck test

lint: setup
	$(BIN)/ruff check sovgraph tests
	$(BIN)/ruff format --check sovgraph tests

typecheck: setup
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
