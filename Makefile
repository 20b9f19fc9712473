# xraykit: two commands for a new user.
#   make lab   set everything up (once) and open JupyterLab on the notebooks
#   make test  set everything up (once) and run the whole test suite
# Everything lives in .venv (and tests/oracle/node_modules for the differential tests).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.xraykit-installed
TSTAMP := $(VENV)/.xraykit-test-installed
ORACLE := tests/oracle/node_modules/.package-lock.json
LAB_ARGS ?=
# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test install install-test oracle notebooks bench lint typecheck screenshot clean help

help:
	@echo "make lab    set up .venv and open JupyterLab on notebooks/00_index.ipynb"
	@echo "make test   set up .venv with the test extras and run every test"
	@echo "make bench  run the benchmarks in benchmarks/ and print the ratios"
	@echo "make notebooks  re-execute every notebook in place (after a change to xraykit)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "xraykit needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

$(ORACLE): tests/oracle/package.json tests/oracle/package-lock.json
	cd tests/oracle && npm ci --no-audit --no-fund --loglevel=error

install: $(STAMP)
install-test: $(TSTAMP)
oracle: $(ORACLE)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks --LabApp.default_url=/lab/tree/00_index.ipynb $(ROOT_FLAG) $(LAB_ARGS) notebooks/00_index.ipynb

test: $(TSTAMP) $(ORACLE)
	$(BIN)/python -m pytest

lint: $(TSTAMP)
	$(BIN)/ruff check xraykit tests benchmarks scripts
	$(BIN)/mypy

notebooks: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py

bench: $(TSTAMP) $(ORACLE)
	$(BIN)/python -m compileall -q xraykit  # measured as installed: from bytecode, not from source
	$(BIN)/python benchmarks/run.py

screenshot: $(TSTAMP)
	$(BIN)/python -m pytest tests/test_browser.py --screenshot-dir=docs

clean:
	rm -rf $(VENV) tests/oracle/node_modules .pytest_cache
