"""The launcher configuration: LEAN's `config.json` keys, read once from file, environment and command line.

Sources, lowest precedence first; a later source replaces a key's value, except `parameters`, which merge by
parameter name:

1. the config file, a LEAN `config.json`; ``//`` and ``/* */`` comments and trailing commas are allowed, as
   LEAN and lean-cli allow them;
2. the environment: ``LEANBUS_<KEY>``, where ``<KEY>`` is the config key upper-cased with dashes turned to
   underscores (``data-folder`` -> ``LEANBUS_DATA_FOLDER``). Values are text: numbers and booleans
   (``true``/``false``/``1``/``0``) are parsed, ``LEANBUS_PARAMETERS`` holds a JSON object, and an empty
   variable counts as unset. A ``LEANBUS_`` variable naming no key is logged and skipped, since other tools
   may share the prefix;
3. the command line, as a mapping of config keys (``data_folder`` is read as ``data-folder``) where ``None``
   means "not given".

`load_service_config` reads the same file format for a service process (`ServiceConfig`: its NATS server,
folders, log level and HTTP address); the launcher and the services pass over each other's keys, so one
config.json can serve both.

Keys LEAN knows but leanbus does not use (handlers, environments, brokerage credentials...) are accepted and
listed in one logged notice; any other key is an error naming it, so a typo never passes silently. Relative
paths stay relative to the working directory, as in LEAN. Nothing here reads `os.environ`: callers pass it.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from os import PathLike
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import msgspec

from lean_core.errors import ConfigurationError
from lean_core.jsonc import strip_comments

__all__ = [
    "ENVIRONMENT_PREFIX",
    "LEAN_KEYS",
    "LauncherConfig",
    "LauncherConfigError",
    "ServiceConfig",
    "environment_variable",
    "load_config",
    "load_service_config",
]

logger = logging.getLogger(__name__)

ENVIRONMENT_PREFIX = "LEANBUS_"

PositiveInt = Annotated[int, msgspec.Meta(ge=1)]
NonNegativeInt = Annotated[int, msgspec.Meta(ge=0)]
NonEmptyStr = Annotated[str, msgspec.Meta(min_length=1)]
NatsUrl = Annotated[str, msgspec.Meta(pattern=r"^(nats|tls|ws|wss)://\S+$")]
LogLevel = Literal["debug", "info", "warning", "error"]
Port = Annotated[int, msgspec.Meta(ge=0, le=65535)]


class LauncherConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, rename="kebab", kw_only=True):
    """Everything the launcher needs to run one backtest; field names are LEAN's keys in snake_case."""

    algorithm_location: Path
    """The algorithm's `.py` file."""
    algorithm_type_name: NonEmptyStr | None = None
    """The algorithm class; `None` picks the single QCAlgorithm subclass the file defines."""
    algorithm_language: Literal["Python"] = "Python"
    """Only Python: leanbus cannot run LEAN's C# algorithms."""
    data_folder: Path = Path("data")
    """The root of LEAN-format data (`equity/usa/minute/...`)."""
    results_destination_folder: Path | None = None
    """Where result files go; `None` lets the launcher choose (lean-cli: `backtests/<timestamp>`)."""
    algorithm_id: NonEmptyStr | None = None
    """Names the result files; `None` falls back to the class name, as LEAN does."""
    backtest_name: NonEmptyStr | None = None
    """A human name for the run."""
    parameters: dict[str, str] = {}
    """Values the algorithm reads with `get_parameter`."""
    close_automatically: bool = True
    """Kept for LEAN compatibility: leanbus never waits for a key press."""
    start_date: date | None = None
    """Overrides the algorithm's `set_start_date`."""
    end_date: date | None = None
    """Overrides the algorithm's `set_end_date`."""
    cash: Decimal | None = None
    """Overrides the algorithm's `set_cash` (account currency); never negative."""
    log_level: LogLevel = "info"
    """The launcher's logging threshold."""
    nats_url: NatsUrl | None = None
    """The NATS server for a distributed run; `None` runs every service on an in-process bus."""
    maximum_data_points_per_chart_series: PositiveInt = 1_000_000
    """LEAN's cap on points kept per chart series in backtests."""
    maximum_chart_series: PositiveInt = 30
    """LEAN's cap on series per chart."""
    read_ahead_workers: NonNegativeInt | None = None
    """Processes that read day files ahead of an in-process run (0: none; `None`: one on 2+ cores)."""
    data_cache_folder: Path | None = None
    """A folder keeping parsed day files between in-process runs (`None`: none). A rerun on the same
    data loads them instead of inflating and parsing the zips; they take about five times the zips'
    space, and a changed data file is parsed again. Never the data folder itself."""


class ServiceConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, rename="kebab", kw_only=True):
    """What a service process may read from a config.json; a key left out leaves the service's default."""

    nats_url: NatsUrl | None = None
    """The NATS server the service connects to."""
    data_folder: Path | None = None
    """The LEAN data folder runs read unless they name their own."""
    results_folder: Path | None = None
    """Where the result service writes each run's files, in a folder per run."""
    log_level: LogLevel | None = None
    """The service's logging threshold."""
    http_host: NonEmptyStr | None = None
    """The address of `/metrics`, `/healthz` and `/readyz` (0.0.0.0 in a container)."""
    http_port: Port | None = None
    """Their port (0: any free port)."""


class LauncherConfigError(ConfigurationError):
    """A setting is unknown, missing or invalid; `source` says where it came from (file, variable, flag)."""

    def __init__(self, reason: str, *, source: str, key: str = "", line: int | None = None):
        super().__init__(reason, key=key)
        self.source = source
        self.line = line
        where = source if line is None else f"{source}, line {line}"
        # The parent's message lacks the source, which is what a user needs to find the fault.
        self.args = (f"{where}: key {key!r}: {reason}" if key else f"{where}: {reason}",)


# Keys of LEAN's Launcher/config.json, its engine's Config.Get calls and lean-cli's generated configs; a word
# list because a formatted literal would run to a hundred and fifty lines.
LEAN_KEYS = frozenset(
    """
    environment environments debugging debugging-method composer-dll-directory python-venv
    python-additional-paths regression-test-languages log-handler messaging-handler job-queue-handler
    api-handler map-file-provider factor-file-provider data-provider data-channel-provider object-store
    data-aggregator symbol-minute-limit symbol-second-limit symbol-tick-limit seed-lookback-period
    seed-retry-minute-lookback-period seed-retry-hour-lookback-period seed-retry-daily-lookback-period
    ignore-unknown-asset-holdings show-missing-data-logs maximum-warmup-history-days-look-back
    minimum-transaction-threads maximum-transaction-threads force-exchange-always-open transaction-log
    reserved-words-prefix job-user-id api-access-token job-organization-id live-data-url live-data-port
    live-cash-balance live-holdings live-mode live-mode-brokerage setup-handler result-handler
    data-feed-handler real-time-handler history-provider transaction-handler data-queue-handler alpha-handler
    algorithm-creation-timeout algorithm-manager-time-loop-maximum api-url backtest-data-source-file
    brokerage-concurrent-message-handler-buffer-size cache-location clean-source-directory
    composite-data-providers constraints consumer-batching-timeout-ms data-channel data-downloader
    data-downloader-brokerage data-feed-max-work-weight data-feed-workers-count data-monitor
    data-permission-manager databases-refresh-period debug-mode desktop-http-port
    downloader-data-update-period downloader-thread-count estimate forward-console-messages
    fundamental-data-provider futures-lookback-years
    futures-remote-directory futures-source-directory holdings-changed-store-delay initialization-timeout
    lean-binaries-location lean-manager-type live-data-source-file map-file-provider-lookup-date
    maximum-concurrent-backtests mute-python-library-logging object-store-root optimization-criterion
    optimization-id optimization-launcher optimization-strategy optimization-update-interval
    optimizer-close-automatically options-lookback-years out-of-sample-days out-of-sample-max-end-date
    plugin-directory portfolio-margin-series-count processed-data-directory project-id job-project-id
    qb-data-hour regression-high-fidelity-logging report-css-override-file report-destination report-format
    report-html-custom-file resolutions scheduled-event-leaky-bucket-capacity
    scheduled-event-leaky-bucket-refill-amount scheduled-event-leaky-bucket-time-interval-minutes
    security-data-feeds storage-file-count storage-limit storage-limit-mb storage-permissions
    strategy-description strategy-name strategy-version streamed-chart-group-size streamed-chart-limit
    temp-output-directory version-id zip-data-cache-provider compute data-purchase-limit hostname node-name
    research-object-store-name self-ip-address
    """.split()  # noqa: SIM905
)

