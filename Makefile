# Two set-up commands: `make run` (demo on SQLite) and `make test` (the whole suite).
# Everything else here is a step they share.
PYTHON_FOR_VENV := $(shell scripts/find-python)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?= -n 2 --dist worksteal

.PHONY: run test lint check worker bench mutation clean

$(VENV)/bin/python:
	@test -n "$(PYTHON_FOR_VENV)" || (scripts/find-python; exit 1)
	$(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(VENV)/bin/python requirements.txt
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var:
	mkdir -p var/staticfiles var/media

run: $(VENV)/.runtime node_modules/.installed var
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_reference_data
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.dev node_modules/.installed var
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check: $(VENV)/.dev node_modules/.installed
	DJANGO_DEBUG=1 $(PY) manage.py check
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# Mutation testing of the pure rules trust rests on (outside CI, like a benchmark; slow: about 1,900 mutants).
# Settings and the module list: [tool.mutmut] in pyproject.toml. MUTATION_CHILDREN=1 keeps a shared machine usable.
MUTATION_CHILDREN ?= 1
mutation: $(VENV)/.dev
	$(VENV)/bin/mutmut run --max-children $(MUTATION_CHILDREN)
	$(VENV)/bin/mutmut export-cicd-stats
	$(PY) scripts/mutation-scores

worker: $(VENV)/.runtime
	$(PY) manage.py db_worker

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3 mutants
