"""LEAN-format data readers: whole files parsed at once into columnar frames, with a cache.

`read_frame(ReadRequest(...), cache)` returns a `TradeBarFrame`, `QuoteBarFrame`, `TickFrame` or
`OpenInterestFrame`; `list_zip_contracts` names the contracts of a futures or options zip.
"""

from lean_core.data.paths import available_dates
from lean_core.data.readers.cache import CacheKey, CacheStats, FrameCache
from lean_core.data.readers.reader import ReadRequest, file_format, list_zip_contracts, read_frame

__all__ = [
    "CacheKey",
    "CacheStats",
    "FrameCache",
    "ReadRequest",
    "available_dates",
    "file_format",
    "list_zip_contracts",
    "read_frame",
]
