# sikom: `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

# Local values for `make run` (the demo as users see it: DEBUG off, German error pages, static files from
# WhiteNoise) and `make dev` (the same with DEBUG on: technical error pages, templates reloaded); production reads
# the safe defaults in sikom/settings.py.
LOCAL_ENV := SIKOM_DEMO=true SECURE_COOKIES=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 \
	ALLOWED_HOSTS=127.0.0.1,localhost SECRET_KEY_FILE=var/secret_key ENCRYPTION_KEYS_FILE=var/encryption_key \
	EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
RUN_ENV := DEBUG=false $(LOCAL_ENV)
DEV_ENV := DEBUG=true $(LOCAL_ENV)
TEST_ENV := SECRET_KEY=test-only-not-a-secret ENCRYPTION_KEYS=dGVzdC1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24= SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend

# WeasyPrint (the PDF documents) lays out text with Pango and subsets fonts with HarfBuzz: Debian's packages below.
DOCUMENT_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

.PHONY: run dev test lint bench crash-test messages clean document-libs

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("sikom needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

document-libs:
	@if ! $(PYTHON) -c 'import ctypes.util, sys; sys.exit(any(ctypes.util.find_library(name) is None for name in ("pango-1.0", "pangoft2-1.0", "harfbuzz-subset")))'; then \
		echo "Installing $(DOCUMENT_LIBS) for the PDF documents (WeasyPrint)"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(DOCUMENT_LIBS) >/dev/null; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq $(DOCUMENT_LIBS) >/dev/null; fi; \
	fi

var/secret_key:
	@mkdir -p var
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@echo "Generated a local secret key in var/secret_key (not committed)."

var/encryption_key:
	@mkdir -p var
	@umask 077 && $(PYTHON) -c 'import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())' > $@
	@echo "Generated a local encryption key in var/encryption_key (not committed; losing it makes stored reports unreadable)."

# $(1): the environment. Sets up everything, then runs the background worker and the server.
define serve
	$(1) $(MANAGE) collectstatic --noinput --verbosity 0
	$(1) $(MANAGE) migrate --noinput
	$(1) $(MANAGE) load_reference_data
	$(1) $(MANAGE) load_demo_data
	$(1) $(MANAGE) housekeeping --schedule
	@echo "Starting the background worker (e-mail notices, housekeeping) and the server; stop both with Ctrl-C."
	$(1) $(MANAGE) db_worker --verbosity 0 & $(1) $(MANAGE) runserver 127.0.0.1:$(PORT)
endef

run: $(VENV)/.installed node_modules/.installed document-libs var/secret_key var/encryption_key
	$(call serve,$(RUN_ENV))

dev: $(VENV)/.installed node_modules/.installed document-libs var/secret_key var/encryption_key
	$(call serve,$(DEV_ENV))

test: $(VENV)/.installed-test node_modules/.installed document-libs
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run

bench: $(VENV)/.installed-test node_modules/.installed document-libs
	$(TEST_ENV) $(BIN)/python bench/run.py

# kill -9 the server during intake 50 times and check what survived (bench/crash_intake.py; several minutes).
crash-test: $(VENV)/.installed-test
	$(BIN)/python bench/crash_intake.py

messages: $(VENV)/.installed
	cd sikom && $(TEST_ENV) ../$(BIN)/python ../manage.py makemessages --locale de --locale en --no-obsolete --ignore 'tests/*'
	cd sikom && $(TEST_ENV) ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) node_modules var
