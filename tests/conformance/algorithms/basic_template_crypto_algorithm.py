# Re-creation of LEAN's BasicTemplateCryptoAlgorithm: a cash account on GDAX holding USD, EUR,
# BTC and ETH trades a fixed intraday script of limit/market orders, then an LTC EMA cross.
from AlgorithmImports import *


class BasicTemplateCryptoAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2018, 4, 4)
        self.set_end_date(2018, 4, 4)

        self.set_cash(10000)
        self.set_cash("EUR", 10000)
        self.set_cash("BTC", 1)
        self.set_cash("ETH", 5)

        self.set_brokerage_model(BrokerageName.GDAX, AccountType.CASH)

        self.add_crypto("BTCUSD", Resolution.MINUTE)
        self.add_crypto("ETHUSD", Resolution.MINUTE)
        self.add_crypto("BTCEUR", Resolution.MINUTE)
        litecoin = self.add_crypto("LTCUSD", Resolution.MINUTE).symbol

        self.fast = self.ema(litecoin, 30, Resolution.MINUTE)
        self.slow = self.ema(litecoin, 60, Resolution.MINUTE)

    def on_data(self, data):
        scripted = {
            (1, 0): self._offer_all_eth,
            (2, 0): self._bid_for_btc,
            (2, 1): self._bid_for_eth,
            (11, 0): self._flatten_btc,
            (12, 0): self._trade_btceur,
            (13, 0): self._cancel_btceur,
        }
        step = scripted.get((self.time.hour, self.time.minute))
        if step is not None:
            step()
        elif self.time.hour > 13:
            self._follow_ltc_trend()

    def _offer_all_eth(self):
        # offer every ETH 1% above the market
        price = round(self.securities["ETHUSD"].price * 1.01, 2)
        self.limit_order("ETHUSD", -self.portfolio.cash_book["ETH"].amount, price)

    def _bid_for_btc(self):
        # bid for BTC 5% below the market with half of the USD
        price = round(self.securities["BTCUSD"].price * 0.95, 2)
        self.limit_order("BTCUSD", self.portfolio.cash_book["USD"].amount * 0.5 / price, price)

    def _bid_for_eth(self):
        committed = sum(
            order.quantity * order.limit_price
            for order in self.transactions.get_open_orders()
            if order.direction == OrderDirection.BUY
            and order.type == OrderType.LIMIT
            and order.symbol.value in ("BTCUSD", "ETHUSD")
        )
        free_usd = self.portfolio.cash_book["USD"].amount - committed
        self.debug(f"usd_available: {free_usd}")

        price = round(self.securities["ETHUSD"].price * 1.01, 2)
        # spending everything is expected to be rejected; half should go through
        self.limit_order("ETHUSD", free_usd / price, price)
        self.limit_order("ETHUSD", free_usd * 0.5 / price, price)

    def _flatten_btc(self):
        self.set_holdings("BTCUSD", 0)

    def _trade_btceur(self):
        self.buy("BTCEUR", 1)
        price = round(self.securities["BTCEUR"].price * 1.1, 2)
        self.limit_order("BTCEUR", -1, price)

    def _cancel_btceur(self):
        self.transactions.cancel_open_orders("BTCEUR")

    def _follow_ltc_trend(self):
        # read LTC from the cash book so that any starting balance counts too
        litecoin = self.portfolio.cash_book["LTC"].amount
        if self.fast > self.slow:
            if litecoin == 0:
                self.buy("LTCUSD", 10)
        elif litecoin > 0:
            self.liquidate("LTCUSD")

    def on_order_event(self, order_event):
        self.debug(f"{self.time} {order_event}")

    def on_end_of_algorithm(self):
        self.log(f"{self.time} - TotalPortfolioValue: {self.portfolio.total_portfolio_value}")
        self.log(f"{self.time} - CashBook: {self.portfolio.cash_book}")
