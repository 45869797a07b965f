# Two commands do all the set-up on a fresh machine: `make site` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: site test lint serve check bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/kaitei build

check: $(STAMP)
	$(BIN)/kaitei check

serve: $(STAMP)
	$(BIN)/kaitei serve

lint: $(STAMP)
	$(BIN)/ruff check kaitei tests benchmarks
	$(BIN)/ruff format --check kaitei tests benchmarks
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/pytest -q

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf build
