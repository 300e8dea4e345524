# Bootstrap only: create .venv from the pinned requirements on first use,
# then hand over to tasks.py (invoke). `make build`, `make test`.
# The tests also need the Nu Html Checker (npm, run with Java) and Debian's
# chromium for the browser tests; `make test` installs both when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test serve publish clean catalogs bundle check translations digest
build serve publish clean catalogs bundle check translations digest: $(VENV)/.installed
	$(BIN)/invoke $@

test: $(VENV)/.installed node_modules/.installed /usr/bin/chromium /usr/bin/java
	$(BIN)/invoke test

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV) || { echo "Python's venv module is missing: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --requirement requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

/usr/bin/java:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless
