# Two entry points for a fresh machine: `make demo` (or `make run`) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/dondoc: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

.PHONY: demo run test lint bench
demo: $(BIN)/dondoc
	$(BIN)/dondoc demo

run: $(BIN)/dondoc
	$(BIN)/dondoc run

lint: $(BIN)/dondoc
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

bench: $(BIN)/dondoc
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_sweep.py
