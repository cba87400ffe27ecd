"""Build one role's handler for a run from the run's settings, as a service process does.

A service gets a run as a `RunSettings` message: the algorithm's source and the launcher's
overrides. Folders left empty in it are the service's own; a service keeps one `FrameCache` and
one set of databases for all the runs it serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from lean_core.algorithm.factory import load_algorithm_class
from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.algorithm.security_factory import SecurityFactory
from lean_core.bus import messages as m
from lean_core.data.custom_data import CustomDataTypes
from lean_core.data.readers import FrameCache
from lean_core.data.subscription import SubscriptionDataReader
from lean_core.engine.algorithm_handler import AlgorithmHandler
from lean_core.engine.data_feed import DEFAULT_BATCH_STEPS, DataFeedHandler
from lean_core.engine.ports import Notifier, Requester
from lean_core.engine.realtime_handler import RealtimeHandler
from lean_core.engine.result_handler import ResultHandler
from lean_core.engine.run_setup import RunOverrides
from lean_core.engine.topology import Role
from lean_core.engine.transaction_handler import TransactionHandler

__all__ = ["ServiceFolders", "build_algorithm_handler", "build_handler", "load_algorithm", "overrides_of"]


@dataclass(slots=True)
class ServiceFolders:
    """A service's own folders, and what it keeps across runs."""

    data_folder: Path
    results_folder: Path = Path("backtests")
    cache: FrameCache = field(default_factory=FrameCache)
    _factories: dict[Path, SecurityFactory] = field(default_factory=dict)

    def data_for(self, settings: m.RunSettings) -> Path:
        """Return the data folder of a run: its own if it names one, else the service's."""
        return Path(settings.data_folder) if settings.data_folder else self.data_folder

    def output_for(self, run_id: str, settings: m.RunSettings) -> Path:
        """Return where a run's result files go."""
        return Path(settings.output_folder) if settings.output_folder else self.results_folder / run_id

    def factory_for(self, data_folder: Path) -> SecurityFactory:
        """Return the security factory of a data folder (its databases are read once)."""
        factory = self._factories.get(data_folder)
        if factory is None:
            factory = self._factories[data_folder] = SecurityFactory(data_folder)
        return factory


def load_algorithm(settings: m.RunSettings) -> type[QCAlgorithm]:
    """Import the run's algorithm class from its source; `AlgorithmLoadError` names what is wrong."""
    return load_algorithm_class(
        source=settings.algorithm_source,
        source_name=settings.algorithm_file,
        type_name=settings.algorithm_type_name or None,
        base=QCAlgorithm,
    )


def overrides_of(settings: m.RunSettings) -> RunOverrides:
    """Return the launcher overrides a run's settings carry."""
    return RunOverrides(
        _day(settings.start_date),
        _day(settings.end_date),
        Decimal(settings.cash) if settings.cash else None,
        dict(settings.parameters),
    )


def build_handler(role: Role, run_id: str, settings: m.RunSettings, folders: ServiceFolders) -> object:
    """Return the handler of `role` (not the algorithm's: see `build_algorithm_handler`) for a run."""
    data_folder = folders.data_for(settings)
    if role is Role.DATA_FEED:
        # The feed needs the algorithm's custom data classes, which live in its source.
        custom_types = CustomDataTypes.beside(load_algorithm(settings))
        reader = SubscriptionDataReader(data_folder, cache=folders.cache)
        batch_steps = settings.batch_steps or DEFAULT_BATCH_STEPS
        return DataFeedHandler(reader, run_id, batch_steps=batch_steps, custom_types=custom_types)
    if role is Role.TRANSACTION:
        return TransactionHandler(folders.factory_for(data_folder), run_id)
    if role is Role.REALTIME:
        return RealtimeHandler(folders.factory_for(data_folder).market_hours, run_id)
    if role is Role.RESULT:
        return ResultHandler(
            run_id,
            data_folder=data_folder,
            output_folder=folders.output_for(run_id, settings),
            algorithm_id=settings.algorithm_id or None,
            name=settings.name or None,
        )
    raise ValueError(f"build_algorithm_handler builds the {role} handler")


def build_algorithm_handler(
    run_id: str,
    settings: m.RunSettings,
    folders: ServiceFolders,
    requester: Requester,
    notifier: Notifier | None = None,
) -> AlgorithmHandler:
    """Return the algorithm handler of a run: the user's class instantiated, its requests on
    `requester` (and those it does not wait on, on `notifier`)."""
    algorithm = load_algorithm(settings)()
    factory = folders.factory_for(folders.data_for(settings))
    return AlgorithmHandler(algorithm, factory, run_id, requester, overrides_of(settings), notifier)


def _day(text: str) -> date | None:
    if not text:
        return None
    digits = text.replace("-", "")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
