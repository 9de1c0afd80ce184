# Linli: `make demo` serves the demo, `make test` runs every test. Each does the whole set-up itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test setup serve worker lint typecheck check messages makemessages bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate requirements/base.txt requirements/dev.txt pyproject.toml setup.py linli/planning/core/_graph.pyx
	$(PY) -m pip install --quiet -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

setup: $(VENV)/.installed
	@mkdir -p var
	@$(PY) scripts/compile_messages.py

demo: setup
	$(PY) manage.py migrate --noinput
	$(BIN)/linli demo --if-empty
	@echo "Starting the task worker and the web server on http://$(HOST):$(PORT)/ (Ctrl-C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py db_worker --queue-name default & \
	  $(PY) manage.py scheduler & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy config linli

check: lint typecheck
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

makemessages: setup
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=benchmarks

bench: setup
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
