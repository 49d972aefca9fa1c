# Posyandu Sync — build, run and test.  `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the browser and window tests need (installed only when running as root);
# poppler-utils gives pdftotext, which reads back the PDFs the print tests make.
DEB_PACKAGES := chromium xvfb xauth fonts-dejavu-core poppler-utils \
	libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 \
	libxkbcommon-x11-0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libegl1 libgl1 libnss3 \
	libasound2 libxkbfile1 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libdbus-1-3
DATA_DIR ?= instance
PORT ?= 5000

.PHONY: help venv system-deps run server test test-fast lint bench bench-quick soak clean

help:
	@echo "make run     - demo server (SQLite, Kabupaten Kayong Utara) + field client"
	@echo "make test    - every test (set TEST_DATABASE_URL for PostgreSQL too)"
	@echo "make lint    - ruff"
	@echo "make bench   - speed and memory figures, ours and PouchDB -> bench/results.json, docs/benchmarks.md"
	@echo "make soak    - fault campaign (10,000 scenarios), hostile input, load under gunicorn+PostgreSQL, province run (3 instances, streaming replica) -> docs/reliability.md"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,desktop]'
	@touch $(STAMP)

venv: $(STAMP)

# Install the Debian packages tests need when we are root and they are missing; otherwise say so.
system-deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages: $$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "note: not root, cannot install $$missing; tests needing them are skipped"; fi; \
	fi

run: $(STAMP)
	@bash scripts/run-demo.sh "$(DATA_DIR)" "$(PORT)"

server: $(STAMP)
	$(BIN)/posyandu-server --data-dir "$(DATA_DIR)" init
	$(BIN)/posyandu-server --data-dir "$(DATA_DIR)" run --port $(PORT)

test: $(STAMP) system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -x -q -m "not slow and not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick

soak: $(STAMP) system-deps
	$(BIN)/python -m soak $(SOAK_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis .ruff_cache bench/out
