# The README's commands. Each installs what it needs first (scripts/bootstrap).
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= small

.PHONY: run test bench prove lint format lock es-start es-stop es-status clean

run: ## install, migrate, load demo data and serve on http://127.0.0.1:8000 (SQLite, no Elasticsearch)
	scripts/bootstrap run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --scale $(SCALE)
	@echo "打开 http://$(HOST):$(PORT)/ （管理后台 http://$(HOST):$(PORT)/admin/）"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: ## install, start Elasticsearch, run checks, ruff, import-linter, mypy and the whole pytest suite
	scripts/test

bench: ## benchmarks in bench/ (see bench/README.md)
	scripts/bootstrap test
	scripts/bench

prove: ## load, faults and fuzz against the production configuration, one table (docs/proof.md)
	scripts/bootstrap test
	$(PY) bench/prove.py --scale $(SCALE)

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

lock: ## regenerate requirements.lock from pyproject.toml
	scripts/lock

es-start:
	bin/elasticsearch start
es-stop:
	bin/elasticsearch stop
es-status:
	bin/elasticsearch status

clean:
	rm -rf .venv data .pytest_cache
