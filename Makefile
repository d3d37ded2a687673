# Gongkai: `make run` serves the demo county on 127.0.0.1:8000; `make test` runs lint and the suite
# on SQLite and, when reachable, on PostgreSQL.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DATABASE_URL_PG ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
# The pure rules (tests/rules) touch no database: run them once, in the SQLite pass.
PYTEST_PG_ARGS ?= --ignore=tests/rules

.PHONY: install run test test-sqlite test-pg lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	set -o pipefail; $(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]" 2>&1 \
	  | { grep -v "is ignored: it is neither a file nor a directory" || true; }
	npm ci --silent --no-audit --no-fund
	touch $(STAMP)

run: install
	$(BIN)/gongkai keys init
	$(BIN)/gongkai migrate --noinput
	$(BIN)/gongkai collectstatic --noinput --verbosity 0
	$(BIN)/gongkai demo --if-empty
	$(BIN)/gongkai serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench

test: install lint
	@set -u; \
	echo "== pytest on SQLite =="; \
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS); sqlite=$$?; \
	if $(BIN)/python -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" \
	     "$(DATABASE_URL_PG)" 2>/dev/null; then \
	  echo "== pytest on PostgreSQL ($(DATABASE_URL_PG)) =="; \
	  DATABASE_URL="$(DATABASE_URL_PG)" $(BIN)/pytest $(PYTEST_PG_ARGS) $(PYTEST_ARGS); pg=$$?; \
	else echo "== PostgreSQL not reachable at $(DATABASE_URL_PG): skipped =="; pg=skipped; fi; \
	echo "== results: SQLite exit $$sqlite, PostgreSQL exit $$pg =="; \
	[ "$$sqlite" = 0 ] && { [ "$$pg" = 0 ] || [ "$$pg" = skipped ]; }

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-pg: install
	DATABASE_URL="$(DATABASE_URL_PG)" $(BIN)/pytest $(PYTEST_PG_ARGS) $(PYTEST_ARGS)

# bench/scratch.py is a helper module; bench/sweep.py is run by bench/privacy.py (printed together).
bench: install
	for script in bench/*.py; do case $$script in bench/scratch.py|bench/sweep.py) continue;; esac; \
	  echo "== $$script =="; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules var/static
