"""The hand cases of condition rules in spells and CIPS (test_condition_rules_units.py), run again with every
extract aggregated on Spark: each expected value was counted by hand from the rows, not by the engine."""

from __future__ import annotations

import pandas as pd
import pytest
import test_condition_rules_units
from spark_frames import hand_cases, to_spark

import kpcompare

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")


def _cases():
    return hand_cases(test_condition_rules_units, skip_fixture="tmp_path")


@pytest.mark.parametrize(("case", "arguments"), _cases())
def test_condition_rules_case_on_spark(spark_classic, monkeypatch, case, arguments):
    real = kpcompare.aggregate
    calls = []

    def on_spark(extract, **options):
        if isinstance(extract, pd.DataFrame):
            extract = to_spark(spark_classic, extract)
            calls.append(type(extract).__name__)
        return real(extract, **options)

    monkeypatch.setattr(kpcompare, "aggregate", on_spark)
    case(**arguments)
    assert calls and all(name == "DataFrame" for name in calls)  # every extract went to Spark
