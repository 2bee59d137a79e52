"""The hand-built spell and CIPS cases of tests/engine/test_spells.py, run again with every extract aggregated on
Spark (issue 19): each case's expected numbers were written from NHS Digital's rules, not by the engine."""

from __future__ import annotations

import pandas as pd
import pytest
import test_spells
from spark_frames import hand_cases, to_spark

import kpcompare

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")


def _cases():
    return hand_cases(test_spells)


@pytest.mark.parametrize(("case", "arguments"), _cases())
def test_hand_built_case_on_spark(spark_classic, monkeypatch, case, arguments):
    real = kpcompare.aggregate

    def on_spark(extract, **options):
        if isinstance(extract, pd.DataFrame):
            extract = to_spark(spark_classic, extract)
        return real(extract, **options)

    monkeypatch.setattr(kpcompare, "aggregate", on_spark)
    case(**arguments)


def test_a_case_on_spark_connect(spark_connect, monkeypatch):
    """One case through Spark Connect too (the rest of Connect's parity is in test_spark_parity.py)."""
    real = kpcompare.aggregate
    calls = []

    def on_spark(extract, **options):
        calls.append(type(extract).__module__)
        return real(to_spark(spark_connect, extract), **options)

    monkeypatch.setattr(kpcompare, "aggregate", on_spark)
    test_spells.test_cips_takes_first_spell_attributes_and_other_persons_never_link()
    test_spells.test_duplicate_episode_ids_in_a_spell_are_excluded()
    assert calls and all(c.startswith("pandas") for c in calls)
