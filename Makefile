# esf-guide: `make run` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint typecheck bench clean browser

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,rasa]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy rules esf_settings storage dialogs bot signing

# The browser tests use Debian's chromium (never a downloaded browser) and a CJK font; the mock's PDFs embed that font.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto sans cjk" || { \
	  echo "installing Debian's chromium and fonts-noto-cjk for the browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

test: $(STAMP) lint typecheck browser
	$(VENV)/bin/pytest --doctest-modules rules esf_settings dialogs storage bot signing tests

bench: $(STAMP)
	$(PY) bench/rules_batch.py
	$(PY) bench/nlu.py
	$(PY) bench/engine.py
	$(PY) bench/faq.py
	$(PY) bench/platform.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
