# crm_lifecycle: one-command demo, tests and lint for the Odoo 11 addons.
# Local state lives in .local/ (git-ignored); see README.md.
SHELL := /bin/bash
PY := .local/venv/bin/python
TOOLS_PY := .local/venv-tools/bin/python
PORT ?= 8069

.PHONY: help setup demo demo-data stop test test-18 lint pot bench bench-data loadtest clean

help:
	@echo "make demo       install everything, create the demo database, start Odoo on :$(PORT)"
	@echo "make stop       stop the Odoo server and the PostgreSQL cluster started by make demo"
	@echo "make demo-data  regenerate the demo customers and sale orders"
	@echo "make test       run every test (addons with pytest-odoo, browser tests)"
	@echo "make test-18    the ported addons and their tests on an Odoo 18 core (ODOO18_SRC=...)"
	@echo "make lint       flake8, isort and pylint-odoo"
	@echo "make pot        regenerate the i18n/<module>.pot files"
	@echo "make bench-data generate the benchmark database (1 M customers, 20 M touchpoints)"
	@echo "make bench      print the benchmark figures (needs make bench-data once)"
	@echo "make loadtest   concurrent ingest, timeline reads and recomputes against a real Odoo"
	@echo "                (LOADTEST_ARGS=\"--writers 10 --readers 3 --seconds 60\")"
	@echo "make clean      remove .local/ (databases, logs, links to cached venvs)"

setup:
	@bash tools/setup.sh all

demo: setup
	@$(PY) tools/lifecycle.py demo --port $(PORT)

demo-data: setup
	@$(PY) tools/lifecycle.py demo-data --port $(PORT)

stop:
	@if [ -x $(PY) ]; then $(PY) tools/lifecycle.py stop; else echo "nothing to stop"; fi

test: setup
	@$(PY) tools/lifecycle.py test

pot: setup
	@$(PY) tools/lifecycle.py pot

bench-data: setup
	@$(PY) tools/bench.py data

bench: setup
	@bash tools/setup.sh bench
	@$(PY) tools/bench.py run

loadtest: setup
	@$(PY) tools/loadtest.py $(LOADTEST_ARGS)

lint:
	@bash tools/setup.sh tools
	@bash tools/lint.sh

clean: stop
	rm -rf .local

test-18: setup
	@$(TOOLS_PY) tools/odoo18.py
