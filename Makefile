# The two set-up commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip

.PHONY: demo test lint typecheck eval bench clean install dev web-vendor browser-deps

$(VENV)/.base:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	touch $@

$(VENV)/.installed: $(VENV)/.base pyproject.toml
	$(PIP) install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base pyproject.toml
	$(PIP) install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.dev

demo: $(VENV)/.installed web-vendor
	$(VENV)/bin/marsad demo

test: $(VENV)/.dev web-vendor browser-deps
	$(PY) -m ruff check src tests tools bench
	$(PY) -m mypy
	$(PY) -m pytest

eval: $(VENV)/.installed
	$(VENV)/bin/marsad eval ../shared/eval/dev

bench: $(VENV)/.installed
	$(PY) bench/bench_extract.py

# Map page: Leaflet and an Arabic web font from the npm registry (web/package.json), copied under static/vendor.
# Never a CDN. browser-deps installs Debian's Chromium and Noto fonts for the browser tests (root only).
VENDOR := src/marsad/web/static/vendor
$(VENDOR)/.stamp: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/images $(VENDOR)/fonts
	cp web/node_modules/leaflet/dist/leaflet.js web/node_modules/leaflet/dist/leaflet.css $(VENDOR)/
	cp web/node_modules/leaflet/dist/images/*.png $(VENDOR)/images/
	cp web/node_modules/leaflet/LICENSE $(VENDOR)/LICENSE.leaflet
	cp web/node_modules/@fontsource/noto-naskh-arabic/files/noto-naskh-arabic-arabic-[47]00-normal.woff2 $(VENDOR)/fonts/
	cp web/node_modules/@fontsource/noto-naskh-arabic/LICENSE $(VENDOR)/fonts/LICENSE.noto-naskh-arabic
	touch $@
web-vendor: $(VENDOR)/.stamp

browser-deps:
	@if [ -x /usr/bin/chromium ] && [ -f /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-core; \
	else echo "browser-deps: Chromium or fonts-noto-core missing and not root; browser tests will skip"; fi

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
