# lebongbisa — thin wrappers. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help setup report test lab synth lint bench clean
help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the package with its test tools

report: $(STAMP)  ## generate the synthetic Lebong if data/raw is empty, then run the latest period
	$(BIN)/lebongbisa report

test: $(STAMP)  ## run the whole test suite
	$(BIN)/python -m pytest

lab: $(STAMP)  ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab notebooks/

synth: $(STAMP)  ## (re)generate the synthetic Lebong, 2024Q1..2025Q2
	$(BIN)/lebongbisa synth --periods 2024Q1:2025Q2 --seed 58 --out data/raw

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check lebongbisa tests benchmarks

bench: $(STAMP)  ## run the benchmarks (slow; prints figures)
	$(BIN)/python benchmarks/bench_synth.py

clean:  ## remove generated data and reports (never data/raw deliveries you added yourself: check first)
	rm -rf data/processed/* data/truth/* reports/*
