# `make mock` and `make test` work on a fresh machine: they create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: mock test lint install

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

mock: $(STAMP)
	$(PY) -m mockserver serve --host 127.0.0.1 --port 8080 --fixtures fixtures

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(PY) -m pytest

# Not part of `make test`: they take minutes and print figures (README, "Performance and robustness").
.PHONY: bench fuzz
bench: $(STAMP)
	$(PY) -m benchmarks.bench $(BENCH_ARGS)

fuzz: $(STAMP)
	$(PY) -m benchmarks.fuzz $(FUZZ_ARGS)
