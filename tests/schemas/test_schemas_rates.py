"""Every rate function returns the shared fixed-column contract (kpcompare.schemas.rates.rate_result_schema)."""

from __future__ import annotations

import pandas as pd
import pytest

from kpcompare import compare_rates, crude_rate, dsr, isr, smr
from kpcompare.schemas.rates import comparison_result_schema, rate_result_schema


@pytest.fixture
def data():
    return pd.DataFrame({"system": ["a", "a", "b", "b"], "age_band": ["young", "old"] * 2,
                         "n": [12, 30, 3, 25], "pop": [1000, 400, 900, 500]})


def test_crude_and_dsr_results_follow_the_contract(data):
    std = pd.DataFrame({"age_band": ["young", "old"], "population": [60, 40]})
    rate_result_schema(by=["system"]).validate(crude_rate(data, count="n", population="pop", by="system"))
    out = dsr(data, count="n", population="pop", standard=std, by="system", confidence=[0.9, 0.95], min_count=30)
    rate_result_schema(by=["system"]).validate(out)  # NaN (suppressed) values are allowed
    rate_result_schema().validate(crude_rate(data, count="n", population="pop"))


def test_smr_and_isr_results_follow_the_contract(data):
    ref = pd.DataFrame({"age_band": ["young", "old"], "count": [10, 50], "population": [1000, 1000]})
    for func in (smr, isr):
        rate_result_schema(by=["system"], indirect=True).validate(
            func(data, count="n", population="pop", standard=ref, by="system"))


def test_comparison_results_follow_the_contract(data):
    std = pd.DataFrame({"age_band": ["young", "old"], "population": [60, 40]})
    rates = dsr(data.assign(sex="f"), count="n", population="pop", standard=std, by=["sex", "system"],
                confidence=[0.9, 0.95], min_count=0)
    for kind in ("ratio", "difference"):
        out = compare_rates(rates, between="system", reference="a", kind=kind, confidence=[0.9, 0.95])
        comparison_result_schema(by=["sex"], between="system").validate(out)
        assert len(out) == 4
