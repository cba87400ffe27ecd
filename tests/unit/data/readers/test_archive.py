"""A plain one-entry zip is read from its bytes; anything else goes through `zipfile`, same result."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from lean_core.data.readers.archive import read_entry
from lean_core.data.readers.plain_zip import read_plain_zip
from lean_core.errors import DataError, MissingDataError

ROWS = "14400000,1674100,1674100,1672500,1672700,3197\n" * 40
ENTRY = "20131007_spy_minute_trade.csv"


def _zip(path: Path, entries: dict[str, str], **options: object) -> Path:
    compression = options.pop("compression", zipfile.ZIP_DEFLATED)
    force_zip64 = bool(options.pop("force_zip64", False))
    with zipfile.ZipFile(path, "w", compression=compression) as archive:  # type: ignore[arg-type]
        if "comment" in options:
            archive.comment = options.pop("comment")  # type: ignore[assignment]
        for name, text in entries.items():
            with archive.open(name, "w", force_zip64=force_zip64) as entry:
                entry.write(text.encode())
    return path


@pytest.mark.parametrize(
    "options",
    [{}, {"compression": zipfile.ZIP_STORED}, {"force_zip64": True}],
    ids=["deflated", "stored", "zip64 records"],
)
def test_a_one_entry_zip_is_read_from_its_bytes_as_zipfile_reads_it(tmp_path: Path, options: dict) -> None:
    path = _zip(tmp_path / "day.zip", {ENTRY: ROWS}, **options)

    assert read_plain_zip(path) == (ENTRY, ROWS.encode())
    assert read_entry(path, "another_name.csv") == (ENTRY, ROWS.encode())


def test_lean_sample_files_with_zip64_records_take_the_fast_path(lean_data_folder: Path) -> None:
    path = lean_data_folder / "equity/usa/minute/spy/20230803_trade.zip"
    with zipfile.ZipFile(path) as archive:
        [name] = archive.namelist()
        expected = (name, archive.read(name))

    assert read_plain_zip(path) == expected


@pytest.mark.parametrize(
    "layout",
    [{"entries": {ENTRY: ROWS, "more.csv": "x"}}, {"entries": {ENTRY: ROWS}, "comment": b"made by hand"}],
    ids=["two entries", "a comment"],
)
def test_other_zips_are_left_to_zipfile_and_still_read(tmp_path: Path, layout: dict) -> None:
    entries = layout.pop("entries")
    path = _zip(tmp_path / "day.zip", entries, **layout)

    assert read_plain_zip(path) is None
    assert read_entry(path, ENTRY) == (ENTRY, ROWS.encode())


def test_a_crc_mismatch_is_left_to_zipfile_which_names_the_file(tmp_path: Path) -> None:
    path = _zip(tmp_path / "day.zip", {ENTRY: ROWS}, compression=zipfile.ZIP_STORED)
    raw = bytearray(path.read_bytes())
    at = raw.index(b"14400000")
    raw[at] = ord("9")  # same length, other bytes: only the CRC tells
    path.write_bytes(bytes(raw))

    assert read_plain_zip(path) is None
    with pytest.raises(DataError, match="corrupt zip entry") as caught:
        read_entry(path, ENTRY)
    assert caught.value.path == path


def test_a_truncated_file_is_not_read_from_its_bytes(tmp_path: Path) -> None:
    path = _zip(tmp_path / "day.zip", {ENTRY: ROWS})
    path.write_bytes(path.read_bytes()[:-30])

    assert read_plain_zip(path) is None
    with pytest.raises(DataError, match="not a readable zip file"):
        read_entry(path, ENTRY)


def test_a_missing_file_is_missing_data(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError):
        read_entry(tmp_path / "absent.zip", ENTRY)


def test_a_broken_deflate_stream_is_left_to_zipfile_which_names_the_file(tmp_path: Path) -> None:
    path = _zip(tmp_path / "day.zip", {ENTRY: ROWS})
    raw = bytearray(path.read_bytes())
    start = 30 + len(ENTRY)  # the local header and the name come before the entry's data
    raw[start] = 0xFF  # a deflate block type that does not exist: the inflate fails
    path.write_bytes(bytes(raw))

    assert read_plain_zip(path) is None
    with pytest.raises(DataError) as caught:
        read_entry(path, ENTRY)
    assert caught.value.path == path
