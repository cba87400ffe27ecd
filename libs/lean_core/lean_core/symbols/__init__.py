"""Symbols: LEAN's security identifiers, symbols and symbol properties."""

from lean_core.symbols.security_identifier import SecurityIdentifier
from lean_core.symbols.symbol import Symbol

__all__ = ["SecurityIdentifier", "Symbol"]
