# The README's two commands are `make run` and `make test`; everything else supports them.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test bench lint lock clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11 is required)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

run: install
	$(BIN)/python -m callcenter.run

test: install
	$(BIN)/python -m pytest -p no:cacheprovider

bench: install
	$(BIN)/python -m pytest tests/benchmarks -p no:cacheprovider -o 'norecursedirs=.* .venv var' -s

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy callcenter knowledge tickets telephony frontend manage.py

# Re-resolve the pinned versions after changing pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
