"""Emergency readmissions within 30 days of discharge: the definition (:class:`ReadmissionRules`) and its pass.

The definition follows NHS Digital's indicator "Emergency readmissions within 30 days of discharge from
hospital" (NHS Outcomes Framework 3b; Compendium I02040, specification v3; CCG Outcomes Indicator Set 3.2,
specification v1.4), set out with what can and cannot be applied in docs/readmissions.md:

* unit: continuous inpatient spells (``aggregate(..., unit="cips")``; ``unit="spell"`` is accepted, with a
  transfer rule standing in for the CIPS links);
* denominator (``readmission_eligible``): counted units discharged in the period, except those whose patient
  died (discharge method 4), with cancer (ICD-10 C00-C97, D37-D48) or chemotherapy for cancer (Z51.1) coded
  anywhere in the unit, or with an obstetric diagnosis (O00-O99) anywhere in the unit;
* numerator (``readmissions``): index units whose person's next admission, the first whose previous discharge
  is the index's, is an emergency admission (HES ADMIMETH 21-25, 2A-2D, 28) 0 to ``window - 1`` days
  (0-29 inclusive) after the index discharge, not a transfer, without cancer, chemotherapy or an obstetric
  diagnosis anywhere in it; it may end in death and may fall after the period's end.  A readmission is counted
  in the index unit's stratum.

The pass runs on each person-partition of the spell/CIPS pass (:mod:`kpcompare.engine.spell_pass`): the
rows carry a byte of flags (:meth:`ReadmissionPass.columns`) and every unit of a person is seen together
(:class:`kpcompare.engine.units.UnitDetail`), so memory stays that of the partitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InvalidArgumentError

__all__ = ["ReadmissionRules", "ReadmissionPass", "readmission_pass", "previous_discharge", "READMISSION_REASONS", "DEFINITION", "code_flags"]

#: the published definition followed (cited in the result's notes)
DEFINITION = ("NHS Digital, 'Emergency readmissions within 30 days of discharge from hospital' (NHS Outcomes "
              "Framework indicator 3b; Compendium I02040 specification v3; CCG OIS 3.2 specification v1.4)")

#: why a unit is not an index discharge (stage "index") or why an admission after an eligible index is not
#: counted as its readmission (stage "readmission"), in precedence order
READMISSION_REASONS = {
    "index": {
        "eligible": "in the denominator: counted, discharged in the period, none of the exclusions below",
        "discharged_outside_period": "counted in the strata (the stay overlaps the period) but discharged "
                                     "outside it (or not discharged)",
        "died": "the patient died in hospital (discharge method 4)",
        "cancer": "cancer (C00-C97, D37-D48) or chemotherapy for cancer (Z51.1) coded anywhere in the unit",
        "obstetric": "an obstetric diagnosis (O00-O99) coded anywhere in the unit",
    },
    "readmission": {
        "counted": "an emergency admission 0 to window - 1 days after an eligible index discharge",
        "not_emergency": "the next admission is not an emergency (elective, maternity, other)",
        "transfer": "the next admission is a transfer from another provider (a continuation of the stay)",
        "cancer": "cancer or chemotherapy for cancer coded anywhere in the readmitting unit",
        "obstetric": "an obstetric diagnosis coded anywhere in the readmitting unit",
    },
}

_EMERGENCY, _TRANSFER, _DIED, _CANCER, _OBSTETRIC = 1, 2, 4, 8, 16
_NO_END = np.iinfo(np.int64).min


@dataclass(frozen=True)
class ReadmissionRules:
    """The codes and window of the readmission definition (NHS Digital's by default).

    ``window_days=30`` counts readmissions 0-29 days (inclusive) after the index discharge, as the indicator's
    numerator ("within 0-29 days (inclusive) of the last, previous discharge").
    """

    window_days: int = 30
    emergency_methods: tuple[str, ...] = ("21", "22", "23", "24", "25", "2A", "2B", "2C", "2D", "28")
    transfer_methods: tuple[str, ...] = ("81", "2B")
    transfer_sources: tuple[str, ...] = ("49", "50", "51", "52", "53", "87")
    died_methods: tuple[str, ...] = ("4",)
    cancer_pattern: str = r"^(C[0-8][0-9]|C9[0-7]|D3[7-9]|D4[0-8]|Z51\.?1)"  # a dot tolerated
    obstetric_pattern: str = r"^O[0-9][0-9]"

    def __post_init__(self) -> None:
        days = self.window_days
        if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1:
            raise InvalidArgumentError(
                f"argument 'readmissions': expected a window of whole days >= 1 (30: NHS Digital's indicator), "
                f"got {days!r}.")
        for name in ("emergency_methods", "transfer_methods", "transfer_sources", "died_methods"):
            codes = getattr(self, name)
            if isinstance(codes, str) or not all(isinstance(c, str) for c in codes):
                raise InvalidArgumentError(f"ReadmissionRules {name!r}: expected a sequence of code strings, "
                                           f"got {codes!r}.")
            object.__setattr__(self, name, tuple(codes))


def readmission_rules(readmissions) -> ReadmissionRules | None:
    """``aggregate``'s ``readmissions`` argument: None, a window in days or :class:`ReadmissionRules`."""
    if readmissions is None or isinstance(readmissions, ReadmissionRules):
        return readmissions
    if isinstance(readmissions, bool) or not isinstance(readmissions, (int, np.integer)):
        raise InvalidArgumentError(
            f"argument 'readmissions': expected None, a window in days (30) or a ReadmissionRules, got "
            f"{readmissions!r}.")
    return ReadmissionRules(window_days=int(readmissions))


def readmission_pass(readmissions, extract, plan) -> ReadmissionPass | None:
    """The pass of ``aggregate(..., readmissions=...)`` (None: none asked for), checked against the plan."""
    rules = readmission_rules(readmissions)
    if rules is None:
        return None
    if plan.unit == "episode":
        raise InvalidArgumentError(
            "argument 'readmissions': readmissions link a person's stays, so they need unit='cips' (the "
            "indicator's continuous inpatient spells) or unit='spell', not unit='episode'.")
    if plan.weighted:
        raise InvalidArgumentError(
            "argument 'readmissions': not available with weights (survey records cannot be linked into a "
            "person's stays); aggregate without 'weights'.")
    return ReadmissionPass(rules, extract, period=plan.period)


def _is_in(codes: tuple[str, ...]):
    """A judge (see :func:`_judged`): the value is one of ``codes``."""
    wanted = pa.array(list(codes), pa.string())
    return lambda values: pc.is_in(values, wanted)


def _regex(pattern: str):
    """A judge (see :func:`_judged`): the value matches ``pattern``."""
    return lambda values: pc.match_substring_regex(values, pattern)


def _judged(array: pa.Array, judge) -> np.ndarray:
    """``judge(strings)`` (a boolean Arrow array; null: False) of every value; a dictionary-encoded column is
    judged once per dictionary value and looked up by its indices."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_dictionary(array.type):
        return pc.fill_null(judge(array.cast(pa.string())), False).to_numpy(zero_copy_only=False)
    hits = pc.fill_null(judge(array.dictionary.cast(pa.string())), False).to_numpy(zero_copy_only=False)
    indices = array.indices
    if not len(hits):
        return np.zeros(len(array), dtype=bool)
    out = hits[pc.fill_null(indices, 0).to_numpy(zero_copy_only=False)]
    if indices.null_count:
        out &= np.asarray(pc.is_valid(indices).to_numpy(zero_copy_only=False), dtype=bool)
    return out


def _in_codes(array: pa.Array, codes: tuple[str, ...]) -> np.ndarray:
    return _judged(array, _is_in(codes))


def _matches(values: pa.Array, pattern: str) -> np.ndarray:
    """Codes matching ``pattern`` (judged once per distinct code)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        return _judged(values, _regex(pattern))
    values = values.cast(pa.string())
    distinct = pc.unique(values)
    hit = pc.fill_null(pc.match_substring_regex(distinct, pattern), False)
    index = pc.index_in(values, distinct)
    return pc.fill_null(pc.take(hit, index), False).to_numpy(zero_copy_only=False)


def _dictionary(array) -> pa.DictionaryArray | None:
    """The column as one dictionary array (None: not dictionary-encoded)."""
    if isinstance(array, pa.ChunkedArray):
        if not pa.types.is_dictionary(array.type):
            return None
        array = array.combine_chunks()
    return array if pa.types.is_dictionary(array.type) else None


def _bits(array, judges: list[tuple[int, object]]) -> np.ndarray:
    """Per row (uint8): the sum of the bits whose ``judge(strings)`` holds (null: not); a dictionary-encoded
    column is judged once per dictionary value and its bits looked up by the indices (one gather for all the
    judges), else each judge as :func:`_judged`."""
    encoded = _dictionary(array)
    if encoded is None:
        out = np.zeros(len(array), dtype=np.uint8)
        for bit, judge in judges:
            out |= np.where(_judged(array, judge), bit, 0).astype(np.uint8)
        return out
    per_value = np.zeros(len(encoded.dictionary) + 1, dtype=np.uint8)  # the last slot: a null index
    strings = encoded.dictionary.cast(pa.string())
    for bit, judge in judges:
        per_value[:-1] |= np.where(pc.fill_null(judge(strings), False).to_numpy(zero_copy_only=False), bit, 0
                                   ).astype(np.uint8)
    indices = encoded.indices
    if indices.null_count:
        indices = pc.fill_null(indices, len(per_value) - 1)
    return per_value[indices.to_numpy(zero_copy_only=False)]


def code_flags(col: Mapping[str, pa.Array], n: int, pattern: str) -> np.ndarray:
    """Per episode: whether any diagnosis (``diagnoses``, else ``primary_diagnosis``) matches ``pattern``."""
    out = np.zeros(n, dtype=bool)
    if "primary_diagnosis" in col:
        out |= _matches(col["primary_diagnosis"], pattern)
    if "diagnoses" in col:
        lists = col["diagnoses"]
        if isinstance(lists, pa.ChunkedArray):
            lists = lists.combine_chunks()
        flat = pc.list_flatten(lists)
        if len(flat):
            parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
            out[parents[_matches(flat, pattern)]] = True
    return out


class ReadmissionPass:
    """Readmissions counted partition by partition; ``accounts`` tallies the units by stage and reason."""

    measures = ("readmissions", "readmission_eligible")

    def __init__(self, rules: ReadmissionRules, extract, *, period: tuple[int, int] | None) -> None:
        self.rules = rules
        self.period = period
        extract.require(["admission_method"], purpose="readmissions (emergency admissions)")
        optional = ("admission_source", "discharge_method", "primary_diagnosis", "diagnoses")
        self.columns_needed = ["admission_method"] + [c for c in optional if extract.has(c)]
        self.coding = extract.coding
        self.accounts = {(stage, reason): 0 for stage, reasons in READMISSION_REASONS.items() for reason in reasons}

    @property
    def diagnoses_used(self) -> bool:
        """Whether the diagnosis rules (cancer, obstetric) can be applied: ICD-10 codes are present."""
        return self.coding in (None, "icd10") and any(
            c in self.columns_needed for c in ("primary_diagnosis", "diagnoses"))

    def columns(self, table) -> dict[str, np.ndarray]:
        """One byte of flags per row: emergency, transfer, died, cancer, obstetric (each column's rules judged
        together, once per dictionary value where the column is dictionary-encoded)."""
        col = {name: table.column(name) for name in self.columns_needed}
        rules = self.rules
        flags = _bits(col["admission_method"], [(_EMERGENCY, _is_in(rules.emergency_methods)),
                                                (_TRANSFER, _is_in(rules.transfer_methods))])
        if "admission_source" in col:
            flags |= _bits(col["admission_source"], [(_TRANSFER, _is_in(rules.transfer_sources))])
        if "discharge_method" in col:
            flags |= _bits(col["discharge_method"], [(_DIED, _is_in(rules.died_methods))])
        if self.diagnoses_used:
            patterns = [(_CANCER, rules.cancer_pattern), (_OBSTETRIC, rules.obstetric_pattern)]
            if "primary_diagnosis" in col and _dictionary(col["primary_diagnosis"]) is not None:
                flags |= _bits(col["primary_diagnosis"], [(bit, _regex(pattern)) for bit, pattern in patterns])
                col.pop("primary_diagnosis")
            for bit, pattern in patterns:
                if col.keys() & {"primary_diagnosis", "diagnoses"}:
                    flags |= np.where(code_flags(col, table.num_rows, pattern), bit, 0).astype(np.uint8)
        return {"readmission_flags": flags}

    def add(self, recs, plan, **_) -> list[np.ndarray]:
        """The numerator and denominator of each counted unit of one partition (in ``recs`` order)."""
        detail = recs.detail
        flags = detail.rows["readmission_flags"]
        n_units = len(detail.start)
        anywhere = np.bincount(detail.unit_of_row, weights=(flags & (_CANCER | _OBSTETRIC)) > 0,
                               minlength=n_units) > 0  # cheap pre-check: most units have neither
        cancer = obstetric = np.zeros(n_units, dtype=bool)
        if anywhere.any():
            cancer = np.bincount(detail.unit_of_row, weights=(flags & _CANCER) > 0, minlength=n_units) > 0
            obstetric = np.bincount(detail.unit_of_row, weights=(flags & _OBSTETRIC) > 0, minlength=n_units) > 0
        head, tail = flags[detail.head], flags[detail.tail]
        eligible = self._index(detail, tail, cancer, obstetric)
        index = previous_discharge(detail.person, detail.start, detail.end, detail.head, self.rules.window_days)
        readmitted = self._readmitted(index, eligible, head, cancer, obstetric, n_units)
        counted = detail.counted
        return [readmitted[counted].astype(np.float64), eligible[counted].astype(np.float64)]

    def _index(self, detail, tail: np.ndarray, cancer: np.ndarray, obstetric: np.ndarray) -> np.ndarray:
        """Denominator: counted units discharged in the period, not died, no cancer, no obstetric diagnosis."""
        ok = detail.counted.copy()
        end = detail.end
        outside = ok & ((end == _NO_END) | (end < detail.start))
        if self.period is not None:
            outside |= ok & ((end < self.period[0]) | (end > self.period[1]))
        for reason, bad in (("discharged_outside_period", outside), ("died", (tail & _DIED) > 0),
                            ("cancer", cancer), ("obstetric", obstetric)):
            hit = ok & bad
            self.accounts[("index", reason)] += int(hit.sum())
            ok &= ~hit
        self.accounts[("index", "eligible")] += int(ok.sum())
        return ok

    def _readmitted(self, index: np.ndarray, eligible: np.ndarray, head: np.ndarray, cancer: np.ndarray,
                    obstetric: np.ndarray, n_units: int) -> np.ndarray:
        """Per unit: whether its readmission is counted (the next admission after an eligible index)."""
        candidate = index >= 0
        candidate[candidate] = eligible[index[candidate]]
        ok = candidate.copy()
        for reason, bad in (("not_emergency", (head & _EMERGENCY) == 0), ("transfer", (head & _TRANSFER) > 0),
                            ("cancer", cancer), ("obstetric", obstetric)):
            hit = ok & bad
            self.accounts[("readmission", reason)] += int(hit.sum())
            ok &= ~hit
        self.accounts[("readmission", "counted")] += int(ok.sum())
        readmitted = np.zeros(n_units, dtype=bool)
        readmitted[index[ok]] = True
        return readmitted

    def table(self) -> pd.DataFrame:
        """``stage, reason, units``: every counted unit once in stage "index" (eligible or why not); every
        admission following an eligible index within the window once in stage "readmission"."""
        return pd.DataFrame([(s, r, self.accounts[(s, r)]) for (s, r) in self.accounts],
                            columns=["stage", "reason", "units"]).astype({"units": "int64"})

    def notes(self, unit: str) -> list[str]:
        """What was applied, and what could not be, from the columns the extract has."""
        w = self.rules.window_days
        notes = [f"readmissions: {DEFINITION}; emergency admissions 0-{w - 1} days after an index discharge in "
                 f"the period, counted in the stratum of the index "
                 f"{'continuous inpatient spell' if unit == 'cips' else 'provider spell'} (docs/readmissions.md)."]
        missing = []
        if "discharge_method" not in self.columns_needed:
            missing.append("deaths (no discharge_method column)")
        if not self.diagnoses_used:
            missing.append("cancer, chemotherapy and obstetric diagnoses (no ICD-10 diagnosis column)")
        if "admission_source" not in self.columns_needed:
            missing.append("transfers by admission source (no admission_source column)")
        missing += ["day cases and regular attenders (no patient classification column)",
                    "the 'selected medical and surgical specialties' and obstetric main specialty (no specialty "
                    "column)", "cancer in the 365 days before admission (look-back not applied)"]
        notes.append("readmissions: exclusions not applied: " + "; ".join(missing) + ".")
        if unit != "cips":
            notes.append("readmissions: counted on provider spells; the indicator counts continuous inpatient "
                         "spells (unit='cips').")
        return notes


def previous_discharge(person: np.ndarray, start: np.ndarray, end: np.ndarray, head: np.ndarray,
                       window: int) -> np.ndarray:
    """Per unit: the unit whose discharge it readmits (-1: none).

    Units of a person in order of admission (then discharge, then first row): a unit's previous discharge is
    the latest discharge of the units admitted before it (ties: the later unit); it is readmitted when the
    unit is admitted 0 to ``window - 1`` days after that discharge (one admitted before it overlaps the stay).
    Units without a valid discharge (``end`` unknown or before ``start``) are no previous discharge.
    """
    from .spells import first_of_groups, sort_groups

    n = len(person)
    index = np.full(n, -1, dtype=np.int64)
    if n < 2:
        return index
    valid_end = np.where((end == _NO_END) | (end < start), _NO_END, end)
    if _in_order(person, start, valid_end, head):  # CIPS come so, as a rule: no sort
        perm, s, e, new_person = None, start, valid_end, first_of_groups(person)
    else:
        narrow_person, narrow_end = _narrow(person, valid_end)
        ordered = sort_groups(narrow_person, start, narrow_end, row=head)
        perm, new_person = ordered.perm, ordered.starts(1)
        s, e = start[perm], valid_end[perm]
    prev_pos = np.empty(n, dtype=np.int64)  # the unit with the latest discharge before each (same person or not)
    prev_pos[0] = 0
    prev_pos[1:] = _latest_so_far(new_person, e)[:-1]
    prev_end = e[prev_pos]
    known = ~new_person & (prev_end != _NO_END)
    gap = s - np.where(known, prev_end, s)  # no overflow on the unknown ends (0 there, masked by ``known``)
    hit = np.flatnonzero(known & (gap >= 0) & (gap <= window - 1))
    if perm is None:
        index[hit] = prev_pos[hit]
    else:
        index[perm[hit]] = perm[prev_pos[hit]]
    return index


def _narrow(person: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The person and end keys of the sort, narrowed where that keeps their order: the person's number (0, 1,
    ...) where the units come by person (spells and CIPS do), an unknown end just before the earliest known
    one; so the packed key needs no ranks (:func:`kpcompare.engine.spells.sort_groups`)."""
    from .spells import first_of_groups

    if bool((person[1:] >= person[:-1]).all()):
        person = np.cumsum(first_of_groups(person))
    known = end != _NO_END
    if known.any() and not known.all():
        end = np.where(known, end, end[known].min() - 1)
    return person, end


def _in_order(person: np.ndarray, start: np.ndarray, end: np.ndarray, head: np.ndarray) -> bool:
    """Whether the units are sorted by person, start, end and first row already (then that sort keeps them)."""
    later = [key[1:] > key[:-1] for key in (person, start, end, head)]
    same = [key[1:] == key[:-1] for key in (person, start, end)]
    ok = later[0] | (same[0] & (later[1] | (same[1] & (later[2] | (same[2] & later[3])))))
    return bool(ok.all())


def _latest_so_far(new_person: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Per unit (sorted by person): the position of the latest ``end`` among the person's units up to it (ties:
    the later unit; ``_NO_END`` lowest).

    One running maximum of ``(person, end, position)`` packed into an int64 (the person's number first, the
    end offset by its minimum, the position last) where that fits in 62 bits, else a running maximum of
    ``(end rank, position)`` per person (pandas)."""
    n = len(end)
    group = np.cumsum(new_person) - 1
    known = end != _NO_END
    low = int(end[known].min()) - 1 if known.any() else 0
    span = int(end[known].max()) - low + 1 if known.any() else 1
    if (int(group[-1]) + 1) * span * n < 1 << 62:
        key = np.where(known, end, low)
        key -= low  # 0 for an unknown end, 1 for the earliest discharge, ...
        key += group * span
        key *= n
        key += np.arange(n)
        np.maximum.accumulate(key, out=key)
        return key % n
    _, end_rank = np.unique(end, return_inverse=True)
    key = end_rank.astype(np.int64) * n + np.arange(n)  # larger end, then later unit, wins
    return pd.Series(key).groupby(group, observed=True).cummax().to_numpy() % n
