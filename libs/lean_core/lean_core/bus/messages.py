"""Every message the five handlers exchange: frozen, tagged msgspec Structs.

Rules (see DESIGN.md): the tag is the class name, in LEAN's words where LEAN has one;
requests end in `Request`, facts are in the past tense. New fields go last with defaults and
wire types never forbid unknown fields, so an older reader skips what it does not know.
Bulk columns travel as `bytes` (little-endian numpy buffers) with their names beside them.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from lean_core.enums import (
    AccountType,
    DataNormalizationMode,
    OrderStatus,
    OrderType,
    Resolution,
    TickType,
    TimeInForce,
)
from lean_core.orders.events import OrderEvent
from lean_core.scheduling.schedule import ScheduledEvent

SCHEMA_VERSION = 1
ZERO = Decimal(0)


class Message(msgspec.Struct, frozen=True, tag=True, kw_only=True):
    """Fields every message carries."""

    run_id: str
    seq: int = 0
    ts_ns: int = 0
    schema_version: int = SCHEMA_VERSION


# --------------------------------------------------------------------------------------------
# Run set-up: what the algorithm asked for in initialize()
# --------------------------------------------------------------------------------------------
class SubscriptionSpec(msgspec.Struct, frozen=True, kw_only=True):
    """One data subscription; `index` is its position in the run's subscription list."""

    index: int
    symbol_id: str
    symbol_value: str
    resolution: Resolution
    tick_type: TickType = TickType.TRADE
    fill_forward: bool = True
    extended_market_hours: bool = False
    data_normalization_mode: DataNormalizationMode = DataNormalizationMode.ADJUSTED
    is_internal: bool = False
    custom_type: str = ""
    """The class name of a custom data subscription's `PythonData` type ("" for LEAN data)."""
    data_time_zone: str = ""
    """Custom data only: the zone its points are stamped in (other data takes the market-hours database's)."""
    exchange_time_zone: str = ""
    """Custom data only: the zone of its always-open exchange."""
    converts_currency: bool = False
    """An internal feed of a cash currency's conversion pair: read from the run's start, filled forward."""


class CustomSymbolProperties(msgspec.Struct, frozen=True, kw_only=True):
    """Contract properties an algorithm gave a custom data security (LEAN's `SymbolProperties`)."""

    description: str
    quote_currency: str
    contract_multiplier: Decimal
    minimum_price_variation: Decimal
    lot_size: Decimal
    market_ticker: str = ""
    minimum_order_size: Decimal | None = None


class CustomSecurity(msgspec.Struct, frozen=True, kw_only=True):
    """A custom data security's exchange, always open in `time_zone`, and its own properties if any."""

    type_name: str
    time_zone: str
    data_time_zone: str
    symbol_properties: CustomSymbolProperties | None = None
    underlying_id: str = ""
    """The security the data belongs to (`add_data(T, symbol)`), which the identifier does not name."""
    underlying_value: str = ""


class SecuritySpec(msgspec.Struct, frozen=True, kw_only=True):
    """A security the algorithm added, with the settings the transaction handler must share."""

    symbol_id: str
    symbol_value: str
    resolution: Resolution
    leverage: float
    data_normalization_mode: DataNormalizationMode = DataNormalizationMode.ADJUSTED
    is_internal: bool = False
    fee_model: str = ""
    fill_model: str = ""
    custom: CustomSecurity | None = None


class AlgorithmInitialized(Message, frozen=True, kw_only=True):
    """The algorithm finished initialize(): every handler sets itself up from this."""

    name: str
    start_ns: int
    end_ns: int
    warmup_start_ns: int
    time_zone: str
    account_currency: str
    starting_cash: Decimal
    account_type: AccountType
    brokerage: str
    trading_days_per_year: int
    subscriptions: list[SubscriptionSpec]
    securities: list[SecuritySpec]
    benchmark_symbol_id: str = ""
    benchmark_symbol_value: str = ""
    parameters: dict[str, str] = {}
    cash_book: dict[str, Decimal] = {}
    starting_portfolio_value: Decimal | None = None
    """The cash book's value in the account currency once the conversion rates were seeded."""


