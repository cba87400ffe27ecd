"""Price normalisation of whole frames: LEAN's `BaseData.Normalize`, vectorised.

LEAN scales each data point with the factor of its day (`price_scale_factor` of the bar's
local start date) and one rule per mode:

- Adjusted, SplitAdjusted, ScaledRaw: price x factor; volume, sizes and quantities become
  round(size x (1 / factor)), half to even, so a 7:1 split multiplies volume by 7.
- TotalReturn: price x split factor + the sum of the dividends paid since the subscription
  started (LEAN's `SumOfDividends`); sizes as above with the split factor.
- Raw: nothing changes.

Fill-forward rows keep the factor of the last real row (pass `fill_forward` to `row_factors`),
so a fill-forward copy of an adjusted bar equals the bar. The float path below serves frames;
`adjusted_price_decimal` and friends give LEAN's exact decimals (with their scale) where cents
matter.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from lean_core.data.bars import QuoteBarFrame, TickFrame, TradeBarFrame
from lean_core.data.factor_files import FactorFile
from lean_core.enums import DataNormalizationMode, SecurityType, TickType
from lean_core.time.utc_offsets import utc_offsets_ns

__all__ = [
    "adjust_quote_bars",
    "adjust_ticks",
    "adjust_trade_bars",
    "adjusted_price_decimal",
    "day_numbers",
    "dividend_offsets",
    "local_day_numbers",
    "normalize_price_decimal",
    "row_factors",
    "scale_sizes",
    "scale_volume_decimal",
]

FloatArray = npt.NDArray[np.float64]
Int64Array = npt.NDArray[np.int64]

_EPOCH = date(1970, 1, 1)
_MINUTE_NS = 60 * 1_000_000_000
_DAY_NS = 86_400 * 1_000_000_000
_DECI_CENT = Decimal("0.0001")
_TEN_THOUSAND = Decimal(10000)
# C#'s decimal arithmetic, used through the context's methods: cheaper than a localcontext per price.
_LEAN_DECIMAL = Context(prec=28, rounding=ROUND_HALF_EVEN)
_EXACT_INTEGERS = 2.0**53
_EXACT_POWERS_OF_TEN = 22  # 10**22 is the largest power of ten a double holds exactly
# A float quotient this close to .5 may sit on the other side of the tie in decimal arithmetic.
_TIE_TOLERANCE = 1e-6


def day_numbers(days: npt.NDArray[np.int64] | npt.NDArray[np.datetime64]) -> Int64Array:
    """Return local dates as days since 1970-01-01, from day numbers or any datetime64 array."""
    if np.issubdtype(days.dtype, np.datetime64):
        return days.astype("datetime64[D]").astype(np.int64)
    if np.issubdtype(days.dtype, np.integer):
        return days.astype(np.int64, copy=False)
    raise TypeError(f"expected day numbers or datetime64 values, got dtype {days.dtype}")


def local_day_numbers(times_ns: Int64Array, time_zone: ZoneInfo) -> Int64Array:
    """Return the local date of UTC-nanosecond times as days since 1970-01-01, in `time_zone`."""
    return (times_ns + utc_offsets_ns(times_ns, time_zone)) // _DAY_NS


def row_factors(
    factor_file: FactorFile | None,
    days: npt.NDArray[np.int64] | npt.NDArray[np.datetime64],
    mode: DataNormalizationMode,
    *,
    end_day: date | None = None,
    fill_forward: npt.NDArray[np.bool_] | None = None,
) -> FloatArray:
    """Return each row's price factor for its local date: the factor-file row dated on or after it.

    No factor file, or Raw mode, gives ones. ScaledRaw needs `end_day` (see `FactorFile`). LEAN
    updates the factor only on real bars, so rows flagged in `fill_forward` keep the factor of
    the last real row before them (the first row sets it even when fill-forward).
    """
    numbers = day_numbers(days)
    if fill_forward is not None and fill_forward.any():
        numbers = _last_real_day(numbers, fill_forward)
    if factor_file is None or not len(factor_file) or mode == DataNormalizationMode.RAW:
        return np.ones(len(numbers), dtype=np.float64)
    if mode == DataNormalizationMode.SCALED_RAW:
        table_days, table = _scaled_raw_table(factor_file, end_day)
    else:
        table_days, table = factor_file.factor_table(mode)
    return table[np.searchsorted(table_days, numbers, side="left")]


def _last_real_day(numbers: Int64Array, fill_forward: npt.NDArray[np.bool_]) -> Int64Array:
    if len(fill_forward) != len(numbers):
        raise ValueError(f"fill_forward has {len(fill_forward)} values for {len(numbers)} rows")
    positions = np.where(fill_forward, -1, np.arange(len(numbers)))
    last_real = np.maximum.accumulate(positions) if len(positions) else positions
    return numbers[np.maximum(last_real, 0)]


def _scaled_raw_table(factor_file: FactorFile, end_day: date | None) -> tuple[Int64Array, FloatArray]:
    if end_day is None:
        raise ValueError("SCALED_RAW needs end_day: prices are scaled to that day's factor")
    mode = DataNormalizationMode.SCALED_RAW
    table_days, _ = factor_file.factor_table(mode)
    end_factor = factor_file.price_scale_factor(end_day, DataNormalizationMode.ADJUSTED)
    with localcontext(prec=28, rounding=ROUND_HALF_EVEN):
        scaled = [row.price_scale_factor / end_factor for row in factor_file.rows] + [1 / end_factor]
    return table_days, np.array([float(value) for value in scaled], dtype=np.float64)


def dividend_offsets(
    factor_file: FactorFile | None,
    days: npt.NDArray[np.int64] | npt.NDArray[np.datetime64],
    start_day: date,
) -> FloatArray:
    """Return TotalReturn's dividend sum per row, for a subscription that starts on `start_day`.

    LEAN notices a dividend on the trading day of its factor row (so only rows dated on or after
    the start count), pays it the next trading day and adds it to the sum before that day's
    data is normalised: a row counts every such dividend whose factor row is before its date.
    """
    numbers = day_numbers(days)
    found = factor_file.dividends() if factor_file is not None else []
    paid = [(row_day, amount) for row_day, amount in found if row_day >= start_day]
    if not paid:
        return np.zeros(len(numbers), dtype=np.float64)
    row_days = np.array([(row_day - _EPOCH).days for row_day, _ in paid], dtype=np.int64)
    running = Decimal(0)
    sums = [0.0]
    for _, amount in paid:
        # Sum in decimal as LEAN does, so the float error does not grow with the dividend count.
        running += amount
        sums.append(float(running))
    return np.array(sums, dtype=np.float64)[np.searchsorted(row_days, numbers, side="left")]


def scale_sizes(sizes: FloatArray, factors: FloatArray) -> FloatArray:
    """Return round(size x (1 / factor)) half to even, settling near-ties in decimal as LEAN does."""
    with np.errstate(divide="ignore", invalid="ignore"):
        quotient = sizes / factors
    scaled = np.rint(quotient)
    near_tie = np.abs(np.abs(quotient - np.floor(quotient)) - 0.5) < _TIE_TOLERANCE
    for index in np.flatnonzero(near_tie):
        size = Decimal(repr(float(sizes[index])))
        factor = Decimal(repr(float(factors[index])))
        scaled[index] = float(scale_volume_decimal(size, factor))
    return scaled


def adjust_trade_bars(
    frame: TradeBarFrame, factors: FloatArray, offsets: FloatArray | None = None
) -> TradeBarFrame:
    """Return the frame with prices x factor (+ offset) and volume scaled by 1 / factor."""
    _check_lengths(len(frame), factors, offsets)
    scale = _PriceScale(factors, offsets)
    return replace(
        frame,
        open=scale(frame.open),
        high=scale(frame.high),
        low=scale(frame.low),
        close=scale(frame.close),
        volume=scale.sizes(frame.volume),
    )


def adjust_quote_bars(
    frame: QuoteBarFrame, factors: FloatArray, offsets: FloatArray | None = None
) -> QuoteBarFrame:
    """Return the frame with both sides' prices scaled (a missing side stays NaN) and sizes by 1 / factor."""
    _check_lengths(len(frame), factors, offsets)
    scale = _PriceScale(factors, offsets)
    return replace(
        frame,
        bid_open=scale(frame.bid_open),
        bid_high=scale(frame.bid_high),
        bid_low=scale(frame.bid_low),
        bid_close=scale(frame.bid_close),
        bid_size=scale.sizes(frame.bid_size),
        ask_open=scale(frame.ask_open),
        ask_high=scale(frame.ask_high),
        ask_low=scale(frame.ask_low),
        ask_close=scale(frame.ask_close),
        ask_size=scale.sizes(frame.ask_size),
    )


