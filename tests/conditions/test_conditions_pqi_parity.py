"""acsc_pqi on a synthetic ICD-10-CM/PCS extract: classify_records and the engine against a plain
record-by-record reading of AHRQ's SAS program (tests/conditions/_pqi_reference.py), every row counted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpcompare.conditions import classify_records, condition_set
from kpcompare.engine import aggregate
from kpcompare.extract import read_episodes

from _pqi_reference import load_lists, reference_label

OTHER_DX = ["I70262", "J129", "J069", "E119", "K3580", "Z0000", "R0789", "S72001A", "O80"]
OTHER_PR = ["0DTJ4ZZ", "5A1D70Z", "0Y6P0Z0", "0SRC0J9"]  # appendectomy, dialysis, toe amputation, knee


def _pick(rng, values, k):
    values = sorted(values)
    return [values[i] for i in rng.integers(0, len(values), size=k)]


def _dotted(rng, code):
    return code[:3] + "." + code[3:] if len(code) > 3 and rng.random() < 0.5 else code


def synthetic_records(n: int, seed: int) -> pd.DataFrame:
    """Discharges whose codes are drawn from AHRQ's lists (raw TOML) and from codes no list holds."""
    rng = np.random.default_rng(seed)
    lists = load_lists()
    principal, secondary, procedures = list(OTHER_DX), list(OTHER_DX), list(OTHER_PR)
    for keys in lists.values():
        for key, codes in keys.items():
            if key in ("primary", "any_position"):
                principal += _pick(rng, codes, 12)
            if key.startswith("exclude") and not key.endswith("procedures"):
                secondary += _pick(rng, codes, 8)
            if key.endswith("procedures"):
                procedures += _pick(rng, codes, 8)
    secondary += _pick(rng, lists["pqi16_lower_extremity_amputation_diabetes"]["any_position"], 20)
    rows = []
    for i in range(n):
        dx1 = principal[rng.integers(len(principal))]
        others = [secondary[j] for j in rng.integers(0, len(secondary), size=rng.integers(0, 4))]
        procs = [procedures[j] for j in rng.integers(0, len(procedures), size=rng.integers(0, 3))]
        age = [None, 12.0, 17.0, 18.0, 30.0, 39.0, 40.0, 55.0, 70.0, 88.0][rng.integers(10)]
        source = ["1", "1", "1", "2", "4", "5", "6", "D", None][rng.integers(9)]
        rows.append({"primary_diagnosis": _dotted(rng, dx1), "diagnoses": [_dotted(rng, c) for c in [dx1, *others]],
                     "procedures": procs, "age": age, "admission_source": source, "id": i})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def records():
    return synthetic_records(4000, seed=20261205)


def test_classify_records_matches_the_sas_reading(records):
    lists = load_lists()
    rules = condition_set("acsc_pqi")
    got = classify_records(records[rules.columns()], conditions=rules)
    expected = [reference_label(rec, lists) for rec in records.to_dict("records")]
    assert (got == np.array(expected, dtype=object)).all()
    counted = pd.Series(expected).value_counts()
    assert set(counted.index) == {*rules.groups, "other"}  # every PQI is reached by the sample
    assert counted.drop("other").min() >= 10


def test_acsc_pqi_16_matches_the_sas_reading(records):
    lists = load_lists("acsc_pqi_16")
    got = classify_records(records[condition_set("acsc_pqi_16").columns()], conditions="acsc_pqi_16")
    expected = [reference_label(rec, lists) for rec in records.to_dict("records")]
    assert (got == np.array(expected, dtype=object)).all()
    assert (got != "other").sum() >= 10


def _source_frame(records: pd.DataFrame) -> pd.DataFrame:
    """The records as a flat US discharge file: DX1-DX4, PR1-PR2, ASOURCE, dates (a user mapping reads it)."""
    flat = pd.DataFrame({"KEY": records["id"], "AGE": records["age"], "SEX": "F", "ASOURCE": records["admission_source"],
                         "ADATE": pd.Timestamp("2024-01-01"), "DDATE": pd.Timestamp("2024-01-03")})
    for k in range(4):
        flat[f"DX{k + 1}"] = [d[k] if len(d) > k else None for d in records["diagnoses"]]
    for k in range(2):
        flat[f"PR{k + 1}"] = [p[k] if len(p) > k else None for p in records["procedures"]]
    return flat


MAPPING = {"episode_id": "KEY", "age": "AGE", "sex": "SEX", "admission_date": "ADATE", "discharge_date": "DDATE",
           "primary_diagnosis": "DX1", "diagnoses": ["DX1", "DX2", "DX3", "DX4"], "procedures": ["PR1", "PR2"],
           "admission_source": "ASOURCE"}


def test_aggregate_applies_acsc_pqi_to_a_user_extract_and_counts_every_row(records):
    flat = _source_frame(records)
    flat.loc[:2, "DX1"] = [None, "XX", "12345"]  # a missing and two invalid ICD-10-CM principal diagnoses
    extract = read_episodes(flat, mapping=MAPPING, coding="icd10cm")
    result = aggregate(extract, by=["condition"], conditions="acsc_pqi", progress=False)
    excluded = result.exclusions.set_index("reason")["rows"]
    assert excluded["invalid_code"] == 3
    assert result.strata["admissions"].sum() + excluded.sum() == len(flat)  # read = counted + excluded
    lists = load_lists()
    valid = records.iloc[3:]
    expected = pd.Series([reference_label(rec, lists) for rec in valid.to_dict("records")]).value_counts()
    got = result.strata.set_index(result.strata["condition"].astype(str))["admissions"]
    assert got.to_dict() == expected.to_dict()


def test_acsc_pqi_needs_an_icd10cm_extract(records):
    extract = read_episodes(_source_frame(records.iloc[:20]), mapping=MAPPING, coding="icd10")
    with pytest.raises(Exception, match="coded 'icd10cm' but the extract is coded 'icd10'"):
        aggregate(extract, by=["condition"], conditions=condition_set("acsc_pqi"), progress=False)
