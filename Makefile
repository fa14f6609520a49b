# Two commands do all the set-up on a fresh machine (see README.md):
#   make run    the terminal UI on the Istanbul 2022 scenario (embedded store)
#   make test   lint, types, layer contracts and the whole test suite
VENV ?= .venv
STAMP := $(VENV)/.installed-stamp

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $(STAMP)

.PHONY: install run test lint bench
install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/accord tui scenarios/istanbul-2022.yaml

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	$(VENV)/bin/accord validate scenarios/*.yaml scenarios/whatif/*.yaml
	$(VENV)/bin/accord check scenarios/*.yaml scenarios/whatif/*.yaml
	$(VENV)/bin/pytest -q

bench: $(STAMP)
	$(VENV)/bin/accord bench --events 1000000
