# The commands of the README:
#   make serve   set up, build, validate and serve the data (PORT=8011 for another port;
#                a busy port is refused before the build starts)
#   make test    set up and run every check CI runs (as any user; .ci/run adds the browser as root)
#   make check   the quick loop (two minutes): lint, the data checks and the tests a data change can break
# Everything else here is a step of those.

PYTHON ?= python3
PORT ?= 8001
VENV := .venv
BIN := $(VENV)/bin
# The archive of captured source texts (not redistributed) is found at ../shared/sources beside the
# repository, or wherever CLAIMS_ARCHIVE points.

.PHONY: serve test check lint setup browser lock clean

serve: setup
	$(BIN)/claims stats
	$(BIN)/claims serve --port $(PORT)

# Tests that need the archive or Chromium skip, saying why, where they are absent; CLAIMS_REQUIRE_ARCHIVE=1
# and CLAIMS_REQUIRE_BROWSER=1 (set by .ci/run) make them fail instead.
#
# The suites that measure a server, a browser or the benchmark (answer times, peak memory) run on
# their own; all the others run side by side, one pytest-xdist worker a core.
MEASURED_TESTS := server or browser or scale
test: setup lint
	$(BIN)/claims check
	$(BIN)/python -m pytest -n auto -m "not ($(MEASURED_TESTS))"
	$(BIN)/python -m pytest -m "$(MEASURED_TESTS)"

# The checks a change to the data or the docs can break, within two minutes: lint, `claims check`
# and the tests of the curated data, the docs and the commands a contributor runs. Left out by their
# pytest markers (declared in each test file): the slow suites (browser, Spark, scale, Datasette server, GX
# and engine comparisons) and the toolchain's rule-by-rule suites, which only a change to the code
# can break (`make test` runs everything).
SLOW_TESTS := browser or spark or scale or server or slow or rules
check: setup lint
	$(BIN)/claims check
	$(BIN)/python -m pytest -q -m "not ($(SLOW_TESTS))"

# The code's habits: ruff (lint), the import layers (import-linter, contracts in pyproject.toml) and
# mypy, on the package as it installs (scripts/claims/, with schema/ linked in as claims.schema).
lint: setup
	$(BIN)/ruff check scripts schema tests
	$(BIN)/ruff format --check scripts schema tests
	$(BIN)/lint-imports
	$(BIN)/mypy

# Debian's chromium for the browser tests (Playwright drives it; it downloads no browser of its own).
# Needs root or sudo; .ci/run calls it.
browser:
	./scripts/install-browser.sh

setup: $(VENV)/.installed $(VENV)/.vendored

# The Data Docs' scripts, styles and fonts, from the npm registry (versions and hashes in vendor.py).
$(VENV)/.vendored: $(VENV)/.installed scripts/claims/vendor.py
	$(BIN)/python -m claims.vendor
	touch $@

# Reinstall whenever the lock file or the package metadata changes.
$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Refresh the lock file after changing dependencies in pyproject.toml.
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) build dist test-artifacts
