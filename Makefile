# leanbus: every target works on a fresh machine; `make test` installs what it needs.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data/generated

.PHONY: install test unit lint format data backtest stack bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

lint: install
	$(BIN)/ruff check libs services tests bench
	$(BIN)/ruff format --check libs services tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format libs services tests bench
	$(BIN)/ruff check --fix libs services tests bench

unit: install
	$(BIN)/pytest tests

test: lint unit

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
	rm -rf $(VENV) $(DATA) .pytest_cache .mypy_cache .ruff_cache
