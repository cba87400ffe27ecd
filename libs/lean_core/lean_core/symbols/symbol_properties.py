"""LEAN's symbol properties (`symbol-properties/symbol-properties-database.csv`): contract specs per security.

Rows read `market,symbol,type,description,quote_currency,contract_multiplier,minimum_price_variation,
lot_size[,market_ticker[,minimum_order_size[,price_magnifier[,strike_multiplier]]]]`; the first row that is
not a comment is the header, lines starting with `#` and blank lines are skipped, and rows of a security
type LEAN does not know are skipped as LEAN skips them. A `[*]` symbol holds the defaults of a market
and type.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Final

from lean_core.enums import SecurityType
from lean_core.errors import MissingDataError, SymbolPropertiesError

if TYPE_CHECKING:
    from lean_core.symbols.symbol import Symbol

__all__ = [
    "SymbolProperties",
    "SymbolPropertiesDatabase",
    "database_ticker",
    "option_underlying_ticker",
    "underlying_security_type",
]

WILDCARD: Final = "[*]"
_RELATIVE_PATH: Final = Path("symbol-properties") / "symbol-properties-database.csv"
_REQUIRED_COLUMNS: Final = 8

# Future option roots that differ from their future's root (LEAN's FuturesOptionsSymbolMappings).
_FUTURE_ROOT_BY_OPTION_ROOT: Final = {
    "OEH": "EH", "OKE": "KE", "OTN": "TN", "OUB": "UB", "OYM": "YM", "OZB": "ZB", "OZC": "ZC", "OZF": "ZF",
    "OZL": "ZL", "OZM": "ZM", "OZN": "ZN", "OZO": "ZO", "OZS": "ZS", "OZT": "ZT", "OZW": "ZW", "RTO": "RTY",
    "OG": "GC", "HXE": "HG", "SO": "SI", "LO": "CL", "HCO": "HCL", "OH": "HO", "ON": "NG", "PAO": "PA",
    "PO": "PL", "OB": "RB", "OYG": "YG", "OZG": "ZG", "OZI": "ZI", "ADU": "6A", "GBU": "6B", "CAU": "6C",
    "EUU": "6E", "JPU": "6J", "CHU": "6S",
}  # fmt: skip
# Index option tickers that differ from their index (LEAN's IndexOptionSymbol).
_INDEX_BY_INDEX_OPTION: Final = {"RUTW": "RUT", "SPXW": "SPX", "VIXW": "VIX", "NDXP": "NDX", "NQX": "NDX"}
_UNDERLYING_TYPES: Final = {
    SecurityType.OPTION: SecurityType.EQUITY,
    SecurityType.INDEX_OPTION: SecurityType.INDEX,
    SecurityType.FUTURE_OPTION: SecurityType.FUTURE,
}


def underlying_security_type(option_type: SecurityType) -> SecurityType:
    """Return the security type an option type is written on (Option -> Equity, FutureOption -> Future)."""
    try:
        return _UNDERLYING_TYPES[option_type]
    except KeyError:
        raise ValueError(f"{option_type.lean_name} is not an option type") from None


def option_underlying_ticker(ticker: str, option_type: SecurityType) -> str:
    """Return the ticker of an option's underlying (SPXW -> SPX, OG -> GC; equity options keep theirs)."""
    if option_type == SecurityType.INDEX_OPTION:
        return _INDEX_BY_INDEX_OPTION.get(ticker.upper(), ticker)
    if option_type == SecurityType.FUTURE_OPTION:
        return _FUTURE_ROOT_BY_OPTION_ROOT.get(ticker.upper(), ticker.upper())
    return ticker


