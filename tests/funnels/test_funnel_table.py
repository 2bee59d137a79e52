"""kpcompare.funnel's per-unit table: positions against PHEindicatormethods 2.1.0's published significance
(ratios, crude and directly standardised rates, proportions), its columns, edge cases and refused input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import kpcompare
from kpcompare.errors import (InvalidArgumentError, InvalidValueError, KpcompareError, MissingColumnError,
                              UnknownNameError)

DATA = Path(__file__).parent / "data"
#: PHE's significance labels (assign_funnel_significance) -> kpcompare's positions at 95% and 99.8%
PHE = {"High (0.001)": "above 99.8%", "High (0.025)": "above 95%", "Not significant": "within",
       "Low (0.025)": "below 95%", "Low (0.001)": "below 99.8%",
       "Not applicable for events less than 10 for dsrs": "not assessed"}
COLUMNS = ["observed", "expected", "denominator", "value", "lower", "upper", "confidence", "target", "position",
           "method", "overdispersion", "phi", "tau2", "statistic", "note"]


def _positions(table: pd.DataFrame, key: str = "unit") -> list[str]:
    return table.drop_duplicates(key)["position"].tolist()


def test_ratio_positions_are_phe_significance():
    # PHEindicatormethods 2.1.0 @093fd288 testdata_funnel_ratio_inputs.csv, 300 units (testFunnels.R
    # 'Significance for ratios calculates correctly')
    phe = pd.read_csv(DATA / "phe_funnel_ratio_significance.csv").assign(unit=lambda d: range(len(d)))
    table = kpcompare.funnel(phe, kind="ratio", by="unit", observed="observed", expected="expected")
    assert _positions(table) == phe["expected_significance"].map(PHE).tolist()


@pytest.mark.parametrize(("rate", "multiplier", "label"), [
    ("rate_crude_per_100000", 1e5, "crude_per_100000_with_0"), ("rate_crude_per_100", 100, "crude_per_100_with_0")])
def test_crude_rate_positions_are_phe_significance(rate, multiplier, label):
    # PHEindicatormethods 2.1.0 testdata_funnel_rate_dsr_inputs.csv ('Significance for rates ...; crude ...')
    phe = pd.read_csv(DATA / "phe_funnel_rate_inputs.csv").assign(unit=lambda d: range(len(d)))
    table = kpcompare.funnel(phe, kind="rate", by="unit", observed="count", denominator="pop", multiplier=multiplier)
    assert _positions(table) == phe[label].map(PHE).tolist()


@pytest.mark.parametrize(("multiplier", "label"), [(1e5, "dsr_per_100000_with_0"), (100, "dsr_per_100_with_0")])
def test_dsr_positions_are_phe_significance(multiplier, label):
    # PHEindicatormethods 2.1.0 testdata_funnel_rate_dsr_inputs.csv: assign_funnel_significance(count, pop,
    # rate = rate_dsr, statistic = "rate", rate_type = "dsr", multiplier = <multiplier>) ('... dsr per ... with 0')
    phe = pd.read_csv(DATA / "phe_funnel_rate_inputs.csv").assign(unit=lambda d: range(len(d)))
    table = kpcompare.funnel(phe, kind="rate", by="unit", observed="count", rate="rate_dsr", denominator="pop",
                             multiplier=multiplier)
    assert _positions(table) == phe[label].map(PHE).tolist()
    few = table[table["observed"] < 10]
    assert few["note"].str.contains("fewer than 10 events: a DSR is not placed on the funnel").all()
    assert set(table["statistic"]) == {f"directly standardised rate per {multiplier:g}"}


def test_proportion_positions_are_phe_significance():
    # PHEindicatormethods 2.1.0 testdata_funnel_prop_inputs.csv (303 areas; 'Significance for proportions')
    phe = pd.read_csv(DATA / "phe_funnel_prop_inputs.csv").assign(unit=lambda d: range(len(d)))
    table = kpcompare.funnel(phe, kind="proportion", by="unit", observed="numerator", denominator="denominator",
                             method="wilson", multiplier=100)
    assert _positions(table) == phe["significance"].map(PHE).tolist()
    # the baseline PHE prints beside its limits (testdata_funnel_prop_outputs.csv, 6 dp)
    assert table["target"].iloc[0] == pytest.approx(80.642448, abs=5e-7)


def test_the_table_has_fixed_columns_one_row_per_unit_and_level():
    units = pd.DataFrame({"trust": ["A", "A", "B"], "deaths": [10, 20, 9], "expected": [12.0, 16.1, 15.3]})
    table = kpcompare.funnel(units, kind="ratio", by="trust", observed="deaths", expected="expected",
                             confidence=[0.9, 0.95, 0.998])
    assert list(table.columns) == ["trust", *COLUMNS]
    assert table["trust"].tolist() == ["A"] * 3 + ["B"] * 3
    assert table["confidence"].tolist() == [0.9, 0.95, 0.998] * 2
    a = table.iloc[0]
    assert (a["observed"], a["denominator"]) == (30.0, 28.1) and a["value"] == pytest.approx(30 / 28.1)
    assert table["note"].eq("").all() and table["overdispersion"].eq("").all() and table["phi"].isna().all()


def test_position_names_the_highest_level_crossed():
    # O = 30 at E = 15: P(X >= 30; 15) = 0.00042 (R: ppois(29, 15, lower.tail = FALSE)), below 0.001 -> above 99.8%
    # O = 24 at E = 15: P(X >= 24; 15) = 0.0195 (R: ppois(23, 15, lower.tail = FALSE)), below 0.025 only
    units = pd.DataFrame({"u": ["hi", "mid", "in", "lo"], "o": [30, 24, 15, 2], "e": [15.0, 15.0, 15.0, 15.0]})
    table = kpcompare.funnel(units, kind="ratio", by="u", observed="o", expected="e")
    assert _positions(table, "u") == ["above 99.8%", "above 95%", "within", "below 99.8%"]


def test_edge_cases_zero_observed_zero_expected_tiny_denominators():
    units = pd.DataFrame({"u": ["zero", "none", "tiny"], "o": [0, 0, 1], "e": [25.0, 0.0, 1e-6]})
    table = kpcompare.funnel(units, kind="ratio", by="u", observed="o", expected="e")
    assert _positions(table, "u") == ["below 99.8%", "not assessed", "above 99.8%"]  # P(X = 0; 25) = 1.4e-11
    none = table[table["u"] == "none"]
    assert none["value"].isna().all() and none["note"].str.contains("expected count 0").all()
    assert table[table["u"] != "none"][["value", "lower", "upper"]].notna().all().all()


def test_target_and_multiplier_for_ratios_and_rates():
    units = pd.DataFrame({"u": ["a", "b"], "o": [40, 60], "pop": [20_000.0, 30_000.0]})
    table = kpcompare.funnel(units, kind="rate", by="u", observed="o", denominator="pop")
    assert table["target"].iloc[0] == pytest.approx(200.0)  # pooled 100 / 50,000 per 100,000
    assert table["value"].tolist() == pytest.approx([200.0] * 4)
    assert table["expected"].tolist() == pytest.approx([40.0, 40.0, 60.0, 60.0])
    smr = kpcompare.funnel(units.assign(e=[40.0, 50.0]), kind="ratio", by="u", observed="o", expected="e",
                           multiplier=100, target=100)
    assert smr["value"].tolist() == pytest.approx([100.0, 100.0, 120.0, 120.0])
    assert set(smr["statistic"]) == {"ratio O/E x 100"}


def test_arrow_input_gives_the_same_table():
    units = pd.DataFrame({"u": ["a", "b"], "o": [40, 60], "e": [35.5, 71.2]})
    got = kpcompare.funnel(pa.Table.from_pandas(units), kind="ratio", by="u", observed="o", expected="e")
    pd.testing.assert_frame_equal(got, kpcompare.funnel(units, kind="ratio", by="u", observed="o", expected="e"))


_UNITS = pd.DataFrame({"u": ["a", "b"], "o": [4, 6], "n": [10, 12], "e": [3.0, 7.0], "r": [1.0, 2.0]})


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"kind": "ratio", "observed": "o", "expected": "x"}, MissingColumnError, "column\\(s\\) 'x' not found"),
    ({"kind": "ratio", "observed": "o"}, InvalidArgumentError, "kind 'ratio' needs 'observed' and 'expected'"),
    ({"kind": "ratio", "observed": "o", "expected": "e", "denominator": "n"}, InvalidArgumentError,
     "argument 'denominator': not used for kind 'ratio'"),
    ({"kind": "odds", "observed": "o", "expected": "e"}, UnknownNameError, "argument 'kind': unknown value"),
    ({"kind": "ratio", "observed": "o", "expected": "e", "overdispersion": "dl"}, UnknownNameError,
     "argument 'overdispersion'"),
    ({"kind": "ratio", "observed": "o", "expected": "e", "target": -1}, InvalidArgumentError, "argument 'target'"),
    ({"kind": "proportion", "observed": "n", "denominator": "o"}, InvalidValueError,
     "column 'n': rule 'at most the denominator' broken by 2 rows"),
    ({"kind": "ratio", "observed": "o", "expected": "e", "multiplier": 0}, InvalidArgumentError, "multiplier"),
])
def test_bad_input_is_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        kpcompare.funnel(_UNITS, by="u", **kwargs)


def test_negative_or_missing_counts_are_refused_naming_the_column():
    bad = _UNITS.assign(o=[4, -1])
    with pytest.raises(InvalidValueError, match="column 'o': rule 'non-negative and finite' broken by 1 row"):
        kpcompare.funnel(bad, kind="ratio", by="u", observed="o", expected="e")
    with pytest.raises(InvalidValueError, match="column 'e': rule 'no missing values'"):
        kpcompare.funnel(_UNITS.assign(e=[1.0, None]), kind="ratio", by="u", observed="o", expected="e")


def test_dsr_rows_are_not_summed_and_need_a_rate_where_there_are_events():
    two_rows = pd.concat([_UNITS, _UNITS])
    with pytest.raises(InvalidArgumentError, match="one row per unit with 'rate'"):
        kpcompare.funnel(two_rows, kind="rate", by="u", observed="o", rate="r")
    with pytest.raises(InvalidValueError, match="column 'r': rule 'present where observed > 0'"):
        kpcompare.funnel(_UNITS.assign(r=[1.0, None]), kind="rate", by="u", observed="o", rate="r")


def test_every_error_is_a_kpcompare_error():
    with pytest.raises(KpcompareError):
        kpcompare.funnel("not a table", kind="ratio", by="u", observed="o", expected="e")
    assert np.isfinite(kpcompare.funnel(_UNITS, kind="proportion", by="u", observed="o",
                                        denominator="n")["upper"]).all()


@pytest.mark.parametrize("kind", ["ratio", "proportion"])
def test_position_agrees_with_the_limits_on_its_rows(kind):
    """Property on random units: 'above x%' exactly when the value exceeds the x% upper limit of its row and no
    wider upper limit, and so on (the labels are the limits' verdicts, nothing else)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 200), st.floats(0.5, 300)), min_size=1, max_size=12))
    def check(pairs):
        o = [p[0] for p in pairs]
        d = [max(p[1], p[0]) if kind == "proportion" else p[1] for p in pairs]
        units = pd.DataFrame({"u": range(len(pairs)), "o": o, "d": d})
        col = {"expected": "d"} if kind == "ratio" else {"denominator": "d"}
        table = kpcompare.funnel(units, kind=kind, by="u", observed="o", **col)
        for _, rows in table.groupby("u"):
            above = rows[rows["value"] > rows["upper"]]["confidence"]
            below = rows[rows["value"] < rows["lower"]]["confidence"]
            expected = (f"above {above.max() * 100:g}%" if len(above) else
                        f"below {below.max() * 100:g}%" if len(below) else "within")
            assert rows["position"].iloc[0] == expected

    check()