def adjust_ticks(frame: TickFrame, factors: FloatArray, offsets: FloatArray | None = None) -> TickFrame:
    """Return trade or quote ticks scaled as LEAN's `Scale`; open interest and other assets are kept."""
    _check_lengths(len(frame), factors, offsets)
    security_type = frame.symbol.security_type
    scalable = security_type in (SecurityType.EQUITY, SecurityType.FUTURE) or security_type.is_option
    if not scalable or frame.tick_type == TickType.OPEN_INTEREST:
        return frame
    scale = _PriceScale(factors, offsets)
    if frame.tick_type == TickType.TRADE:
        return replace(frame, value=scale(frame.value), quantity=scale.sizes(frame.quantity))
    # A zero quote side means "no quote" and stays zero; the value is the mid or the side present.
    bid = np.where(frame.bid_price != 0, scale(frame.bid_price), 0.0)
    ask = np.where(frame.ask_price != 0, scale(frame.ask_price), 0.0)
    value = np.where(bid == 0, ask, np.where(ask == 0, bid, (bid + ask) / 2))
    return replace(
        frame,
        value=value,
        bid_price=bid,
        ask_price=ask,
        bid_size=scale.sizes(frame.bid_size),
        ask_size=scale.sizes(frame.ask_size),
    )


class _PriceScale:
    """Scale a frame's price columns: price x factor (+ offset), each product rounded once.

    `prices * factors` rounds twice (the deci-cent price, then the product), so a user could see
    143.43290667399998 where LEAN's Python shows float(143.432906674). Both the deci-cent count
    and the factor's digits are exact integers; their product stays exact below 2**53, and one
    division by an exact power of ten rounds it correctly. Larger products keep the float product.
    The factors' digits are worked out once per frame, for all its price columns.
    """

    def __init__(self, factors: FloatArray, offsets: FloatArray | None) -> None:
        self._factors = factors
        self._offsets = offsets
        one_factor = not len(factors) or bool(np.all(factors == factors[0]))  # the usual frame
        # A factor of one (no factor file, or days after the last split or dividend) and no offset
        # leave every price as it is: x 1 is exact in floats.
        self._identity = offsets is None and one_factor and (not len(factors) or bool(factors[0] == 1.0))
        if self._identity:
            return
        if one_factor:
            unique, inverse = factors[:1], np.zeros(len(factors), dtype=np.intp)
        else:
            unique, inverse = np.unique(factors, return_inverse=True)
        # Ones where the exact product does not apply, so an infinite price makes no 0 x inf warning.
        digits = np.ones(len(unique), dtype=np.float64)
        divisors = np.ones(len(unique), dtype=np.float64)
        exact = np.zeros(len(unique), dtype=np.bool_)
        for position, factor in enumerate(unique.tolist()):
            if not np.isfinite(factor):
                continue
            integer, places = _decimal_digits(factor)
            if places + 4 > _EXACT_POWERS_OF_TEN or (integer == 1 and places == 0):
                continue
            digits[position], divisors[position], exact[position] = integer, 10.0 ** (places + 4), True
        rows = inverse.reshape(-1)
        self._digits, self._divisors, self._exact = digits[rows], divisors[rows], exact[rows]

    def sizes(self, sizes: FloatArray) -> FloatArray:
        """Scale a size column by 1 / factor (`scale_sizes`); with a factor of one, round it as that does."""
        return np.rint(sizes) if self._identity else scale_sizes(sizes, self._factors)

    def __call__(self, prices: FloatArray) -> FloatArray:
        if self._identity:
            return prices
        product = np.rint(prices * 10_000) * self._digits
        exact = self._exact & (np.abs(product) < _EXACT_INTEGERS)
        scaled = np.where(exact, product / self._divisors, prices * self._factors)
        return scaled if self._offsets is None else scaled + self._offsets


