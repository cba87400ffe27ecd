"""Sequence numbers and chunks: what the NATS transport checks on every message it receives."""

from __future__ import annotations

import pytest

from services.common.nats_bus import (
    CHUNK_HEADER,
    SENDER_HEADER,
    SEQUENCE_HEADER,
    BusError,
    ChunkAssembler,
    SequenceCheck,
)


def _headers(sender: str, sequence: int, chunk: str | None = None) -> dict[str, str]:
    headers = {SENDER_HEADER: sender, SEQUENCE_HEADER: str(sequence)}
    if chunk is not None:
        headers[CHUNK_HEADER] = chunk
    return headers


def test_consecutive_messages_of_each_sender_pass() -> None:
    check = SequenceCheck()

    gaps = [check.gap("lean.r.slices", _headers(sender, n)) for n in (1, 2, 3) for sender in ("a", "b")]

    assert gaps == [""] * 6


def test_a_missing_message_is_named_as_a_gap() -> None:
    check = SequenceCheck()
    check.gap("lean.r.slices", _headers("feed", 1))

    gap = check.gap("lean.r.slices", _headers("feed", 3))

    assert gap == "lean.r.slices: message 3 from feed arrived after 1: messages were lost"
    assert check.gap("lean.r.slices", _headers("feed", 4)) == ""  # counting goes on from the newest


def test_subjects_are_counted_apart_and_unsequenced_messages_are_not_checked() -> None:
    check = SequenceCheck()

    assert check.gap("lean.r.slices", _headers("feed", 1)) == ""
    assert check.gap("lean.r.control", _headers("feed", 1)) == ""
    assert check.gap("lean.r.control", None) == ""
    assert "not a number" in check.gap("lean.r.control", {SEQUENCE_HEADER: "x"})


def test_chunks_in_order_make_the_message_back() -> None:
    assembler = ChunkAssembler()

    parts = [
        assembler.take("lean.r.slices", _headers("feed", 7, f"{index}/3"), data)
        for index, data in enumerate((b"ab", b"cd", b"e"), start=1)
    ]

    assert parts == [None, None, b"abcde"]
    assert assembler.take("lean.r.slices", _headers("feed", 8), b"whole") == b"whole"


def test_a_lost_chunk_is_an_error_and_the_next_message_starts_clean() -> None:
    assembler = ChunkAssembler()
    assembler.take("lean.r.slices", _headers("feed", 1, "1/3"), b"a")

    with pytest.raises(BusError, match="came out of turn"):
        assembler.take("lean.r.slices", _headers("feed", 1, "3/3"), b"c")
    assert assembler.take("lean.r.slices", _headers("feed", 2, "1/1"), b"z") == b"z"


def test_chunks_of_two_senders_interleave() -> None:
    assembler = ChunkAssembler()

    assert assembler.take("s", _headers("a", 1, "1/2"), b"a1") is None
    assert assembler.take("s", _headers("b", 1, "1/2"), b"b1") is None
    assert assembler.take("s", _headers("a", 1, "2/2"), b"a2") == b"a1a2"
    assert assembler.take("s", _headers("b", 1, "2/2"), b"b2") == b"b1b2"
