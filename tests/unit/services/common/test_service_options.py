"""A service's options: the command line, then its environment variable, then config.json, then a default."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from lean_core.errors import ConfigurationError
from services.common.main import DEFAULT_NATS_URL, add_service_arguments, settle_options


def settled(argv: list[str], environ: dict[str, str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_service_arguments(parser)
    args = parser.parse_args(argv)
    settle_options(args, environ)
    return args


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.json"
    path.write_text(
        '{"nats-url": "nats://from-file:4222", "data-folder": "/file-data",'
        ' "results-folder": "/file-results", "log-level": "debug", "http-host": "0.0.0.0", "http-port": 9000}'
    )
    return path


class TestSettleOptions:
    def test_with_nothing_given_the_defaults_hold(self) -> None:
        args = settled([], {})

        assert (args.nats_url, args.data_folder, args.results_folder) == (
            DEFAULT_NATS_URL,
            Path("data"),
            Path("backtests"),
        )
        assert (args.log_level, args.http_host, args.http_port, args.service_id) == (
            "INFO",
            "127.0.0.1",
            8080,
            None,
        )

    def test_config_json_fills_what_the_environment_leaves_out(self, config_file: Path) -> None:
        args = settled(["--config", str(config_file)], {"NATS_URL": "nats://from-env:4222"})

        assert args.nats_url == "nats://from-env:4222"
        assert args.data_folder == Path("/file-data")
        assert args.results_folder == Path("/file-results")
        assert (args.log_level, args.http_host, args.http_port) == ("debug", "0.0.0.0", 9000)

    def test_leanbus_config_names_the_file_when_the_flag_does_not(self, config_file: Path) -> None:
        args = settled([], {"LEANBUS_CONFIG": str(config_file), "LEANBUS_HTTP_PORT": "8181"})

        assert args.http_port == 8181
        assert args.data_folder == Path("/file-data")

    def test_a_flag_wins_over_the_environment_and_the_file(self, config_file: Path) -> None:
        args = settled(
            ["--config", str(config_file), "--data-folder", "/flag-data", "--http-port", "0"],
            {"LEAN_DATA_FOLDER": "/env-data", "LEANBUS_HTTP_PORT": "8181"},
        )

        assert args.data_folder == Path("/flag-data")
        assert args.http_port == 0

    def test_an_empty_variable_counts_as_unset(self, config_file: Path) -> None:
        args = settled(["--config", str(config_file)], {"LEANBUS_HTTP_HOST": ""})

        assert args.http_host == "0.0.0.0"

    def test_a_bad_variable_is_an_error_naming_it(self) -> None:
        with pytest.raises(ConfigurationError, match="environment variable LEANBUS_HTTP_PORT"):
            settled([], {"LEANBUS_HTTP_PORT": "http"})

    def test_a_bad_config_file_is_an_error_naming_its_key(self, tmp_path: Path) -> None:
        path = tmp_path / "config.json"
        path.write_text('{"http-port": "eighty"}')

        with pytest.raises(ConfigurationError, match="http-port"):
            settled(["--config", str(path)], {})
