# Re-creation of LEAN's CustomDataPropertiesRegressionAlgorithm: a PythonData type reading
# Coinbase's daily BTCUSD file, added with its own symbol properties (lot size 0.01) and an
# always-open New York exchange, bought with all the margin left on its first point.
from AlgorithmImports import *


class CustomDataPropertiesRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2018, 4, 5)
        self.set_end_date(2018, 4, 10)
        self.set_cash(100000)

        ticker = "BTC"
        properties = SymbolProperties("Bitcoin", "USD", 1, 0.01, 0.01, ticker)
        exchange_hours = SecurityExchangeHours.always_open(TimeZones.NEW_YORK)
        self.bitcoin = self.add_data(
            Bitcoin, ticker, properties, exchange_hours, leverage=1, fill_forward=False
        )

        if self.bitcoin.symbol_properties != properties:
            raise AssertionError("the custom symbol properties were not kept")
        if self.bitcoin.exchange.hours != exchange_hours:
            raise AssertionError("the custom exchange hours were not kept")

        # A second subscription with every default: minute resolution on the same daily file.
        self.add_data(Bitcoin, "BTCUSD")

    def on_data(self, data):
        if self.portfolio.invested:
            return
        if data["BTC"].close != 0:
            self.order("BTC", self.portfolio.margin_remaining / abs(data["BTC"].close + 1))


class Bitcoin(PythonData):
    def get_source(self, config, date, is_live_mode):
        source = f"{Globals.data_folder}/crypto/coinbase/daily/btcusd_trade.zip"
        return SubscriptionDataSource(source, SubscriptionTransportMedium.LOCAL_FILE, FileFormat.CSV)

    def reader(self, config, line, date, is_live_mode):
        # Line format: "20180405 00:00,6791.68,6933.11,6568.64,6785.85,13832.668772"
        coin = Bitcoin()
        coin.symbol = config.symbol
        try:
            fields = line.split(",")
            coin.time = datetime.strptime(fields[0], "%Y%m%d %H:%M")
            coin.end_time = coin.time + timedelta(days=1)
            coin.value = float(fields[4])
            coin["Open"] = float(fields[1])
            coin["High"] = float(fields[2])
            coin["Low"] = float(fields[3])
            coin["Close"] = float(fields[4])
            coin["VolumeBTC"] = float(fields[5])
        except ValueError:
            pass  # a malformed row keeps no end time and is skipped
        return coin
