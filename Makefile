# Two commands for a fresh machine (Debian, root, package registries only):
#   make run    installs everything, builds the web UI, starts `accord demo` on :8080
#   make test   installs everything the tests need and runs every test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make
WEB_INDEX := src/accord/web/index.html
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/package.json

.PHONY: run test install install-dev web system-deps lint test-python test-frontend clean

run: install web
	$(BIN)/accord demo

test: install-dev web system-deps lint test-frontend test-python

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/install: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/install-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@mkdir -p $(STAMPS) && touch $@ $(STAMPS)/install

install: $(STAMPS)/install
install-dev: $(STAMPS)/install-dev

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

$(WEB_INDEX): frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build

web: $(WEB_INDEX)

# Browser tests drive Debian's chromium; database tests start PostgreSQL from its binaries;
# the sample speech is spoken by espeak-ng.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v runuser >/dev/null || missing="$$missing util-linux"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "please install:$$missing (as root: apt-get install$$missing)"; exit 1; fi; \
	fi

lint: install-dev
	$(BIN)/ruff check src tests $(wildcard bench)

test-frontend: frontend/node_modules/.package-lock.json
	cd frontend && npm test

# Two workers halve the run on two cores; tests that share a server stay on one worker
# (tests/conftest.py). TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2

test-python: install-dev web system-deps
	$(BIN)/pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup)

clean:
	rm -rf $(VENV) $(STAMPS) frontend/node_modules src/accord/web test-artifacts
