# Two commands on a fresh machine with Python 3.11 and make: `make run` and `make test`.
# The environment is built from uv.lock the first time either needs it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

PORT ?= 8080
HOST ?= 127.0.0.1

.PHONY: run demo test browser airflow eval eval-dedup eval-stories eval-sources bench bench-dedup env clean-env

$(BIN)/.synced: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --compile-bytecode --python $(BIN)/python
	touch $@

env: $(BIN)/.synced

run: env  ## one full ingest over $$WIREHOUSE_SOURCES (default seeds/sources.yaml)
	$(BIN)/wirehouse run

demo: env  ## the same against the offline replay of the seed outlets
	WIREHOUSE_SOURCES=seeds/replay.yaml $(BIN)/wirehouse run

test: env browser
	$(BIN)/python -m pytest

# The UI test drives Debian's Chromium; installed here when missing (as root, with apt).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium is not installed: the browser check of the Airflow UI will be skipped"

airflow: env  ## Airflow standalone with the DAGs (metadata in the embedded PostgreSQL), UI on :$(PORT)
	$(BIN)/wirehouse airflow --port $(PORT) --host $(HOST)

eval: env  ## extraction quality beside plain trafilatura on the four corpora in ../shared/benchmarks (issue 18 targets)
	$(BIN)/python -m bench.extraction

eval-dedup: env  ## duplicate detection and stories on a labelled set, then stories on ECB+ (eval-stories)
	$(BIN)/python -m bench.dedup_eval
	$(BIN)/python -m bench.stories_eval

eval-stories: env  ## story assignment on ECB+ beside a TF-IDF average-linkage baseline (--offline: no database)
	$(BIN)/python -m bench.stories_eval

eval-sources: env  ## `wirehouse sources add` on 21 local outlets: valid entries, articles found by a 60-day catch-up, traps stored, time
	$(BIN)/python -m bench.sources_eval $(EVAL_SOURCES_FLAGS)

SIZES ?= 1000 10000
BENCH_FLAGS ?=
bench: env  ## every stage beside its baseline at 1k and 10k pages (BENCH_FLAGS=--with-100k adds 100k); see BENCHMARKS.md
	$(BIN)/python -m bench.run --sizes "$(SIZES)" $(BENCH_FLAGS)

DEDUP_SIZES ?= 100000,1000000
bench-dedup: env  ## dedup and load of 10k new articles against 100k and 1M stored ones (DEDUP_SIZES=10000,100000 for a quick run)
	$(BIN)/python -m bench.dedup_scale --sizes $(DEDUP_SIZES)

clean-env:
	rm -rf $(VENV)
