"""What a security's cache keeps of a data point: its prices at once, its objects when first read.

A cache takes a bar at every step, while the engine mostly reads the price: the bar object user
code sees and the exact view fills read are built only when asked for, once. An entry keeps the
values and the price factor in force when its bar arrived, so a later factor never reprices it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from lean_core.data.bars import QuoteBar, TradeBar
from lean_core.securities.decimals import ONE, to_decimal
from lean_core.securities.exact_data import ExactBar, ExactData, ExactQuoteBar, ExactTradeBar, quote_mid

__all__ = [
    "PlainPrices",
    "PointSource",
    "PriceConverter",
    "QuoteBarEntry",
    "ReadyEntry",
    "TradeBarEntry",
]


class PriceConverter(Protocol):
    """Turns a security's float prices into the decimals LEAN holds (a `Security` is one)."""

    @property
    def price_factor(self) -> Decimal:
        """Return the price factor of the data arriving now."""
        ...

    def to_exact_at(self, value: float, is_tick: bool, factor: Decimal) -> Decimal:
        """Return the decimal LEAN holds for a float price read under `factor`."""
        ...


class PlainPrices:
    """Prices kept as plain decimals: each float's shortest decimal, whatever the factor."""

    price_factor = ONE

    def to_exact_at(self, value: float, is_tick: bool, factor: Decimal) -> Decimal:
        """Return the float's shortest decimal."""
        return to_decimal(value)


class PointSource(Protocol):
    """Rows of a batch frame, each built into its data point once (the engine's `FrameRows`)."""

    def point(self, row: int) -> object:
        """Return the data point of a row, the same object at every call."""
        ...


class TradeBarEntry:
    """A real trade bar: its exact prices converted on arrival, its objects built when first read.

    `point` is the bar itself, or the source that builds it from row `row`. The volume stays a
    float until read: volumes rarely repeat, so converting each would cost more than all prices.
    """

    __slots__ = ("_exact", "_point", "_row", "close", "end_time", "high", "low", "open", "time", "volume")

    def __init__(
        self,
        time: datetime,
        end_time: datetime,
        values: Sequence[float],
        converter: PriceConverter,
        factor: Decimal,
        point: TradeBar | PointSource,
        row: int = -1,
    ) -> None:
        convert = converter.to_exact_at
        self.time, self.end_time = time, end_time
        self.open = convert(values[0], False, factor)
        self.high = convert(values[1], False, factor)
        self.low = convert(values[2], False, factor)
        self.close = convert(values[3], False, factor)
        self.volume = values[4]
        self._point, self._row = point, row
        self._exact: ExactTradeBar | None = None

    def point(self) -> TradeBar:
        """Return the bar user code sees."""
        point = self._point
        if isinstance(point, TradeBar):
            return point
        built = point.point(self._row)
        assert isinstance(built, TradeBar)
        self._point = built
        return built

    def exact_volume(self) -> Decimal:
        """Return the volume as a decimal."""
        return to_decimal(self.volume)

    def exact_value(self) -> Decimal:
        """Return the exact view's value (the close) without building the view."""
        return self.close

    def exact(self) -> ExactTradeBar:
        """Return the bar with its decimal prices."""
        exact = self._exact
        if exact is None:
            exact = self._exact = ExactTradeBar(
                self.time, self.end_time, self.open, self.high, self.low, self.close, self.exact_volume()
            )
        return exact

    def settle(self) -> None:
        """Build the bar now, so the entry no longer holds on to its source."""
        self.point()


class QuoteBarEntry:
    """A real quote bar: its closes converted on arrival, the rest when first read.

    `sides` are the bid's and the ask's open, high, low and close, None for a missing side; a
    side's open, high and low wait for the exact view, converted under the factor kept here.
    The sizes stay floats until read, as a trade bar's volume does.
    """

    __slots__ = (
        "_ask", "_bid", "_converter", "_exact", "_factor", "_point", "_row",
        "ask_close", "ask_size", "bid_close", "bid_size", "end_time", "time",
    )  # fmt: skip

    def __init__(
        self,
        time: datetime,
        end_time: datetime,
        sides: tuple[Sequence[float] | None, Sequence[float] | None],
        sizes: tuple[float, float],
        converter: PriceConverter,
        factor: Decimal,
        point: QuoteBar | PointSource,
        row: int = -1,
    ) -> None:
        convert = converter.to_exact_at
        self.time, self.end_time = time, end_time
        self._bid, self._ask = sides
        self.bid_close = None if self._bid is None else convert(self._bid[3], False, factor)
        self.ask_close = None if self._ask is None else convert(self._ask[3], False, factor)
        self.bid_size, self.ask_size = sizes
        self._converter, self._factor = converter, factor
        self._point, self._row = point, row
        self._exact: ExactQuoteBar | None = None

    def point(self) -> QuoteBar:
        """Return the bar user code sees."""
        point = self._point
        if isinstance(point, QuoteBar):
            return point
        built = point.point(self._row)
        assert isinstance(built, QuoteBar)
        self._point = built
        return built

    def exact_value(self) -> Decimal:
        """Return the exact view's value (the mid close) without building the view."""
        return quote_mid(self.bid_close, self.ask_close)

    def exact_bid_size(self) -> Decimal:
        """Return the last bid size as a decimal."""
        return to_decimal(self.bid_size)

    def exact_ask_size(self) -> Decimal:
        """Return the last ask size as a decimal."""
        return to_decimal(self.ask_size)

    def exact(self) -> ExactQuoteBar:
        """Return the bar with its decimal sides."""
        exact = self._exact
        if exact is None:
            bid, ask = self._side(self._bid, self.bid_close), self._side(self._ask, self.ask_close)
            exact = self._exact = ExactQuoteBar(
                self.time, self.end_time, bid, ask, self.exact_bid_size(), self.exact_ask_size()
            )
        return exact

    def settle(self) -> None:
        """Build the bar now, so the entry no longer holds on to its source."""
        self.point()

    def _side(self, values: Sequence[float] | None, close: Decimal | None) -> ExactBar | None:
        if values is None or close is None:
            return None
        convert, factor = self._converter.to_exact_at, self._factor
        return ExactBar(
            convert(values[0], False, factor), convert(values[1], False, factor),
            convert(values[2], False, factor), close,
        )  # fmt: skip


_Point = TypeVar("_Point")
_Exact = TypeVar("_Exact", bound=ExactData)


class ReadyEntry(Generic[_Point, _Exact]):
    """A data point whose exact view was made on arrival (ticks, custom data)."""

    __slots__ = ("_exact", "_point", "end_time")

    def __init__(self, point: _Point, exact: _Exact) -> None:
        self._point, self._exact = point, exact
        self.end_time = exact.end_time

    def point(self) -> _Point:
        """Return the point user code sees."""
        return self._point

    def exact(self) -> _Exact:
        """Return the point with its decimal prices."""
        return self._exact

    def exact_value(self) -> Decimal:
        """Return the exact view's value."""
        return self._exact.value

    def settle(self) -> None:
        """Do nothing: the point was given."""
