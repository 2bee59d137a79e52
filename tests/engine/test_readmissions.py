"""Hand-built cases of the emergency readmission rules, one per rule (kpcompare.engine.readmissions).

The definition: NHS Digital, "Emergency readmissions within 30 days of discharge from hospital" (NHS Outcomes
Framework 3b; Compendium I02040 specification v3; CCG OIS 3.2 specification v1.4).  Numerator: continuous
inpatient spells "that are emergency admissions within 0-29 days (inclusive) of the last, previous discharge
from hospital"; denominator: finished CIP spells discharged in the year; exclusions: deaths (index),
cancer and chemotherapy for cancer, obstetrics.  Each expected value below is counted by hand from the rows.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import kpcompare
from kpcompare.engine.readmissions import READMISSION_REASONS, ReadmissionRules
from kpcompare.errors import InvalidArgumentError

D0 = dt.date(2020, 3, 1)


def ep(person, admit, discharge, *, method="21", dismeth="1", code="J441", provider="P", system="NHS",
       source="19", destination="19", diagnoses=None, order=1):
    return {"person_id": person, "provider": provider, "system": system, "sex": "F", "age": 70.0,
            "admission_date": D0 + dt.timedelta(days=admit), "discharge_date": D0 + dt.timedelta(days=discharge),
            "episode_order": order, "admission_method": method, "discharge_method": dismeth,
            "primary_diagnosis": code, "diagnoses": diagnoses if diagnoses is not None else [code],
            "admission_source": source, "discharge_destination": destination}


def run(rows, unit="cips", **options):
    options.setdefault("readmissions", 30)
    result = kpcompare.aggregate(pd.DataFrame(rows), by=("system",), unit=unit, progress=False, **options)
    assert result.rows_read == result.rows_counted + result.rows_excluded
    return result


def counts(result):
    """(readmissions, eligible) over all strata."""
    s = result.strata
    return int(s["readmissions"].sum()), int(s["readmission_eligible"].sum())


def reason(result, stage, name):
    table = result.readmission_exclusions
    return int(table.loc[(table["stage"] == stage) & (table["reason"] == name), "units"].iloc[0])


def test_readmission_on_day_29_counted():
    # discharged day 5, emergency admission day 34: 29 days later, the last day of "0-29 days (inclusive)"
    assert counts(run([ep(1, 0, 5, method="11"), ep(1, 34, 36)])) == (1, 2)


def test_readmission_on_day_30_not_counted():
    # 30 days after discharge is outside 0-29: both spells are index discharges, none is readmitted
    assert counts(run([ep(1, 0, 5, method="11"), ep(1, 35, 36)])) == (0, 2)


def test_readmission_on_day_of_discharge_counted():
    # day 0: discharged and readmitted as an emergency the same day (no transfer code: a new CIPS)
    assert counts(run([ep(1, 0, 5, method="11"), ep(1, 5, 8)])) == (1, 2)


def test_window_follows_readmissions_argument():
    rows = [ep(1, 0, 5, method="11"), ep(1, 12, 13)]  # 7 days
    assert counts(run(rows, readmissions=7)) == (0, 2)  # 0-6 days
    assert counts(run(rows, readmissions=8)) == (1, 2)  # 0-7 days


def test_same_day_transfer_not_a_readmission():
    # discharged to another provider (destination 51) and admitted there the same day by transfer (2B):
    # one continuous inpatient spell, so no readmission
    rows = [ep(1, 0, 5, method="11", destination="51"), ep(1, 5, 9, method="2B", provider="Q", source="51")]
    assert counts(run(rows)) == (0, 1)


def test_transfer_is_not_a_readmission_with_provider_spells():
    # as provider spells the two stays are two spells; the second is a transfer, not a readmission
    rows = [ep(1, 0, 5, method="11", destination="51"), ep(1, 5, 9, method="2B", provider="Q", source="51")]
    result = run(rows, unit="spell")
    assert counts(result) == (0, 2)
    assert reason(result, "readmission", "transfer") == 1


def test_readmission_after_death_excluded():
    # an index spell ending in death (discharge method 4) is no index discharge: a later record is not counted
    result = run([ep(1, 0, 5, dismeth="4"), ep(1, 10, 12)])
    assert counts(result) == (0, 1)
    assert reason(result, "index", "died") == 1


def test_readmission_ending_in_death_counted():
    # "including those where the patient dies": the readmitting spell may end in death
    result = run([ep(1, 0, 5, method="11"), ep(1, 10, 12, dismeth="4")])
    assert counts(result) == (1, 1)


def test_elective_readmission_not_counted():
    result = run([ep(1, 0, 5), ep(1, 10, 12, method="11")])  # 11: elective from the waiting list
    assert counts(result) == (0, 2)
    assert reason(result, "readmission", "not_emergency") == 1


def test_index_in_period_readmission_after_period_end_counted():
    # the period ends on day 9; the index is discharged day 5 and readmitted day 20: counted (the numerator
    # takes readmissions "up to 30 days into the next" year); the readmission's stay is outside the period
    rows = [ep(1, 0, 5, method="11"), ep(1, 20, 22)]
    result = run(rows, period=(D0, D0 + dt.timedelta(days=9)))
    assert counts(result) == (1, 1)
    assert result.exclusions.set_index("reason").loc["outside_period", "rows"] == 1


def test_index_discharged_after_period_end_not_eligible():
    # admitted in the period (counted in the strata) but discharged after it: not in the denominator
    rows = [ep(1, 0, 15, method="11"), ep(1, 20, 22)]
    result = run(rows, period=(D0, D0 + dt.timedelta(days=9)))
    assert counts(result) == (0, 0)
    assert reason(result, "index", "discharged_outside_period") == 1


def test_cancer_index_excluded():
    result = run([ep(1, 0, 5, code="C509"), ep(1, 10, 12)])
    assert counts(result) == (0, 1)
    assert reason(result, "index", "cancer") == 1


def test_uncertain_behaviour_neoplasm_index_excluded():
    # D37-D48 count as cancer; D36 (benign) does not
    assert counts(run([ep(1, 0, 5, code="D481"), ep(1, 10, 12)])) == (0, 1)
    assert counts(run([ep(1, 0, 5, code="D369"), ep(1, 10, 12)])) == (1, 2)


def test_chemotherapy_anywhere_in_readmission_not_counted():
    # chemotherapy for cancer (Z51.1) as a secondary diagnosis of the readmitting spell's second episode
    rows = [ep(1, 0, 5, method="11"), ep(1, 10, 12), ep(1, 10, 14, order=2, code="R509", diagnoses=["R509", "Z511"])]
    result = run(rows)
    assert counts(result) == (0, 1)
    assert reason(result, "readmission", "cancer") == 1
    assert reason(result, "index", "cancer") == 1  # the readmitting spell is itself no index


def test_chemotherapy_written_with_a_dot_recognised():
    rows = [ep(1, 0, 5, method="11"), ep(1, 10, 12, code="R509", diagnoses=["R509", "Z51.1"])]
    assert counts(run(rows)) == (0, 1)


def test_obstetric_index_excluded():
    result = run([ep(1, 0, 5, code="O800"), ep(1, 10, 12)])
    assert counts(result) == (0, 1)
    assert reason(result, "index", "obstetric") == 1


def test_obstetric_readmission_not_counted():
    result = run([ep(1, 0, 5, method="11"), ep(1, 10, 12, code="O85")])
    assert counts(result) == (0, 1)
    assert reason(result, "readmission", "obstetric") == 1


def test_readmission_counted_in_index_stratum():
    # discharged from system A, readmitted in system B: the readmission is A's
    result = run([ep(1, 0, 5, method="11", system="A"), ep(1, 10, 12, system="B")])
    table = result.strata.set_index("system")
    assert table.loc["A", "readmissions"] == 1 and table.loc["A", "readmission_eligible"] == 1
    assert table.loc["B", "readmissions"] == 0 and table.loc["B", "readmission_eligible"] == 1


def test_one_readmission_per_index():
    # the third admission's last, previous discharge is the second's: each index has at most one readmission
    result = run([ep(1, 0, 5, method="11"), ep(1, 10, 12), ep(1, 14, 15)])
    assert counts(result) == (2, 3)


def test_previous_discharge_is_the_latest_one():
    # provider spells overlapping: P 0-20 and Q 2-4; an emergency admission on day 25 readmits P (discharged
    # day 20, the last previous discharge), not Q (day 4)
    rows = [ep(1, 0, 20, method="11"), ep(1, 2, 4, method="11", provider="Q", system="Q"), ep(1, 25, 26, system="R")]
    table = run(rows, unit="spell").strata.set_index("system")
    assert table.loc["NHS", "readmissions"] == 1 and table.loc["Q", "readmissions"] == 0


def test_admission_during_a_stay_not_a_readmission():
    # an emergency spell in another provider admitted before the first is discharged overlaps it
    rows = [ep(1, 0, 20, method="11"), ep(1, 5, 8, provider="Q")]
    assert counts(run(rows, unit="spell")) == (0, 2)


def test_other_person_not_a_readmission():
    assert counts(run([ep(1, 0, 5, method="11"), ep(2, 10, 12)])) == (0, 2)


def test_accounts_cover_every_counted_unit():
    rows = [ep(1, 0, 5, method="11"), ep(1, 10, 12), ep(2, 0, 3, dismeth="4"), ep(3, 0, 2, code="C19"),
            ep(3, 9, 9, code="O021"), ep(4, 0, 1), ep(4, 3, 4, method="12")]
    result = run(rows)
    table = result.readmission_exclusions
    index = table[table["stage"] == "index"]
    assert list(index["reason"]) == list(READMISSION_REASONS["index"])
    assert index["units"].sum() == result.strata["admissions"].sum() == 7  # every unit once
    assert reason(result, "index", "eligible") == result.strata["readmission_eligible"].sum() == 4
    assert reason(result, "readmission", "counted") == result.strata["readmissions"].sum() == 1


def test_readmissions_none_adds_nothing():
    rows = [ep(1, 0, 5, method="11"), ep(1, 10, 12)]
    plain = kpcompare.aggregate(pd.DataFrame(rows), by=("system",), unit="cips", progress=False)
    assert "readmissions" not in plain.strata and plain.readmission_exclusions is None
    with_none = kpcompare.aggregate(pd.DataFrame(rows), by=("system",), unit="cips", progress=False,
                                    readmissions=None)
    pd.testing.assert_frame_equal(plain.strata, with_none.strata)
    counted = run(rows)
    pd.testing.assert_frame_equal(plain.strata, counted.strata.drop(columns=["readmissions", "readmission_eligible"]))
    assert counted.strata["readmissions"].dtype == "int64"


def test_notes_name_the_definition_and_what_was_not_applied():
    rows = [{k: v for k, v in ep(1, 0, 5).items() if k not in ("discharge_method", "diagnoses", "primary_diagnosis")}]
    notes = " ".join(run(rows).notes)
    assert "Outcomes Framework indicator 3b" in notes
    assert "deaths (no discharge_method column)" in notes
    assert "cancer, chemotherapy and obstetric diagnoses (no ICD-10 diagnosis column)" in notes
    assert "specialties" in notes


def test_readmissions_refused_with_episode_unit():
    with pytest.raises(InvalidArgumentError, match="readmissions link a person's stays, so they need unit='cips'"):
        run([ep(1, 0, 5)], unit="episode")


def test_readmissions_refused_with_weights():
    rows = [dict(ep(1, 0, 5), weight=2.0)]
    with pytest.raises(InvalidArgumentError, match="not available with weights"):
        run(rows, weights="weight")


@pytest.mark.parametrize("bad", [0, -3, 2.5, "30", True])
def test_readmissions_window_must_be_whole_days(bad):
    with pytest.raises(InvalidArgumentError, match="argument 'readmissions'"):
        run([ep(1, 0, 5)], readmissions=bad)


def test_readmissions_need_admission_method():
    rows = [{k: v for k, v in ep(1, 0, 5).items() if k != "admission_method"}]
    with pytest.raises(kpcompare.errors.KpcompareError, match="admission_method"):
        run(rows)


def test_rules_object_accepted():
    rows = [ep(1, 0, 5, method="11"), ep(1, 10, 12, method="99")]
    assert counts(run(rows, readmissions=ReadmissionRules(emergency_methods=("99",)))) == (1, 2)


def test_code_rules_judge_dictionary_columns_as_plain_ones():
    # Parquet extracts hold codes dictionary-encoded: judged once per dictionary value, the same answers
    import pyarrow as pa

    from kpcompare.engine.readmissions import _in_codes, _matches

    plain = pa.array(["21", None, "11", "2B", "21", "C509"])
    encoded = plain.dictionary_encode()
    with_null_index = pa.DictionaryArray.from_arrays(pa.array([0, None, 2, 1]), pa.array(["21", "C509", "11"]))
    assert _in_codes(plain, ("21", "2B")).tolist() == _in_codes(encoded, ("21", "2B")).tolist() == \
        [True, False, False, True, True, False]
    assert _matches(encoded, r"^C[0-8]").tolist() == _matches(plain, r"^C[0-8]").tolist() == \
        [False, False, False, False, False, True]
    assert _in_codes(with_null_index, ("21",)).tolist() == [True, False, False, False]
    assert _matches(pa.chunked_array([encoded[:2], encoded[2:]]), "^2").tolist() == \
        [True, False, False, True, True, False]
