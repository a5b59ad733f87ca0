# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: venv app-venv demo demo-stop test test-matrix lint bundle check-bundle deb check-deb neo4j-start neo4j-stop clean screenshots

# The developers' venv: the app plus the test, lint and packaging tools.
venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed-app $@

# What the demo needs: the app alone (no pytest, mypy, PyInstaller...), with pip's own
# progress shown: the first install fetches Qt (about 300 MB once installed).
app-venv: $(VENV)/.installed-app

$(VENV)/.installed-app: pyproject.toml
	@echo "[demo] Installing the app's Python packages into $(VENV) (PySide6, neo4j driver, ...)."
	@echo "[demo] The first time this fetches Qt (~300 MB installed, up to a minute or two); later it is skipped."
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check --progress-bar on --upgrade pip
	$(BIN)/pip install --disable-pip-version-check --progress-bar on -e .
	touch $@

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy neosense_desktop

test: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/run-tests

# The version matrix: the real-server tests (tests/integration: engine vs built-ins, CLI,
# probe, TLS, routing, self-test) again on the current calendar release.
MATRIX_VERSION ?= 2026.08.1
test-matrix: venv
	NEOSENSE_TEST_NEO4J_VERSION=$(MATRIX_VERSION) QT_QPA_PLATFORM=offscreen \
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/with-keyring python -m pytest --durations=30 -m 'not graphrag' tests/integration

# The window's journeys with their screenshots, the HTML report in Chromium, and a gallery
# of them all in artifacts/gallery/index.html (a real Neo4j and keyring, as make test).
screenshots: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/screenshots $(SCREENSHOTS_ARGS)

demo: app-venv
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/demo

demo-stop:
	$(BIN)/python scripts/neo4j-local stop --port $${NEOSENSE_DEMO_PORT:-7687}

bundle: venv
	$(BIN)/pyinstaller --noconfirm --log-level WARN build.spec

check-bundle: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/check-bundle

# The Debian package, from the bundle (built first if missing): dist/neosense-desktop_<version>_<arch>.deb.
# check-deb installs it on this machine (root), runs it and purges it again.
deb: venv
	@[ -x dist/NeoSense/NeoSense ] || $(MAKE) bundle
	PYTHON=$(BIN)/python scripts/build-deb

check-deb:
	scripts/check-deb

neo4j-start: venv
	$(BIN)/python scripts/neo4j-local start

neo4j-stop:
	$(BIN)/python scripts/neo4j-local stop

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
