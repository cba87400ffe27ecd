"""The error family of lean_core: each error keeps what locates the fault."""

from __future__ import annotations

from pathlib import Path


class LeanError(Exception):
    """Root of every error lean_core raises on purpose."""


class DataError(LeanError):
    """A data file is missing, corrupt or holds a row that cannot be read."""

    def __init__(self, reason: str, *, path: Path | str, line: int | None = None, entry: str | None = None):
        self.reason = reason
        self.path = Path(path)
        self.line = line
        self.entry = entry
        where = str(self.path)
        if entry:
            where += f" [{entry}]"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {reason}")


class MissingDataError(DataError):
    """A data file the subscription expects does not exist."""


class MarketHoursError(LeanError):
    """The market-hours database has no usable entry or holds a malformed one."""

    def __init__(self, reason: str, *, key: str, path: Path | str | None = None):
        self.reason = reason
        self.key = key
        self.path = Path(path) if path is not None else None
        where = f"{self.path}: " if self.path else ""
        super().__init__(f"{where}market-hours entry {key!r}: {reason}")


class SymbolError(LeanError):
    """A ticker, market or security identifier is unknown or malformed."""

    def __init__(self, reason: str, *, symbol: str):
        self.reason = reason
        self.symbol = symbol
        super().__init__(f"symbol {symbol!r}: {reason}")


class SymbolPropertiesError(LeanError):
    """The symbol-properties database holds a malformed row."""

    def __init__(self, reason: str, *, path: Path | str, line: int):
        self.reason = reason
        self.path = Path(path)
        self.line = line
        super().__init__(f"{self.path}, line {line}: {reason}")


class ConfigurationError(LeanError):
    """A configuration key has a missing or invalid value."""

    def __init__(self, reason: str, *, key: str):
        self.reason = reason
        self.key = key
        super().__init__(f"configuration {key!r}: {reason}")
