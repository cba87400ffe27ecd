"""`from AlgorithmImports import *` gives LEAN's names; pandas loads only when an algorithm uses `pd`."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_pandas_is_not_imported_until_an_algorithm_touches_pd() -> None:
    output = _run(
        """
        import sys
        from AlgorithmImports import *
        import lean_core.engine.embedded
        before = "pandas.core.frame" in sys.modules
        frame = pd.DataFrame({"close": [1.0, 2.0]})
        print(before, "pandas.core.frame" in sys.modules, isinstance(frame, pd.DataFrame), frame.close.sum())
        """
    )
    assert output == "False True True 3.0"


def test_pd_is_the_pandas_module_once_used() -> None:
    output = _run(
        """
        from AlgorithmImports import *
        import pandas
        pd.Series([1])
        print(pd is pandas, pd.__name__, type(pd).__name__)
        """
    )
    assert output == "True pandas module"


def test_loading_an_algorithm_and_its_custom_data_types_leaves_pandas_unloaded(tmp_path: Path) -> None:
    algorithm = tmp_path / "algo.py"
    algorithm.write_text(
        "from AlgorithmImports import *\n\nclass Algo(QCAlgorithm):\n"
        "    def initialize(self):\n        pass\n"
    )
    output = _run(
        f"""
        import sys
        from lean_core.algorithm.factory import load_algorithm_class
        from lean_core.algorithm.qc_algorithm import QCAlgorithm
        from lean_core.data.custom_data import CustomDataTypes
        algorithm_class = load_algorithm_class(path={str(algorithm)!r}, base=QCAlgorithm)
        module = sys.modules[algorithm_class.__module__]
        CustomDataTypes.from_module(module)
        print(algorithm_class.__name__, "pd" in vars(module), "pandas.core.frame" in sys.modules)
        """
    )
    assert output == "Algo True False"
