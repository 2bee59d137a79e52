"""What an aggregation needs (the plan) and the row-level stage applied to every batch.

The stage turns one canonical batch into numpy arrays: one integer code per row
holding its stratum key and exclusion reason (see :mod:`kpcompare.engine.stage`),
start and end day numbers (or the length of stay), the weight and the admission
flag.  It never loops over rows in Python: strings (sex, systems, codes) are
judged and classified once per distinct value, through their dictionaries.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._checks import check_choice, check_columns_arg, check_flag
from ..errors import InvalidArgumentError
from ..extract import rules
from ..extract.rules import REASON_INDEX
from .condition_rules import columns_of_rules, rules_factor
from .stage import Codes, Factor, Scratch, ValueMemo, combine, dictionary_factor, flag_factor
from .strata import Labels

__all__ = ["Plan", "Staged", "make_plan", "hash_ids", "MISSING_ID", "UNITS", "BED_DAY_RULES", "SPELL_DIAGNOSES"]

UNITS = ("episode", "spell", "cips")
#: which episode's primary diagnosis (the ``condition`` stratum) a spell or CIPS takes
SPELL_DIAGNOSES = ("first", "last")
BED_DAY_RULES = ("midnights", "same_day_as_one")
_DERIVED = ("age_band", "condition")


@dataclass
class Staged:
    """Row-level arrays of one batch: the code of every row (stratum key and reason), dates, weight, flags."""

    codes: Codes
    start: np.ndarray | None
    end: np.ndarray | None
    end_known: np.ndarray | None
    length: np.ndarray | None
    weight: np.ndarray | None  # None: unweighted (every weight 1)
    first: np.ndarray | None  # None: every row is a first episode
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def reason(self) -> np.ndarray:
        """Exclusion reason code per row (0 = counted)."""
        return self.codes.reason()

    def kept_ids(self, keep: np.ndarray) -> list[np.ndarray]:
        """Stratum ids of the kept rows (one array per ``by`` column)."""
        decoded = self.codes.decode(self.codes.code[keep])
        return [decoded[:, j] for j in range(decoded.shape[1])]


def _day_numbers(array: pa.Array) -> np.ndarray:
    """Days since 1970-01-01 as int32 (missing -> 0; the missing_date rule has flagged them)."""
    days = array.cast(pa.int32())
    if days.null_count:
        days = pc.fill_null(days, 0)
    return days.to_numpy(zero_copy_only=False)


#: an open end of a period: the earliest and latest day numbers a date32 column can hold (int32 days)
OPEN_START, OPEN_END = -(2**31) + 1, 2**31 - 2


def _to_day(value: Any, argument: str, *, open_day: int | None = None) -> int:
    """Day number (days since 1970-01-01) of a period bound.

    Strings, ``datetime.date``/``datetime``, pandas Timestamps and numpy datetime64 are accepted; None (and
    NaN/NaT) is an open end when ``open_day`` is given.  A time-zone-aware bound counts by its own local
    calendar date (``2020-01-01 00:30+01:00`` is 2020-01-01), the way episode dates are recorded.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        if open_day is None:
            raise InvalidArgumentError(f"argument {argument!r}: a missing date ({value!r}) is not allowed here.")
        return open_day
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (str, date, np.datetime64, pd.Timestamp)):
        raise InvalidArgumentError(
            f"argument {argument!r}: {value!r} is not a date; give 'YYYY-MM-DD', a datetime.date, a pandas "
            "Timestamp, a numpy datetime64 or None (an open end).")
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidArgumentError(f"argument {argument!r}: {value!r} is not a date.") from None
    if stamp is pd.NaT:
        return _to_day(None, argument, open_day=open_day)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)  # the local calendar date of the bound
    return int((stamp.normalize() - pd.Timestamp("1970-01-01")).days)


