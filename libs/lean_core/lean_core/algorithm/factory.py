"""Load the user's algorithm class from a file, a dotted module or source text, as LEAN's Python loader does.

The class is `type_name` when given, else the one subclass of the QCAlgorithm base that the module itself
defines (imported classes do not count, and a parent class in the same module yields to its child). The base
is passed in rather than imported, so this module stays below `qc_algorithm` in the import graph.

A file is imported under a fresh module name, so two algorithms both called `main.py` never share a module,
with its folder at the front of `sys.path` while it imports, so `from helpers import X` finds a sibling file
as in LEAN; the folder leaves `sys.path` afterwards so one run does not leak into the next. Every failure is
an `AlgorithmLoadError` naming the file and, where known, the line.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import itertools
import linecache
import logging
import os
import re
import sys
import traceback
import types
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NamedTuple, TypeVar

from lean_core.errors import LeanError
from lean_core.namespaces import subclasses_in

__all__ = ["SOURCE_FILENAME", "AlgorithmLoadError", "load_algorithm_class", "validate_algorithm_class"]

logger = logging.getLogger(__name__)

SOURCE_FILENAME = "<algorithm>"
"""The file name tracebacks show for an algorithm given as source text."""

AlgorithmT = TypeVar("AlgorithmT")

_module_numbers = itertools.count(1)
_NOT_IDENTIFIER = re.compile(r"\W")


class AlgorithmLoadError(LeanError):
    """The algorithm cannot be imported, or holds no usable QCAlgorithm subclass."""

    def __init__(
        self,
        reason: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        module: str | None = None,
        missing_module: str | None = None,
    ):
        self.reason = reason
        self.path = Path(path) if path is not None else None
        self.line = line
        self.module = module
        self.missing_module = missing_module
        if self.path is not None:
            where = str(self.path)
        elif module is not None:
            where = f"module {module}"
        else:
            where = "algorithm"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {reason}")


class _Origin(NamedTuple):
    """Where the algorithm comes from, as the user named it."""

    path: Path | None
    module: str | None = None
    stem: str | None = None
    """The name lean-cli writes as algorithm-type-name for a Python project (`main` for main.py)."""


def load_algorithm_class(
    *,
    path: Path | str | None = None,
    module: str | None = None,
    source: str | None = None,
    source_name: str = SOURCE_FILENAME,
    type_name: str | None = None,
    base: type[AlgorithmT],
) -> type[AlgorithmT]:
    """Import the algorithm from exactly one of `path`, `module` or `source` and return its class.

    `source_name` is what errors and tracebacks call a `source` (the file it was read from, when a
    service got it over the bus).

    Raise `AlgorithmLoadError` when it cannot be imported, when `type_name` names no class, when the module
    defines no subclass of `base` or several, or when the class does not define `initialize`.
    """
    if sum(given is not None for given in (path, module, source)) != 1:
        raise ValueError("give exactly one of path, module or source")
    if path is not None:
        loaded, origin = _import_file(Path(path))
    elif module is not None:
        loaded, origin = _import_dotted(module)
    else:
        assert source is not None
        loaded, origin = _import_source(source, source_name)
    return validate_algorithm_class(_find_class(loaded, origin, type_name, base), base)


def validate_algorithm_class(cls: object, base: type[AlgorithmT]) -> type[AlgorithmT]:
    """Return `cls` when it is a subclass of `base` that defines its own `initialize`, else raise."""
    if not isinstance(cls, type):
        raise AlgorithmLoadError(f"{cls!r} is not a class")
    if cls is base or not issubclass(cls, base):
        path, line = _class_location(cls)
        raise AlgorithmLoadError(
            f"class {cls.__name__} does not derive from {base.__name__}", path=path, line=line
        )
    defining = next((owner for owner in cls.__mro__ if "initialize" in vars(owner)), None)
    if defining is None or defining in base.__mro__:
        path, line = _class_location(cls)
        reason = f"class {cls.__name__} does not define initialize()"
        if hasattr(cls, "Initialize"):
            # LEAN also accepts the C#-style name; leanbus calls the snake_case one only.
            reason += "; rename Initialize to initialize"
        raise AlgorithmLoadError(reason, path=path, line=line)
    if not callable(vars(defining)["initialize"]):
        path, line = _class_location(cls)
        raise AlgorithmLoadError(f"{cls.__name__}.initialize is not a method", path=path, line=line)
    return cls


def _import_file(path: Path) -> tuple[types.ModuleType, _Origin]:
    origin = _Origin(path, stem=path.stem)
    if not path.is_file():
        raise AlgorithmLoadError("algorithm file not found", path=path)
    name = _fresh_module_name(path.stem)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise AlgorithmLoadError("not a Python source file", path=path)
    module = importlib.util.module_from_spec(spec)
    logger.debug("importing algorithm %s as module %s", path, name)
    with _sibling_imports(path.parent), _registered(module), _reported(origin):
        # A file written moments ago may be missing from the import system's cached folder listings.
        importlib.invalidate_caches()
        spec.loader.exec_module(module)
    return module, origin


def _import_dotted(name: str) -> tuple[types.ModuleType, _Origin]:
    with _reported(_Origin(None, module=name)):
        spec = importlib.util.find_spec(name)
    if spec is None:
        raise AlgorithmLoadError("no such module", module=name, missing_module=name)
    path = Path(spec.origin) if spec.origin and spec.has_location else None
    origin = _Origin(path, module=name, stem=name.rpartition(".")[2])
    with _reported(origin):
        return importlib.import_module(name), origin


def _import_source(source: str, name: str) -> tuple[types.ModuleType, _Origin]:
    origin = _Origin(Path(name), stem=Path(name).stem)
    module = types.ModuleType(_fresh_module_name("source"))
    module.__file__ = name
    # Registered so tracebacks and inspect show the algorithm's lines; no mtime, so checkcache keeps it.
    linecache.cache[name] = (len(source), None, source.splitlines(keepends=True), name)
    with _registered(module), _reported(origin):
        code = compile(source, name, "exec")
        exec(code, vars(module))
    return module, origin


def _find_class(module: types.ModuleType, origin: _Origin, type_name: str | None, base: type) -> object:
    classes: list[type] = subclasses_in(vars(module).values(), base)
    defined = [value for value in classes if value.__module__ == module.__name__]
    if type_name:
        chosen = getattr(module, type_name, None)
        if chosen is not None:
            return chosen
        if type_name != origin.stem:
            found = ", ".join(cls.__name__ for cls in defined) or "none"
            reason = (
                f"no class named {type_name!r} (algorithm-type-name); {base.__name__} subclasses: {found}"
            )
            raise AlgorithmLoadError(reason, path=origin.path, module=origin.module)
        # lean-cli writes the file's stem as the type name of a Python project, and LEAN ignores it.
        logger.debug("algorithm-type-name %r is the file name; looking for the class instead", type_name)
    # A parent class shared by siblings in the same file is scaffolding, not the algorithm.
    leaves = [
        cls for cls in defined if not any(other is not cls and issubclass(other, cls) for other in defined)
    ]
    if not leaves:
        reason = f"no class derives from {base.__name__} in this file"
        raise AlgorithmLoadError(reason, path=origin.path, module=origin.module)
    if len(leaves) > 1:
        names = ", ".join(cls.__name__ for cls in leaves)
        reason = (
            f"several classes derive from {base.__name__}: {names}; set algorithm-type-name to choose one"
        )
        raise AlgorithmLoadError(reason, path=origin.path, module=origin.module)
    return leaves[0]


@contextmanager
def _reported(origin: _Origin) -> Iterator[None]:
    """Turn any failure while importing into an `AlgorithmLoadError` that says where it happened."""
    try:
        yield
    except AlgorithmLoadError:
        raise
    except SyntaxError as error:
        path = error.filename or origin.path
        reason = f"syntax error: {error.msg}"
        raise AlgorithmLoadError(reason, path=path, line=error.lineno, module=origin.module) from error
    except ImportError as error:
        raise _import_failure(error, origin) from error
    except Exception as error:
        reason = f"{type(error).__name__} while importing: {error}"
        line = _line_in(error, origin.path)
        raise AlgorithmLoadError(reason, path=origin.path, line=line, module=origin.module) from error


def _import_failure(error: ImportError, origin: _Origin) -> AlgorithmLoadError:
    line = _line_in(error, origin.path)
    if isinstance(error, ModuleNotFoundError) and error.name:
        reason = f"cannot import module {error.name!r}: no such module"
        if error.name.partition(".")[0] == "AlgorithmImports":
            reason += " (leanbus provides AlgorithmImports: is leanbus installed in this Python?)"
        missing = error.name
    else:
        reason = f"import failed: {error}"
        missing = None
    return AlgorithmLoadError(
        reason, path=origin.path, line=line, module=origin.module, missing_module=missing
    )


def _line_in(error: BaseException, path: Path | None) -> int | None:
    """Return the line of the innermost traceback frame inside `path`, the user's own code."""
    if path is None:
        return None
    wanted = os.fspath(path)
    line = None
    for frame, number in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename == wanted:
            line = number
    return line


def _class_location(cls: type) -> tuple[Path | None, int | None]:
    try:
        return Path(inspect.getfile(cls)), inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        module = sys.modules.get(cls.__module__)
        file = getattr(module, "__file__", None)
        return (Path(file) if file else None), None


def _fresh_module_name(stem: str) -> str:
    return f"leanbus_algorithm_{next(_module_numbers)}_{_NOT_IDENTIFIER.sub('_', stem)}"


@contextmanager
def _sibling_imports(folder: Path) -> Iterator[None]:
    entry = str(folder.resolve())
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        with suppress(ValueError):
            sys.path.remove(entry)


@contextmanager
def _registered(module: types.ModuleType) -> Iterator[None]:
    """Put `module` in `sys.modules` while it runs, as `import` does, and take it out again if it fails."""
    sys.modules[module.__name__] = module
    try:
        yield
    except BaseException:
        sys.modules.pop(module.__name__, None)
        raise
