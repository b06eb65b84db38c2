# Two commands on a fresh machine with only Python 3.11+:
#   make run   -> sets up .venv, validates, solves and checks the shipped demo scenario
#   make test  -> sets up .venv, then runs ruff, mypy, the import contracts and pytest
#   make serve -> the planner's workbench on scenarios/ at http://127.0.0.1:8000/
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test venv serve clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m optimizer validate scenarios/demo
	$(BIN)/python -m optimizer solve scenarios/demo --out out/demo --time-limit 60 --report
	$(BIN)/python -m optimizer check scenarios/demo out/demo

serve: $(STAMP)
	$(BIN)/python -m optimizer serve scenarios --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/ruff check optimizer tests bench
	$(BIN)/mypy optimizer bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) out workbench-data
