"""Condition rules in the engine: the ``condition`` stratum of a :class:`kpcompare.conditions.ConditionRules`.

A plain condition set classifies the primary diagnosis through its dictionary (:func:`.stage.dictionary_factor`).
Condition rules read several columns of a record (all diagnoses, procedures, age, admission method); their
``condition`` factor comes from :func:`kpcompare.conditions._classify.group_index`, which matches each distinct
code once and decides each distinct combination once.  A missing or invalid primary diagnosis is excluded as
``invalid_code``, as with a plain condition set, so read = counted + excluded holds either way.

Spells and CIPS (``unit="spell"``, ``"cips"``) are classified by one episode, as the NHS indicators count
"admission episodes" (CCG OIS / NHS Outcomes Framework 2.3.i and 3a numerators; docs/conditions.md#spells-and-cips):
every episode is classified on its own record (its diagnoses, procedures, age and admission method) and a unit
takes the group of its first episode (``spell_diagnosis="last"``: of its last), like a plain condition set.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InvalidArgumentError
from ..extract import rules
from ..extract.rules import REASON_INDEX
from .stage import Factor

__all__ = ["columns_of_rules", "rules_factor"]


def columns_of_rules(extract: Any, classifier: Any, unit: str) -> tuple[str, ...]:
    """The columns condition rules read (none for a plain condition set); in every unit (a spell or CIPS takes
    the group of one of its episodes, :func:`kpcompare.engine.units.records`)."""
    from ..conditions import ConditionRules

    if not isinstance(classifier, ConditionRules):
        return ()
    if extract.coding is not None and extract.coding != classifier.coding:
        raise InvalidArgumentError(
            f"argument 'conditions': the rules {classifier.name!r} are coded {classifier.coding!r} but the extract "
            f"is coded {extract.coding!r}; choose a set of the extract's coding (see list_condition_sets()).")
    columns = tuple(classifier.columns())
    extract.require(list(columns), purpose=f"conditions={classifier.name!r}")
    return columns


def rules_factor(plan: Any, col: dict, column: int) -> Factor:
    """The ``condition`` factor of one batch under the plan's condition rules.

    Index k < G: group k, G: other, G + 1: a missing or invalid primary diagnosis (``invalid_code``).
    """
    from ..conditions._classify import group_index

    classifier = plan.classifier
    index = group_index(classifier, {c: col[c] for c in plan.rules_columns}).astype(np.int64)
    size = len(classifier.groups) + 2
    index[rules.invalid_code(col["primary_diagnosis"], plan.coding)] = size - 1
    reasons = np.zeros(size, dtype=np.uint8)
    reasons[-1] = REASON_INDEX["invalid_code"]
    ids = plan.labels[column].ids_of([*classifier.groups, "other", "other"], strings=True)
    return Factor(index, size, reasons, column, np.asarray(ids, dtype=np.int64))
