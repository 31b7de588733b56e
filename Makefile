# Two commands on a fresh machine with Python 3.11 and make: `make run` and `make test`.
# The environment is built from uv.lock the first time either needs it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

PORT ?= 8080

.PHONY: run demo test airflow eval eval-dedup bench-dedup env clean-env

$(BIN)/.synced: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --python $(BIN)/python
	touch $@

env: $(BIN)/.synced

run: env  ## one full ingest over $$WIREHOUSE_SOURCES (default seeds/sources.yaml)
	$(BIN)/wirehouse run

demo: env  ## the same against the offline replay of the seed outlets
	WIREHOUSE_SOURCES=seeds/replay.yaml $(BIN)/wirehouse run

test: env
	$(BIN)/python -m pytest

airflow: env  ## Airflow standalone with the DAGs (metadata in the embedded PostgreSQL), UI on :$(PORT)
	$(BIN)/wirehouse airflow --port $(PORT)

eval: env  ## extraction quality vs plain trafilatura on ../shared/benchmarks
	$(BIN)/python -m bench.extraction

eval-dedup: env  ## duplicate detection and story quality on a labelled set
	$(BIN)/python -m bench.dedup_eval

bench-dedup: env  ## dedup of 10k new articles against 10k..100k stored ones
	$(BIN)/python -m bench.dedup_scale

clean-env:
	rm -rf $(VENV)
