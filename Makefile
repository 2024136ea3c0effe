# masterypath: `make demo` runs the product, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 2
MASTERYPATH_DATA_DIR ?= $(CURDIR)/var
export MASTERYPATH_DATA_DIR

.PHONY: demo serve test check clean messages

# Translations: .po files are kept in git; their compiled .mo files are built here (GNU msgfmt).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard src/masterypath/locale/*/LC_MESSAGES/*.po))

messages: $(MO_FILES)  ## compile the message catalogues

%.mo: %.po
	msgfmt --check -o $@ $<

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime messages  ## migrate SQLite, load the demo district once, serve on PORT with a worker
	MASTERYPATH_DEMO=1 $(BIN)/masterypath migrate --no-input
	MASTERYPATH_DEMO=1 $(BIN)/masterypath seed_demo --seed 42
	@echo "Serving http://127.0.0.1:$(PORT)/ with a background worker (Ctrl-C stops both)"
	@MASTERYPATH_DEMO=1 $(BIN)/masterypath worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	MASTERYPATH_DEMO=1 $(BIN)/masterypath runserver --noreload 127.0.0.1:$(PORT)

serve: $(VENV)/.runtime messages  ## production server: migrate, collect static files, gunicorn on HOST:PORT
	$(BIN)/masterypath migrate --no-input
	$(BIN)/masterypath collectstatic --no-input --verbosity 0
	$(BIN)/gunicorn masterypath.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS)

test: $(VENV)/.dev messages  ## the whole suite; on PostgreSQL when DATABASE_URL is set
	$(BIN)/python -m pytest -n 2 --dist loadfile

check: $(VENV)/.dev  ## the quality gate: lint, format, import contracts, types, migrations
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports
	MASTERYPATH_DEMO=1 $(BIN)/mypy src
	MASTERYPATH_DEMO=1 $(BIN)/masterypath makemigrations --check --dry-run
	@# Tests and code read only what the repository holds (tests/fixtures/), never a sibling folder.
	@! grep -rnI --exclude-dir=__pycache__ -e '\.\./shared' -e 'MASTERYPATH_SHARED' src tests \
		|| { echo "src/ or tests/ refer to ../shared or MASTERYPATH_SHARED (see above)"; exit 1; }

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
