"""Deprecation helpers: moved modules and renamed keywords keep working for one release.

Every public name that moves or is renamed keeps its old spelling until the release named in
:data:`REMOVAL`, with a :class:`DeprecationWarning` that names the new spelling.  The CHANGELOG's
"Migration" section lists them all.
"""

from __future__ import annotations

import functools
import importlib
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["REMOVAL", "warn_moved", "renamed_keywords", "moved_module_getattr"]

#: the release in which deprecated spellings are removed
REMOVAL = "0.3.0"


def warn_moved(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` (a module, function or keyword) is now ``new``."""
    warnings.warn(f"{old} is deprecated and will be removed in kpcompare {REMOVAL}; use {new} instead.",
                  DeprecationWarning, stacklevel=stacklevel)


def renamed_keywords(**renames: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: accept each old keyword (``old="new"``) with a ``DeprecationWarning``.

    Giving both the old and the new keyword is an error naming both.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        from .errors import InvalidArgumentError

                        raise InvalidArgumentError(
                            f"arguments {old!r} and {new!r}: {old!r} is the deprecated spelling of {new!r}; "
                            f"give {new!r} only.")
                    warn_moved(f"{func.__name__}({old}=...)", f"{func.__name__}({new}=...)")
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        wrapper.__deprecated_keywords__ = dict(renames)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def moved_module_getattr(old: str, new: str) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for a shim module ``old`` whose contents moved to ``new``.

    Usage in the shim::

        __getattr__ = moved_module_getattr(__name__, "kpcompare.engine.spells")
    """

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        module = importlib.import_module(new)
        try:
            value = getattr(module, name)
        except AttributeError:
            raise AttributeError(f"module {old!r} has no attribute {name!r} (it moved to {new!r})") from None
        warn_moved(f"{old}.{name}", f"{new}.{name}")
        return value

    return __getattr__
