"""`leanbus data generate` (with lean-cli's options) and `leanbus data show`: make data, then look at it."""

from __future__ import annotations

import argparse
import math
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from lean_core.data.bars import Frame, QuoteBarFrame, TickFrame, TradeBarFrame, ns_to_local
from lean_core.data.paths import is_hour_or_daily
from lean_core.data.synthetic import DataDensity, GeneratorSettings
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.errors import ConfigurationError, LeanError, MissingDataError
from lean_core.symbols import Symbol
from lean_core.symbols.symbol import default_market

if TYPE_CHECKING:
    from lean_core.data.synthetic_folder import GenerationSummary
    from lean_core.time import MarketHoursEntry

__all__ = ["register"]

_USAGE_ERROR = 2


class _OneLineErrorParser(argparse.ArgumentParser):
    """A parser whose errors are one line naming the option, without the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(_USAGE_ERROR, f"{self.prog}: error: {message}\n")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `data` verb with its `generate` and `show` subcommands."""
    data = commands.add_parser("data", help="generate or inspect LEAN-format data")
    verbs = data.add_subparsers(dest="data_command", required=True, parser_class=_OneLineErrorParser)
    _add_generate(verbs.add_parser("generate", help="write seeded synthetic data in LEAN's format"))
    _add_show(verbs.add_parser("show", help="print the first bars of a symbol's data"))


# -- option types ------------------------------------------------------------------------------------------
def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYYMMDD, got {text!r}") from None


def _parsed(parse: Callable[[str], object]) -> Callable[[str], object]:
    """Turn a parse function's ValueError into argparse's one-line option error."""

    def convert(text: str) -> object:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def _non_negative(kind: type[int] | type[float]) -> Callable[[str], object]:
    def convert(text: str) -> object:
        value = kind(text)
        if value < 0:
            raise ValueError(f"must not be negative, got {text}")
        return value

    return _parsed(convert)


# -- generate ----------------------------------------------------------------------------------------------
def _add_generate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", type=_day, required=True, help="first date, YYYYMMDD")
    parser.add_argument("--end", type=_day, default=None, help="last date, YYYYMMDD (default: today)")
    parser.add_argument("--tickers", default="", help="comma-separated tickers (SPY,AAPL)")
    parser.add_argument("--symbol-count", type=_non_negative(int), default=0, help="random tickers to invent")
    parser.add_argument("--security-type", type=_parsed(SecurityType.parse), default=SecurityType.EQUITY)
    parser.add_argument("--resolution", type=_parsed(Resolution.parse), default=Resolution.MINUTE)
    parser.add_argument("--market", default=None, help="default: usa, oanda or coinbase by security type")
    parser.add_argument("--data-folder", type=Path, default=Path("data"), help="default: ./data")
    parser.add_argument("--seed", "--random-seed", dest="seed", type=_non_negative(int), default=None)
    parser.add_argument("--data-density", type=_parsed(DataDensity.parse), default=DataDensity.DENSE)
    parser.add_argument("--quote-trade-ratio", type=_non_negative(float), default=1.0)
    parser.add_argument("--splits-percentage", "--splits", type=_non_negative(float), default=15.0)
    parser.add_argument("--dividends-percentage", "--dividends", type=_non_negative(float), default=60.0)
    parser.add_argument("--dividend-every-quarter-percentage", type=_non_negative(float), default=30.0)
    parser.add_argument(
        "--workers",
        type=_non_negative(int),
        default=os.cpu_count() or 1,
        help="processes (default: one per CPU)",
    )
    parser.set_defaults(handler=run_generate)


