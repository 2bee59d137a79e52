"""Condition sets: named groups of ICD-10 / ICD-9-CM codes and a fast classifier of diagnosis codes.

>>> import kpcompare
>>> cs = kpcompare.ConditionSet.from_mapping({"stroke": ["I60-I64"], "copd": "J40-J44"})
>>> cs.classify(["I64.X", "J44.1", "K35.9", None]).tolist()
['stroke', 'copd', 'other', 'other']

Bundled sets (``kpcompare.condition_set("ham2003_leading_causes", coding="icd9cm")``) live
in ``data/conditions/`` with their sources in ``data/conditions/SOURCES.md``; users define
their own in a CSV or TOML file read by :func:`load_condition_set`.
"""

from __future__ import annotations

from ._codes import RECORD_PATTERNS
from ._files import condition_set, list_condition_sets, load_condition_set
from ._classify import classify_records
from ._rules import ConditionRules, GroupRule, load_condition_rules
from ._set import ConditionSet, normalise_codes

__all__ = ["ConditionSet", "condition_set", "list_condition_sets", "load_condition_set", "normalise_codes",
           "RECORD_PATTERNS", "ConditionRules", "GroupRule", "load_condition_rules", "classify_records"]
