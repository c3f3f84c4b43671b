# dashsmith: `make build` compiles the declarations, `make test` runs the test suite,
# `make test-fast` all but its live-component tests, `make check` ruff and mypy on lib/ and tests/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build lint test test-fast check deploy-dashboards demo bench clean

# pip is quiet, so each step says what it is doing (the install takes a minute or two).
$(STAMP): setup.cfg pyproject.toml
	@test -x $(BIN)/python || { echo "make: creating the virtualenv $(VENV)/"; \
		$(PYTHON) -m venv $(VENV); }
	@echo "make: installing dashsmith and its dependencies into $(VENV)/ (a minute or two;" \
		"pip is quiet)"
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet -e '.[test,preview,lint]'
	@echo "make: installed; $(BIN)/dashsmith is ready"
	@touch $(STAMP)

build: $(STAMP)
	$(BIN)/dashsmith build

lint: $(STAMP)
	$(BIN)/dashsmith lint

test: $(STAMP)
	$(BIN)/python -m pytest

# The edit-test loop: without the tests marked `live` (they start real Prometheus, Alertmanager,
# exporters and PostgreSQL from Debian's packages). Not marked, so still run here (skipped where
# the program is missing): tests that run promtool, amtool or openssl, and the three in
# tests/test_deploy_files.py that start a Prometheus (running_prometheus).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not live"

# dashsmith's own code, with the settings in pyproject.toml; both run even if the first fails.
check: $(STAMP)
	status=0; \
	$(BIN)/ruff check lib tests scripts || status=1; \
	$(BIN)/mypy || status=1; \
	exit $$status

# Deploys to Grafana when GRAFANA_URL is set; otherwise writes build/provisioning/ for mounting.
deploy-dashboards: $(STAMP)
	$(BIN)/dashsmith deploy

demo: $(STAMP)
	$(BIN)/dashsmith demo

# Speed and memory against baselines measured in the same run (see each script's docstring).
bench: $(STAMP)
	$(BIN)/python scripts/bench_build.py
	$(BIN)/python scripts/bench_lint.py
	$(BIN)/python scripts/bench_deploy.py
	$(BIN)/python scripts/bench_rules.py

clean:
	rm -rf build $(VENV)
