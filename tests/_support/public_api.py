"""The public functions of kpcompare, enumerated once for the tests that must cover every one of them
(tests/fuzz: a valid call per function; tests/test_conventions.py with its narrower list of modules), and
the small two-system, two-cause stratum table both use for their sample calls (``sample_strata``).

``public_functions()`` maps each public function object to its public names: ``kpcompare.x`` for the
re-exported API (``kpcompare._EXPORTS``) and ``kpcompare.<module>.x`` for the ``__all__`` of the public
modules in :data:`MODULES`.  Classes (``ConditionSet``) and constants are not functions and are not listed.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pandas as pd

import kpcompare

#: public modules whose ``__all__`` functions are public API beside kpcompare's own exports
MODULES = ("costs", "profiles", "concentration", "plots", "figures", "refdata", "conditions", "disclosure")


def public_functions(modules: tuple[str, ...] = MODULES) -> dict[Any, list[str]]:
    """Every public function -> its public names, ``kpcompare.x`` first where it is re-exported."""
    found: dict[Any, list[str]] = {}
    entries = [(kpcompare, "kpcompare", name) for name in kpcompare._EXPORTS]
    for mod_name in modules:
        mod = importlib.import_module(f"kpcompare.{mod_name}")
        entries += [(mod, f"kpcompare.{mod_name}", name) for name in getattr(mod, "__all__", [])]
    for mod, prefix, name in entries:
        obj = getattr(mod, name)
        if inspect.isfunction(obj):
            found.setdefault(obj, []).append(f"{prefix}.{name}")
    return found


def sample_strata() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two systems x two age bands x two causes (admissions, bed days) and their populations."""
    rows = []
    for system, scale in (("A", 1.0), ("B", 1.5)):
        for band, adm in (("0-64", 30), ("65+", 80)):
            for cond, share in (("angina", 0.4), ("stroke", 0.6)):
                a = round(adm * scale * share)
                rows.append({"system": system, "age_band": band, "condition": cond, "admissions": a,
                             "bed_days": 4 * a + 3})
    pop = pd.DataFrame({"system": ["A", "A", "B", "B"], "age_band": ["0-64", "65+"] * 2,
                        "population": [10_000, 2_000, 12_000, 3_000]})
    return pd.DataFrame(rows), pop
