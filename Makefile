# masterypath: `make demo` runs the product, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MASTERYPATH_DATA_DIR ?= $(CURDIR)/var
export MASTERYPATH_DATA_DIR

.PHONY: demo test lint typecheck serve clean messages

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

demo: $(VENV)/.runtime messages  ## migrate SQLite, load the demo district once, serve on PORT
	MASTERYPATH_DEMO=1 $(BIN)/masterypath migrate --no-input
	MASTERYPATH_DEMO=1 $(BIN)/masterypath seed_demo --seed 42
	@echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	MASTERYPATH_DEMO=1 $(BIN)/masterypath runserver --noreload 127.0.0.1:$(PORT)

test: $(VENV)/.dev messages  ## the whole suite; on PostgreSQL when DATABASE_URL is set
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev
	MASTERYPATH_DEMO=1 $(BIN)/mypy src

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