# Brokerage and data-vendor settings come in families; their members change with every LEAN release.
LEAN_KEY_PREFIXES = tuple(
    """
    ib- tradier- oanda- fxcm- iqfeed- coinbase- bitfinex- binance- binanceus- bybit- dydx- eze- kraken-
    wolverine- rbi- bloomberg-fix- tt- trade-station- alpaca- charles-schwab- webull- tastytrade- public-
    exante- nasdaq- tiingo- us-energy-information- iex- coinapi- polygon- zerodha- samco- ftx- ftxus-
    """.split()  # noqa: SIM905
)

_Fields = Mapping[str, msgspec.structs.FieldInfo]
_FIELDS: _Fields = {field.encode_name: field for field in msgspec.structs.fields(LauncherConfig)}
_SERVICE_FIELDS: _Fields = {field.encode_name: field for field in msgspec.structs.fields(ServiceConfig)}
# One config.json may serve the launcher and the services: each reads its own keys, passes over the other's.
_LEANBUS_KEYS = frozenset(_FIELDS) | frozenset(_SERVICE_FIELDS)
_DATE_FORMATS = ("%Y%m%d", "%Y-%m-%d")
_MALFORMED_AT_BYTE = re.compile(r"\(byte (\d+)\)")

_Layer = dict[str, tuple[object, str]]
"""Values by key, each with the label of the source it came from; parameters already as a dict of text."""


def environment_variable(key: str) -> str:
    """Return the environment variable that sets config `key` (`data-folder` -> `LEANBUS_DATA_FOLDER`)."""
    return ENVIRONMENT_PREFIX + key.upper().replace("-", "_")


def load_config(file: Path | None, environ: Mapping[str, str], cli: Mapping[str, object]) -> LauncherConfig:
    """Build the launcher configuration from a config file, the environment and the command line.

    The command line beats the environment, which beats the file; see the module docstring for the rules.
    Raise `LauncherConfigError` naming the source and key of the first bad setting.
    """
    layers = [
        _read_file(file, _FIELDS) if file is not None else {},
        _read_environment(environ),
        _read_cli(cli),
    ]
    merged: _Layer = {}
    for layer in layers:
        for key, (value, source) in layer.items():
            earlier = merged.get(key, (None, ""))[0]
            if isinstance(earlier, dict) and isinstance(value, dict):
                # Parameters merge: a flag or variable sets one parameter without dropping the file's others.
                merged[key] = ({**earlier, **value}, source)
            else:
                merged[key] = (value, source)
    # Only the winning values are checked, so a good override repairs a bad value beneath it.
    return _build(
        {key: (_convert(key, value, source, _FIELDS), source) for key, (value, source) in merged.items()}
    )


