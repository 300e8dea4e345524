# Bootstrap only: create .venv from the pinned requirements on first use,
# then hand over to tasks.py (invoke). `make build`, `make test`.
# The tests also need Node.js and npm (for the Nu Html Checker, run with Java,
# and ical.js) and Debian's chromium for the browser tests; `make test`
# installs each of them with apt-get when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test serve publish clean catalogs bundle check translations digest editor nodejs-npm
build serve publish clean catalogs bundle check translations digest: $(VENV)/.installed
	$(BIN)/invoke $@

# The web editor is Decap CMS from npm, with its local backend.
editor: $(VENV)/.installed node_modules/.installed
	$(BIN)/invoke editor

# The Python and the npm packages install side by side: on a fresh clone
# about 28 s instead of 40 one after the other.
test: nodejs-npm /usr/bin/chromium /usr/bin/java /usr/bin/hugo
	$(MAKE) --no-print-directory -j2 $(VENV)/.installed node_modules/.installed
	$(BIN)/invoke test

# The pinned packages, then plugins/ as packages of its own (pyproject.toml),
# compiled once: every build process imports them, and where
# PYTHONDONTWRITEBYTECODE is set (containers, CI) none would ever be cached.
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV) || { echo "Python's venv module is missing: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --requirement requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --editable .
	$(BIN)/python -m compileall -q plugins
	touch $@

# npm anywhere on the PATH will do (Debian's, NodeSource's, nvm's); without one,
# Debian's nodejs and npm.
nodejs-npm:
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }

node_modules/.installed: package.json package-lock.json | nodejs-npm
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

/usr/bin/java:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless

/usr/bin/hugo:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo
