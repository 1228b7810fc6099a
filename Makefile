# Two entry points for a fresh machine: `make demo` (or `make run`) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# constraints.txt pins what was tested, so a new release of a linter or a library cannot
# turn CI red overnight; refresh it with `make constraints` after a deliberate upgrade.
$(BIN)/dondoc: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

.PHONY: demo run test lint bench bench-long bench-pg constraints
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
	$(BIN)/python bench/bench_dispatch.py
	$(BIN)/python bench/bench_report.py
	$(BIN)/python bench/bench_chat.py

# Minutes, not seconds: 10,000 fuzzed updates and 30 kills of the running bot.
bench-long: $(BIN)/dondoc
	$(BIN)/python bench/bench_fuzz.py
	$(BIN)/python scripts/faults.py --kills 30

# PostgreSQL against SQLite, on a throwaway server: `make bench-pg` (about 7 minutes, most of it
# building 1,000,000 tasks on each engine; bench/bench_pg.py --tasks N for a smaller run).
bench-pg: $(BIN)/dondoc
	dir=$$(mktemp -d /tmp/dondoc-pg.XXXXXX); trap '.ci/pg-stop "$$dir"' EXIT; \
	eval "$$(.ci/pg-start "$$dir")"; DONDOC_TEST_PG=$$DONDOC_TEST_PG $(BIN)/python bench/bench_pg.py

constraints: $(BIN)/dondoc
	$(BIN)/pip install --quiet --upgrade -e '.[dev]'
	$(BIN)/pip freeze --exclude-editable > constraints.txt