@dataclass
class Plan:
    by: list[str]
    unit: str
    bed_rule: str
    period: tuple[int, int] | None
    admissions_by: str
    weighted: bool
    newborns: str
    dates: tuple[str, str] | None
    coding: str | None
    columns: list[str]
    labels: list[Labels]
    band_lo: np.ndarray | None = None
    band_hi: np.ndarray | None = None
    band_of_age: np.ndarray | None = None
    classifier: Any = None
    partitioned: bool = False
    persons: bool = False
    squares: bool = False
    check_duplicates: bool = False
    cips_rules: Any = None  # kpcompare.engine.spells.CipsRules (unit="cips"), None otherwise
    where: rules.Where | None = None  # the row filter of aggregate(..., where=...)
    spell_diagnosis: str = "first"  # which episode's diagnosis a spell or CIPS takes: "first" or "last"
    hooks: list = field(default_factory=list)  # passes over a person's units: readmissions, person totals
    rules_columns: tuple[str, ...] = ()  # columns read by condition rules (kpcompare.conditions.ConditionRules)
    _dictionary_cache: dict = field(default_factory=dict, repr=False)
    _lock: Any = field(default_factory=threading.Lock, repr=False)
    scratch: Scratch = field(default_factory=Scratch, repr=False)
    _layouts: dict = field(default_factory=dict, repr=False)
    _age_tables: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------------------------------ stage
    def stage(self, table: pa.RecordBatch, *, admission: bool = False,
              flags: Sequence[tuple[str, np.ndarray]] = ()) -> Staged:
        """Codes (stratum key + exclusion reason), dates, weights and first-episode flags of one batch.

        With ``admission`` whether a row counts as an admission is folded into its code
        (:attr:`Factor.not_admitted`) instead of being returned in ``first``.  ``flags``: further rules
        broken, as ``(reason, mask)`` (the duplicated rows of a second pass).
        """
        n = table.num_rows
        col = {name: table.column(i) for i, name in enumerate(table.schema.names)}
        factors: list[Factor] = []
        flags = list(flags)
        spell_mode = self.unit != "episode"
        start = end = end_known = length = None
        if self.dates is not None:
            s_col, e_col = col[self.dates[0]], col[self.dates[1]]
            if not spell_mode and (s_col.null_count or e_col.null_count):
                # rows with a missing date are excluded (missing_date, first in precedence); giving the
                # missing date the other one keeps their bed days near 0, so the sums stay packable
                flags.append(("missing_date", rules.missing_date(s_col, e_col)))
                s_col, e_col = pc.coalesce(s_col, e_col), pc.coalesce(e_col, s_col)
            start = _day_numbers(s_col)
            if spell_mode:  # a spell's end is its latest known discharge: HES leaves it blank mid-spell
                end_arr = col["discharge_date"]
                if "episode_end" in col:
                    end_arr = pc.coalesce(end_arr, col["episode_end"])
                end_known = ~rules.missing_date(end_arr)
                end = _day_numbers(end_arr)
                flags.append(("missing_date", rules.missing_date(s_col)))
                flags.append(("missing_person_id", rules.missing_person_id(col["person_id"])))
            else:
                end = _day_numbers(e_col)
                before = rules.discharge_before_admission(start, end, out=self.scratch("before", n, np.bool_))
                flags.append(("discharge_before_admission", before))
                if self.period is not None:
                    flags.append(("outside_period", rules.outside_period(start, end, self.period)))
        else:
            length_arr = col["length_of_stay"]
            flags.append(("invalid_length_of_stay", rules.invalid_length_of_stay(length_arr)))
            length = pc.fill_null(length_arr, 0).to_numpy(zero_copy_only=False).astype(np.int64)
        for j, name in enumerate(self.by):
            if name == "age_band":
                factors.append(self._age_factor(col["age"], j))
            elif name == "condition":  # condition rules read several columns (engine.condition_rules)
                factors.append(rules_factor(self, col, j) if self.rules_columns else dictionary_factor(
                    col["primary_diagnosis"], self._memo(name, j), column=j, when_missing="invalid_code"))
            else:
                factors.append(dictionary_factor(col[name], self._memo(name, j), column=j,
                                                 when_missing="unknown_sex" if name == "sex" else "missing_stratum"))
        if "episode_status" in col:
            factors.append(dictionary_factor(col["episode_status"], self._memo("episode_status", -1), column=-1,
                                             when_missing="unfinished_episode"))
        weight = None
        if self.weighted:
            weight = col["weight"].to_numpy(zero_copy_only=False).astype(np.float64)
            flags.append(("invalid_weight", rules.invalid_weight(weight)))
        if self.newborns == "exclude":
            flags.append(("newborn", rules.is_newborn(col["newborn"])))
        if self.where is not None and not spell_mode:  # spells are filtered by their first episode
            flags.append(("filtered_out_by_where", self.where.not_selected(col, n)))
        first = None
        if "episode_order" in col and self.unit == "episode":
            order = col["episode_order"]
            first = np.equal(order.to_numpy(), 1, out=self.scratch("first", n, np.bool_)) \
                if order.null_count == 0 else rules.mask(pc.equal(order, 1))
        not_admitted = None
        if admission and (first is not None or (self.period is not None and start is not None)):
            admitted = first
            if self.period is not None and start is not None:
                admitted = self.admitted(start, end, n)
                admitted = admitted if first is None else first & admitted
            not_admitted, first = np.logical_not(admitted, out=self.scratch("not_admitted", n, np.bool_)), None
        flagged = flag_factor(flags, n, not_admitted=not_admitted)
        if flagged is not None:
            factors.append(flagged)
        codes = combine(factors, [len(lab) for lab in self.labels], n, self.scratch, self._layouts)
        staged = Staged(codes, start, end, end_known, length, weight, first)
        if self.partitioned:
            staged.extra = _partition_columns(col, self)
        return staged

    def _age_factor(self, age: pa.Array, column: int) -> Factor:
        """Completed years of age: index 0 = out of range, k + 1 = age k (a lookup to the band, not a search)."""
        # floor(age) >= lo  <=>  age >= ceil(lo);  floor(age) < hi and floor(age) <= MAX_AGE  <=>  age < min(...)
        lowest = float(np.ceil(max(self.band_lo[0], 0)))
        highest = float(min(np.ceil(self.band_hi[-1]), rules.MAX_AGE + 1))
        if pa.types.is_integer(age.type) and age.null_count == 0:
            return self._whole_age_factor(age.to_numpy(), column, lowest, highest)
        values = age.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
        n = len(values)
        ok = np.greater_equal(values, lowest, out=self.scratch("age_ok", n, np.bool_))  # NaN (missing): False
        ok &= np.less(values, highest, out=self.scratch("age_below", n, np.bool_))
        index = self.scratch("age_index", n, np.int32)
        with np.errstate(invalid="ignore"):
            np.copyto(index, values, casting="unsafe")
        index += 1
        index *= ok
        size, reasons, ids = self._age_domain(rules.MAX_AGE + 2, lowest, highest)
        return Factor(index, size, reasons, column, ids)

    def _age_domain(self, size: int, lowest: float, highest: float) -> tuple[int, np.ndarray, np.ndarray]:
        """Reason and band id of each age index 0 .. size - 1 (index k + 1 = age k; other indices are out of
        range); built once per plan, so every batch shares the arrays (and :func:`combine`'s layout)."""
        got = self._age_tables.get(size)
        if got is None:
            whole = np.arange(size) - 1
            # the same rule as rules.age_out_of_range: outside [lowest, highest) or in a gap between bands
            out = rules.age_out_of_range(whole.astype(np.float64), lowest, highest, band_lo=self.band_lo,
                                         band_hi=self.band_hi)
            reasons = np.where(out, REASON_INDEX["age_out_of_range"], 0)
            ids = np.zeros(size, dtype=np.int64)
            ids[1:rules.MAX_AGE + 2] = self.band_of_age
            got = self._age_tables.setdefault(size, (size, reasons.astype(np.uint8), ids))
        return got

    def _whole_age_factor(self, values: np.ndarray, column: int, lowest: float, highest: float) -> Factor:
        """Integer ages without missing values: index = clip(age, -1, MAX_AGE + 1) + 1 (two passes).

        Index 0 holds the negative ages, MAX_AGE + 2 the ages above MAX_AGE; both, and the ages outside the
        bands, have the reason ``age_out_of_range`` (the same rule as the float path).
        """
        if values.dtype.kind == "u":
            values = values.astype(np.int64)
        index = self.scratch("age_index", len(values), np.int32)
        np.clip(values, -1, rules.MAX_AGE + 1, out=index)
        index += 1
        size, reasons, ids = self._age_domain(rules.MAX_AGE + 3, lowest, highest)
        return Factor(index, size, reasons, column, ids)

    def _memo(self, name: str, column: int) -> ValueMemo:
        memo = self._dictionary_cache.get(name)
        if memo is None:
            with self._lock:
                memo = self._dictionary_cache.get(name)
                if memo is None:
                    memo = ValueMemo(self._value_rules(name, column))
                    self._dictionary_cache[name] = memo
        return memo

    def _value_rules(self, name: str, column: int):
        """``values -> (reason per value, stratum id per value)`` for one dictionary column."""
        labels = self.labels[column] if column >= 0 else None

        def reasons_where(bad: np.ndarray, reason: str) -> np.ndarray:
            return np.where(bad, REASON_INDEX[reason], 0).astype(np.uint8)

        def compute(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
            none = np.full(len(values), -1, dtype=np.int64)
            if name == "episode_status":
                return reasons_where(rules.unfinished_values(values), "unfinished_episode"), none
            if name == "condition":
                bad = ~rules.valid_code_values(values, self.coding)
                if self.classifier is not None:
                    ids = labels.ids_of(list(self.classifier.classify(values)), strings=True)
                else:
                    ids = labels.ids_of(values.to_pylist())
                return reasons_where(bad, "invalid_code"), ids
            ids = labels.ids_of(values.to_pylist())
            if name == "sex":
                return reasons_where(rules.unknown_sex_values(values), "unknown_sex"), ids
            return reasons_where(ids < 0, "missing_stratum"), ids

        return compute

    # ------------------------------------------------------------------------------------------ bed days
    def bed_days(self, start: np.ndarray | None, end: np.ndarray | None,
                 length: np.ndarray | None, dtype: Any = None) -> np.ndarray:
        """Bed days of stays: midnights (clipped to the period), +1 for same-day stays under same_day_as_one.

        With ``dtype`` the result has that type; midnights without a period are then ``end - start`` without
        the clip at 0, which differs only for rows already excluded (``discharge_before_admission``).
        """
        if dtype is not None:
            if length is None and self.period is None and self.bed_rule == "midnights":
                return np.subtract(end, start, out=self.scratch("bed", len(end), dtype))
            return self.bed_days(start, end, length).astype(dtype)
        if length is not None:
            nights = length
            same_day = length == 0
        else:
            same_day = end == start
            lo, hi = (start, end) if self.period is None else (
                np.maximum(start, self.period[0]), np.minimum(end, self.period[1] + 1))
            nights = np.maximum(hi - lo, 0)
        if self.bed_rule == "same_day_as_one":
            return nights + same_day
        return nights

    def admitted(self, start: np.ndarray | None, end: np.ndarray | None, n: int) -> np.ndarray:
        """Whether each stay's admission counts in the period (by admission or by discharge date)."""
        if self.period is None or start is None:
            return np.ones(n, dtype=bool)
        day = start if self.admissions_by == "admission" else end
        return (day >= self.period[0]) & (day <= self.period[1])


_TRANSFER = ("admission_method", "admission_source", "discharge_destination")


#: the key of a missing identifier (no integer id is this small; a string's 64-bit hash is, once in 2**64)
MISSING_ID = np.iinfo(np.int64).min


def hash_ids(array: pa.Array) -> np.ndarray:
    """64-bit keys of identifiers (integers as they are, anything else hashed through its dictionary);
    :data:`MISSING_ID` for a missing one."""
    if pa.types.is_uint64(array.type):  # hashed like text ids: no uint64 above 2**63 - 1 wraps onto another
        array = array.cast(pa.string())
    if pa.types.is_integer(array.type):
        keys = array.cast(pa.int64())
        if array.null_count == 0:
            return keys.to_numpy(zero_copy_only=False)
        return pc.fill_null(keys, MISSING_ID).to_numpy(zero_copy_only=False)
    if not pa.types.is_dictionary(array.type):
        array = pc.dictionary_encode(array.cast(pa.string()))
    hashed = pd.util.hash_array(np.asarray(array.dictionary.cast(pa.string()).to_pylist(), dtype=object))
    hashed = hashed.view(np.int64)
    indices = array.indices
    out = np.full(len(array), MISSING_ID, dtype=np.int64)
    valid = rules.mask(pc.is_valid(indices))
    if len(hashed):
        out[valid] = hashed[pc.fill_null(indices, 0).to_numpy(zero_copy_only=False)[valid]]
    return out


def _partition_columns(col: Mapping[str, pa.Array], plan: Plan) -> dict[str, np.ndarray]:
    from .spells import link_days, transfer_flags

    n = len(next(iter(col.values())))
    extra: dict[str, np.ndarray] = {}
    if "episode_id" in col:
        extra["episode_key"] = hash_ids(col["episode_id"])
    # without person ids, duplicates are judged on episode ids alone (partitioned by them)
    extra["person"] = hash_ids(col["person_id"]) if "person_id" in col else \
        extra.get("episode_key", np.arange(n, dtype=np.int64))
    if plan.unit != "episode":
        extra["provider"] = hash_ids(col["provider"])
        extra["spell_key"] = hash_ids(col["spell_id"]) if "spell_id" in col else \
            _day_numbers(col["admission_date"]).astype(np.int64)
        extra["order"] = pc.fill_null(col["episode_order"], 0).to_numpy(zero_copy_only=False).astype(np.int32) \
            if "episode_order" in col else np.zeros(n, dtype=np.int32)
        extra["episode_start"] = _day_numbers(col["episode_start"]).astype(np.int32) if "episode_start" in col \
            else np.zeros(n, dtype=np.int32)
    if plan.unit == "cips":
        extra.update(transfer_flags({k: col[k] for k in _TRANSFER + ("discharge_method",) if k in col}, n,
                                    plan.cips_rules))
        if plan.cips_rules.link_dates == "episode":  # rule C7 (CHE York's super-spells)
            extra.update(link_days(col))
    if plan.where is not None:  # judged per spell, on its first episode (kpcompare.engine.units.records)
        extra["selected"] = plan.where.selected(col, n)
    return extra


def make_plan(extract, *, by: Sequence[str], age_bands: Any, conditions: Any, unit: str, bed_days: str,
              period: Any, weights: Any, newborns: str, admissions_by: str, persons: bool | None,
              check_duplicates: bool | None, squares: bool = False, cips_rules: Any = None,
              spell_diagnosis: str = "first", where: Any = None) -> Plan:
    """Check the options against the extract and decide which columns to read."""
    _check_choices(unit=unit, spell_diagnosis=spell_diagnosis, bed_days=bed_days, newborns=newborns,
                   admissions_by=admissions_by)
    cips_rules = _check_cips_rules(cips_rules, unit=unit)
    squares = _check_squares(squares, unit=unit, period=period, orders=extract.has("episode_order"))
    by = _check_by(by)
    dates = _dates(extract, unit)
    needed = _needed_columns(extract, by, unit, dates)
    if cips_rules is not None and cips_rules.continuing_methods:  # rule C6 (CHE York's super-spells)
        extract.require(["discharge_method"], purpose=f"cips_rules={cips_rules.label()} (rule C6)")
        needed.append("discharge_method")
    period = _check_period(period, dates)
    weighted = _check_weights(weights)
    where = rules.where_filter(where, available=extract.columns)
    if where is not None:
        extract.require(where.columns, purpose="argument 'where'")
    persons, check_duplicates = _persons_and_duplicates(extract, persons, check_duplicates)
    needed += ["weight"] if weighted else []
    needed += ["newborn"] if newborns == "exclude" else []
    needed += [c for c in ("episode_status",) + (("episode_order",) if unit == "episode" else ()) if extract.has(c)]
    needed += (["person_id"] if persons or (check_duplicates and extract.has("person_id")) else [])
    needed += (["episode_id"] if check_duplicates else []) + (where.columns if where is not None else [])
    columns = list(dict.fromkeys(needed))
    extract.require(columns, purpose="aggregate(" + ", ".join(f"{k}={v!r}" for k, v in
                                                            (("by", tuple(by)), ("unit", unit))) + ")")
    labels, bands, classifier = _labels(by, age_bands, conditions, extract.coding)
    coding = extract.coding or (classifier.coding if classifier is not None else None)
    rules_columns = columns_of_rules(extract, classifier, unit) if "condition" in by else ()
    columns = list(dict.fromkeys([*columns, *rules_columns]))
    # the episode unit counts persons and finds duplicate ids beside its sums (engine.persons, .duplicates)
    return Plan(by=by, unit=unit, bed_rule=bed_days, period=period, admissions_by=admissions_by,
                weighted=weighted, newborns=newborns, dates=dates, coding=coding, columns=columns, labels=labels,
                band_lo=bands[0], band_hi=bands[1], band_of_age=bands[2], classifier=classifier,
                partitioned=unit != "episode", persons=persons, check_duplicates=check_duplicates,
                squares=squares, cips_rules=cips_rules, spell_diagnosis=spell_diagnosis, where=where,
                rules_columns=rules_columns)


def _check_choices(*, unit: str, spell_diagnosis: str, bed_days: str, newborns: str, admissions_by: str) -> None:
    check_choice(unit, UNITS, argument="unit")
    check_choice(spell_diagnosis, SPELL_DIAGNOSES, argument="spell_diagnosis")
    if spell_diagnosis != "first" and unit == "episode":
        raise InvalidArgumentError(
            f"argument 'spell_diagnosis': {spell_diagnosis!r} chooses an episode of a spell, so it needs "
            "unit='spell' or unit='cips', not unit='episode' (an episode has one diagnosis).")
    check_choice(bed_days, BED_DAY_RULES, argument="bed_days")
    check_choice(newborns, ("include", "exclude"), argument="newborns")
    check_choice(admissions_by, ("admission", "discharge"), argument="admissions_by")


def _check_by(by: Any) -> list[str]:
    from ..extract.columns import CANONICAL_COLUMNS

    by = check_columns_arg(by, argument="by")
    for name in by:
        if name not in _DERIVED and name not in CANONICAL_COLUMNS:
            raise InvalidArgumentError(
                f"argument 'by': {name!r} is neither 'age_band', 'condition' nor a canonical episode column.")
    return by


def _dates(extract, unit: str) -> tuple[str, str] | None:
    """The start and end columns of a stay (None: ``length_of_stay``)."""
    if unit != "episode":
        return ("admission_date", "discharge_date")
    if extract.has("episode_start") and extract.has("episode_end"):
        return ("episode_start", "episode_end")
    if extract.has("admission_date") and extract.has("discharge_date"):
        return ("admission_date", "discharge_date")
    return None


def _needed_columns(extract, by: list[str], unit: str, dates: tuple[str, str] | None) -> list[str]:
    """The columns the strata, the unit and the bed days need."""
    needed: list[str] = [n for n in by if n not in _DERIVED]
    needed += ["age"] if "age_band" in by else []
    needed += ["primary_diagnosis"] if "condition" in by else []
    if unit != "episode":
        extract.require(["person_id", "provider", "admission_date", "discharge_date"], purpose=f"unit={unit!r}")
        needed += ["person_id", "provider", "admission_date", "discharge_date"]
        needed += [c for c in ("episode_end", "spell_id", "episode_order", "episode_start") if extract.has(c)]
        if unit == "cips":
            needed += [c for c in _TRANSFER if extract.has(c)]
    if dates is None:
        if not extract.has("length_of_stay"):
            extract.require(["admission_date", "discharge_date"],
                            purpose="bed days (or map 'length_of_stay' for sources without dates)")
        return needed + ["length_of_stay"]
    return needed + list(dates)


def _check_period(period: Any, dates: tuple[str, str] | None) -> tuple[int, int] | None:
    if period is None:
        return None
    if dates is None:
        raise InvalidArgumentError(
            "argument 'period': clipping stays to a period needs admission and discharge dates; this extract "
            "only has 'length_of_stay'. Filter the source by its own period variable instead.")
    if not isinstance(period, Sequence) or isinstance(period, str) or len(period) != 2:
        raise InvalidArgumentError(f"argument 'period': expected (first_day, last_day), got {period!r}.")
    days = (_to_day(period[0], "period", open_day=OPEN_START), _to_day(period[1], "period", open_day=OPEN_END))
    if days[1] < days[0]:
        raise InvalidArgumentError(
            f"argument 'period': the last day comes before the first (last {period[1]!r}, first {period[0]!r}).")
    return days


def _check_weights(weights: Any) -> bool:
    if weights is None or weights is False:
        return False
    if not (weights is True or (isinstance(weights, str) and weights == "weight")):
        raise InvalidArgumentError(
            f"argument 'weights': give weights='weight' (the canonical weight column) or None, not {weights!r}.")
    return True


def _persons_and_duplicates(extract, persons: Any, check_duplicates: Any) -> tuple[bool, bool]:
    """Persons wherever person ids exist (issue 3) and duplicate checks wherever episode ids exist (issue 16),
    unless told not to; ``check_duplicates=True`` without an ``episode_id`` column is an error."""
    if not (check_duplicates is None or isinstance(check_duplicates, (bool, np.bool_))):
        raise InvalidArgumentError(
            f"argument 'check_duplicates': expected None (check where episode ids exist), True or False, got "
            f"{check_duplicates!r}.")
    persons = check_flag(persons, argument="persons", allow_none=True)
    if check_duplicates:
        extract.require(["episode_id"], purpose="check_duplicates=True")
    duplicates = extract.has("episode_id") if check_duplicates is None else bool(check_duplicates)
    return (bool(persons) if persons is not None else True) and extract.has("person_id"), duplicates


def _labels(by: list[str], age_bands: Any, conditions: Any, coding: str | None):
    """The labels of each ``by`` column, the age bands' limits (lower bounds, first age above each band, band
    of each whole age) and the condition set."""
    labels, bands, classifier = [], (None, None, None), None
    for name in by:
        if name == "age_band":
            from ..refdata import band_table

            table = band_table(age_bands)
            band_lo = table["age_lo"].to_numpy(dtype=float)
            hi = table["age_hi"].astype("Float64").to_numpy(dtype=float, na_value=np.inf)
            ages = np.arange(rules.MAX_AGE + 1)
            band_of_age = np.maximum(np.searchsorted(band_lo, ages, side="right") - 1, 0).astype(np.int64)
            bands = (band_lo, hi + 1, band_of_age)  # hi + 1: the first age above each band
            labels.append(Labels(list(table["age_band"].astype(str))))
        elif name == "condition":
            classifier = _condition_set(conditions, coding)
            fixed = None if classifier is None else list(classifier.groups) + ["other"]
            labels.append(Labels(fixed))
        else:
            labels.append(Labels(["F", "M"] if name == "sex" else None))
    return labels, bands, classifier


def _check_cips_rules(cips_rules: Any, *, unit: str):
    """The :class:`kpcompare.engine.spells.CipsRules` of a CIPS run (NHS Digital's by default); refused with other units."""
    from .spells import CIPS_RULES, CipsRules

    if cips_rules is None:
        return CIPS_RULES if unit == "cips" else None
    if unit != "cips":
        raise InvalidArgumentError(f"argument 'cips_rules': only used with unit='cips', not unit={unit!r}.")
    if not isinstance(cips_rules, CipsRules):
        raise InvalidArgumentError(
            f"argument 'cips_rules': expected a kpcompare.engine.spells.CipsRules, got {type(cips_rules).__name__}.")
    return cips_rules


def _check_squares(squares: Any, *, unit: str, period: Any, orders: bool) -> bool:
    """``bed_days_squared`` is the compound-Poisson variance of bed days only where every counted record is one
    stay whose admission is counted (so admissions x sum of squares >= bed days^2 in every stratum)."""
    if not isinstance(squares, bool):
        raise InvalidArgumentError(f"argument 'bed_days_squared': expected True or False, got {squares!r}.")
    if not squares:
        return False
    if period is not None:
        raise InvalidArgumentError(
            "argument 'bed_days_squared': not available with 'period': a stay that began before the period adds "
            "bed days but no admission, so the sum of squared stays is not the compound-Poisson variance of "
            "the period's bed days. Aggregate without 'period' (filter the extract by admission date instead).")
    if unit == "episode" and orders:
        raise InvalidArgumentError(
            "argument 'bed_days_squared': with unit='episode' and an 'episode_order' column, later episodes of "
            "a stay add bed days but no admission; use unit='spell' (or 'cips') so that each record is one stay.")
    return True


def _condition_set(conditions: Any, coding: str | None):
    if conditions is None:
        return None
    if hasattr(conditions, "classify") and hasattr(conditions, "groups"):
        return conditions
    if isinstance(conditions, Mapping):
        from ..conditions import ConditionSet

        return ConditionSet.from_mapping(dict(conditions), coding=coding or "icd10")
    if isinstance(conditions, str):
        from ..conditions import condition_set

        return condition_set(conditions, coding=coding)  # the extract's coding picks the code lists
    raise InvalidArgumentError(
        "argument 'conditions': expected None, a mapping {group: [codes]}, a ConditionSet or a bundled set name, "
        f"got {type(conditions).__name__}.")

