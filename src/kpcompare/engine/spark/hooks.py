"""The readmissions and per-person totals of the Spark engine: the Arrow engine's own hooks, run on executors.

``aggregate(spark_df, ..., readmissions=30, person_totals=...)`` and ``kpcompare.person_totals(spark_df, ...)``
run the very passes the Arrow engine runs on each person-partition
(:class:`kpcompare.engine.readmissions.ReadmissionPass`, :class:`kpcompare.engine.person_table.PersonTotalsPass`):
the rows are repartitioned by person, so each Spark partition holds every unit of its persons, formed by
:func:`kpcompare.engine.units.records` and ordered as the Arrow engine orders them (admission, discharge, then
the row's position in the source, ``monotonically_increasing_id``: ties included).  What they produce travels
in the units' output as rows of their own kind:

* the readmission measures are two more columns of each counted unit's row, summed by the driver's groupBy;
* the readmission accounts (stage, reason: units) are rows with reason ``-1 - k`` (account ``k``);
* the per-person rows (reason :data:`PERSON_ROW`) carry their stratum labels, ``pid`` and the totals; the
  driver writes them with ``DataFrame.write.parquet`` into the person totals' directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from ..person_table import PersonTotalsPass
from ..readmissions import READMISSION_REASONS, ReadmissionPass, ReadmissionRules, readmission_pass

__all__ = ["HookSpec", "PERSON_ROW", "ACCOUNTS", "hook_spec", "attach", "row_columns", "unit_columns",
           "hook_rows"]

#: the reason value of a per-person row in the units' output
PERSON_ROW = -100
#: the readmission accounts in order: account ``k`` travels as reason ``-1 - k``
ACCOUNTS = [(stage, reason) for stage, reasons in READMISSION_REASONS.items() for reason in reasons]


@dataclass(frozen=True)
class HookSpec:
    """The hooks of a Spark run, picklable: the readmission rules (None: none), whether person totals are
    written, whether the extract has an admission method (their ``emergency_admissions``) and the Spark type
    of the person ids written (``"long"`` for integer ids, as the Arrow engine keeps them, else ``"string"``)."""

    readmissions: ReadmissionRules | None = None
    person_totals: bool = False
    emergency_known: bool = False
    person_type: str = "string"


def hook_spec(extract, plan) -> HookSpec:
    """The :class:`HookSpec` of the driver's plan (its hooks, built by ``aggregate`` or ``person_totals``)."""
    rules = next((h.rules for h in plan.hooks if isinstance(h, ReadmissionPass)), None)
    totals = next((h for h in plan.hooks if isinstance(h, PersonTotalsPass)), None)
    if totals is None:
        return HookSpec(rules)
    return HookSpec(rules, True, totals.emergency_known, "long" if _integer_ids(extract) else "string")


def _integer_ids(extract) -> bool:
    """Whether canonical ``person_id`` is an integer column (the Arrow engine writes such ids as integers)."""
    spec = extract._fields["person_id"]
    known = extract.source.types()
    empty = [pa.array([], type=known[s]) for s in spec.sources]
    kind = extract._convert("person_id", empty, 0, extract.source.description).type
    return pa.types.is_integer(kind) and not pa.types.is_uint64(kind)


def attach(spec: HookSpec, extract, plan) -> None:
    """The executor's plan gets the driver's hooks, in the same order (readmissions, then person totals), and
    reads their columns (as :func:`kpcompare.engine.arrow.execute` does)."""
    hooks = [readmission_pass(spec.readmissions, extract, plan)] if spec.readmissions is not None else []
    if spec.person_totals:
        hooks.append(PersonTotalsPass(extract, None, plan.by))
    plan.hooks += hooks
    for hook in hooks:
        plan.columns += [c for c in hook.columns_needed if c not in plan.columns]


def row_columns(spec: HookSpec) -> dict[str, str]:
    """The per-row columns the hooks read (:meth:`ReadmissionPass.columns`, :meth:`PersonTotalsPass.columns`),
    as Spark types; ``person_label`` is written for text ids only."""
    out = {"readmission_flags": "int"} if spec.readmissions is not None else {}
    if spec.person_totals:
        out["person_label"] = "string"
        if spec.emergency_known:
            out["emergency"] = "boolean"
    return out


def staged_hook_columns(plan, spec: HookSpec, table, n: int) -> dict[str, Any]:
    """The hooks' per-row columns of one canonical batch (every row; the units stage keeps the counted)."""
    out: dict[str, Any] = {}
    for hook in plan.hooks:
        out.update(hook.columns(table))
    if "readmission_flags" in out:
        out["readmission_flags"] = out["readmission_flags"].astype(np.int32)
    if spec.person_totals and "person_label" not in out:  # integer ids: the person key is the id
        out["person_label"] = np.full(n, None, dtype=object)
    return out


def unit_columns(spec: HookSpec) -> dict[str, str]:
    """The columns the hooks add to the units' output (Spark types)."""
    out = {"readmissions": "long", "readmission_eligible": "long"} if spec.readmissions is not None else {}
    if spec.person_totals:
        out.update({"pid": spec.person_type, "emergency_admissions": "long" if spec.emergency_known else "double",
                    "spells": "long"})
    return out


def hook_rows(plan, spec: HookSpec, recs, uniques: list[np.ndarray], admitted: np.ndarray,
              bed: np.ndarray) -> tuple[dict[str, np.ndarray], list[dict[str, Any]]]:
    """Run the hooks on one partition's units: the columns they add to the counted units' rows, and the rows
    of their own (readmission accounts, per-person totals) as column dictionaries."""
    extra: dict[str, np.ndarray] = {}
    rows: list[dict[str, Any]] = []
    for hook in plan.hooks:
        if isinstance(hook, ReadmissionPass):
            hook.accounts = dict.fromkeys(hook.accounts, 0)  # this partition's accounts only
            readmitted, eligible = hook.add(recs, plan)
            extra = {"readmissions": readmitted.astype(np.int64), "readmission_eligible": eligible.astype(np.int64)}
            counts = [hook.accounts[key] for key in ACCOUNTS]
            rows.append({"reason": np.asarray([-1 - k for k in range(len(ACCOUNTS))], dtype=np.int32),
                         "rows": np.asarray(counts, dtype=np.int64)})
        elif isinstance(hook, PersonTotalsPass):
            table = hook.table(recs, [list(u) for u in uniques], admitted=admitted, bed=bed)
            if table is not None:
                rows.append(_person_rows(table, len(plan.by)))
    return extra, rows


def _person_rows(table: pa.Table, n_by: int) -> dict[str, Any]:
    """The per-person rows in the units' columns: labels ``l<j>``, ``pid``, admissions in ``admitted``, bed
    days in ``bed``, episodes, and ``emergency_admissions``, ``spells``."""
    names = table.column_names
    out: dict[str, Any] = {"reason": np.full(table.num_rows, PERSON_ROW, dtype=np.int32)}
    for j in range(n_by):
        out[f"l{j}"] = table.column(names[j]).cast(pa.string())
    out.update({"pid": table.column("person_id"), "admitted": table.column("admissions"),
                "bed": table.column("bed_days"), "episodes": table.column("episodes"),
                "emergency_admissions": table.column("emergency_admissions"), "spells": table.column("spells"),
                "rows": np.ones(table.num_rows, dtype=np.int64)})
    return out
