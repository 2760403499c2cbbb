# The two commands of the README: `make demo` and `make test` (and `make test-postgres`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages: CJK fonts and Pango for WeasyPrint's printouts; Chromium and pdftoppm for the tests.
APT_DEMO := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
APT_TEST := $(APT_DEMO) chromium poppler-utils
APT_POSTGRES := postgresql
# The demo and the tests run with DEBUG on (a SECRET_KEY is generated into var/).
DEMO_ENV := DEBUG=1
# Tests close database connections after each request, so threads leave none open at teardown.
TEST_ENV := DEBUG=1 DJANGO_ALLOW_ASYNC_UNSAFE=true DB_CONN_MAX_AGE=0

.PHONY: demo test test-postgres load load-ci deploy-check lint pytest system-demo system-test clean

$(BIN)/.deps: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

system-demo:
	@scripts/apt-ensure $(APT_DEMO)

system-test:
	@scripts/apt-ensure $(APT_TEST)

demo: system-demo $(BIN)/.deps
	$(DEMO_ENV) $(BIN)/shuniu migrate --noinput -v 0
	$(DEMO_ENV) $(BIN)/shuniu demo-load
	@echo "枢纽演示服务：http://127.0.0.1:8000/   接口文档：http://127.0.0.1:8000/api/docs   （Ctrl-C 停止；提醒由后台 worker 发送，日志在 var/worker.log）"
	@$(DEMO_ENV) $(BIN)/shuniu worker -w 1 > var/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(DEMO_ENV) $(BIN)/shuniu runserver 127.0.0.1:8000

lint: $(BIN)/.deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/mypy
	$(TEST_ENV) $(BIN)/shuniu check --fail-level WARNING
	$(TEST_ENV) $(BIN)/shuniu makemigrations --check --dry-run

pytest: $(BIN)/.deps
	$(TEST_ENV) $(BIN)/pytest

test: system-test $(BIN)/.deps lint pytest

test-postgres: system-test $(BIN)/.deps
	@scripts/apt-ensure $(APT_POSTGRES)
	$(TEST_ENV) scripts/with-postgres $(BIN)/pytest

# The load test (benchmarks/load.py): two app servers, the worker, eight writers and four readers.
load: system-test $(BIN)/.deps
	@scripts/apt-ensure $(APT_POSTGRES)
	$(BIN)/python benchmarks/load.py --compare

# CI's short run on PostgreSQL: fails on any 5xx, deadlock, lost request or broken data.
load-ci: system-test $(BIN)/.deps
	@scripts/apt-ensure $(APT_POSTGRES)
	$(BIN)/python benchmarks/load.py --seconds 30 --strict

# docs/deploy.md followed on loopback: nginx + TLS, two app servers, the worker on Redis, PostgreSQL.
deploy-check: system-test $(BIN)/.deps
	@scripts/apt-ensure $(APT_POSTGRES) nginx redis-server openssl
	scripts/deploy-check

clean:
	rm -rf $(VENV) var/test_*.sqlite3* .mypy_cache .pytest_cache .ruff_cache
