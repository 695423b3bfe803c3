# Meldpunt Ondermijning — two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/meldpunt
SPECTRAL := tools/spectral/node_modules/.bin/spectral
# pytest-xdist processes per test run (`make test TEST_WORKERS=0` runs in one process). Each worker
# builds its own demo municipality and test database and keeps its files in var/test/gwN.
TEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -p no:cacheprovider $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS))

.PHONY: demo test install install-dev lint test-unit test-sqlite test-worker test-postgres api-lint api-drift schema openapi bench clean

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	$(PIP) install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo: install, build the demo municipality (SQLite) and serve it on http://127.0.0.1:8000
demo: install
	$(VENV)/bin/meldpunt demo

## make test: install dev dependencies and run every test, on SQLite and on PostgreSQL
test: install-dev lint api-drift test-sqlite test-worker test-postgres api-lint
	@echo "Alle tests geslaagd (SQLite en PostgreSQL)."

# lint-imports: dependencies run one way, the contracts in pyproject.toml [tool.importlinter].
lint:
	$(VENV)/bin/ruff check src tests bench
	PYTHONPATH=$(CURDIR)/src $(VENV)/bin/lint-imports --no-cache
	$(PY) tools/count_function_imports.py --check
	MELDPUNT_VAR_DIR=$(CURDIR)/var/test DJANGO_SETTINGS_MODULE=meldpunt.settings.test $(PY) manage.py makemigrations --check --dry-run >/dev/null

## make test-unit: the fast lane, tests without database or generated municipality (seconds)
test-unit: install-dev
	MELDPUNT_VAR_DIR=$(CURDIR)/var/test $(PY) -m pytest -p no:cacheprovider -m unit

test-sqlite:
	MELDPUNT_VAR_DIR=$(CURDIR)/var/test $(PYTEST)

# Jobs in a real Celery worker process on the machine's Redis (docs/adr/0028). The worker shares
# the test database with pytest, so the SQLite test database is a file here, not memory.
test-worker:
	MELDPUNT_VAR_DIR=$(CURDIR)/var/test MELDPUNT_TEST_DB_NAME=$(CURDIR)/var/test/werker-test.sqlite3 \
	  $(PY) -m pytest -p no:cacheprovider -m worker

# PostgreSQL at 127.0.0.1:5432 (CI always has it). Where none is reachable locally, say so
# and skip; CI sets CI=true and then a missing PostgreSQL is a failure.
test-postgres:
	@if $(PY) -c "import psycopg,sys; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  MELDPUNT_VAR_DIR=$(CURDIR)/var/test MELDPUNT_DATABASE_URL=$(PG_URL) $(PYTEST) -m "not browser and not slow"; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL op 127.0.0.1:5432 is niet bereikbaar" >&2; exit 1; \
	else echo "PostgreSQL niet bereikbaar: tests op PostgreSQL overgeslagen."; fi

## The OpenAPI document against the NL API Design Rules (Spectral, pinned in tools/spectral)
api-lint: schema
	@command -v npm >/dev/null || { echo "npm is nodig voor de API-linter" >&2; exit 1; }
	@test -x $(SPECTRAL) || npm ci --prefix tools/spectral --no-audit --no-fund --loglevel=error
	$(SPECTRAL) lint --fail-severity=error -r tools/spectral/adr-2.2.0-spectral-ruleset.yaml var/openapi.json

schema: install
	@mkdir -p var
	MELDPUNT_VAR_DIR=$(CURDIR)/var $(VENV)/bin/meldpunt spectacular --format openapi-json --file var/openapi.json --validate --fail-on-warn

## make openapi: write the OpenAPI document of the current code to docs/openapi.json (commit it)
openapi: schema
	cp var/openapi.json docs/openapi.json
	@echo "docs/openapi.json bijgewerkt; commit het samen met de wijziging in de API."

## The committed docs/openapi.json must be what the code generates (no silent API changes)
api-drift: schema
	@cmp -s var/openapi.json docs/openapi.json || { \
	  diff -u docs/openapi.json var/openapi.json | head -n 60 >&2; \
	  echo "Het OpenAPI-document wijkt af van docs/openapi.json: de API is veranderd zonder dat het" >&2; \
	  echo "vastgelegde document is bijgewerkt. Controleer de verschillen hierboven, werk het bij met" >&2; \
	  echo "'make openapi' en commit docs/openapi.json." >&2; exit 1; }
	@echo "OpenAPI-document gelijk aan docs/openapi.json."

bench: install-dev
	$(PY) bench/generate.py --size M

clean:
	rm -rf $(VENV) var test.sqlite3*
