# leanbus: every target works on a fresh machine; `make test` installs what it needs.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data/generated
KUBECTL ?= kubectl
OVERLAYS := $(notdir $(wildcard deploy/k8s/overlays/*))

.PHONY: install test unit lint format data backtest stack compose-up compose-down k8s-render deploy-check bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

lint: install
	$(BIN)/ruff check libs services tests bench deploy
	$(BIN)/ruff format --check libs services tests bench deploy
	$(BIN)/mypy

format: install
	$(BIN)/ruff format libs services tests bench deploy
	$(BIN)/ruff check --fix libs services tests bench deploy

unit: install
	$(BIN)/pytest tests

test: lint deploy-check unit

# docker-compose.yml against the Compose specification, the Dockerfile's essentials, and every kustomize
# overlay rendered and validated against the Kubernetes schemas: offline, no Docker daemon or cluster.
deploy-check: install
	$(BIN)/python -m deploy.check --kubectl $(KUBECTL)

# A few days of synthetic SPY minute data, then a few bars of it through the reader.
data: install
	$(BIN)/leanbus data generate --start 20240102 --end 20240105 --tickers SPY \
		--resolution minute --data-folder $(DATA) --seed 1
	$(BIN)/leanbus data show --data-folder $(DATA) --ticker SPY --resolution minute --date 20240102 --rows 5

# Synthetic data if missing, then the bundled example algorithm on it.
backtest: install
	@test -d $(DATA)/equity/usa/minute/spy || $(BIN)/leanbus data generate --start 20240102 --end 20240105 \
		--tickers SPY --resolution minute --data-folder $(DATA) --seed 1
	$(BIN)/leanbus backtest examples/buy_and_hold.py --data-folder $(DATA) --output backtests/example

# nats-server and the five services on the generated data, until Ctrl-C; submit with `leanbus backtest --nats`.
stack: install
	@test -d $(DATA)/equity/usa/minute/spy || $(BIN)/leanbus data generate --start 20240102 --end 20240105 \
		--tickers SPY --resolution minute --data-folder $(DATA) --seed 1
	$(BIN)/leanbus stack --data-folder $(DATA)

# The same stack in Docker containers (docker-compose.yml); LEAN_DATA_FOLDER picks the data, else $(DATA).
# Submit with `leanbus backtest algo.py --nats nats://127.0.0.1:4222`; results are in the `results` volume.
compose-up:
	@docker compose version >/dev/null 2>&1 || { echo "docker compose not found: install Docker with \
	the compose plugin (https://docs.docker.com/compose/install/), or run \`make stack\`, which needs no Docker"; exit 1; }
	@test -n "$$LEAN_DATA_FOLDER" || test -d $(DATA)/equity/usa/minute/spy || $(MAKE) data
	LEAN_DATA_FOLDER=$${LEAN_DATA_FOLDER:-$(abspath $(DATA))} docker compose up -d --build --wait
	@echo "up: submit with  leanbus backtest my_algorithm.py --nats nats://127.0.0.1:4222"

compose-down:
	@docker compose version >/dev/null 2>&1 || { echo "docker compose not found: nothing to stop"; exit 1; }
	docker compose --profile monitoring down

# Each overlay rendered to build/k8s/<overlay>.yaml, to read or to `kubectl apply -f`.
k8s-render:
	@command -v $(KUBECTL) >/dev/null || { echo "$(KUBECTL) not found: install kubectl (kustomize is built in)"; exit 1; }
	@mkdir -p build/k8s
	@for overlay in $(OVERLAYS); do \
		$(KUBECTL) kustomize deploy/k8s/overlays/$$overlay > build/k8s/$$overlay.yaml || exit 1; \
		echo "build/k8s/$$overlay.yaml"; \
	done

bench: install
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	@# nautilus_trader 1.221.0 needs pandas<3: it gets a venv of its own, with our numpy and msgspec.
	@test -x bench/.venv-nautilus/bin/python || $(PYTHON) -m venv bench/.venv-nautilus
	bench/.venv-nautilus/bin/pip install --quiet --disable-pip-version-check \
		nautilus_trader==1.221.0 numpy==2.4.6 msgspec==0.22.0
	$(BIN)/python -m bench.read_bench
	$(BIN)/python -m bench.backtest_bench --nautilus-python bench/.venv-nautilus/bin/python
	$(BIN)/python -m bench.indicator_bench
	$(BIN)/python -m bench.batch_indicator_bench
	$(BIN)/python -m bench.nats_bench

clean:
	rm -rf $(VENV) $(DATA) build .pytest_cache .mypy_cache .ruff_cache
