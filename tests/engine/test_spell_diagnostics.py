"""kpcompare.spell_diagnostics: hand cases, one per kind (spells formed by rules S1-S5 as in test_spells)."""

from __future__ import annotations

import pandas as pd
import pytest

import kpcompare
from kpcompare.errors import InvalidArgumentError, MissingColumnError

from test_spells import ep  # tests/engine is on sys.path (pytest prepend import mode)


def _table(rows, **options):
    return kpcompare.spell_diagnostics(pd.DataFrame(rows), **options).set_index("kind")


def test_kind_same_day_is_admitted_and_discharged_the_same_day():
    table = _table([ep(1, "P", 0, 0), ep(2, "P", 0, 1), ep(3, "P", 4, 4)])
    assert table.loc["same_day", ["spells", "persons"]].tolist() == [2, 2]
    assert table.loc["same_day", "example_rows"] == "0; 2"
    assert table.loc["same_day", "share"] == pytest.approx(2 / 3)


def test_kind_same_admission_is_two_spells_of_a_person_admitted_the_same_day():
    rows = [ep(1, "P", 0, 2), ep(1, "Q", 0, 5),   # two providers, same admission day: a pair
            ep(2, "P", 0, 2), ep(2, "Q", 1, 5),   # different days: none
            ep(3, "P", 0, 2), ep(4, "Q", 0, 2)]   # different persons: none
    table = _table(rows)
    assert table.loc["same_admission", ["spells", "persons"]].tolist() == [2, 1]
    assert table.loc["same_admission", "example_rows"] == "0+1"
    assert table.loc["same_admission_and_discharge", ["spells", "persons"]].tolist() == [0, 0]


def test_kind_same_admission_and_discharge_is_a_likely_duplicate_stay():
    rows = [ep(1, "P", 0, 3, spell="a"), ep(1, "P", 0, 3, spell="b"),  # same provider, two spell ids
            ep(1, "Q", 0, 5)]                                          # same admission, other discharge
    table = _table(rows)
    assert table.loc["same_admission", "spells"] == 3
    assert table.loc["same_admission_and_discharge", ["spells", "persons", "example_rows"]].tolist() == [2, 1, "0+1"]


def test_episodes_of_one_spell_are_not_duplicates():
    # rule S2: same person, provider and admission date without spell ids: one spell of two episodes
    table = _table([ep(1, "P", 0, None, end=2), ep(1, "P", 0, 4, order=2)])
    assert table["spells"].tolist() == [1, 0, 0, 0]


def test_counts_by_stratum_with_every_kind_listed():
    rows = [dict(ep(1, "P", 0, 0), system="A"), dict(ep(2, "P", 0, 1), system="B")]
    table = kpcompare.spell_diagnostics(pd.DataFrame(rows))
    assert table.columns.tolist() == ["kind", "system", "spells", "persons", "share", "example_rows"]
    assert table[["kind", "system", "spells"]].values.tolist() == [
        ["spells", "A", 1], ["spells", "B", 1], ["same_day", "A", 1], ["same_day", "B", 0],
        ["same_admission", "A", 0], ["same_admission", "B", 0],
        ["same_admission_and_discharge", "A", 0], ["same_admission_and_discharge", "B", 0]]


def test_examples_are_capped_and_row_rules_are_reported():
    rows = [ep(p, "P", 0, 0) for p in range(5)] + [ep(9, "P", 0, 1, code="")]
    table = kpcompare.spell_diagnostics(pd.DataFrame(rows), by=(), examples=2)
    assert table.set_index("kind").loc["same_day", "example_rows"] == "0; 1"
    exclusions = table.attrs["exclusions"].set_index("reason")["rows"]
    assert exclusions.sum() == 0  # no condition stratum: the diagnosis is not checked
    assert table.set_index("kind").loc["spells", "spells"] == 6


def test_bad_arguments_are_refused():
    with pytest.raises(InvalidArgumentError, match="examples"):
        kpcompare.spell_diagnostics(pd.DataFrame([ep(1, "P", 0, 0)]), examples=-1)
    with pytest.raises(MissingColumnError, match="provider"):
        kpcompare.spell_diagnostics(pd.DataFrame([ep(1, "P", 0, 0)]).drop(columns="provider"))
