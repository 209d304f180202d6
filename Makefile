# Hearth: `make run` serves the demo town on http://127.0.0.1:5000; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app web:create_app
PYTEST_ARGS ?=

.PHONY: setup run test test-long chromium bench clean

$(STAMP): setup.cfg pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium: run 'sudo apt-get install -y chromium' and try again." >&2; exit 1; \
	  fi; }

run: setup
	$(FLASK) hearth migrate
	$(FLASK) hearth demo
	@echo "Hearth is at http://127.0.0.1:5000 (Ctrl-C to stop)."
	$(BIN)/python -m web.serve --host 127.0.0.1 --port 5000

test: setup chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The stateful property tests with many more examples and longer runs (minutes, not seconds).
test-long: setup
	HEARTH_LONG_TESTS=1 $(BIN)/python -m pytest -p no:cacheprovider tests/store/test_one_truth.py $(PYTEST_ARGS)

# Benchmarks: each prints one table and writes bench/results/<name>.json. Not part of `make test`.
bench: setup chromium
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.groups_quality
	$(BIN)/python -m bench.groups_exact_size
	$(BIN)/python -m bench.groups_scale
	$(BIN)/python -m bench.ranking
	$(BIN)/python -m bench.graph_render
	$(BIN)/python -m bench.events_load
	$(BIN)/python -m bench.soak
	$(BIN)/python -m bench.city_planning
	$(BIN)/python -m bench.connectedness

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