def load_service_config(file: Path) -> ServiceConfig:
    """Read a service's settings from a LEAN-style config.json.

    The launcher's keys and LEAN's are passed over, so one file can serve both; any other key is an error.
    The service's environment variables and flags win over the file (`services.common.main`).
    Raise `LauncherConfigError` naming the file and key of the first bad setting.
    """
    layer = _read_file(file, _SERVICE_FIELDS)
    values: dict[str, Any] = {
        _SERVICE_FIELDS[key].name: _convert(key, value, source, _SERVICE_FIELDS)
        for key, (value, source) in layer.items()
    }
    return ServiceConfig(**values)


def _build(merged: _Layer) -> LauncherConfig:
    if "algorithm-location" not in merged:
        reason = (
            "missing: give the algorithm's .py file in the config file, "
            f"{environment_variable('algorithm-location')} or on the command line"
        )
        raise LauncherConfigError(reason, source="launcher configuration", key="algorithm-location")
    start = merged.get("start-date", (None, ""))[0]
    end, end_source = merged.get("end-date", (None, ""))
    if isinstance(start, date) and isinstance(end, date) and end < start:
        reason = f"end date {end} is before start date {start}"
        raise LauncherConfigError(reason, source=end_source, key="end-date")
    # Every value already went through msgspec.convert against its field's type in _convert.
    values: dict[str, Any] = {_FIELDS[key].name: value for key, (value, _) in merged.items()}
    config = LauncherConfig(**values)
    _check_data_cache(config, merged.get("data-cache-folder", (None, ""))[1])
    return config


def _check_data_cache(config: LauncherConfig, source: str) -> None:
    """Refuse a data cache inside the data folder: that may be read-only, or shared with LEAN."""
    cache = config.data_cache_folder
    if cache is None:
        return
    data_folder, resolved = config.data_folder.resolve(), cache.resolve()
    if resolved == data_folder or data_folder in resolved.parents:
        reason = f"{cache} is inside the data folder {config.data_folder}: keep parsed files elsewhere"
        raise LauncherConfigError(reason, source=source, key="data-cache-folder")


def _read_file(path: Path, fields: _Fields) -> _Layer:
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LauncherConfigError(f"cannot read the config file ({error.strerror})", source=source) from error
    try:
        document = msgspec.json.decode(strip_comments(raw))
    except msgspec.DecodeError as error:
        found = _MALFORMED_AT_BYTE.search(str(error))
        line = raw.count(b"\n", 0, int(found.group(1))) + 1 if found else None
        raise LauncherConfigError(str(error), source=source, line=line) from error
    if not isinstance(document, dict):
        raise LauncherConfigError("expected a JSON object at the top level", source=source)
    return _read_layer(document, source, fields)


def _read_environment(environ: Mapping[str, str]) -> _Layer:
    layer: _Layer = {}
    for name, text in environ.items():
        if not name.startswith(ENVIRONMENT_PREFIX) or text == "":
            continue
        key = name.removeprefix(ENVIRONMENT_PREFIX).lower().replace("_", "-")
        if key not in _FIELDS:
            if key not in _SERVICE_FIELDS:  # the services' variables are theirs, not a typo
                logger.warning(
                    "ignoring environment variable %s: it names no leanbus setting%s",
                    name,
                    _hint(key, _FIELDS),
                )
            continue
        source = f"environment variable {name}"
        layer[key] = (_prepare_layer_value(key, text, source, _FIELDS), source)
    return layer


def _read_cli(cli: Mapping[str, object]) -> _Layer:
    given = {key.replace("_", "-"): value for key, value in cli.items() if value is not None}
    return _read_layer(given, "command line", _FIELDS)


