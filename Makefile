# The two commands: `make demo` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench schema clean

$(INSTALLED): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c requirements.lock -e '.[dev]'
	touch $@

# The example purchases are dated 2026; the demo runs on a fixed evening so it
# shows the same story whenever it is run.
DEMO := STAMPBOOK_DB=build/demo.db STAMPBOOK_NOW=2026-11-23T18:00:00+03:00 $(BIN)/stampbook

demo: $(INSTALLED)
	$(BIN)/stampbook check campaigns
	$(BIN)/stampbook show campaigns
	rm -f build/demo.db build/demo.db-wal build/demo.db-shm
	$(DEMO) customers import campaigns/import-examples/customers.csv
	$(DEMO) purchases import campaigns/import-examples/purchases.csv
	$(DEMO) daily
	$(DEMO) points anna.petrova@example.com
	$(DEMO) redeem anna.petrova@example.com cappuccino
	$(DEMO) customers export build/customers.csv

test: lint typecheck unit

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

unit: $(INSTALLED)
	$(BIN)/pytest

bench: $(INSTALLED)
	$(BIN)/python -m tests.bench

schema: $(INSTALLED)
	$(BIN)/stampbook schema campaigns

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache .hypothesis
