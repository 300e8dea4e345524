# Bootstrap only: create .venv from the pinned requirements on first use,
# then hand over to tasks.py (invoke). `make build`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test serve publish clean catalogs
build test serve publish clean catalogs: $(VENV)/.installed
	$(BIN)/invoke $@

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV) || { echo "Python's venv module is missing: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --requirement requirements.txt
	touch $@
