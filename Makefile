# The README's two commands are `make run` and `make test`; everything else supports them.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# axe-core for the accessibility browser tests, from the npm registry (nothing committed).
AXE_DIR := tests/e2e/axe
AXE     := $(AXE_DIR)/node_modules/axe-core/axe.min.js

.PHONY: install run test bench soak lint lock clean

install: $(STAMP) $(AXE)

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11 is required)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

$(AXE): $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "error: npm not found (the browser tests need axe-core from the npm registry: apt-get install nodejs npm)" >&2; exit 1; }
	cd $(AXE_DIR) && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@touch $(AXE)

run: $(STAMP)
	$(BIN)/python -m callcenter.run

test: install
	$(BIN)/python -m pytest -p no:cacheprovider

bench: install
	$(BIN)/python -m pytest tests/benchmarks -p no:cacheprovider -o 'norecursedirs=.* .venv var' -s

# 30 minutes at Berlin's Monday peak through the production arrangement (PostgreSQL and Redis
# from DATABASE_URL/REDIS_URL); not part of `make test`.
soak: install
	$(BIN)/python -m tests.benchmarks.soak

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy callcenter knowledge tickets telephony frontend manage.py tests

# Re-resolve the pinned versions after changing pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
