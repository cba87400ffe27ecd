"""The `leanbus` entry point: verbs load only their own modules, and every verb stays listed."""

from __future__ import annotations

import pytest

from services.launcher.cli import build_parser, main

VERBS = ("backtest", "data", "stack", "service", "watch", "schema")


def test_an_unknown_verb_is_refused_naming_every_verb(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["bogus"])

    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert all(verb in error for verb in VERBS), error


def test_no_verb_is_an_error_listing_the_verbs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([])

    error = capsys.readouterr().err
    assert all(verb in error for verb in VERBS), error


def test_a_parser_for_one_verb_knows_that_verb_only() -> None:
    parser = build_parser(["schema"])

    assert parser.parse_args(["schema"]).command == "schema"
    with pytest.raises(SystemExit):
        parser.parse_args(["backtest", "algo.py"])


def test_help_of_a_verb_is_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["backtest", "--help"])

    assert stopped.value.code == 0
    assert "--data-folder" in capsys.readouterr().out
