# Two commands for a newcomer: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi
PIP := $(BIN)/pip install --disable-pip-version-check -q

.PHONY: run test install install-test translations translations-update lint db-upgrade demo clean

## make run: install, migrate the embedded SQLite database, load demo data once, serve, with the
## job worker beside the web server: it makes the PDF plans and sends mail (no MAIL_SERVER: mails
## are kept for the admin's Mail page); its queue is a SQLite file in instance/.
run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	@echo
	@echo "  Open http://127.0.0.1:$(PORT) and sign in with one of the accounts above."
	@echo "  Mails (invitations, password links, notifications): Admin > Mail."
	@echo
	export PORT=$(PORT); $(BIN)/flask jobs worker & jobs=$$!; trap 'kill $$jobs 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## make test: install what the tests need (Debian packages too), lint, run the whole suite
## against SQLite and a throwaway PostgreSQL server, and drive Debian's chromium.
test: system-deps install-test node_modules/.installed translations lint
	REQUIRE_POSTGRES=1 REQUIRE_REDIS=1 REQUIRE_BROWSER=1 $(BIN)/pytest -n auto

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PIP) -r requirements-test.txt
	touch $@

# axe-core (accessibility checks in the browser tests), pinned by package-lock.json.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

.PHONY: system-deps
system-deps:
	bash scripts/install-system-deps.sh

translations: install
	$(BIN)/pybabel compile -d app/translations

## After changing user-facing text: refresh the catalogue, then translate the new entries.
translations-update: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --width 100

## make lint: ruff, and mypy over app/, assessments/, rubrics/, benchmarks/ (settings in pyproject.toml): 0 errors.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .ruff_cache
