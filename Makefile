# dashsmith: `make build` compiles the declarations, `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build lint test deploy-dashboards demo bench clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,preview]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/dashsmith build

lint: $(STAMP)
	$(BIN)/dashsmith lint

test: $(STAMP)
	$(BIN)/python -m pytest

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

clean:
	rm -rf build $(VENV)
