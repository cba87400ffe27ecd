"""Builders for reader tests: temporary data folders and zips laid out as LEAN lays them out."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from lean_core.data.paths import data_location
from lean_core.enums import Resolution, TickType
from lean_core.symbols import Symbol

WriteZip = Callable[..., Path]


@pytest.fixture
def data_folder(tmp_path: Path) -> Path:
    """Return an empty LEAN data folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def write_zip(data_folder: Path) -> WriteZip:
    """Return a function writing rows where LEAN keeps a symbol's data; it returns the zip's path.

    Called as ``write_zip(symbol, resolution, tick_type, day, text)``; `entry` overrides the entry name
    and `extra` adds more entries.
    """

    def write(
        symbol: Symbol,
        resolution: Resolution,
        tick_type: TickType,
        day: date | None,
        text: str | bytes,
        *,
        entry: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> Path:
        location = data_location(data_folder, symbol, resolution, tick_type, day)
        location.path.parent.mkdir(parents=True, exist_ok=True)
        content = text.encode() if isinstance(text, str) else text
        with zipfile.ZipFile(location.path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(entry or location.entry, content)
            for name, more in (extra or {}).items():
                archive.writestr(name, more)
        return location.path

    return write
