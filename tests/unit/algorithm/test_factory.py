"""Loading the user's algorithm class: which class is chosen, and errors that point at the file and line."""

from __future__ import annotations

import sys
import textwrap
import traceback
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from lean_core.algorithm.factory import (
    SOURCE_FILENAME,
    AlgorithmLoadError,
    load_algorithm_class,
    validate_algorithm_class,
)
from lean_core.errors import LeanError

FAKE_IMPORTS = "leanbus_test_fake_algorithm_imports"


class FakeQCAlgorithm:
    """Stands in for QCAlgorithm, which the factory takes as a parameter."""

    def initialize(self) -> None:
        """Do nothing: a user algorithm must override this."""


@pytest.fixture(autouse=True)
def fake_algorithm_imports(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Serve `from <FAKE_IMPORTS> import *` as AlgorithmImports would, then forget the modules loaded."""
    module = types.ModuleType(FAKE_IMPORTS)
    module.QCAlgorithm = FakeQCAlgorithm  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, FAKE_IMPORTS, module)
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith(("leanbus_algorithm_", "sibling_")):
            del sys.modules[name]


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def algorithm_file(folder: Path, body: str, name: str = "main.py") -> Path:
    return write(folder, name, f"from {FAKE_IMPORTS} import *\n\n" + textwrap.dedent(body).lstrip("\n"))


def load_error(**origin: object) -> AlgorithmLoadError:
    with pytest.raises(AlgorithmLoadError) as caught:
        load_algorithm_class(base=FakeQCAlgorithm, **origin)  # type: ignore[arg-type]
    return caught.value


SIMPLE = """
class BuyAndHold(QCAlgorithm):
    def initialize(self):
        self.cash = 100000
"""


class TestChoosingTheClass:
    def test_single_subclass_in_the_file_is_the_algorithm(self, tmp_path: Path) -> None:
        cls = load_algorithm_class(path=algorithm_file(tmp_path, SIMPLE), base=FakeQCAlgorithm)

        assert cls.__name__ == "BuyAndHold"
        assert issubclass(cls, FakeQCAlgorithm)

    def test_type_name_picks_one_of_several(self, tmp_path: Path) -> None:
        path = algorithm_file(tmp_path, SIMPLE + SIMPLE.replace("BuyAndHold", "Momentum"))

        cls = load_algorithm_class(path=path, type_name="Momentum", base=FakeQCAlgorithm)

        assert cls.__name__ == "Momentum"

    def test_parent_class_in_the_same_file_yields_to_its_child(self, tmp_path: Path) -> None:
        path = algorithm_file(
            tmp_path,
            """
            class Common(QCAlgorithm):
                def initialize(self):
                    pass

            class Child(Common):
                pass
            """,
        )

        assert load_algorithm_class(path=path, base=FakeQCAlgorithm).__name__ == "Child"

    def test_sibling_module_imports_while_loading_and_leaves_sys_path_as_it_was(self, tmp_path: Path) -> None:
        write(tmp_path, "sibling_helpers.py", "PERIOD = 14\n")
        path = algorithm_file(
            tmp_path,
            """
            from sibling_helpers import PERIOD

            class UsesHelper(QCAlgorithm):
                def initialize(self):
                    self.period = PERIOD
            """,
        )
        path_before = list(sys.path)

        cls = load_algorithm_class(path=path, base=FakeQCAlgorithm)

        assert sys.modules[cls.__module__].PERIOD == 14
        assert sys.path == path_before

    def test_class_imported_into_the_file_does_not_count(self, tmp_path: Path) -> None:
        algorithm_file(tmp_path, SIMPLE, name="sibling_strategy.py")
        path = algorithm_file(tmp_path, "from sibling_strategy import BuyAndHold\n")

        error = load_error(path=path)

        assert str(error) == f"{path}: no class derives from FakeQCAlgorithm in this file"

    def test_two_files_with_one_name_load_as_different_modules(self, tmp_path: Path) -> None:
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        first = algorithm_file(tmp_path / "a", SIMPLE)
        second = algorithm_file(tmp_path / "b", SIMPLE)

        one = load_algorithm_class(path=first, base=FakeQCAlgorithm)
        two = load_algorithm_class(path=second, base=FakeQCAlgorithm)

        assert one is not two
        assert one.__module__ != two.__module__

    def test_type_name_equal_to_the_file_name_finds_the_class_as_lean_does(self, tmp_path: Path) -> None:
        # lean-cli writes "main" as algorithm-type-name for main.py.
        cls = load_algorithm_class(
            path=algorithm_file(tmp_path, SIMPLE), type_name="main", base=FakeQCAlgorithm
        )

        assert cls.__name__ == "BuyAndHold"

    def test_dotted_module_path(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        package = tmp_path / "sibling_package"
        package.mkdir()
        write(package, "__init__.py", "")
        algorithm_file(package, SIMPLE, name="strategy.py")
        monkeypatch.syspath_prepend(str(tmp_path))

        cls = load_algorithm_class(module="sibling_package.strategy", base=FakeQCAlgorithm)

        assert cls.__name__ == "BuyAndHold"

    def test_source_text(self) -> None:
        cls = load_algorithm_class(source=f"from {FAKE_IMPORTS} import *\n{SIMPLE}", base=FakeQCAlgorithm)

        assert cls.__name__ == "BuyAndHold"


class TestChoiceErrors:
    def test_no_subclass_names_the_file(self, tmp_path: Path) -> None:
        path = write(tmp_path, "main.py", "class NotAnAlgorithm:\n    pass\n")

        error = load_error(path=path)

        assert error.path == path
        assert str(error) == f"{path}: no class derives from FakeQCAlgorithm in this file"

    def test_several_subclasses_are_listed_with_the_key_to_choose(self, tmp_path: Path) -> None:
        path = algorithm_file(tmp_path, SIMPLE + SIMPLE.replace("BuyAndHold", "Momentum"))

        error = load_error(path=path)

        assert str(error) == (
            f"{path}: several classes derive from FakeQCAlgorithm: BuyAndHold, Momentum; "
            "set algorithm-type-name to choose one"
        )

    def test_unknown_type_name_lists_the_candidates(self, tmp_path: Path) -> None:
        path = algorithm_file(tmp_path, SIMPLE)

        error = load_error(path=path, type_name="Momentum")

        assert str(error) == (
            f"{path}: no class named 'Momentum' (algorithm-type-name); FakeQCAlgorithm subclasses: BuyAndHold"
        )

    def test_type_name_of_a_class_not_deriving_from_the_base(self, tmp_path: Path) -> None:
        path = write(tmp_path, "main.py", "class Plain:\n    def initialize(self):\n        pass\n")

        error = load_error(path=path, type_name="Plain")

        assert (error.path, error.line) == (path, 1)
        assert str(error) == f"{path}, line 1: class Plain does not derive from FakeQCAlgorithm"

    def test_class_without_initialize_names_its_line(self, tmp_path: Path) -> None:
        path = algorithm_file(
            tmp_path, "class Lazy(QCAlgorithm):\n    def on_data(self, data):\n        pass\n"
        )

        error = load_error(path=path)

        assert str(error) == f"{path}, line 3: class Lazy does not define initialize()"

    def test_pascal_case_initialize_gets_a_hint(self, tmp_path: Path) -> None:
        path = algorithm_file(tmp_path, "class Old(QCAlgorithm):\n    def Initialize(self):\n        pass\n")

        error = load_error(path=path)

        assert str(error).endswith("class Old does not define initialize(); rename Initialize to initialize")

    def test_initialize_that_is_not_a_method(self, tmp_path: Path) -> None:
        path = algorithm_file(tmp_path, "class Odd(QCAlgorithm):\n    initialize = 3\n")

        assert str(load_error(path=path)) == f"{path}, line 3: Odd.initialize is not a method"


class TestImportErrors:
    def test_missing_file(self, tmp_path: Path) -> None:
        path = tmp_path / "absent.py"

        assert str(load_error(path=path)) == f"{path}: algorithm file not found"

    def test_syntax_error_names_file_and_line(self, tmp_path: Path) -> None:
        path = algorithm_file(tmp_path, "class Broken(QCAlgorithm)\n    pass\n")

        error = load_error(path=path)

        assert (error.path, error.line) == (path, 3)
        assert str(error).startswith(f"{path}, line 3: syntax error: ")

    def test_syntax_error_in_a_sibling_names_the_sibling(self, tmp_path: Path) -> None:
        sibling = write(tmp_path, "sibling_broken.py", "x = (\n")
        path = algorithm_file(tmp_path, "import sibling_broken\n" + SIMPLE)

        error = load_error(path=path)

        assert (error.path, error.line) == (sibling, 1)

    def test_missing_module_is_named_with_the_importing_line(self, tmp_path: Path) -> None:
        path = algorithm_file(tmp_path, "import sibling_nowhere_to_be_found\n" + SIMPLE)

        error = load_error(path=path)

        assert error.missing_module == "sibling_nowhere_to_be_found"
        reason = "cannot import module 'sibling_nowhere_to_be_found': no such module"
        assert str(error) == f"{path}, line 3: {reason}"

    def test_missing_name_in_a_module(self, tmp_path: Path) -> None:
        write(tmp_path, "sibling_small.py", "A = 1\n")
        path = algorithm_file(tmp_path, "from sibling_small import B\n" + SIMPLE)

        error = load_error(path=path)

        assert error.missing_module is None
        assert str(error).startswith(f"{path}, line 3: import failed: cannot import name 'B'")

    def test_exception_while_importing_names_its_line(self, tmp_path: Path) -> None:
        path = algorithm_file(tmp_path, "LIMIT = 1 / 0\n" + SIMPLE)

        error = load_error(path=path)

        assert str(error) == f"{path}, line 3: ZeroDivisionError while importing: division by zero"
        assert isinstance(error.__cause__, ZeroDivisionError)

    def test_failed_module_is_not_left_in_sys_modules(self, tmp_path: Path) -> None:
        before = set(sys.modules)

        load_error(path=algorithm_file(tmp_path, "raise RuntimeError('no')\n"))

        assert not {name for name in set(sys.modules) - before if name.startswith("leanbus_algorithm_")}

    def test_missing_dotted_module(self) -> None:
        error = load_error(module="sibling_absent_package.strategy")

        assert error.missing_module == "sibling_absent_package"
        assert str(error).startswith("module sibling_absent_package.strategy: cannot import module")

    def test_syntax_error_in_source_text_names_the_pseudo_file(self) -> None:
        error = load_error(source="x = 1\ndef broken(:\n")

        assert (str(error.path), error.line) == (SOURCE_FILENAME, 2)

    def test_source_sent_over_the_bus_is_named_after_its_file(self) -> None:
        error = load_error(source="x = 1\ndef broken(:\n", source_name="my_strategy.py")

        assert (str(error.path), error.line) == ("my_strategy.py", 2)
        assert str(error).startswith("my_strategy.py, line 2: ")

    def test_traceback_from_source_text_shows_the_line(self) -> None:
        failing = "    def fail(self):\n        raise ValueError('boom')\n"
        source = f"from {FAKE_IMPORTS} import *\n{SIMPLE}{failing}"
        cls = load_algorithm_class(source=source, base=FakeQCAlgorithm)

        with pytest.raises(ValueError, match="boom") as caught:
            cls().fail()  # type: ignore[attr-defined]

        shown = "".join(traceback.format_tb(caught.value.__traceback__))
        assert SOURCE_FILENAME in shown
        assert "raise ValueError('boom')" in shown

    def test_exactly_one_origin_is_required(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="exactly one"):
            load_algorithm_class(path=tmp_path / "a.py", source="", base=FakeQCAlgorithm)

    def test_errors_belong_to_the_lean_error_family(self, tmp_path: Path) -> None:
        assert isinstance(load_error(path=tmp_path / "absent.py"), LeanError)


class TestValidate:
    def test_valid_class_is_returned(self) -> None:
        class Fine(FakeQCAlgorithm):
            def initialize(self) -> None:
                pass

        assert validate_algorithm_class(Fine, FakeQCAlgorithm) is Fine

    @pytest.mark.parametrize("candidate", [FakeQCAlgorithm, 42, object])
    def test_base_itself_or_non_subclass_is_rejected(self, candidate: object) -> None:
        with pytest.raises(AlgorithmLoadError):
            validate_algorithm_class(candidate, FakeQCAlgorithm)


class TestRealAlgorithmImports:
    def test_file_importing_algorithm_imports_loads(self, tmp_path: Path) -> None:
        algorithm_imports = pytest.importorskip("AlgorithmImports")
        path = write(
            tmp_path,
            "main.py",
            """
            from AlgorithmImports import *

            class BasicTemplate(QCAlgorithm):
                def initialize(self):
                    self.set_cash(100000)
            """,
        )

        cls = load_algorithm_class(path=path, base=algorithm_imports.QCAlgorithm)

        assert cls.__name__ == "BasicTemplate"
