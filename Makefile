VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench bench-load lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/community-bot serve --dev --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(VENV)/bin/ruff check bot tests benchmarks
	$(PY) -m pytest -n 2  # both cores: each test has its own database, folder and ports

bench: $(STAMP)
	$(PY) benchmarks/bench_webhook.py
	$(PY) benchmarks/bench_matcher.py
	$(PY) benchmarks/eval_matcher.py
	$(VENV)/bin/community-bot faq eval tests/data/faq_dev.yaml
	$(VENV)/bin/community-bot faq eval tests/data/faq_holdout.yaml
	$(PY) benchmarks/bench_announce.py

bench-load: $(STAMP)  # needs wrk (apt-get install wrk); DATABASE=postgresql+psycopg://… for PostgreSQL
	$(PY) benchmarks/load.py $(if $(DATABASE),--database $(DATABASE))

lint: $(STAMP)
	$(VENV)/bin/ruff check bot tests benchmarks

clean:
	rm -rf $(VENV) instance .pytest_cache
