"""The launcher configuration: LEAN's keys, three sources in order, and errors that say where to look."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from lean_core.config import (
    LauncherConfig,
    LauncherConfigError,
    ServiceConfig,
    environment_variable,
    load_config,
    load_service_config,
)
from lean_core.errors import ConfigurationError, LeanError

# The keys of LEAN's Launcher/config.json (a sample of each kind) with values of our own, laid out as LEAN
# lays the file out: comments, nested environments, brokerage settings and numeric parameters.
LEAN_STYLE_CONFIG = """{
  // which environment below applies
  "environment": "backtesting",
  "algorithm-type-name": "BasicTemplateAlgorithm",
  "algorithm-language": "Python",
  "algorithm-location": "algorithms/basic_template.py",
  "data-folder": "lean-data/",
  /* debugging is LEAN's business */
  "debugging": false,
  "debugging-method": "LocalCmdline",
  "log-handler": "Handler",
  "messaging-handler": "Handler",
  "job-queue-handler": "Handler",
  "api-handler": "Handler",
  "map-file-provider": "Provider",
  "factor-file-provider": "Provider",
  "data-provider": "Provider",
  "object-store": "Store",
  "symbol-minute-limit": 5,
  "show-missing-data-logs": false,
  "maximum-data-points-per-chart-series": 4000,
  "maximum-chart-series": 10,
  "force-exchange-always-open": false,
  "job-user-id": "0",
  "api-access-token": "",
  "live-holdings": "[]",
  "ib-account": "",
  "binance-api-url": "https://example.invalid",
  "iqfeed-productName": "",
  "parameters": {
    "ema-fast": 10,
    "ema-slow": "20",
  },
  "python-additional-paths": [],
  "environments": {
    "backtesting": {
      "live-mode": false,
      "setup-handler": "Handler",
      "history-provider": [ "Provider" ],
    },
  },
}
"""


def write_config(folder: Path, text: str) -> Path:
    path = folder / "config.json"
    path.write_text(text, encoding="utf-8")
    return path


def config_from_cli(**values: object) -> LauncherConfig:
    return load_config(None, {}, {"algorithm-location": "algo.py", **values})


def raised_by(file: Path | None, environ: dict[str, str], cli: dict[str, object]) -> LauncherConfigError:
    with pytest.raises(LauncherConfigError) as caught:
        load_config(file, environ, cli)
    return caught.value


class TestLeanConfigFile:
    def test_lean_config_is_read_under_lean_keys(self, tmp_path: Path) -> None:
        config = load_config(write_config(tmp_path, LEAN_STYLE_CONFIG), {}, {})

        assert config.algorithm_location == Path("algorithms/basic_template.py")
        assert config.algorithm_type_name == "BasicTemplateAlgorithm"
        assert config.data_folder == Path("lean-data")
        assert config.maximum_data_points_per_chart_series == 4000
        assert config.maximum_chart_series == 10

    def test_lean_keys_leanbus_does_not_use_are_listed_in_one_notice(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        path = write_config(tmp_path, LEAN_STYLE_CONFIG)

        with caplog.at_level(logging.INFO, logger="lean_core.config"):
            load_config(path, {}, {})

        [notice] = [record.getMessage() for record in caplog.records]
        assert notice.startswith(f"{path}: ignoring 22 LEAN settings")
        for key in ("environment", "environments", "debugging", "ib-account", "iqfeed-productName"):
            assert key in notice

    def test_numeric_parameters_become_text_as_lean_reads_them(self, tmp_path: Path) -> None:
        text = '{"algorithm-location": "a.py", "parameters": {"n": 10, "r": 0.5, "w": 2.0, "on": true}}'

        config = load_config(write_config(tmp_path, text), {}, {})

        assert config.parameters == {"n": "10", "r": "0.5", "w": "2", "on": "True"}

    def test_comment_markers_inside_strings_are_kept(self, tmp_path: Path) -> None:
        text = '{"algorithm-location": "a.py", "backtest-name": "a // b /* c */, }"} // end'

        config = load_config(write_config(tmp_path, text), {}, {})

        assert config.backtest_name == "a // b /* c */, }"

    def test_malformed_json_names_the_file_and_line(self, tmp_path: Path) -> None:
        path = write_config(tmp_path, '{\n  // fine\n  "data-folder": "x"\n  "cash": 1\n}')

        error = raised_by(path, {}, {})

        assert error.source == str(path)
        assert error.line == 4
        assert str(error).startswith(f"{path}, line 4: ")

    def test_top_level_must_be_an_object(self, tmp_path: Path) -> None:
        path = write_config(tmp_path, "[]")

        assert str(raised_by(path, {}, {})) == f"{path}: expected a JSON object at the top level"

    def test_missing_file_is_an_error_naming_it(self, tmp_path: Path) -> None:
        path = tmp_path / "absent.json"

        error = raised_by(path, {}, {})

        assert str(error).startswith(f"{path}: cannot read the config file")


class TestPrecedence:
    def test_cli_beats_environment_beats_file(self, tmp_path: Path) -> None:
        path = write_config(
            tmp_path, '{"algorithm-location": "a.py", "data-folder": "file", "cash": 1, "log-level": "error"}'
        )
        environ = {"LEANBUS_DATA_FOLDER": "env", "LEANBUS_CASH": "2"}

        config = load_config(path, environ, {"data-folder": Path("cli")})

        assert config.data_folder == Path("cli")
        assert config.cash == Decimal(2)
        assert config.log_level == "error"

    def test_parameters_merge_by_name_across_sources(self, tmp_path: Path) -> None:
        path = write_config(tmp_path, '{"algorithm-location": "a.py", "parameters": {"a": "1", "b": "1"}}')
        environ = {"LEANBUS_PARAMETERS": '{"b": 2, "c": "2"}'}

        config = load_config(path, environ, {"parameters": {"c": "3"}})

        assert config.parameters == {"a": "1", "b": "2", "c": "3"}

    def test_a_good_override_repairs_a_bad_value_beneath_it(self, tmp_path: Path) -> None:
        path = write_config(tmp_path, '{"algorithm-location": "a.py", "start-date": "soon"}')

        config = load_config(path, {}, {"start-date": "20131007"})

        assert config.start_date == date(2013, 10, 7)

    def test_cli_none_means_not_given_and_underscores_read_as_dashes(self) -> None:
        environ = {"LEANBUS_BACKTEST_NAME": "from env"}

        config = load_config(None, environ, {"algorithm_location": "a.py", "backtest_name": None})

        assert config.backtest_name == "from env"


class TestEnvironment:
    @pytest.mark.parametrize(
        ("key", "variable"),
        [
            ("data-folder", "LEANBUS_DATA_FOLDER"),
            ("maximum-data-points-per-chart-series", "LEANBUS_MAXIMUM_DATA_POINTS_PER_CHART_SERIES"),
            ("nats-url", "LEANBUS_NATS_URL"),
        ],
    )
    def test_variable_name_is_the_key_upper_snake_with_prefix(self, key: str, variable: str) -> None:
        assert environment_variable(key) == variable

    def test_text_values_are_parsed_to_the_field_types(self) -> None:
        environ = {
            "LEANBUS_ALGORITHM_LOCATION": "a.py",
            "LEANBUS_CLOSE_AUTOMATICALLY": "false",
            "LEANBUS_MAXIMUM_CHART_SERIES": "5",
            "LEANBUS_START_DATE": "2013-10-07",
            "LEANBUS_NATS_URL": "nats://127.0.0.1:4222",
            "LEANBUS_READ_AHEAD_WORKERS": "0",
            "LEANBUS_DATA_CACHE_FOLDER": "/var/cache/leanbus",
        }

        config = load_config(None, environ, {})

        assert config.close_automatically is False
        assert config.maximum_chart_series == 5
        assert config.read_ahead_workers == 0
        assert config.data_cache_folder == Path("/var/cache/leanbus")
        assert config.start_date == date(2013, 10, 7)
        assert config.nats_url == "nats://127.0.0.1:4222"

    def test_empty_variable_counts_as_unset(self) -> None:
        config = load_config(None, {"LEANBUS_NATS_URL": ""}, {"algorithm-location": "a.py"})

        assert config.nats_url is None

    def test_unknown_prefixed_variable_is_logged_and_skipped(self, caplog: pytest.LogCaptureFixture) -> None:
        environ = {"LEANBUS_DATA_FOLDR": "x", "PATH": "/bin", "LEAN_DATA_FOLDER": "/data"}

        with caplog.at_level(logging.WARNING, logger="lean_core.config"):
            config = load_config(None, environ, {"algorithm-location": "a.py"})

        assert config.data_folder == Path("data")
        [warning] = [record.getMessage() for record in caplog.records]
        assert "LEANBUS_DATA_FOLDR" in warning
        assert "did you mean 'data-folder'?" in warning


class TestValues:
    def test_defaults(self) -> None:
        config = config_from_cli()

        assert config.algorithm_language == "Python"
        assert config.data_folder == Path("data")
        assert config.results_destination_folder is None
        assert config.parameters == {}
        assert (config.start_date, config.end_date, config.cash, config.nats_url) == (None, None, None, None)
        assert config.log_level == "info"
        assert config.maximum_data_points_per_chart_series == 1_000_000
        assert config.maximum_chart_series == 30

    @pytest.mark.parametrize("given", ["20131007", "2013-10-07", date(2013, 10, 7), " 20131007 "])
    def test_dates_read_as_yyyymmdd_or_iso(self, given: object) -> None:
        assert config_from_cli(start_date=given).start_date == date(2013, 10, 7)

    @pytest.mark.parametrize(
        ("given", "expected"), [("100000", Decimal(100000)), (2500.5, Decimal("2500.5"))]
    )
    def test_cash_is_decimal(self, given: object, expected: Decimal) -> None:
        assert config_from_cli(cash=given).cash == expected

    def test_language_and_log_level_ignore_case(self) -> None:
        config = config_from_cli(algorithm_language="python", log_level="DEBUG")

        assert (config.algorithm_language, config.log_level) == ("Python", "debug")

    def test_config_encodes_back_to_lean_keys(self) -> None:
        encoded = msgspec.to_builtins(config_from_cli(cash=5), enc_hook=str)

        assert encoded["algorithm-location"] == "algo.py"
        assert encoded["maximum-chart-series"] == 30


class TestErrors:
    def test_unknown_key_in_file_is_rejected_with_a_suggestion(self, tmp_path: Path) -> None:
        path = write_config(tmp_path, '{"algorithm-location": "a.py", "data-foldr": "x"}')

        error = raised_by(path, {}, {})

        assert (error.source, error.key) == (str(path), "data-foldr")
        assert str(error) == (
            f"{path}: key 'data-foldr': unknown setting: neither a leanbus nor a LEAN key "
            "(did you mean 'data-folder'?)"
        )

    def test_unknown_key_on_the_command_line_is_rejected(self) -> None:
        error = raised_by(None, {}, {"algorithm-location": "a.py", "speed": 3})

        assert str(error).startswith("command line: key 'speed': unknown setting")

    def test_bad_date_in_file_names_file_key_and_value(self, tmp_path: Path) -> None:
        path = write_config(tmp_path, '{"algorithm-location": "a.py", "start-date": "2013-13-01"}')

        error = raised_by(path, {}, {})

        assert str(error) == f"{path}: key 'start-date': expected yyyyMMdd or yyyy-MM-dd, got '2013-13-01'"

    @pytest.mark.parametrize("cache", ["data", "data/parsed", "./data/x/../parsed"])
    def test_a_data_cache_in_the_data_folder_is_refused(self, cache: str) -> None:
        cli = {"algorithm-location": "a.py", "data-cache-folder": cache}

        error = raised_by(None, {"LEANBUS_DATA_FOLDER": "data"}, cli)

        assert str(error).startswith("command line: key 'data-cache-folder': ")
        assert "inside the data folder data" in str(error)

    def test_a_data_cache_beside_the_data_folder_is_taken(self) -> None:
        cli = {"algorithm-location": "a.py", "data-folder": "data", "data-cache-folder": "data-parsed"}

        assert load_config(None, {}, cli).data_cache_folder == Path("data-parsed")

    def test_bad_environment_value_names_the_variable(self) -> None:
        error = raised_by(None, {"LEANBUS_CASH": "lots"}, {"algorithm-location": "a.py"})

        assert str(error) == "environment variable LEANBUS_CASH: key 'cash': expected an amount, got 'lots'"

    @pytest.mark.parametrize(
        ("key", "value", "reason"),
        [
            ("cash", "-5", "expected a finite amount >= 0, got '-5'"),
            ("cash", "NaN", "expected a finite amount >= 0, got 'NaN'"),
            ("maximum-chart-series", 0, "expected int >= 1, got 0"),
            ("read-ahead-workers", -1, "expected int >= 0, got -1"),
            ("maximum-data-points-per-chart-series", "many", "expected int, got str"),
            ("nats-url", "localhost:4222", "expected str matching regex"),
            ("log-level", "loud", "expected one of debug, info, warning, error, got 'loud'"),
            ("algorithm-language", "CSharp", "leanbus runs Python algorithms only, got 'CSharp'"),
            ("algorithm-location", "QuantConnect.Algorithm.CSharp.dll", "expected a Python file (.py)"),
            ("close-automatically", "maybe", "expected bool, got str"),
            ("parameters", "[1]", "expected an object of name to value, got [1]"),
            ("parameters", "{", "expected a JSON object of name to value"),
            ("parameters", {"a": [1]}, "parameter 'a': expected text or a number, got [1]"),
            ("algorithm-type-name", "", "expected str of length >= 1"),
        ],
    )
    def test_invalid_value_names_source_and_key(self, key: str, value: object, reason: str) -> None:
        error = raised_by(None, {}, {"algorithm-location": "a.py", key: value})

        assert (error.source, error.key) == ("command line", key)
        assert str(error).startswith(f"command line: key {key!r}: {reason}")

    def test_end_before_start_names_the_end_date(self) -> None:
        error = raised_by(
            None, {"LEANBUS_END_DATE": "20131001"}, {"algorithm-location": "a.py", "start-date": "20131007"}
        )

        assert str(error) == (
            "environment variable LEANBUS_END_DATE: key 'end-date': "
            "end date 2013-10-01 is before start date 2013-10-07"
        )

    def test_missing_algorithm_location_says_where_to_set_it(self) -> None:
        error = raised_by(None, {}, {})

        assert error.key == "algorithm-location"
        assert "LEANBUS_ALGORITHM_LOCATION" in str(error)

    def test_error_belongs_to_the_lean_error_family(self) -> None:
        error = raised_by(None, {}, {})

        assert isinstance(error, ConfigurationError)
        assert isinstance(error, LeanError)


# What a deployment mounts for the services (deploy/k8s/base/config.json has this shape), with a launcher key
# and a LEAN key beside them, as a config.json shared by `leanbus backtest --config` and the services has.
SERVICE_CONFIG = """{
  // the services' own keys
  "nats-url": "nats://nats:4222",
  "data-folder": "/lean-data",
  "results-folder": "/results",
  "log-level": "WARNING",
  "http-host": "0.0.0.0",
  "http-port": 8080,
  "algorithm-location": "algo.py",
  "environment": "backtesting",
}
"""


class TestServiceConfig:
    def test_the_service_keys_are_read_and_the_launchers_and_leans_passed_over(self, tmp_path: Path) -> None:
        config = load_service_config(write_config(tmp_path, SERVICE_CONFIG))

        assert config == ServiceConfig(
            nats_url="nats://nats:4222",
            data_folder=Path("/lean-data"),
            results_folder=Path("/results"),
            log_level="warning",
            http_host="0.0.0.0",
            http_port=8080,
        )

    def test_keys_left_out_stay_unset(self, tmp_path: Path) -> None:
        config = load_service_config(write_config(tmp_path, '{"data-folder": "d"}'))

        assert config == ServiceConfig(data_folder=Path("d"))

    def test_the_launcher_passes_over_the_service_keys_of_a_shared_file(self, tmp_path: Path) -> None:
        config = load_config(write_config(tmp_path, SERVICE_CONFIG), {}, {})

        assert config.algorithm_location == Path("algo.py")
        assert config.data_folder == Path("/lean-data")
        assert config.nats_url == "nats://nats:4222"

    def test_an_unknown_key_names_the_file_and_the_key(self, tmp_path: Path) -> None:
        path = write_config(tmp_path, '{"results-folders": "/results"}')

        with pytest.raises(LauncherConfigError) as caught:
            load_service_config(path)

        assert caught.value.source == str(path)
        assert caught.value.key == "results-folders"
        assert "did you mean 'results-folder'?" in str(caught.value)

    @pytest.mark.parametrize(
        ("text", "key"),
        [('{"http-port": 70000}', "http-port"), ('{"nats-url": "localhost"}', "nats-url")],
    )
    def test_a_bad_value_names_its_key(self, tmp_path: Path, text: str, key: str) -> None:
        with pytest.raises(LauncherConfigError) as caught:
            load_service_config(write_config(tmp_path, text))

        assert caught.value.key == key