def run_generate(args: argparse.Namespace) -> int:
    """Generate the data the options ask for and print a summary."""
    # The generator and readers pull in numba; import them only when this verb runs.
    from lean_core.data.synthetic_folder import generate_data_folder

    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    try:
        settings = GeneratorSettings(
            start=args.start,
            end=args.end or date.today(),
            security_type=args.security_type,
            market=(args.market or default_market(args.security_type)).lower(),
            seed=seed,
            resolution=args.resolution,
            tickers=tuple(ticker for ticker in args.tickers.split(",") if ticker.strip()),
            symbol_count=args.symbol_count,
            data_density=args.data_density,
            quote_trade_ratio=args.quote_trade_ratio,
            splits_percentage=args.splits_percentage,
            dividends_percentage=args.dividends_percentage,
            dividend_every_quarter_percentage=args.dividend_every_quarter_percentage,
        )
    except ConfigurationError as error:
        return _fail("generate", f"argument --{error.key}: {error.reason}")
    except LeanError as error:
        return _fail("generate", f"argument --security-type: {error}")
    try:
        summary = generate_data_folder(settings, args.data_folder, workers=args.workers)
    except (LeanError, OSError, ValueError) as error:
        return _fail("generate", str(error), status=1)
    print(_summary_text(settings, summary, args.data_folder))
    return 0


def _summary_text(settings: GeneratorSettings, summary: GenerationSummary, folder: Path) -> str:
    more = len(summary.symbols) - 8
    names = ", ".join(summary.symbols[:8]) + (f" and {more} more" if more > 0 else "")
    kind = f"{settings.resolution.folder_name} {settings.security_type.lean_name.lower()}"
    return (
        f"Generated {kind} data for {len(summary.symbols)} symbol(s) ({names}), "
        f"{settings.start:%Y%m%d}-{settings.end:%Y%m%d}, seed {settings.seed}\n"
        f"  {summary.days} days, {summary.files} files, {summary.rows:,} rows, "
        f"{len(summary.reference_files)} reference files, {summary.seconds:.2f} s -> {folder}"
    )


