# masterypath: `make demo` runs the product, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MASTERYPATH_DATA_DIR ?= $(CURDIR)/var
export MASTERYPATH_DATA_DIR

.PHONY: demo test lint typecheck serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime  ## migrate SQLite, load the demo district once, serve on PORT with a worker
	MASTERYPATH_DEMO=1 $(BIN)/masterypath migrate --no-input
	MASTERYPATH_DEMO=1 $(BIN)/masterypath seed_demo --seed 42
	@echo "Serving http://127.0.0.1:$(PORT)/ with a background worker (Ctrl-C stops both)"
	@MASTERYPATH_DEMO=1 $(BIN)/masterypath worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	MASTERYPATH_DEMO=1 $(BIN)/masterypath runserver --noreload 127.0.0.1:$(PORT)

test: $(VENV)/.dev  ## the whole suite; on PostgreSQL when DATABASE_URL is set
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev
	MASTERYPATH_DEMO=1 $(BIN)/mypy src

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
