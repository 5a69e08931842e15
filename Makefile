# Synclog: `make run` serves the app with SQLite, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck bench clean

$(BIN)/synclog: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(BIN)/synclog
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The JavaScript dev tools pinned in package-lock.json (TypeScript for the PWA's type-check, idb
# behind web/vendor/idb, Redocly CLI and openapi-typescript for the OpenAPI document's tests);
# npm writes node_modules/.package-lock.json on every install.
NODE_TOOLS := node_modules/.package-lock.json

$(NODE_TOOLS): package.json package-lock.json
	npm ci --no-audit --no-fund

run: $(BIN)/synclog
	$(BIN)/synclog serve

lint: $(VENV)/.dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/bandit -ll -q -r app
	@# A vulnerability fails lint; an unreachable vulnerability service only says so (docs/security.md).
	@$(BIN)/pip-audit --progress-spinner off --skip-editable > $(VENV)/pip-audit.log 2>&1; status=$$?; \
	grep -v "could not be audited" $(VENV)/pip-audit.log | tail -n 20; \
	skipped=$$(grep -c "could not be audited" $(VENV)/pip-audit.log); \
	[ "$$skipped" -eq 0 ] || echo "pip-audit: $$skipped packages could not be audited (docs/security.md)"; \
	if [ $$status -ne 0 ] && grep -q "ConnectionError" $(VENV)/pip-audit.log; then \
		echo "pip-audit: the vulnerability service is unreachable; dependencies were not audited"; \
	elif [ $$status -ne 0 ]; then exit $$status; fi

typecheck: $(NODE_TOOLS)
	node_modules/.bin/tsc -p web/jsconfig.json
	node_modules/.bin/tsc -p web/jsconfig.sw.json

# The PWA's summary rules against the golden cases (node's test runner), then a test process per
# core (pytest-xdist), each with its own databases and servers (tests/conftest.py).
test: $(VENV)/.dev $(NODE_TOOLS) lint
	node --test tests/web/
	$(BIN)/python -m pytest -n auto --dist loadgroup

bench: $(VENV)/.dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules
