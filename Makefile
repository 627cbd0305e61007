# Concilia — the two set-up commands are `make run` and `make test`.
PORT ?= 8000
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test test-dates test-matrix install serve lint typecheck pytest browser axe messages makemessages translations bench clean

# RELOAD=1 restarts the server when the code changes (slower start).
RELOAD ?=
# The site's own address (links in e-mails, the demo OpenID provider's issuer and its client's return address)
# follows PORT unless CONCILIA_SITE_URL is set.
run: export CONCILIA_SITE_URL ?= http://127.0.0.1:$(PORT)
run: install ## install, migrate, load territory and demo data, serve on 127.0.0.1:$(PORT)
	$(BIN)/concilia setup
	$(BIN)/concilia runserver 127.0.0.1:$(PORT) $(if $(RELOAD),,--noreload)

test: install browser axe lint typecheck pytest ## lint, type check and the whole suite

install: $(STAMP) messages

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet "uv==$(UV_VERSION)"

# Bytecode compiled at install: a machine that sets PYTHONDONTWRITEBYTECODE would otherwise compile
# Django and every library again in each process (8 s a start: the test workers, the subprocess tests).
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode --python "$(PYTHON)"
	touch $(STAMP)

# Compiled translations (.mo) are build products: made from the .po files with gettext's msgfmt.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard concilia/locale/*/LC_MESSAGES/*.po))
messages: $(MO_FILES)
%.mo: %.po | $(STAMP)
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	msgfmt --check-format -o $@ $<

# Extract the strings from a copy of the source and check that every one has its Italian translation.
translations: $(STAMP)
	@tmp=$$(mktemp -d) && cp -r concilia $$tmp/ && cd $$tmp/concilia && \
	  PYTHONPATH=$$tmp DJANGO_SETTINGS_MODULE=concilia.settings.test $(CURDIR)/$(BIN)/django-admin makemessages \
	    -l it --no-obsolete --ignore "*/migrations/*" --ignore "*/tests/*" >/dev/null && \
	  $(CURDIR)/$(BIN)/python $(CURDIR)/scripts/check_translations.py $$tmp/concilia/locale/it/LC_MESSAGES/django.po; \
	  rc=$$?; rm -rf $$tmp; exit $$rc

makemessages: $(STAMP) ## refresh the .po files from the source
	cd concilia && ../$(BIN)/concilia makemessages -l it -l en --no-obsolete --ignore "*/migrations/*"

browser: ## Debian's Chromium for the browser tests (Playwright drives it)
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null)

# axe-core (npm, pinned in package-lock.json) checks every public page for WCAG 2.1 AA in the browser tests.
# npm gives the files the tarball's old dates: touch marks when they were installed.
AXE := node_modules/axe-core/axe.min.js
axe: $(AXE) ## axe-core from npm for the accessibility tests (Debian's nodejs and npm if npm is missing)
$(AXE): package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null)
	npm ci --no-audit --no-fund
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check concilia benchmarks scripts conftest.py
	$(BIN)/ruff format --check concilia benchmarks scripts conftest.py
	$(BIN)/concilia makemigrations --check --dry-run
	$(MAKE) --no-print-directory translations

typecheck: $(STAMP)
	$(BIN)/mypy concilia

# One pytest-xdist worker per core; the 20 slowest tests are listed at the end of every run.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=
pytest: $(STAMP) messages
	$(BIN)/pytest -n $(PYTEST_WORKERS) --durations=20 $(PYTEST_ARGS)

test-matrix: install messages ## every page and API operation × every role × own and other scope (about 8 minutes)
	CONCILIA_MATRIX=full $(BIN)/pytest -n $(PYTEST_WORKERS) -q concilia/core/tests/test_permission_matrix.py

# The date sweep: the suite's date-sensitive tests again with the clock moved (CONCILIA_TEST_NOW, a
# wall-clock time in Europe/Rome) to each of TEST_DATES: a holiday, 31 December before midnight, the
# last day of a month, the two days the clocks change in 2027 (02:30 on the spring one does not
# exist), a Sunday in August, and 29 February 2028 just after midnight (still the 28th in UTC).
# `make test-dates DATE_TESTS=concilia` sweeps the whole suite.
TEST_DATES ?= 2026-12-08T08:00 2026-12-31T23:30 2027-04-30T23:45 2027-03-28T02:30 2027-10-31T02:30 2027-08-15T10:00 2028-02-29T00:30
DATE_TESTS ?= -m "not browser" concilia/core concilia/helpdesk concilia/registry concilia/workplace concilia/programming concilia/services concilia/network
test-dates: install ## the date-sensitive tests at each of TEST_DATES (see README)
	@for when in $(TEST_DATES); do \
	  echo "== clock at $$when (Europe/Rome) =="; \
	  CONCILIA_TEST_NOW=$$when $(BIN)/pytest -n $(PYTEST_WORKERS) -q $(DATE_TESTS) || exit 1; \
	done

bench: install ## benchmarks (see README)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf .venv .uv var