def _read_layer(values: Mapping[str, Any], source: str, fields: _Fields) -> _Layer:
    layer: _Layer = {}
    ignored: list[str] = []
    for key, value in values.items():
        if key in fields:
            layer[key] = (_prepare_layer_value(key, value, source, fields), source)
        elif key in _LEANBUS_KEYS:
            continue  # the other reader's key (the launcher's or a service's): not a typo, not ours
        elif _is_lean_key(key):
            ignored.append(key)
        else:
            reason = f"unknown setting: neither a leanbus nor a LEAN key{_hint(key, fields)}"
            raise LauncherConfigError(reason, source=source, key=key)
    if ignored:
        logger.info(
            "%s: ignoring %d LEAN settings leanbus does not use: %s", source, len(ignored), ", ".join(ignored)
        )
    return layer


def _is_lean_key(key: str) -> bool:
    return key in LEAN_KEYS or key.startswith(LEAN_KEY_PREFIXES)


def _hint(key: str, fields: _Fields) -> str:
    close = difflib.get_close_matches(key, [*fields, *LEAN_KEYS], n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _prepare_layer_value(key: str, value: object, source: str, fields: _Fields) -> object:
    """Return `value` ready to merge: parameters become a dict of text now, as layers merge them by name."""
    return _convert(key, value, source, fields) if key == "parameters" else value


def _convert(key: str, value: object, source: str, fields: _Fields) -> object:
    """Return `value` as the type of field `key`, or raise an error naming the key and its source."""
    try:
        prepared = _PREPARE.get(key, _unchanged)(value)
        return msgspec.convert(prepared, fields[key].type, strict=False, dec_hook=_decode_path)
    except msgspec.ValidationError as error:
        raise LauncherConfigError(_describe(error, value), source=source, key=key) from None
    except ValueError as error:
        raise LauncherConfigError(str(error), source=source, key=key) from None


def _describe(error: msgspec.ValidationError, value: object) -> str:
    message = str(error).split(" - at `", 1)[0].replace("`", "")
    message = message[:1].lower() + message[1:]
    return message if "got" in message else f"{message}, got {value!r}"


def _decode_path(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, (str, PathLike)):
        return Path(value)
    raise NotImplementedError(f"cannot decode {kind!r}")


def _unchanged(value: object) -> object:
    return value


def _prepare_date(value: object) -> object:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"expected yyyyMMdd or yyyy-MM-dd, got {value!r}")


def _prepare_cash(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError(f"expected an amount, got {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"expected an amount, got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"expected a finite amount >= 0, got {value!r}")
    return amount


def _prepare_language(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() == "python":
        return "Python"
    raise ValueError(f"leanbus runs Python algorithms only, got {value!r}")


def _prepare_location(value: object) -> object:
    if isinstance(value, (str, PathLike)) and not str(value).lower().endswith(".py"):
        raise ValueError(f"expected a Python file (.py); leanbus cannot run {str(value)!r}")
    return value


def _prepare_log_level(value: object) -> object:
    level = value.strip().lower() if isinstance(value, str) else value
    if level not in get_args(LogLevel):
        raise ValueError(f"expected one of {', '.join(get_args(LogLevel))}, got {value!r}")
    return level


def _prepare_parameters(value: object) -> object:
    if isinstance(value, str):
        try:
            value = msgspec.json.decode(value)
        except msgspec.DecodeError as error:
            raise ValueError(f"expected a JSON object of name to value, got {value!r} ({error})") from None
    if not isinstance(value, Mapping):
        raise ValueError(f"expected an object of name to value, got {value!r}")
    return {str(name): _parameter_text(str(name), item) for name, item in value.items()}


def _parameter_text(name: str, value: object) -> str:
    """Return a parameter as LEAN's JSON reader turns it into a string (`10` -> "10", `true` -> "True")."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    raise ValueError(f"parameter {name!r}: expected text or a number, got {value!r}")


_PREPARE: dict[str, Callable[[object], object]] = {
    "start-date": _prepare_date,
    "end-date": _prepare_date,
    "cash": _prepare_cash,
    "algorithm-language": _prepare_language,
    "algorithm-location": _prepare_location,
    "log-level": _prepare_log_level,
    "parameters": _prepare_parameters,
}