def _decimal_digits(value: float) -> tuple[int, int]:
    """Return (integer digits, decimal places) of a float's shortest decimal: 0.8646266 -> (8646266, 7)."""
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    mantissa = int("".join(map(str, digits))) * (-1 if sign else 1)
    if exponent >= 0:
        return mantissa * 10**exponent, 0
    return mantissa, -exponent


def _check_lengths(rows: int, factors: FloatArray, offsets: FloatArray | None) -> None:
    if len(factors) != rows:
        raise ValueError(f"factors has {len(factors)} values for {rows} rows")
    if offsets is not None and len(offsets) != rows:
        raise ValueError(f"offsets has {len(offsets)} values for {rows} rows")


def adjusted_price_decimal(raw_scaled_int: int, factor: Decimal, *, tick: bool = False) -> Decimal:
    """Return a deci-cent file price scaled by `factor` with LEAN's decimal scale.

    Bars read x 0.0001 (1674400 -> 167.4400, scale 4); ticks read / 10000 (-> 167.44). With
    factor 0.8646266 the bar price becomes 144.77307790400, the digits LEAN prints.
    """
    context = _LEAN_DECIMAL
    if tick:
        return context.multiply(context.divide(Decimal(raw_scaled_int), _TEN_THOUSAND), factor)
    return context.multiply(context.multiply(Decimal(raw_scaled_int), _DECI_CENT), factor)


def normalize_price_decimal(
    price: Decimal, factor: Decimal, sum_of_dividends: Decimal = Decimal(0)
) -> Decimal:
    """Return price x factor + sum of dividends: LEAN's per-price rule, sum zero but in TotalReturn."""
    with localcontext(prec=28, rounding=ROUND_HALF_EVEN):
        return price * factor + sum_of_dividends


def scale_volume_decimal(volume: Decimal, factor: Decimal) -> Decimal:
    """Return round(volume x (1 / factor)) half to even, computed as LEAN computes it."""
    with localcontext(prec=28, rounding=ROUND_HALF_EVEN):
        return (volume * (1 / factor)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
