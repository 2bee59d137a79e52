"""Condition rules applied by the engine: the same groups as a record-by-record reference, every row counted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpcompare import datasets
from kpcompare.conditions import classify_records, condition_set
from kpcompare.engine import aggregate
from kpcompare.errors import KpcompareError
from kpcompare.extract import read_episodes


def _reference_label(record: dict, rules) -> str:
    """A plain, record-at-a-time reading of the rules (prefix matching on normalised codes)."""
    def norm(code):
        return None if code is None else str(code).upper().replace(".", "").rstrip("-X ")

    def covered(code, codes):
        if code is None:
            return False
        for text in codes:
            ends = [norm(e) for e in text.split("-")] if text.count("-") == 1 else [norm(text)]
            width = len(ends[0])
            if ends[0] <= code[:width] <= ends[-1] and len(code) >= width:
                return True
        return False

    primary = norm(record["primary_diagnosis"])
    dx = [norm(c) for c in record["diagnoses"]]
    procs = [norm(c) for c in record["procedures"]]
    method = record.get("admission_method")
    if rules.admission_methods and not (isinstance(method, str) and method.startswith(rules.admission_methods)):
        return "other"
    for rule in rules.rules:
        ok = covered(primary, rule.primary) or any(covered(c, rule.any_position) for c in dx)
        if rule.require_secondary:
            ok &= any(covered(c, rule.require_secondary) for c in dx[1:])
        ok &= not any(covered(c, rule.exclude_secondary) for c in dx[1:])
        bad = [p for p in procs if not covered(p, rule.procedure_exceptions)]
        ok &= not any(covered(p, rule.exclude_procedures) for p in bad)
        ok &= not (procs and procs[0] in bad and covered(procs[0], rule.exclude_main_procedure))
        age = record["age"]
        if rule.age_min is not None:
            ok &= bool(age >= rule.age_min)
        if rule.age_max is not None:
            ok &= bool(age <= rule.age_max)
        if ok:
            return rule.name
    return "other"


@pytest.fixture(scope="module")
def nhds_sample():
    raw = datasets.nhds2010().iloc[::15].reset_index(drop=True)  # 10,104 records, every 15th
    return raw, read_episodes(raw, mapping="nhds")


def test_classify_records_matches_a_record_by_record_reference(nhds_sample):
    raw, extract = nhds_sample
    rules = condition_set("acsc_billings_icd9cm")
    frame = extract.to_pandas()
    got = classify_records(frame, conditions=rules)
    expected = [_reference_label(rec, rules) for rec in frame[rules.columns()].to_dict("records")]
    assert (got == np.array(expected, dtype=object)).all()
    assert (got != "other").sum() > 500  # the sample holds many ACSC discharges


def test_engine_applies_rules_like_classify_records_and_counts_every_row(nhds_sample):
    raw, extract = nhds_sample
    rules = condition_set("acsc_billings_icd9cm")
    result = aggregate(extract, by=["condition"], conditions=rules, weights="weight", newborns="exclude",
                       progress=False)
    frame = extract.to_pandas()
    labels = pd.Series(classify_records(frame, conditions=rules))
    kept = ~frame["newborn"].fillna(False).astype(bool)
    expected = frame.loc[kept, "weight"].groupby(labels[kept]).sum()
    got = result.strata.set_index(result.strata["condition"].astype(str))["weighted_admissions"]
    for group, value in expected.items():
        assert got[group] == pytest.approx(value)
    assert result.strata["admissions"].sum() + result.exclusions["rows"].sum() == len(raw)
    order = [*rules.groups, "other"]
    shown = list(result.strata["condition"].astype(str))
    assert shown == [g for g in order if g in shown]  # the set's order (groups without records are left out)


def test_engine_excludes_a_missing_primary_diagnosis_as_invalid_code():
    raw = datasets.nhds2010().iloc[:200].copy()
    raw.loc[raw.index[:3], "dx01"] = np.nan
    extract = read_episodes(raw, mapping="nhds")
    result = aggregate(extract, by=["condition"], conditions="acsc_billings_icd9cm", progress=False)
    excl = result.exclusions.set_index("reason")["rows"]
    assert excl["invalid_code"] == 3
    assert result.strata["admissions"].sum() + excl.sum() == 200


def test_rules_need_the_spell_columns_in_the_spell_unit():
    # rules apply in spells and CIPS too (tests/engine/test_condition_rules_units.py); the NHDS has no person ids
    raw = datasets.nhds2010().iloc[:50]
    extract = read_episodes(raw, mapping="nhds")
    with pytest.raises(KpcompareError, match="person_id"):
        aggregate(extract, by=["condition"], conditions=condition_set("acsc_billings_icd9cm"), unit="spell",
                  progress=False)


def test_rules_must_have_the_extract_coding():
    extract = read_episodes(datasets.nhds2010().iloc[:50], mapping="nhds")  # ICD-9-CM
    with pytest.raises(KpcompareError, match="coded 'icd10' but the extract is coded 'icd9cm'"):
        aggregate(extract, by=["condition"], conditions=condition_set("acsc_nhs19"), progress=False)
    with pytest.raises(KpcompareError, match="'acsc_nhs19' is coded 'icd10', not 'icd9cm'"):
        aggregate(extract, by=["condition"], conditions="acsc_nhs19", progress=False)
