"""The run settings `leanbus backtest --nats` sends: the launcher configuration, in the wire's words."""

from __future__ import annotations

from pathlib import Path

from lean_core.config import load_config
from services.launcher.remote_backtest import run_settings


def test_settings_carry_the_source_and_the_overrides_as_text(tmp_path: Path) -> None:
    algorithm = tmp_path / "my_algo.py"
    algorithm.write_text("from AlgorithmImports import *\n")
    cli = {
        "algorithm-location": algorithm,
        "start-date": "20131007",
        "end-date": "2013-10-11",
        "cash": "25000.50",
        "parameters": {"fast": "10"},
        "data-folder": "/srv/lean-data",
        "nats-url": "nats://127.0.0.1:4222",
    }
    config = load_config(None, {"LEANBUS_PARAMETERS": '{"slow": 30}'}, cli)

    settings = run_settings(config, data_folder_given=True)

    assert settings.algorithm_source == "from AlgorithmImports import *\n"
    assert settings.algorithm_file == "my_algo.py"
    assert (settings.start_date, settings.end_date, settings.cash) == ("20131007", "20131011", "25000.50")
    assert settings.parameters == {"slow": "30", "fast": "10"}
    assert settings.data_folder == "/srv/lean-data"
    assert settings.output_folder == "" and settings.algorithm_type_name == ""


def test_without_a_data_folder_flag_the_services_use_their_own(tmp_path: Path) -> None:
    algorithm = tmp_path / "my_algo.py"
    algorithm.write_text("")
    config = load_config(None, {}, {"algorithm-location": algorithm, "results-destination-folder": tmp_path})

    settings = run_settings(config, data_folder_given=False)

    assert settings.data_folder == "" and settings.start_date == "" and settings.cash == ""
    assert settings.output_folder == str(tmp_path)
