# Two entry points, both self-installing: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every dependency, every extra, pinned with the hashes of PyPI's files (`make lock` writes it).
LOCK := requirements.lock
# `make lock` only: the resolver, in a venv of its own so the project's .venv stays what the lock says.
UV_VERSION := 0.13.10
LOCK_VENV := $(VENV)/lock-tool

.PHONY: run test typecheck lint layers check bench lock clean messages

# Reinstalls when the lock or pyproject.toml changes; a changed lock starts from an empty venv
# (--clear), so a package dropped from the lock goes too. pip checks every file against the
# lock's hashes, then installs the project itself without resolving anything; `pip check`
# fails when pyproject.toml asks for a package the lock does not have (run `make lock`).
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(if $(filter $(LOCK),$?),--clear) $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot run

# Branch coverage of bot/, gated by [tool.coverage.report] fail_under in pyproject.toml. Its
# data file goes to a temporary folder, removed after: a test run leaves nothing in the checkout.
test: $(STAMP)
	@data=$$(mktemp -d); \
	COVERAGE_FILE=$$data/.coverage $(BIN)/python -m pytest --cov --cov-report=term:skip-covered; \
	status=$$?; rm -rf "$$data"; exit $$status

typecheck: $(STAMP)
	$(BIN)/python -m mypy

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

layers: $(STAMP)
	$(BIN)/lint-imports

check: $(STAMP)
	$(BIN)/python -m bot check

# The interface's strings (bot/i18n): extract every marked string from bot/ into the template
# and merge it into each language's .po; then translate what is new (tests/i18n fails while a
# message has no translation). The .po files are read at load time: nothing to compile.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project=case-brief-bot \
		-k tr -k plural:1,2 -k NC_:1c,2 -o bot/i18n/locales/messages.pot .
	$(BIN)/pybabel update -i bot/i18n/locales/messages.pot -d bot/i18n/locales \
		--no-fuzzy-matching

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# Rewrites requirements.lock from pyproject.toml: one lock for every extra, Python 3.11 and up,
# any OS (--universal), resolved against PyPI only (--index-url, --no-config) so the hashes
# are those of PyPI's files whatever mirror this machine's pip uses. Pins already in the lock
# are kept; LOCK_ARGS=--upgrade moves all to the newest allowed, or
# LOCK_ARGS='--upgrade-package discord.py' one (docs/development.md).
lock:
	test -d $(LOCK_VENV) || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet "uv==$(UV_VERSION)"
	$(LOCK_VENV)/bin/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
		--generate-hashes --no-config --index-url https://pypi.org/simple \
		--custom-compile-command "make lock" --quiet --output-file $(LOCK) $(LOCK_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .coverage