# -- show --------------------------------------------------------------------------------------------------
def _add_show(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-folder", type=Path, default=Path("data"), help="default: ./data")
    parser.add_argument("--ticker", required=True)
    parser.add_argument("--security-type", type=_parsed(SecurityType.parse), default=SecurityType.EQUITY)
    parser.add_argument("--market", default=None, help="default: usa, oanda or coinbase by security type")
    parser.add_argument("--resolution", type=_parsed(Resolution.parse), default=Resolution.MINUTE)
    parser.add_argument("--date", type=_day, default=None, help="YYYYMMDD (default: the first with data)")
    parser.add_argument("--rows", type=_non_negative(int), default=5)
    parser.add_argument(
        "--tick-type", choices=("trade", "quote"), default=None, help="default: trade; forex: quote"
    )
    parser.set_defaults(handler=run_show)


class _ShowError(Exception):
    """Why `data show` cannot show anything, with the exit status to return."""

    def __init__(self, message: str, status: int = _USAGE_ERROR) -> None:
        super().__init__(message)
        self.status = status


def run_show(args: argparse.Namespace) -> int:
    """Read a symbol's data through the LEAN readers and print its first rows."""
    try:
        frame, entry, day = _load(args)
    except _ShowError as error:
        return _fail("show", str(error), status=error.status)
    print(_table(frame, entry, day, args.rows))
    return 0


def _load(args: argparse.Namespace) -> tuple[Frame, MarketHoursEntry, date | None]:
    """Return the frame the options name, its market-hours entry and the day to show from."""
    from lean_core.data.readers import ReadRequest, available_dates, read_frame
    from lean_core.time import MarketHoursDatabase

    folder: Path = args.data_folder
    if not folder.is_dir():
        raise _ShowError(f"argument --data-folder: folder {str(folder)!r} does not exist")
    security_type: SecurityType = args.security_type
    try:
        market = (args.market or default_market(security_type)).lower()
        entry = MarketHoursDatabase.from_data_folder(folder).get_entry(market, args.ticker, security_type)
        symbol = Symbol.create(args.ticker, security_type, market)
    except LeanError as error:
        raise _ShowError(f"argument --data-folder: {error}") from None
    tick_type = _tick_type(args.tick_type, security_type)
    day: date | None = args.date
    if day is None and not is_hour_or_daily(args.resolution):
        days = available_dates(folder, symbol, args.resolution, tick_type)
        if not days:
            what = f"{args.resolution.folder_name} {tick_type.file_name} data"
            raise _ShowError(f"argument --ticker: no {what} for {symbol.value} in {folder}")
        day = days[0]
    file_day = None if is_hour_or_daily(args.resolution) else day
    request = ReadRequest(folder, symbol, args.resolution, tick_type, file_day, entry.data_time_zone)
    try:
        return read_frame(request), entry, day
    except MissingDataError as error:
        raise _ShowError(f"argument --date: no such data file ({error})") from None
    except ValueError as error:  # data LEAN does not have, such as forex trades
        raise _ShowError(f"argument --tick-type: {error}") from None
    except LeanError as error:
        raise _ShowError(str(error), status=1) from None


def _tick_type(text: str | None, security_type: SecurityType) -> TickType:
    if text is not None:
        return TickType.TRADE if text == "trade" else TickType.QUOTE
    return TickType.QUOTE if security_type in (SecurityType.FOREX, SecurityType.CFD) else TickType.TRADE


def _table(frame: Frame, entry: MarketHoursEntry, day: date | None, rows: int) -> str:
    """Return the first rows from `day` on as an aligned table, times in the exchange time zone."""
    zone = entry.exchange_hours.time_zone
    times = [ns_to_local(int(ns), zone) for ns in frame.time]
    first = next((i for i, moment in enumerate(times) if day is None or moment.date() >= day), len(times))
    picked = list(range(first, min(first + rows, len(times))))
    # Ticks keep their milliseconds; bars start on whole seconds.
    spelling = "%Y-%m-%d %H:%M:%S.%f" if isinstance(frame, TickFrame) else "%Y-%m-%d %H:%M:%S"
    cut = -3 if isinstance(frame, TickFrame) else None
    names, columns = _columns(frame)
    cells = [[f"{times[i]:{spelling}}"[:cut] for i in picked]]
    cells += [_aligned([float(column[i]) for i in picked]) for column in columns]
    table = [["time", *names], *([column[row] for column in cells] for row in range(len(picked)))]
    widths = [max(len(line[k]) for line in table) for k in range(len(table[0]))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)) for line in table]
    title = f"{frame.symbol.value} {type(frame).__name__}: {len(picked)} of {len(times)} rows ({zone.key})"
    return "\n".join([title, *lines])


def _columns(frame: Frame) -> tuple[list[str], list[Sequence[float]]]:
    """Return the column names after the time, and the columns."""
    if isinstance(frame, TradeBarFrame):
        names = ["open", "high", "low", "close", "volume"]
    elif isinstance(frame, QuoteBarFrame):
        names = [
            f"{side}_{field}" for side in ("bid", "ask") for field in ("open", "high", "low", "close", "size")
        ]
    elif isinstance(frame, TickFrame) and frame.tick_type == TickType.TRADE:
        return ["price", "quantity"], [frame.value.tolist(), frame.quantity.tolist()]
    elif isinstance(frame, TickFrame):
        names = ["bid_price", "bid_size", "ask_price", "ask_size"]
    else:
        names = ["value"]
    return names, [getattr(frame, name) for name in names]


def _aligned(values: list[float]) -> list[str]:
    """Spell a column's numbers with as many decimals as its most precise one needs (NaN: empty)."""
    decimals = max(
        (len(f"{v:.8f}".rstrip("0").split(".")[1]) for v in values if not math.isnan(v)), default=0
    )
    return ["" if math.isnan(v) else f"{v:.{decimals}f}" for v in values]


def _fail(verb: str, message: str, *, status: int = _USAGE_ERROR) -> int:
    print(f"leanbus data {verb}: error: {message}", file=sys.stderr)
    return status
