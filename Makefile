# lebongbisa — thin wrappers. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help setup report test sysdeps lab synth lint bench clean
help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the package with its test tools

report: $(STAMP)  ## generate the synthetic Lebong if data/raw is empty, then run every quarter, oldest first
	$(BIN)/lebongbisa report

test: $(STAMP) sysdeps  ## lint (ruff on code and notebooks), then run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Tests open worklists in LibreOffice and reports in Chromium, as users' own programs would.
SYSPKGS := libreoffice-calc-nogui chromium
sysdeps:  ## install LibreOffice and Chromium (Debian packages) when missing
	@if command -v soffice >/dev/null && command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "installing $(SYSPKGS) (Debian packages) for the tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSPKGS) >/dev/null; \
	else echo "The tests need LibreOffice and Chromium: sudo apt-get install $(SYSPKGS)"; exit 1; fi

lab: $(STAMP)  ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab notebooks/

synth: $(STAMP)  ## (re)generate the synthetic Lebong, 2024Q1..2025Q2
	$(BIN)/lebongbisa synth --periods 2024Q1:2025Q2 --seed 58 --out data/raw

lint: $(STAMP)  ## ruff on code and notebooks
	$(BIN)/ruff check .

bench: $(STAMP)  ## a quarter's figures beside the raw-read floor (slow; appends to benchmarks/results/quarter.md)
	$(BIN)/python benchmarks/bench_quarter.py

clean:  ## remove generated data and reports (never data/raw deliveries you added yourself: check first)
	rm -rf data/processed/* data/truth/* reports/*
