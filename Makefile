# samfunn-data: `make reports` runs the main job on the embedded data, `make test` runs lint and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help reports test lint build lab bench snapshot clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,import]'
	touch $(STAMP)

reports: $(STAMP)  ## build the fact base and render the network's reports (HTML, Word, PDF, Kommunen i tall)
	$(BIN)/samfunn build
	$(BIN)/samfunn network-report
	$(BIN)/samfunn reports --kommuner network --years main --format html,docx,pdf --pdf-optional

test: lint $(STAMP)  ## lint and run every test (offline)
	$(BIN)/python -m pytest

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check samfunn_data tests benchmarks scripts

build: $(STAMP)  ## build data/processed from the store and the snapshot
	$(BIN)/samfunn build

lab: $(STAMP)  ## open JupyterLab with the project's environment as the kernel
	$(BIN)/python -m ipykernel install --sys-prefix --name samfunn-data --display-name "samfunn-data"
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) --FileContentsManager.preferred_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP)  ## run the benchmarks
	$(BIN)/python benchmarks/jsonstat_decode.py
	$(BIN)/python benchmarks/factbase_build.py
	$(BIN)/python benchmarks/reports.py
	$(BIN)/python benchmarks/documents.py

snapshot: $(STAMP)  ## re-import the embedded snapshot from ../shared (developers only)
	$(BIN)/python scripts/import_snapshot.py

clean:  ## remove generated data and reports (keeps the snapshot and the environment)
	rm -rf data/processed/* reports/*
	touch data/processed/.gitkeep reports/.gitkeep
