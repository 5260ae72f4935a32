# luffy CRM. Quick start: `make run` (app on SQLite with demo data), `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup run demo test test-standalone test-fast lint format serve messages clean

setup:
	scripts/setup.sh

# Seeds the demo data only into an empty database: running it again keeps what users changed.
run: setup
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --address http://$(HOST):$(PORT)
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Seed the demo data again (the demo users get the demo password and roles back).
demo: setup
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --reset --address http://$(HOST):$(PORT)

test:
	scripts/setup.sh --test
	$(PY) -m pytest $(PYTEST_ARGS)

# stark and rbac without the CRM: each under a settings module with only what it needs.
test-standalone:
	scripts/setup.sh --test
	$(PY) -m pytest tests/stark -q -p no:cacheprovider --ds=tests.standalone.stark_settings
	$(PY) -m pytest tests/rbac -q -p no:cacheprovider --ds=tests.standalone.rbac_settings

lint:
	scripts/setup.sh --test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Production-style serving: DEBUG off, gunicorn, static files by whitenoise.
# Needs SECRET_KEY and ALLOWED_HOSTS in the environment or in .env.
# Worker processes: WORKERS=, else gunicorn's usual WEB_CONCURRENCY, else 3.
WORKERS ?= $(or $(WEB_CONCURRENCY),3)
serve: setup
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/gunicorn luffy_crm.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

# Re-extract and compile translations (needs GNU gettext). The compiled .mo files
# are committed, so a fresh machine does not need gettext.
messages:
	cd web && DEBUG=1 ../$(PY) ../manage.py makemessages -l zh_Hans
	cd stark && DEBUG=1 ../$(PY) ../manage.py makemessages -l zh_Hans
	cd rbac && DEBUG=1 ../$(PY) ../manage.py makemessages -l zh_Hans
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --ignore=web --ignore=stark --ignore=rbac --ignore=.venv --ignore=tests --ignore=node_modules
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3* test_*.sqlite3*
