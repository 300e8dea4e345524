# Bootstrap only: create .venv from the pinned requirements on first use,
# then hand over to tasks.py (invoke). `make build`, `make test`.
# The tests also need Node.js and npm (for the Nu Html Checker, run with Java,
# and ical.js) and Debian's Chromium headless shell for the browser tests; `make test`
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
# about 11 s (uv 9 s, npm 6 s).
test: nodejs-npm /usr/bin/chromium-headless-shell /usr/bin/java /usr/bin/hugo
	$(MAKE) --no-print-directory -j2 $(VENV)/.installed node_modules/.installed
	$(BIN)/invoke test

# The pinned packages and plugins/ as packages of its own (pyproject.toml),
# installed by uv (pinned here): 9 s on a fresh clone where pip took 25.
# Everything is compiled once: every build process imports it, and where
# PYTHONDONTWRITEBYTECODE is set (containers, CI) nothing would ever be cached.
UV := uv==0.13.10
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV) || { echo "Python's venv module is missing: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(UV)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode --requirement requirements.txt --editable .
	$(BIN)/python -m compileall -q plugins
	touch $@

# npm anywhere on the PATH will do (Debian's, NodeSource's, nvm's); without one,
# Debian's nodejs and npm.
nodejs-npm:
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }

# Decap CMS, the web editor, is one tarball from the npm registry: its package
# holds the browser bundle ready-made in dist/, all that the editor copies,
# yet names the ~600 packages it is built from, which `npm ci` would install
# (380 MB: 18 s of a fresh install's 23). Pinned by version and SHA-256 (the
# tarball package-lock.json held), checked before it is unpacked.
DECAP_CMS_VERSION := 3.16.3
DECAP_CMS_SHA256 := f1c0055411ebdbd5b7c77a835a68b92b5467622585838f8496223b27eee116d1

node_modules/.installed: package.json package-lock.json | nodejs-npm
	npm ci --no-audit --no-fund --loglevel=error
	cd node_modules && npm pack --silent decap-cms@$(DECAP_CMS_VERSION) >/dev/null \
	  && echo "$(DECAP_CMS_SHA256)  decap-cms-$(DECAP_CMS_VERSION).tgz" | sha256sum --check --quiet \
	  && mkdir decap-cms && tar -xzf decap-cms-$(DECAP_CMS_VERSION).tgz -C decap-cms --strip-components=1 \
	  && rm decap-cms-$(DECAP_CMS_VERSION).tgz
	touch $@

/usr/bin/chromium-headless-shell:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell

/usr/bin/java:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless

/usr/bin/hugo:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo
