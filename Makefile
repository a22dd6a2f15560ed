# casegraph: `make demo` and `make test` work on a fresh machine (they install what they need).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
DEMO_DB ?= out/demo.db

.PHONY: demo test check lint types unit pg bench bench-smoke system-deps install clean eval train ui browser node screenshots

system-deps:  ## Debian packages the build needs (pyicu compiles against ICU)
	@if ! pkg-config --exists icu-uc 2>/dev/null || ! command -v g++ >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null; \
		else echo "casegraph needs libicu-dev, pkg-config and g++: sudo apt-get install libicu-dev pkg-config g++" >&2; exit 1; fi; \
	fi

$(STAMP): requirements.lock pyproject.toml | system-deps
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync -q --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

DEMO_PORT ?= 8765

demo: $(STAMP) ui  ## ingest the bundled sample case, print a summary, then serve it at http://127.0.0.1:8765/
	@mkdir -p out
	$(BIN)/casegraph ingest examples/case --recursive --db $(DEMO_DB) --date 2016-09-20
	$(BIN)/casegraph summary --db $(DEMO_DB)
	$(BIN)/casegraph export --db $(DEMO_DB) --format json --output out/demo.json
	@echo "Try: $(BIN)/casegraph show 'Kemal Aydin' --db $(DEMO_DB)"
	@echo "Open http://127.0.0.1:$(DEMO_PORT)/ in a browser (Ctrl-C stops the server)"
	$(BIN)/casegraph serve --db $(DEMO_DB) --port $(DEMO_PORT)

lint: $(STAMP)
	$(BIN)/ruff check casegraph tests
	$(BIN)/ruff format --check casegraph tests

types: $(STAMP)
	$(BIN)/mypy

# The store and query tests run on SQLite and on PostgreSQL: a private server on 127.0.0.1:54329
# (scripts/postgres.sh; `scripts/postgres.sh stop` stops it), unless CASEGRAPH_TEST_PG names another.
PG_TEST_URL := postgresql://postgres@127.0.0.1:54329/postgres

pg:  ## start the PostgreSQL server the tests use (installs Debian's postgresql if missing)
	@if [ -z "$$CASEGRAPH_TEST_PG" ]; then scripts/postgres.sh; fi

# The web UI: web/ (package.json, package-lock.json, src/) built by vite into casegraph/serve/static/, which
# `casegraph serve` serves and git ignores. npm ci runs again only when the lock changes (stamp in
# node_modules), the build only when a source does (its index.html is the stamp).
UI_DEPS := web/node_modules/.npm-ci-stamp
UI_BUILT := casegraph/serve/static/index.html
UI_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.js web/package.json

node:  ## Node.js and npm for the UI build (Debian's, when missing and root)
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
		else echo "the web UI needs Node.js 18 or newer and npm: sudo apt-get install nodejs npm" >&2; exit 1; fi; \
	fi

$(UI_DEPS): web/package-lock.json web/package.json | node
	cd web && npm ci --no-audit --no-fund
	touch $@

$(UI_BUILT): $(UI_DEPS) $(UI_SOURCES)
	cd web && npm run build

ui: $(UI_BUILT)  ## build the web UI (npm ci, then vite build into casegraph/serve/static)

browser:  ## Debian's Chromium for the browser tests (Playwright never downloads one)
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "the browser tests need Debian's Chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2; exit 1; fi; \
	fi

screenshots: $(STAMP) ui browser  ## one screenshot per page of the web UI, into docs/screenshots
	$(BIN)/python scripts/screenshots.py docs/screenshots

unit: $(STAMP) pg ui browser
	CASEGRAPH_TEST_PG="$${CASEGRAPH_TEST_PG:-$(PG_TEST_URL)}" $(BIN)/pytest -q

test: $(STAMP)  ## install everything, then lint, type-check and run every test
	$(MAKE) lint types unit bench-smoke

bench: $(STAMP)  ## the full benchmark (10,000 documents; about 9.5 minutes on 2 cores), see docs/performance.md
	@mkdir -p out
	$(BIN)/casegraph bench --docs 10000

bench-smoke: $(STAMP)  ## the benchmark on 50 documents: checks that it runs, measures nothing useful
	@mkdir -p out
	$(BIN)/casegraph bench --docs 50 --json > out/bench-smoke.json

check: test

eval: $(STAMP)  ## every quality figure of docs/quality.md (test splits; several minutes)
	$(BIN)/casegraph eval conll --split test
	$(BIN)/casegraph eval muc4 --split test
	$(BIN)/casegraph eval wikievents --split test

train: $(STAMP)  ## retrain the event classifiers shipped in casegraph/extract/models (MUC-4 train, WikiEvents dev)
	$(BIN)/casegraph train

clean:
	-scripts/postgres.sh stop
	rm -rf $(VENV) out web/node_modules casegraph/serve/static
