# Two commands do everything on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# System libraries: WeasyPrint (Pango, HarfBuzz subsetting), the browser tests (Chromium),
# PDF inspection (poppler-utils), message compilation (gettext).
# python3-venv: `python3 -m venv` (a fresh Debian has Python without it).
APT_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium \
  poppler-utils gettext
# apt waits for another apt (unattended upgrades, a second run) to release its lock instead of failing at once.
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3
PYTHON_MIN := 3.11
# axe-core runs WCAG 2.1 A/AA rules in the browser tests (tests/browser/test_accessibility.py).
AXE_VERSION := 4.14.1
AXE := var/npm/node_modules/axe-core/axe.min.js
# The Nu HTML Checker judges the pages' HTML (tests/crawl/test_html_valid.py); it runs on Java.
VNU_VERSION := 26.9.27
VNU := var/npm/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: demo test serve setup python-check sysdeps venv migrate lint check-deploy messages clean bench-pdf bench-exports bench-pages api-check

demo: setup migrate ## Set up, seed the demo data and serve on http://127.0.0.1:8000 (tasks in-process)
	DJANGO_SETTINGS_MODULE=vision.settings.local $(PY) manage.py create_signing_certificate
	DJANGO_SETTINGS_MODULE=vision.settings.local $(PY) manage.py seed_demo
	@echo "Demo accounts: see README.md (password: $${DEMO_PASSWORD:-vision-demo})"
	DJANGO_SETTINGS_MODULE=vision.settings.local CELERY_BROKER_URL= $(PY) manage.py runserver 127.0.0.1:8000

# The suite runs in parallel (pytest-xdist), one worker per core, each with its own test database (pytest-django
# adds the worker's name). Tests are handed out one by one in pytest-django's order — database tests before the
# transactional ones, whose flush empties the tables the migrations seeded — so each worker keeps that order
# (grouping by file would not). TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

test: setup ## The whole suite (honours DATABASE_URL and CELERY_BROKER_URL), in parallel
	DJANGO_SETTINGS_MODULE=vision.settings.test $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

setup: python-check sysdeps $(VENV)/.installed messages $(AXE) $(VNU)

python-check: ## Python $(PYTHON_MIN) or newer, or a clear message
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is missing: install Python $(PYTHON_MIN) or newer (apt-get install -y python3)"; exit 1; }
	@$(PYTHON) -c 'import sys; want = tuple(map(int, "$(PYTHON_MIN)".split("."))); found = sys.version_info[:2]; sys.exit(0 if found >= want else "Python %s or newer is needed; $(PYTHON) is %s.%s. Set PYTHON=python3.x to use another one." % ("$(PYTHON_MIN)", *found))'

$(AXE): ## npm comes with Node.js where that is installed; otherwise Debian's npm package is installed
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends npm; \
	  else \
	    echo "npm is missing. Run:  sudo apt-get install -y npm"; exit 1; \
	  fi; \
	fi
	npm install --silent --no-audit --no-fund --prefix var/npm axe-core@$(AXE_VERSION)

$(VNU): $(AXE) ## npm is there once axe-core is; Java from Debian where it is missing
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends default-jre-headless; \
	  else \
	    echo "Java is missing. Run:  sudo apt-get install -y default-jre-headless"; exit 1; \
	  fi; \
	fi
	npm install --silent --no-audit --no-fund --prefix var/npm vnu-jar@$(VNU_VERSION)

sysdeps: ## Install the system libraries with apt when root, else print the apt line
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing system packages:$$missing"; \
	    $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Missing system packages. Run:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -r requirements-dev.txt
	@# WeasyPrint loads Pango and HarfBuzz at import: this fails loudly if a system library is missing.
	$(PY) -c "import weasyprint; print('WeasyPrint', weasyprint.__version__, 'finds its system libraries')"
	touch $@

venv: $(VENV)/.installed

messages: $(VENV)/.installed ## Compile translations (locale/*/LC_MESSAGES/django.po)
	@if ls locale/*/LC_MESSAGES/django.po >/dev/null 2>&1; then $(PY) manage.py compilemessages -v0; fi

migrate: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=vision.settings.local $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=vision.settings.local $(PY) manage.py createcachetable

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-deploy: $(VENV)/.installed ## `check --deploy` with production settings, throwaway secrets and freshly collected static files
	static=$$(mktemp -d) && trap 'rm -rf "$$static"' EXIT && \
	export DJANGO_SETTINGS_MODULE=vision.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  ALLOWED_HOSTS=vision.example STATIC_ROOT="$$static" && \
	$(PY) manage.py collectstatic --noinput -v0 && $(PY) manage.py check --deploy --fail-level WARNING

bench-pdf: setup ## Sealed-PDF throughput, time per document and worker memory (PostgreSQL + redis-server)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	  $(PY) bench/pdf_pipeline.py --documents $${DOCUMENTS:-500} --concurrency 2

api-check: setup ## schemathesis against gunicorn with production settings (own PostgreSQL database + demo data, a free port): no 5xx, no schema violation
	.ci/schemathesis

bench-pages: setup ## Every page type per demo role at 25,000 mobilities under gunicorn: p50/p95, queries, memory, concurrency
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	  $(PY) bench/pages.py --mobilities $${MOBILITIES:-25000}

bench-exports: setup ## Streamed exports and the partnership archive of 25,000 mobilities under a fixed memory bound
	$(PY) bench/exports.py

clean:
	rm -rf $(VENV) var
