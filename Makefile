# Two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: install demo test lint format bench messages clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

# Needs GNU gettext; the compiled catalogues (.mo) are committed so demo and test do not.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=bench --ignore=var --ignore=staticfiles --ignore=test-artifacts -v0
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

demo: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0
	PORT=$(PORT) $(BIN)/python manage.py seed_demo --seed 42
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python scripts/demo.py --port $(PORT)

test: install
	env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run -v0 --settings=config.settings.test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) bench/requirements.lock
	$(BIN)/python -m pip install --quiet -r bench/requirements.lock
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf var staticfiles .pytest_cache
