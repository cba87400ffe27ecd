"""`from AlgorithmImports import *`: the names a LEAN Python algorithm expects in scope.

LEAN's module of this name re-exports its whole API plus the usual scientific stack; this one
exports what leanbus implements, with the same names, so algorithm files run unmodified.
"""

from lean_core.algorithm.api import *  # noqa: F403
from lean_core.algorithm.api import __all__ as _api_names

__all__ = list(_api_names)
