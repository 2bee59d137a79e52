# kpcompare: the two commands are `make demo` and `make test`; `make docs` builds the documentation site.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PIP_FLAGS := --disable-pip-version-check --no-input -q

.PHONY: demo test test-all fuzz bench docs install clean test-oldest

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; run 'make PYTHON=/path/to/python3.11 ...'"; exit 2; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(VENV)/bin/python pyproject.toml requirements/constraints.txt
	$(PY) -m pip install $(PIP_FLAGS) --upgrade pip
	$(PY) -m pip install $(PIP_FLAGS) -c requirements/constraints.txt -e '.[test,bench,docs,spark]'
	@touch $(STAMP)

install: $(STAMP)

# the shipped Ham-style configuration through `kpcompare run` (src/kpcompare/run/configs/ham.toml)
demo: $(STAMP)
	$(PY) -m kpcompare.cli run ham --out output

# the layers of the package first (import-linter contracts in pyproject.toml), then the tests
test: $(STAMP)
	$(VENV)/bin/lint-imports
	@$(PY) -m pytest -q; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo 'make test: pytest collected no tests' >&2; exit 1; fi; exit $$rc

test-all: $(STAMP)
	$(PY) -m pytest -q -m "slow or not slow"

# the long fuzz run (about ten minutes, 10,000+ generated cases; docs/contributing.md); `make test` runs a
# bounded, deterministic part of it
fuzz: $(STAMP)
	KPCOMPARE_FUZZ=1 $(PY) -m pytest -q tests/fuzz

bench: $(STAMP)
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

# the documentation site (mkdocs.yml) in site/, strict: a broken link, cross-reference or docstring fails
docs: $(STAMP)
	$(PY) -m mkdocs build --strict --site-dir site


# the oldest supported combination (requirements/oldest.txt: Databricks 14.3 LTS - Python 3.10, pandas 1.5.3,
# numpy 1.23.5, matplotlib 3.7.0, pyarrow 14.0.1, scipy 1.11.1, pandera 0.22.1, PySpark 3.5.0) in a virtual
# environment of its own; not part of `make test` (docs/scale.md#3-supported-versions).  15.4 LTS's combination:
#   make test-oldest OLDEST_PYTHON=python3.11 OLDEST_REQUIREMENTS=requirements/oldest-15.4.txt OLDEST=.venv-oldest-15.4
OLDEST := .venv-oldest
OLDEST_PYTHON ?= python3.10
OLDEST_REQUIREMENTS ?= requirements/oldest.txt
test-oldest:
	@$(OLDEST_PYTHON) -c 'import sys' >/dev/null 2>&1 || { echo "make test-oldest: $(OLDEST_PYTHON) not found (or not runnable); the oldest supported combination (Databricks 14.3 LTS) needs Python 3.10: run 'make test-oldest OLDEST_PYTHON=/path/to/python3.10'"; exit 2; }
	@want=$$($(OLDEST_PYTHON) -c 'import sys; print(sys.version_info[:2])'); \
	  have=$$($(OLDEST)/bin/python -c 'import sys; print(sys.version_info[:2])' 2>/dev/null); \
	  if [ "$$want" != "$$have" ]; then rm -rf $(OLDEST) && $(OLDEST_PYTHON) -m venv $(OLDEST); fi
	$(OLDEST)/bin/python -c "import re, sys; pins = lambda f: {re.sub('[-_.]+', '-', re.split('[=<>]', l)[0]).lower(): l for l in open(f).read().splitlines() if l and not l.startswith('#')}; old = pins('$(OLDEST_REQUIREMENTS)'); new = {**pins('requirements/constraints.txt'), **old}; open('$(OLDEST)/constraints.txt', 'w').write(chr(10).join(new.values()) + chr(10))"
	$(OLDEST)/bin/python -m pip install $(PIP_FLAGS) -c $(OLDEST)/constraints.txt -e '.[test,bench,spark]'
	$(OLDEST)/bin/python -m pip check
	$(OLDEST)/bin/python -m pytest -q -p no:cacheprovider


clean:
	rm -rf $(VENV) $(OLDEST) .venv-oldest-15.4 output site build dist .pytest_cache .hypothesis .import_linter_cache