# --------------------------------------------------------------------------------------------
# Data feed
# --------------------------------------------------------------------------------------------
class FrameColumns(msgspec.Struct, frozen=True, kw_only=True):
    """One subscription's rows in a batch as packed numpy columns.

    `step_rows` maps each step of the batch to a row (-1 for none); for ticks it holds
    len(steps)+1 bounds, the rows of step i being [bounds[i], bounds[i+1]).
    `price_factors` gives normalised equities their exact decimal factor: (first row, factor)
    pairs, so that prices can be rebuilt as LEAN's decimals.
    """

    subscription: int
    kind: str
    length: int
    columns: dict[str, bytes]
    step_rows: bytes
    text_columns: dict[str, list[str]] = {}
    price_factors: list[tuple[int, str]] = []
    custom_type: str = ""
    """The class name of a custom data frame's type (kind "custom")."""
    object_columns: dict[str, bytes] = {}
    """Custom data values other than floats, one encoded list per column (`custom_frame.encode_objects`)."""


class DataBatchRequest(Message, frozen=True, kw_only=True):
    """Credit for `count` more batches: the feed never sends more than it was asked for."""

    count: int = 1


class DataBatch(Message, frozen=True, kw_only=True):
    """Consecutive time steps of every subscription; `times` are UTC nanoseconds (int64)."""

    index: int
    times: bytes
    frames: list[FrameColumns]
    data_points: int = 0


class DataFeedFinished(Message, frozen=True, kw_only=True):
    """The feed sent its last batch (or failed: then `error` says why)."""

    batches: int
    data_points: int
    error: str = ""


class HistoryRequest(Message, frozen=True, kw_only=True):
    """Bars of some subscriptions over a UTC time range, for `history()` and warm-up helpers."""

    subscriptions: list[SubscriptionSpec]
    start_ns: int
    end_ns: int


class HistoryReply(Message, frozen=True, kw_only=True):
    """The frames a `HistoryRequest` asked for, merged into one batch; `error` if it failed."""

    batch: DataBatch | None = None
    error: str = ""


# --------------------------------------------------------------------------------------------
# Realtime: the clock
# --------------------------------------------------------------------------------------------
class ClockEvent(msgspec.Struct, frozen=True, kw_only=True):
    """A scheduled event's firing at `utc_ns`."""

    event_id: int
    utc_ns: int


class ScheduleEventRequest(Message, frozen=True, kw_only=True):
    """Add (or replace) a scheduled event in the realtime handler's schedule, from `from_ns` on."""

    event: ScheduledEvent
    from_ns: int = 0


class RemoveScheduledEventRequest(Message, frozen=True, kw_only=True):
    """Drop a scheduled event."""

    event_id: int


class ScheduleAcknowledged(Message, frozen=True, kw_only=True):
    """The realtime handler took a schedule change."""

    event_id: int


class ClockEventsRequest(Message, frozen=True, kw_only=True):
    """Every event firing in (after_ns, until_ns], in time order."""

    after_ns: int
    until_ns: int


class ClockEventsReply(Message, frozen=True, kw_only=True):
    """The events of a `ClockEventsRequest`."""

    events: list[ClockEvent]


# --------------------------------------------------------------------------------------------
# Orders
# --------------------------------------------------------------------------------------------
class SubmitOrderRequest(Message, frozen=True, kw_only=True):
    """Submit an order at the algorithm's current time (`utc_ns`)."""

    utc_ns: int
    symbol_id: str
    symbol_value: str
    order_type: OrderType
    quantity: Decimal
    tag: str = ""
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    trigger_price: Decimal | None = None
    trailing_amount: Decimal | None = None
    trailing_as_percentage: bool = False
    time_in_force: TimeInForce = TimeInForce.GOOD_TIL_CANCELED
    conversion_rates: dict[str, Decimal] = {}
    """The algorithm's cash conversion rates at `utc_ns` (every currency but the account's)."""
    batch_index: int = -1
    """The data batch the algorithm was in (-1: none yet): the transaction handler waits for it."""


