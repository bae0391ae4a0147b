# finsam-analysis — `make` lists the targets. Two commands set everything up on a fresh machine:
#   make reports   # venv -> install -> build -> validate -> render every report
#   make test      # venv -> install -> every test (unit, data, notebooks via nbval)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?=

.DEFAULT_GOAL := help
.PHONY: help venv build validate reports scan test test-fast lint notebooks lab bench clean screenshots

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(STAMP)

## venv: create .venv and install the package with its dependencies
venv: $(STAMP)

## build: validate data/raw and write data/processed (atomically)
build: $(STAMP)
	$(BIN)/finsam build

## validate: reconcile every document; fails on any unexplained finding
validate: $(STAMP)
	$(BIN)/finsam validate

## reports: build, validate and render every förbund's report into reports/
reports: build validate
	$(BIN)/finsam reports $(if $(JOBS),--jobs $(JOBS),)

## scan: look for personnummer in every file of the repository (also run by `make test`)
scan: $(STAMP)
	$(BIN)/finsam scan

## test: lint, personnummer scan and every test (unit, curated figures, reconciliation, notebooks with nbval)
test: $(STAMP) scan lint
	$(BIN)/python -m pytest

## test-fast: tests without the notebook regression
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" tests

## lint: ruff lint and format check (configured in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

## notebooks: re-execute the committed notebooks in place (after a deliberate data change; review the diff)
notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb

## lab: open JupyterLab on notebooks/
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## screenshots: full-page headless Chromium screenshots (1300 px) of every document and the index into reports/screenshots/
screenshots: $(STAMP)
	$(BIN)/python benchmarks/screenshots.py

## bench: measure build/validate and the report runner against their floors
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_reports.py
	$(BIN)/python benchmarks/bench_scaling.py --sizes 10 30
	$(BIN)/python benchmarks/bench_propose.py

## clean: remove generated data/processed and reports/ (not the venv)
clean:
	rm -rf data/processed reports
