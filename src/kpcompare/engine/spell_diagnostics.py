"""Same-day and duplicate provider spells: what an extract holds before its spells are counted.

:func:`spell_diagnostics` forms provider spells exactly as ``aggregate(..., unit="spell")`` does (rules S1-S5,
:mod:`kpcompare.engine.spells`; streamed and partitioned by person, so memory stays bounded) and counts, per
stratum, the spells of each kind (docs/extracts.md#5-provider-spells-and-continuous-inpatient-spells-cips):

* ``spells``: every provider spell formed (the denominator of ``share``);
* ``same_day``: admitted and discharged on the same day (0 nights: day cases, or a short stay recorded so);
* ``same_admission``: a person's spell admitted on the same day as another of that person's spells (in another
  provider, or in the same provider under another ``spell_id``): same-day transfers or duplicates;
* ``same_admission_and_discharge``: of these, the spells that also share the discharge day: most likely the
  same stay submitted twice (a subset of ``same_admission``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_whole_number
from .plan import make_plan
from .spell_pass import stream_partitioned
from .strata import Accumulator
from .streaming import Tally
from .units import _provider_spells

__all__ = ["spell_diagnostics", "SPELL_DIAGNOSTIC_KINDS"]

#: the kinds of :func:`spell_diagnostics`, in the order of its rows
SPELL_DIAGNOSTIC_KINDS = ("spells", "same_day", "same_admission", "same_admission_and_discharge")
_NO_END = np.iinfo(np.int64).min


def spell_diagnostics(extract: Any, *, by: Sequence[str] | None = None, examples: int = 3) -> pd.DataFrame:
    """Counts of same-day and duplicate provider spells per stratum, with example rows.

    Parameters
    ----------
    extract : path, pandas/Arrow table or kpcompare Extract
        An episode extract with ``person_id``, ``provider`` and the admission and discharge dates (as for
        ``aggregate(..., unit="spell")``).
    by : sequence of str, optional
        Stratum columns (those of :func:`kpcompare.aggregate`); default ``("system",)`` when the extract has
        ``system``, else none.
    examples : int, default 3
        Per kind and stratum, the source rows (0-based positions among the rows read) of up to this many
        examples: a spell's first row, or for spells sharing an admission the first rows of each, ``"+"``-joined.

    Returns
    -------
    pandas.DataFrame
        ``kind`` (:data:`SPELL_DIAGNOSTIC_KINDS`), the ``by`` columns, ``spells`` (spells of that kind),
        ``persons`` (distinct persons with one), ``share`` (``spells`` over all spells of the stratum) and
        ``example_rows`` (``"; "``-separated).  ``attrs["exclusions"]``: rows the row rules excluded before
        spells were formed (as in ``aggregate(...).exclusions``); spells without a known discharge count in
        ``spells`` only.

    Examples are record-level: keep them inside the analysis environment (docs/disclosure.md).
    """
    from ..extract import read_episodes

    examples = check_whole_number(examples, argument="examples", low=0, high=1000)
    extract = read_episodes(extract) if not hasattr(extract, "batch_jobs") else extract
    if by is None:
        by = ("system",) if extract.has("system") else ()
    plan = make_plan(extract, by=by, age_bands="esp2013", conditions=None, unit="spell", bed_days="midnights",
                     period=None, weights=None, newborns="include", admissions_by="admission", persons=False,
                     check_duplicates=None)
    found: list[pd.DataFrame] = []
    tally = Tally()
    accumulator = Accumulator(plan.by, plan.labels, ["admissions", "bed_days", "episodes"])
    stream_partitioned(extract, plan, accumulator, tally, False, 1,
                       units=lambda part, plan, _acc, _tally: found.append(_kinds(part, plan, examples)))
    table = _combine(found, plan, examples)
    table.attrs["exclusions"] = tally.frame(False)
    return table


def _kinds(part: dict[str, np.ndarray], plan, examples: int) -> pd.DataFrame:
    """One partition's spells of each kind per stratum: spells, persons and the first examples."""
    part.setdefault("weight", np.ones(len(part["row"])))
    s = _provider_spells(part)
    n_by = len(plan.by)
    frame = pd.DataFrame({f"id{j}": part[f"id{j}"][s.first_rows] for j in range(n_by)})
    frame["person"], frame["row"], frame["start"], frame["end"] = (
        part["person"][s.first_rows], s.first_row, s.start, s.end)
    frame = frame.sort_values(["person", "start", "end", "row"], kind="stable")
    same_start = frame.duplicated(["person", "start"], keep=False).to_numpy()
    frame["same_day"] = (frame["end"] == frame["start"]).to_numpy()
    frame["same_admission"] = same_start
    frame["same_admission_and_discharge"] = same_start & frame.duplicated(["person", "start", "end"],
                                                                          keep=False).to_numpy()
    frame["spells"] = True
    keys = [f"id{j}" for j in range(n_by)]
    out = []
    for kind in SPELL_DIAGNOSTIC_KINDS:
        sub = frame[frame[kind].to_numpy()]
        if sub.empty:
            continue
        group = ["person", "start"] + (["end"] if kind == "same_admission_and_discharge" else [])
        example = sub.groupby(group, sort=False, observed=True)["row"].agg(lambda r: "+".join(map(str, sorted(r)))) \
            if kind.startswith("same_admission") else sub.set_index(group)["row"].astype(str)
        sub = sub.assign(example=example.reindex(pd.MultiIndex.from_frame(sub[group])).to_numpy())
        grouped = (sub.groupby(keys, sort=False, observed=True) if keys
                   else sub.groupby(np.zeros(len(sub), dtype=int), observed=True))
        counts = grouped.agg(spells=("person", "size"), persons=("person", "nunique"),
                             example=("example", lambda e: list(dict.fromkeys(e))[:examples]))
        counts = counts.reset_index() if keys else counts.reset_index(drop=True)
        out.append(counts.assign(kind=kind))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def _combine(found: list[pd.DataFrame], plan, examples: int) -> pd.DataFrame:
    """The partitions' counts summed per kind and stratum (partitions hold disjoint persons), labelled."""
    keys = [f"id{j}" for j in range(len(plan.by))]
    columns = ["kind", *plan.by, "spells", "persons", "share", "example_rows"]
    found = [f for f in found if not f.empty]
    if not found:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("spells", "persons") else
                                          "float64" if c == "share" else "object") for c in columns})
    both = pd.concat(found, ignore_index=True)
    table = both.groupby(["kind", *keys], sort=False, observed=True).agg(
        spells=("spells", "sum"), persons=("persons", "sum"),
        example=("example", lambda lists: [e for part in lists for e in part][:examples])).reset_index()
    table = _every_kind(table, keys)
    total = table[table["kind"] == "spells"].set_index(keys)["spells"] if keys else \
        table.loc[table["kind"] == "spells", "spells"].sum()
    # each row's stratum total looked up by merge (reindexing by a one-level MultiIndex misses in pandas 1.5)
    table["share"] = table["spells"] / (table[keys].merge(total.rename("_total").reset_index(), on=keys,
                                                          how="left")["_total"].to_numpy() if keys else total)
    table["example_rows"] = table["example"].map("; ".join)
    for j, name in enumerate(plan.by):
        values = np.asarray(plan.labels[j].labels + [None], dtype=object)  # id -1: missing
        table[name] = pd.array(values[table[f"id{j}"].to_numpy(dtype=np.int64)], dtype="string")
    table["kind"] = pd.Categorical(table["kind"], categories=SPELL_DIAGNOSTIC_KINDS, ordered=True)
    table = table.sort_values(["kind", *plan.by], kind="stable").reset_index(drop=True)
    table["kind"] = table["kind"].astype(str)
    return table[columns].astype({"spells": "int64", "persons": "int64"})


def _every_kind(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Every kind for every stratum with spells (0 spells, 0 persons, no example where none was found)."""
    strata = table.loc[table["kind"] == "spells", keys].drop_duplicates()
    full = pd.DataFrame({"kind": list(SPELL_DIAGNOSTIC_KINDS)}).merge(strata, how="cross")
    table = full.merge(table, on=["kind", *keys], how="left")
    table[["spells", "persons"]] = table[["spells", "persons"]].fillna(0)
    table["example"] = [e if isinstance(e, list) and kind != "spells" else []
                        for e, kind in zip(table["example"], table["kind"], strict=True)]
    return table
