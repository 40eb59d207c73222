# Two commands set everything up on a fresh machine:
#   make run    start the in-home display on the virtual home
#   make test   run the whole test suite (offscreen, no network)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run gateway test bench lint wheel-check screenshots

$(STAMP): pyproject.toml setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/ihd-app

gateway: $(STAMP)
	$(VENV)/bin/han-gateway run --radio sim --sim-speed 60

# two workers, the longest tests stolen first: the suite is CPU-bound on a 2-core machine.
# Bytecode is kept, in the venv (never the source tree), even where the environment says
# not to write it (PYTHONDONTWRITEBYTECODE=1): otherwise each worker and each interpreter
# the tests start (over a hundred) compile the project and rewrite the tests from source again
# (a worker's collection: 4.3 CPU-s, 1.5 with the cache).
PYCACHE := $(abspath $(VENV))/pycache
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(PYCACHE) \
		$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist worksteal

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy han_home
	$(VENV)/bin/lint-imports

wheel-check: $(STAMP)
	PYTHON=$(PY) bash .ci/wheel-check