def database_ticker(symbol: Symbol) -> str:
    """Return the ticker LEAN's databases key a symbol by (GetDatabaseSymbolKey).

    Equity options use the underlying's ticker, index and future options their own root, futures their root,
    everything else the symbol's value.
    """
    security_type = symbol.id.security_type
    if security_type == SecurityType.OPTION:
        return symbol.underlying.value if symbol.underlying is not None else ""
    if security_type in (SecurityType.INDEX_OPTION, SecurityType.FUTURE_OPTION):
        return symbol.id.symbol if symbol.underlying is not None else ""
    if security_type in (SecurityType.BASE, SecurityType.FUTURE):
        return symbol.id.symbol
    return symbol.value


_NUMERIC_FIELDS: Final = (
    "contract_multiplier",
    "minimum_price_variation",
    "lot_size",
    "minimum_order_size",
    "price_magnifier",
    "strike_multiplier",
)


@dataclass(frozen=True, slots=True)
class SymbolProperties:
    """A security's contract specification: quote currency, multiplier, tick size and lot size."""

    description: str
    quote_currency: str
    contract_multiplier: Decimal
    minimum_price_variation: Decimal
    lot_size: Decimal
    market_ticker: str = ""
    minimum_order_size: Decimal | None = None
    price_magnifier: Decimal = Decimal(1)
    strike_multiplier: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        # Algorithms build properties from Python numbers (`SymbolProperties("BTC", "USD", 1, 0.01,
        # 0.01, "BTC")`); LEAN takes them as decimals, so numbers are held as exact decimals.
        for name in _NUMERIC_FIELDS:
            value = getattr(self, name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                object.__setattr__(
                    self, name, Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
                )
        for name in ("lot_size", "price_magnifier", "strike_multiplier"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")

    @classmethod
    def get_default(cls, quote_currency: str) -> SymbolProperties:
        """Return LEAN's properties for a security without a row: multiplier 1, tick 0.01, lot 1."""
        return cls("", quote_currency.upper(), Decimal(1), Decimal("0.01"), Decimal(1))


def _decimal(text: str, column: str, path: Path, line: int) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise SymbolPropertiesError(
            f"column {column!r}: {text!r} is not a number", path=path, line=line
        ) from None
    if not value.is_finite():
        raise SymbolPropertiesError(
            f"column {column!r}: {text!r} is not a finite number", path=path, line=line
        )
    return value


def _optional(columns: list[str], index: int) -> str | None:
    return columns[index] if len(columns) > index and columns[index] else None


def _parse_row(columns: list[str], path: Path, line: int) -> SymbolProperties:
    """Turn the columns after the key into properties, naming the column at fault."""
    minimum_order_size = _optional(columns, 9)
    price_magnifier = _optional(columns, 10)
    strike_multiplier = _optional(columns, 11)
    try:
        return SymbolProperties(
            description=columns[3],
            quote_currency=columns[4],
            contract_multiplier=_decimal(columns[5], "contract_multiplier", path, line),
            minimum_price_variation=_decimal(columns[6], "minimum_price_variation", path, line),
            lot_size=_decimal(columns[7], "lot_size", path, line),
            market_ticker=_optional(columns, 8) or "",
            minimum_order_size=(
                _decimal(minimum_order_size, "minimum_order_size", path, line) if minimum_order_size else None
            ),
            price_magnifier=_decimal(price_magnifier, "price_magnifier", path, line)
            if price_magnifier
            else Decimal(1),
            strike_multiplier=(
                _decimal(strike_multiplier, "strike_multiplier", path, line)
                if strike_multiplier
                else Decimal(1)
            ),
        )
    except ValueError as error:
        raise SymbolPropertiesError(str(error), path=path, line=line) from None


_Key = tuple[str, str, SecurityType]


def _data_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) of each line that is neither blank nor a comment, header excluded."""
    with path.open(encoding="utf-8-sig") as handle:
        numbered = ((number, text.rstrip("\r\n")) for number, text in enumerate(handle, start=1))
        rows = ((number, text) for number, text in numbered if text.strip() and not text.startswith("#"))
        next(rows, None)
        yield from rows


class SymbolPropertiesDatabase:
    """Symbol properties by market, ticker and security type, with `[*]` and default fallbacks."""

    def __init__(
        self, entries: dict[_Key, SymbolProperties], keys_as_written: dict[_Key, tuple[str, str]]
    ) -> None:
        """Hold parsed rows keyed by (market, ticker, type) folded to lower case; prefer `from_file`."""
        self._entries = entries
        self._keys_as_written = keys_as_written

    @classmethod
    def from_file(cls, path: Path | str) -> SymbolPropertiesDatabase:
        """Read a symbol-properties CSV; raise SymbolPropertiesError naming the line of a malformed row."""
        path = Path(path)
        if not path.is_file():
            raise MissingDataError("symbol-properties database not found", path=path)
        entries: dict[_Key, SymbolProperties] = {}
        written: dict[_Key, tuple[str, str]] = {}
        for line, text in _data_lines(path):
            # LEAN splits on every comma; descriptions in the file carry none.
            columns = text.split(",")
            if len(columns) < _REQUIRED_COLUMNS:
                message = f"expected at least {_REQUIRED_COLUMNS} columns, got {len(columns)}"
                raise SymbolPropertiesError(message, path=path, line=line)
            try:
                security_type = SecurityType.parse(columns[2])
            except ValueError:
                continue
            market, ticker = columns[0] or WILDCARD, columns[1] or WILDCARD
            key = (market.lower(), ticker.lower(), security_type)
            if key in entries:
                raise SymbolPropertiesError(
                    f"duplicate row for {market},{ticker},{columns[2]}", path=path, line=line
                )
            entries[key] = _parse_row(columns, path, line)
            written[key] = (market, ticker)
        return cls(entries, written)

    @classmethod
    def from_data_folder(cls, folder: Path | str) -> SymbolPropertiesDatabase:
        """Read `symbol-properties/symbol-properties-database.csv` under a LEAN data folder."""
        return cls.from_file(Path(folder) / _RELATIVE_PATH)

    def contains_key(self, market: str, ticker: str | None, security_type: SecurityType) -> bool:
        """Tell whether there is a row for exactly this key (no fallback)."""
        return ((market or WILDCARD).lower(), (ticker or WILDCARD).lower(), security_type) in self._entries

    def get(
        self,
        market: str,
        ticker: str | None,
        security_type: SecurityType,
        default_quote_currency: str = "USD",
    ) -> SymbolProperties:
        """Return the row for the key, else the market's `[*]` row, else LEAN's defaults.

        `ticker` is the database ticker (see `database_ticker`): for equity options the underlying's ticker,
        for futures the root. A future option without a row falls back on its future's row.
        """
        market_key = (market or WILDCARD).lower()
        found = self._entries.get((market_key, (ticker or WILDCARD).lower(), security_type))
        if found is None and security_type == SecurityType.FUTURE_OPTION and ticker:
            future_root = option_underlying_ticker(ticker, security_type).lower()
            found = self._entries.get((market_key, future_root, SecurityType.FUTURE))
        if found is None:
            found = self._entries.get((market_key, WILDCARD, security_type))
        return found if found is not None else SymbolProperties.get_default(default_quote_currency)

    def get_symbol_properties_list(
        self, market: str, security_type: SecurityType | None = None
    ) -> list[tuple[str, SymbolProperties]]:
        """Return (ticker as written, properties) of a market's rows, optionally one type's, in file order."""
        market_key = market.lower()
        return [
            (self._keys_as_written[key][1], properties)
            for key, properties in self._entries.items()
            if key[0] == market_key and (security_type is None or key[2] == security_type)
        ]

    def try_get_market(self, ticker: str, security_type: SecurityType) -> str | None:
        """Return the market of the first row with this ticker and type, as LEAN's TryGetMarket does."""
        folded = ticker.lower()
        for key in self._entries:
            if key[1] == folded and key[2] == security_type:
                return self._keys_as_written[key][0]
        return None
