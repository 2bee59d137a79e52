"""Parity of condition rules in the spell and CIPS units with a plain pandas reference on random extracts.

The reference is written from the definition (docs/conditions.md#spells-and-cips) and from acsc_nhs19's rules
as published (NHS Institute / HSCIC Appendix A; data/conditions/SOURCES.md), for the codes drawn below, record
by record in plain Python: episodes without a primary diagnosis are excluded (``invalid_code``); provider
spells are (person, provider, admission date); CIPS link a person's spells admitted at most 3 days after the
previous discharge when a transfer code joins them (NHS Digital 2014); a unit takes the group of its first
episode's record.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import kpcompare

D0 = dt.date(2021, 1, 1)
PRIMARY = ["I209", "J459", "I500", "J209", "J441", "R509", "I10X", None]
SECONDARY = [[], [], ["J441"], ["E116"], ["R509"]]
PROCEDURES = [[], [], ["K401"], ["U051"], ["U051", "K401"], ["W461"]]
OPERATION = tuple("ABCDEFGH") + tuple("JKLMNOPQRST") + ("V", "W", "X01", "X02", "X04", "X05")
CARDIAC = tuple(f"K{i}" for i in range(5)) + ("K50", "K52", "K55", "K56", "K57", "K60", "K61", "K66", "K67",
                                              "K68", "K69", "K71")


def classify(primary: str, diagnoses: list, procedures: list, method: str) -> str:
    """acsc_nhs19 for the codes above, from the published rules (first group in file order that holds)."""
    if not method.startswith("2"):
        return "other"
    secondary = diagnoses[1:]
    if primary.startswith("I20") and not (procedures and procedures[0].startswith(OPERATION)):
        return "angina"
    if primary.startswith("J45"):
        return "asthma"
    if primary.startswith("I50") and not any(p.startswith(CARDIAC) for p in procedures):
        return "congestive_heart_failure"
    if primary.startswith("J44") or (primary.startswith("J20") and any(d.startswith("J44") for d in secondary)):
        return "copd"
    if primary.startswith("I10") and not any(p.startswith(CARDIAC) for p in procedures):
        return "hypertension"
    if any(d.startswith("E116") for d in diagnoses):
        return "diabetes_complications"
    return "other"


def random_extract(seed: int, n_spells: int) -> pd.DataFrame:
    """Spells of 1-3 episodes (sharing the spell's dates, admission method and source, as in HES), rows shuffled."""
    rng = np.random.default_rng(seed)
    spells = pd.DataFrame({
        "person_id": rng.integers(1, n_spells // 3, n_spells), "provider": rng.choice(["P", "Q"], n_spells),
        "admit": rng.integers(0, 200, n_spells), "stay": rng.integers(0, 6, n_spells),
        "admission_method": rng.choice(["21", "21", "22", "11", "2B"], n_spells),
        "admission_source": rng.choice(["19", "19", "51"], n_spells), "episodes": rng.integers(1, 4, n_spells)})
    spells = spells.drop_duplicates(["person_id", "provider", "admit"])
    frame = spells.loc[spells.index.repeat(spells["episodes"])].copy()
    frame["episode_order"] = frame.groupby(level=0).cumcount() + 1
    n = len(frame)
    primary = [PRIMARY[i] for i in rng.integers(0, len(PRIMARY), n)]
    secondary = [SECONDARY[i] for i in rng.integers(0, len(SECONDARY), n)]
    frame = frame.assign(
        system="NHS", sex="F", age=60.0, admission_date=[D0 + dt.timedelta(days=int(a)) for a in frame["admit"]],
        discharge_date=[D0 + dt.timedelta(days=int(a + d)) for a, d in zip(frame["admit"], frame["stay"])],
        primary_diagnosis=primary, diagnoses=[([p] if p else []) + s for p, s in zip(primary, secondary)],
        procedures=[PROCEDURES[i] for i in rng.integers(0, len(PROCEDURES), n)],
        discharge_destination=rng.choice(["19", "19", "51"], n))
    frame = frame.drop(columns=["admit", "stay", "episodes"]).sample(frac=1.0, random_state=seed)
    return frame.reset_index(drop=True)


def reference(frame: pd.DataFrame, unit: str) -> tuple[dict, int]:
    """({group: units}, rows excluded as invalid_code)."""
    valid = frame[frame["primary_diagnosis"].notna()].reset_index().rename(columns={"index": "row"})
    spells = []
    for (_, _, _), eps in valid.groupby(["person_id", "provider", "admission_date"]):
        eps = eps.sort_values(["episode_order", "row"])
        head, tail = eps.iloc[0], eps.iloc[-1]
        spells.append({"person": head["person_id"], "start": head["admission_date"], "end": tail["discharge_date"],
                       "row": eps["row"].min(), "group": classify(head["primary_diagnosis"], list(head["diagnoses"]),
                                                                  list(head["procedures"]), head["admission_method"]),
                       "out": tail["discharge_destination"] == "51",
                       "in": head["admission_source"] == "51" or head["admission_method"] == "2B"})
    units = []
    for _, mine in pd.DataFrame(spells).groupby("person"):
        previous = None
        for s in mine.sort_values(["start", "end", "row"]).to_dict("records"):
            linked = unit == "cips" and previous is not None and (s["start"] - previous["end"]).days <= 3 and \
                (previous["out"] or s["in"])
            if not linked:
                units.append(s["group"])
            previous = s
    return dict(pd.Series(units).value_counts()), int(frame["primary_diagnosis"].isna().sum())


@pytest.mark.parametrize("unit", ["spell", "cips"])
@pytest.mark.parametrize("seed", [1, 2])
def test_condition_rules_in_units_match_reference(unit, seed):
    frame = random_extract(seed, 2000)
    result = kpcompare.aggregate(frame, by=("condition",), conditions="acsc_nhs19", unit=unit, progress=False)
    assert result.rows_read == result.rows_counted + result.rows_excluded == len(frame)
    got = {str(k): int(v) for k, v in zip(result.strata["condition"], result.strata["admissions"]) if v}
    want, invalid = reference(frame, unit)
    assert got == {k: int(v) for k, v in want.items()}
    excluded = result.exclusions.set_index("reason")["rows"]
    assert int(excluded["invalid_code"]) == invalid and int(excluded.sum()) == invalid
    # not vacuous: every group of the reference is there; spells of several episodes are many
    assert frame.groupby(["person_id", "provider", "admission_date"]).size().gt(1).sum() > 500
    assert set(want) == {"angina", "asthma", "congestive_heart_failure", "copd", "hypertension",
                         "diabetes_complications", "other"}
