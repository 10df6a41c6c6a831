# Two commands for a fresh machine with Python 3.11+ and make:
#   make run   — virtual environment, install, `chatnomina dev` (embedded services if needed)
#   make test  — virtual environment, install, the whole test suite against real services
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test eval bench lint typecheck clean

$(STAMP): setup.cfg constraints.txt
	@test -n "$(PYTHON)" || { echo "Se necesita Python 3.11 o superior"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/chatnomina dev

test: install
	$(BIN)/python -m pytest -q

eval: install
	$(BIN)/python -m chatnomina nlu eval --heldout
	$(BIN)/python bench/answer_facts.py

# backup.py measures the database that payroll_run.py leaves behind, so it runs last
BENCHMARKS := $(filter-out bench/__init__.py bench/common.py bench/backup.py,$(sort $(wildcard bench/*.py))) bench/backup.py

bench: install
	@for script in $(BENCHMARKS); do echo "== $$script"; $(BIN)/python $$script; done

lint: install
	$(BIN)/ruff check chatnomina workers migrations tests bench

typecheck: install
	$(BIN)/mypy chatnomina workers

clean:
	rm -rf $(VENV) .local build *.egg-info