class UpdateOrderRequest(Message, frozen=True, kw_only=True):
    """Change an open order's quantity, prices or tag."""

    utc_ns: int
    order_id: int
    quantity: Decimal | None = None
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    trigger_price: Decimal | None = None
    trailing_amount: Decimal | None = None
    tag: str | None = None
    conversion_rates: dict[str, Decimal] = {}
    """The algorithm's cash conversion rates at `utc_ns` (every currency but the account's)."""
    batch_index: int = -1
    """The data batch the algorithm was in (-1: none yet): the transaction handler waits for it."""


class CancelOrderRequest(Message, frozen=True, kw_only=True):
    """Cancel an open order."""

    utc_ns: int
    order_id: int
    tag: str | None = None
    conversion_rates: dict[str, Decimal] = {}
    """The algorithm's cash conversion rates at `utc_ns` (every currency but the account's)."""
    batch_index: int = -1
    """The data batch the algorithm was in (-1: none yet): the transaction handler waits for it."""


class ScanOrdersRequest(Message, frozen=True, kw_only=True):
    """Let resting orders fill on the data up to `utc_ns` (one step of the algorithm)."""

    utc_ns: int
    conversion_rates: dict[str, Decimal] = {}
    """The algorithm's cash conversion rates at `utc_ns` (every currency but the account's)."""
    batch_index: int = -1
    """The data batch the algorithm was in (-1: none yet): the transaction handler waits for it."""
    expected_updates: list[OrderRecord] | None = None
    """Set when the algorithm does not wait for the reply: it already applied these triggered or
    trailed orders (`fill_preview`), and the scan must do exactly that, with no fill."""


class OrderReply(Message, frozen=True, kw_only=True):
    """The answer to an order request: the order id, LEAN's error code and the events it caused."""

    order_id: int = 0
    error_code: int = 0
    error_message: str = ""
    events: list[OrderEvent] = []
    order: OrderRecord | None = None
    orders: list[OrderRecord] = []
    #: Messages LEAN reports through `algorithm.error` without refusing the order (price rounding).
    warnings: list[str] = []


class OrderRecord(msgspec.Struct, frozen=True, kw_only=True):
    """An order's full state on the wire (for results and for replicas of the order book)."""

    id: int
    symbol_id: str
    symbol_value: str
    order_type: OrderType
    quantity: Decimal
    time_ns: int
    status: OrderStatus
    tag: str = ""
    price: Decimal = ZERO
    price_currency: str = "USD"
    time_in_force: TimeInForce = TimeInForce.GOOD_TIL_CANCELED
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    trigger_price: Decimal | None = None
    trailing_amount: Decimal | None = None
    trailing_as_percentage: bool = False
    stop_triggered: bool = False
    trigger_touched: bool = False
    contingent_id: int = 0
    broker_id: list[str] = []
    created_time_ns: int = 0
    last_fill_time_ns: int | None = None
    last_update_time_ns: int | None = None
    canceled_time_ns: int | None = None
    submission_bid: Decimal | None = None
    submission_ask: Decimal | None = None
    submission_last: Decimal | None = None
    price_adjustment_mode: DataNormalizationMode = DataNormalizationMode.ADJUSTED
    underlying_id: str = ""
    """A custom data symbol's underlying, which its identifier does not carry ("" for none)."""
    underlying_value: str = ""


class OrderEvents(Message, frozen=True, kw_only=True):
    """Order events as the transaction handler publishes them for every other consumer."""

    events: list[OrderEvent]


