"""The public functions of kpcompare, enumerated once for the tests that must cover every one of them
(tests/fuzz: a valid call per function; tests/test_conventions.py keeps its own narrower list).

``public_functions()`` maps each public function object to its public names: ``kpcompare.x`` for the
re-exported API (``kpcompare._EXPORTS``) and ``kpcompare.<module>.x`` for the ``__all__`` of the public
modules in :data:`MODULES`.  Classes (``ConditionSet``) and constants are not functions and are not listed.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import kpcompare

#: public modules whose ``__all__`` functions are public API beside kpcompare's own exports
MODULES = ("costs", "profiles", "concentration", "plots", "figures", "refdata", "conditions")


def public_functions() -> dict[Any, list[str]]:
    """Every public function -> its public names, ``kpcompare.x`` first where it is re-exported."""
    found: dict[Any, list[str]] = {}
    entries = [(kpcompare, "kpcompare", name) for name in kpcompare._EXPORTS]
    for mod_name in MODULES:
        mod = importlib.import_module(f"kpcompare.{mod_name}")
        entries += [(mod, f"kpcompare.{mod_name}", name) for name in getattr(mod, "__all__", [])]
    for mod, prefix, name in entries:
        obj = getattr(mod, name)
        if inspect.isfunction(obj):
            found.setdefault(obj, []).append(f"{prefix}.{name}")
    return found
