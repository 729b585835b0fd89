# Evidence catalogue: `make site` builds the sample catalogue into site/, `make test` tests it.
VENV   := .venv
PYTHON := $(VENV)/bin/python
RUN    := PYTHONPATH=scripts $(PYTHON)
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test check new schema bench clean

# The virtual environment is rebuilt whenever requirements.txt changes.
$(VENV)/.installed: requirements.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

site: $(VENV)/.installed  ## build the catalogue into site/ (atomically)
	$(VENV)/bin/mkdocs build --strict

serve: $(VENV)/.installed  ## live preview at http://127.0.0.1:8000/
	$(VENV)/bin/mkdocs serve

# axe-core for the accessibility tests, pinned in package-lock.json; reinstalled when the lock
# changes. Without npm the accessibility tests skip locally (under CI=true they fail).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility tests will be skipped (apt-get install npm)"; fi

test: $(VENV)/.installed node_modules/.installed  ## run the test suite
	$(PYTHON) -m pytest

new: $(VENV)/.installed  ## start a record: make new [TITLE="..."] [SECTION=officials]
	@# The shell reads TITLE from the environment, so quotes or $ in a title are safe.
	$(RUN) -m catalogue new $(if $(TITLE),--title "$$TITLE") $(if $(SECTION),--section "$$SECTION")

check: $(VENV)/.installed  ## check every record and image without building (exit 1 on any error)
	$(RUN) -m catalogue check

schema: $(VENV)/.installed  ## rewrite evidence/*.schema.json from the models
	$(RUN) -m catalogue schema

bench: $(VENV)/.installed  ## benchmark a synthetic catalogue: make bench N=1000
	$(RUN) scripts/bench.py --items $(or $(N),1000)

clean:
	rm -rf site .cache