class OrdersFinished(Message, frozen=True, kw_only=True):
    """The transaction handler's final order book, sent once the algorithm finished."""

    orders: list[OrderRecord]
    order_events: int = -1
    """How many order events the run's orders had (-1: not said). Over a network they travel on
    their own stream and may come after this message: the result handler waits for them all."""


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
class DailySample(msgspec.Struct, frozen=True, kw_only=True):
    """A daily performance sample: LEAN's `Sample(time)`."""

    utc_ns: int
    total_portfolio_value: Decimal
    benchmark_value: Decimal
    total_sale_volume: Decimal


class TradeRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A closing fill's profit (LEAN's transaction record)."""

    utc_ns: int
    profit_loss: Decimal
    is_win: bool


class LogEntry(msgspec.Struct, frozen=True, kw_only=True):
    """A line the algorithm logged; level is debug, log or error."""

    utc_ns: int
    level: str
    text: str


class ChartPoint(msgspec.Struct, frozen=True, kw_only=True):
    """A user plot point."""

    chart: str
    series: str
    utc_ns: int
    value: float


class AlgorithmProgress(Message, frozen=True, kw_only=True):
    """What one batch of steps produced, for the result handler.

    `step_times` and `step_values` are packed int64 and float64: the time and total portfolio
    value after each step (for the equity chart).
    """

    step_times: bytes
    step_values: bytes
    daily_samples: list[DailySample] = []
    trades: list[TradeRecord] = []
    logs: list[LogEntry] = []
    charts: list[ChartPoint] = []
    data_points: int = 0
    warm_up_finished_value: Decimal | None = None


class AlgorithmFinished(Message, frozen=True, kw_only=True):
    """The algorithm ran its last step: completed, stopped or failed with `error`."""

    status: str
    start_equity: Decimal
    end_utc_ns: int
    final_sample: DailySample | None = None
    error: str = ""
    stack_trace: str = ""
    total_fees: Decimal = ZERO
    holdings_value: Decimal = ZERO
    unrealized: Decimal = ZERO
    net_profit: Decimal = ZERO
    estimated_capacity: Decimal = ZERO
    lowest_capacity_asset: str = ""


class ResultsWritten(Message, frozen=True, kw_only=True):
    """The result handler wrote the run's files and computed its statistics."""

    status: str
    statistics: dict[str, str]
    runtime_statistics: dict[str, str]
    files: list[str] = []
    error: str = ""


# --------------------------------------------------------------------------------------------
# Run control: how a run reaches the services (NATS), and how a service reports it cannot go on
# --------------------------------------------------------------------------------------------
class RunSettings(msgspec.Struct, frozen=True, kw_only=True):
    """What every service needs to take part in a run, besides the messages of the run itself.

    Empty folders mean the service's own (its configuration or `LEAN_DATA_FOLDER`).
    """

    algorithm_source: str
    algorithm_file: str = "main.py"
    algorithm_type_name: str = ""
    data_folder: str = ""
    output_folder: str = ""
    start_date: str = ""
    end_date: str = ""
    cash: str = ""
    parameters: dict[str, str] = {}
    batch_steps: int = 0
    algorithm_id: str = ""
    name: str = ""


class RunSubmitted(Message, frozen=True, kw_only=True):
    """A request to run a backtest (on `lean.control.runs`); one algorithm service takes it."""

    settings: RunSettings


class RunAccepted(Message, frozen=True, kw_only=True):
    """The algorithm service took the run (`error` empty) or refused it, and why."""

    service_id: str
    error: str = ""


class JoinRun(Message, frozen=True, kw_only=True):
    """The algorithm service asks one replica of a role to take part in a run."""

    role: str
    settings: RunSettings


class RunJoined(Message, frozen=True, kw_only=True):
    """A service replica subscribed to the run's subjects (or could not: `error`)."""

    role: str
    service_id: str
    error: str = ""


class ServiceFailed(Message, frozen=True, kw_only=True):
    """A service cannot go on with a run: the run ends as failed, naming the service."""

    role: str
    service_id: str
    error: str


class Heartbeat(Message, frozen=True, kw_only=True):
    """A service taking part in a run is alive (sent every `liveness.HEARTBEAT_INTERVAL` seconds)."""

    role: str
    service_id: str
