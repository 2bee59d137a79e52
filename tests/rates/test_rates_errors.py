"""One test per error message of the rate functions (messages matched)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpcompare import crude_rate, dsr, isr, smr
from kpcompare.errors import (
    BandMismatchError,
    DuplicateKeyError,
    InvalidArgumentError,
    InvalidValueError,
    MissingColumnError,
    UnknownNameError,
)


@pytest.fixture
def data():
    return pd.DataFrame({"area": ["a", "a", "b", "b"], "age_band": ["young", "old"] * 2,
                         "n": [12, 30, 8, 25], "pop": [1000, 400, 900, 500]})


@pytest.fixture
def standard():
    return pd.DataFrame({"age_band": ["young", "old"], "population": [60, 40]})


@pytest.fixture
def reference():
    return pd.DataFrame({"age_band": ["young", "old"], "count": [100, 300], "population": [10_000, 5_000]})


def run_dsr(df, std, **kw):
    return dsr(df, count="n", population="pop", standard=std, by="area", **kw)


def test_missing_column(data, standard):
    with pytest.raises(MissingColumnError, match=r"data: column\(s\) 'cases' not found; available columns: 'area'"):
        dsr(data, count="cases", population="pop", standard=standard, by="area")


def test_missing_key_value(data, standard):
    data.loc[2, "area"] = None
    with pytest.raises(InvalidValueError,
                       match=r"column 'area': rule 'no missing values' broken by 1 row \(e.g. 'row 2 is missing'\)"):
        run_dsr(data, standard)


def test_missing_count(data, standard):
    data["n"] = data["n"].astype(float)
    data.loc[[0, 3], "n"] = np.nan
    with pytest.raises(InvalidValueError, match=r"column 'n': rule 'no missing values' broken by 2 rows"):
        run_dsr(data, standard)


def test_negative_count(data, standard):
    data.loc[1, "n"] = -3
    with pytest.raises(InvalidValueError, match=r"column 'n': rule 'non-negative and finite' broken by 1 row \(e.g. -3\)"):
        run_dsr(data, standard)


def test_non_integer_count(data, standard):
    data["n"] = data["n"] + 0.5
    with pytest.raises(InvalidValueError, match=r"column 'n': rule 'integer-valued count' broken by 4 rows "
                                                r"\(e.g. 12.5\). If these are weighted counts .* pass weighted=True"):
        crude_rate(data, count="n", population="pop")


def test_non_numeric_count(data, standard):
    data["n"] = data["n"].astype(str).where(data.index != 0, "twelve")
    # text is refused, even text of digits (issue 17): 4 rows, the first is 'twelve'
    with pytest.raises(InvalidValueError, match=r"column 'n': rule 'numeric' broken by 4 rows \(e.g. 'twelve'\)"):
        run_dsr(data, standard)


def test_negative_population(data, reference):
    data.loc[0, "pop"] = -1
    with pytest.raises(InvalidValueError, match=r"column 'pop': rule 'non-negative and finite' broken by 1 row"):
        smr(data, count="n", population="pop", standard=reference)


@pytest.mark.parametrize("level", [95, 0, 1, -0.5])
def test_confidence_outside_0_1(data, standard, level):
    with pytest.raises(InvalidArgumentError, match=rf"argument 'confidence': {level!r} must lie strictly between 0 and 1"):
        run_dsr(data, standard, confidence=[0.95, level])


def test_confidence_not_a_number(data):
    with pytest.raises(InvalidArgumentError, match=r"argument 'confidence': 'high' is not a number"):
        crude_rate(data, count="n", population="pop", confidence=["high"])


@pytest.mark.parametrize("func", ["dsr", "crude_rate", "isr"])
def test_unknown_method(data, standard, reference, func):
    with pytest.raises(UnknownNameError, match=r"argument 'method': unknown value 'wald'; choose one of"):
        if func == "dsr":
            run_dsr(data, standard, method="wald")
        elif func == "crude_rate":
            crude_rate(data, count="n", population="pop", method="wald")
        else:
            isr(data, count="n", population="pop", standard=reference, method="wald")


def test_band_in_data_not_in_standard(data, standard):
    data.loc[3, "age_band"] = "ancient"
    with pytest.raises(BandMismatchError, match=r"bands of the data not in the standard: \['ancient'\]") as info:
        run_dsr(data, standard)
    assert info.value.extra == ["ancient"]


def test_band_in_standard_missing_from_data(data, standard):
    standard = pd.concat([standard, pd.DataFrame({"age_band": ["child"], "population": [10]})])
    with pytest.raises(BandMismatchError, match=r"bands of the standard missing from the data: \['child'\]") as info:
        run_dsr(data, standard)
    assert info.value.missing == ["child"]


def test_group_lacking_a_band(data, standard):
    with pytest.raises(BandMismatchError, match=r"1 group\(s\) lack rows for some age bands of the standard "
                                                r"\(e.g. area='b': missing bands \['old'\]\)"):
        run_dsr(data.drop(index=3), standard)


def test_band_mismatch_with_reference(data, reference):
    with pytest.raises(BandMismatchError, match=r"bands of the standard missing from the data: \['old'\]"):
        smr(data[data["age_band"] == "young"], count="n", population="pop", standard=reference)


def test_zero_population_stratum_in_dsr(data, standard):
    data.loc[1, "pop"] = 0
    with pytest.raises(InvalidValueError, match=r"column 'pop': rule 'greater than zero in every stratum \(a DSR "
                                                r"needs every stratum rate\)' broken by 1 row \(e.g. \"area='a', "
                                                r"age band 'old'\"\)"):
        run_dsr(data, standard)


def test_zero_population_group_in_crude_rate(data):
    data.loc[data["area"] == "b", "pop"] = 0
    with pytest.raises(InvalidValueError, match=r"column 'pop': rule 'group total greater than zero' broken by 1 row"):
        crude_rate(data, count="n", population="pop", by="area")


def test_zero_population_in_reference(data, reference):
    reference.loc[0, "population"] = 0
    with pytest.raises(InvalidValueError, match=r"column 'population': rule 'greater than zero \(standard rates "
                                                r"need a population\)' broken by 1 row \(e.g. \"age band 'young'\"\)"):
        isr(data, count="n", population="pop", standard=reference)


def test_duplicate_band_in_standard(data, standard):
    with pytest.raises(DuplicateKeyError, match=r"column 'age_band': rule 'one row per age band' broken by 2 rows"):
        run_dsr(data, pd.concat([standard, standard]))


def test_standard_summing_to_zero(data, standard):
    with pytest.raises(InvalidValueError, match=r"standard: column 'population' sums to 0"):
        run_dsr(data, standard.assign(population=0))


def test_unknown_standard_name(data):
    with pytest.raises(UnknownNameError, match=r"standard population 'esp2099' is not registered; "
                                               r"registered names: esp2013, "):
        run_dsr(data, "esp2099")


def test_standard_column_differs_within_a_stratum(data):
    doubled = pd.concat([data, data]).assign(std=[1, 2, 1, 2, 1, 2, 1, 5])
    with pytest.raises(InvalidValueError, match=r"column 'std': rule 'one standard population per age band and "
                                                r"group' broken by 2 rows"):
        dsr(doubled, count="n", population="pop", standard="std", by="area")


def test_standard_column_negative(data):
    with pytest.raises(InvalidValueError, match=r"column 'std': rule 'non-negative standard population' broken"):
        dsr(data.assign(std=[1, -1, 1, 1]), count="n", population="pop", standard="std", by="area")


def test_standard_column_summing_to_zero_in_a_group(data):
    with pytest.raises(InvalidValueError, match=r"column 'std': rule 'standard population summing to more than 0 "
                                                r"in each group' broken by 1 row \(e.g. \"area='b'\"\)"):
        dsr(data.assign(std=[1, 1, 0, 0]), count="n", population="pop", standard="std", by="area")


def test_event_frequency_with_gamma(data, standard):
    with pytest.raises(InvalidArgumentError, match=r"argument 'event_frequency': not available with method 'gamma'"):
        run_dsr(data.assign(f=1), standard, method="gamma", event_frequency="f")


def test_event_frequency_below_one(data, standard):
    with pytest.raises(InvalidValueError, match=r"column 'f': rule 'integer >= 1' broken by 1 row \(e.g. 0\)"):
        run_dsr(data.assign(f=[1, 1, 0, 2]), standard, event_frequency="f")


def test_event_frequency_rows_with_different_populations(data, standard):
    rows = pd.concat([data.assign(f=1), data.assign(f=2, pop=data["pop"] + [0, 0, 0, 1])])
    with pytest.raises(InvalidValueError, match=r"column 'pop': rule 'same population on every event-frequency "
                                                r"row of a stratum' broken by 2 rows"):
        run_dsr(rows, standard, event_frequency="f")


@pytest.mark.parametrize(("bad", "message"), [(-1, r"-1\.0 must be a finite number >= 0\.$"),
                                              (np.inf, r"inf must be a finite number >= 0\.$"),
                                              ("ten", r"'ten' is not a number\.$")])
def test_min_count_invalid(data, standard, bad, message):
    with pytest.raises(InvalidArgumentError, match=r"^argument 'min_count': " + message):
        run_dsr(data, standard, min_count=bad)


def test_multiplier_invalid(data):
    with pytest.raises(InvalidArgumentError, match=r"argument 'multiplier': 0 must be a finite number > 0"):
        crude_rate(data, count="n", population="pop", multiplier=0)


def test_weighted_must_be_boolean(data):
    with pytest.raises(InvalidArgumentError, match=r"argument 'weighted': expected True or False, got 'yes'"):
        crude_rate(data, count="n", population="pop", weighted="yes")


def test_data_must_be_a_frame():
    with pytest.raises(InvalidArgumentError, match=r"argument 'data': expected a pandas DataFrame or a pyarrow "
                                                   r"Table, got dict"):
        crude_rate({"n": [1]}, count="n", population="pop")


def test_empty_data(data):
    with pytest.raises(InvalidValueError, match=r"data: no rows"):
        crude_rate(data.iloc[:0], count="n", population="pop")


def test_missing_population(data, standard):
    data["pop"] = data["pop"].astype(float)
    data.loc[2, "pop"] = np.nan
    with pytest.raises(InvalidValueError, match=r"column 'pop': rule 'no missing values' broken by 1 row "
                                                r"\(e.g. 'row 2 is missing'\)"):
        run_dsr(data, standard)


def test_standard_column_missing_value(data):
    with pytest.raises(InvalidValueError, match=r"column 'std': rule 'no missing values' broken by 1 row "
                                                r"\(e.g. 'row 1 is missing'\)"):
        dsr(data.assign(std=[1, np.nan, 1, 1]), count="n", population="pop", standard="std", by="area")


def test_standard_column_not_numeric(data):
    with pytest.raises(InvalidValueError, match=r"column 'std': rule 'numeric' broken by 1 row \(e.g. 'many'\)"):
        dsr(data.assign(std=["1", "many", "1", "1"]), count="n", population="pop", standard="std", by="area")


def test_standard_table_without_population(data, standard):
    with pytest.raises(MissingColumnError, match=r"standard: column\(s\) 'population' not found; available "
                                                 r"columns: 'age_band', 'weight'"):
        run_dsr(data, standard.rename(columns={"population": "weight"}))


def test_reference_without_count(data, reference):
    with pytest.raises(MissingColumnError, match=r"standard: column\(s\) 'count' not found"):
        smr(data, count="n", population="pop", standard=reference.rename(columns={"count": "deaths"}))


@pytest.mark.parametrize("name", ["count", "value", "note", "p_value"])
def test_group_column_clashing_with_result_columns(data, standard, name):
    clash = data.rename(columns={"area": name})
    with pytest.raises(InvalidArgumentError, match=rf"argument 'by': \['{name}'\] would clash with the result's own "
                                                   r"columns"):
        if name == "count":
            crude_rate(clash.rename(columns={"n": "events"}), count="events", population="pop", by=name)
        else:
            dsr(clash, count="n", population="pop", standard=standard, by=name)
