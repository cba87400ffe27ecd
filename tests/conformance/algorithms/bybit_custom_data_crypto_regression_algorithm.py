# Re-creation of LEAN's BybitCustomDataCryptoRegressionAlgorithm: a USDT cash account on the Bybit
# brokerage model trades a PythonData type wrapping BTCUSDT (its minute files read by the type's
# own reader) on a 30/60 EMA cross.
from datetime import time

from AlgorithmImports import *


class BybitCustomDataCryptoRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2022, 12, 13)
        self.set_end_date(2022, 12, 13)

        self.set_account_currency("USDT")
        self.set_cash(100000)

        self.set_brokerage_model(BrokerageName.BYBIT, AccountType.CASH)

        symbol = self.add_crypto("BTCUSDT").symbol
        self.btc_usdt = self.add_data(CustomCryptoData, symbol, Resolution.MINUTE).symbol

        self.fast = self.ema(self.btc_usdt, 30, Resolution.MINUTE)
        self.slow = self.ema(self.btc_usdt, 60, Resolution.MINUTE)

    def on_data(self, data):
        if not self.slow.is_ready:
            return
        if self.fast.current.value > self.slow.current.value:
            if self.transactions.orders_count == 0:
                self.market_order(self.btc_usdt, 1)  # LEAN: self.buy(symbol, 1)
        elif self.transactions.orders_count == 1:
            self.liquidate(self.btc_usdt)

    def on_order_event(self, order_event):
        self.debug(f"{self.time} {order_event}")


class CustomCryptoData(PythonData):
    def get_source(self, config, date, is_live_mode):
        tick_type = Extensions.tick_type_to_lower(config.tick_type)
        name = f"{date:%Y%m%d}_{tick_type}.zip"
        source = f"{Globals.data_folder}/crypto/bybit/minute/{config.symbol.value.lower()}/{name}"
        return SubscriptionDataSource(source, SubscriptionTransportMedium.LOCAL_FILE, FileFormat.CSV)

    def reader(self, config, line, date, is_live_mode):
        # Line format: milliseconds since midnight, open, high, low, close, volume
        fields = line.split(",")
        data = CustomCryptoData()
        data.symbol = config.symbol
        stamp = datetime.combine(date.date(), time()) + timedelta(milliseconds=int(fields[0]))
        data.time = Extensions.convert_to(stamp, config.data_time_zone, config.exchange_time_zone)
        data.end_time = data.time + timedelta(minutes=1)
        data["Open"] = float(fields[1])
        data["High"] = float(fields[2])
        data["Low"] = float(fields[3])
        data["Close"] = float(fields[4])
        data["Volume"] = float(fields[5])
        data.value = float(fields[4])
        return data
