"""The hand-built spell and CIPS cases of tests/engine/test_spells.py, of the CIPS presets
(test_spells_presets.py) and of CHE York's super-spells (test_spells_che_york.py), run again with every extract
aggregated on Spark (issues 19, 21): each case's expected numbers were written from the rules' sources, not by
the engine."""

from __future__ import annotations

import pandas as pd
import pytest
import test_spells
import test_spells_che_york
import test_spells_presets
from spark_frames import hand_cases, to_spark

import kpcompare

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")


def _cases():
    return hand_cases(test_spells) + hand_cases(test_spells_presets) + hand_cases(test_spells_che_york)


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
    test_spells_che_york.test_rule_C7_a_chain_of_three_is_one_super_spell()
    test_spells_presets.test_rule_C5_needs_both_the_destination_and_the_admission_pair()
    assert calls and all(c.startswith("pandas") for c in calls)
