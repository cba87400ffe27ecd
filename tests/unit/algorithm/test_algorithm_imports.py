"""`from AlgorithmImports import *` gives LEAN's names; pandas loads only when an algorithm uses `pd`."""

from __future__ import annotations

import subprocess
import sys
import textwrap


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
