"""CHE York's super-spells (``CipsRules.preset("che_york")``, rules C6 and C7): hand cases named after the rule.

Source: STAPM/hesr (Gillespie, Webster, Angus, Brennan, University of Sheffield; GPL-3), R/define_spells.R
``define_spells``, commit 9e28d704dc2b712407d5a107a904c0f4a6b499f6, which "groups finished consultant episodes
into continuous inpatient super-spells using the method developed by the Centre for Health Economics in York":
(1) provider spells: same person, provider code and admission date; (2) the episodes sorted by person, admission
date and episode start (``setorderv``, stable), an episode joins the previous one's super-spell when it is the
same person, its admission date differs from the previous episode's, the previous episode's discharge method is
> 5 (HES DISMETH 8 "not applicable: still in hospital", 9 "not known") and it starts on the day the previous
episode ended or on the day it started; (3) the super-spell's admission date is that of its earliest-starting
episode.  Every expected number below is worked out by hand from those rules or, on random extracts, comes
from :func:`_hesr_super_spells` (a plain pandas reading of them written for this test) and from hesr's own
``define_spells`` run in R (:data:`HESR_IN_R`).  These cases also run on Spark
(tests/engine/test_spark_units.py).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import kpcompare
from kpcompare.engine.spells import CipsRules
from kpcompare.errors import InvalidArgumentError, MissingColumnError, UnknownNameError

D0 = dt.date(2020, 3, 1)
CHE = CipsRules.preset("che_york")


def _day(k):
    return None if k is None else D0 + dt.timedelta(days=k)


def ep(person, provider, admit, start, end, dismeth="1", *, discharge=None, destination="19", code="J44.1"):
    """One episode: admission date, episode start and end (days after D0), discharge method (DISMETH) and,
    on a spell's last episode, its discharge date."""
    return {"person_id": person, "provider": provider, "system": "NHS", "sex": "F", "age": 70.0,
            "admission_date": _day(admit), "episode_start": _day(start), "episode_end": _day(end),
            "discharge_date": _day(discharge), "discharge_method": dismeth, "discharge_destination": destination,
            "primary_diagnosis": code}


def _frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for name in ("episode_start", "episode_end", "discharge_date", "discharge_method"):
        frame[name] = frame[name].astype(object)
    return frame


def _result(rows, rules=CHE, by=("system",), **options):
    result = kpcompare.aggregate(_frame(rows), by=by, unit="cips", cips_rules=rules, progress=False,
                                 conditions={"stroke": ["I63"], "rehabilitation": ["Z50"], "copd": ["J44"]},
                                 **options)
    assert result.rows_read == len(rows) == result.rows_counted + result.rows_excluded
    return result


def totals(rows, rules=CHE):
    return {k: int(v) for k, v in _result(rows, rules).strata[["admissions", "bed_days", "episodes"]].sum().items()}


def _transfer(dismeth, next_start=2):
    """Provider P: admitted day 0, one episode 0-2 with ``dismeth``; provider Q: admitted ``next_start``."""
    discharge = None if dismeth == "8" else 2
    return [ep(1, "P", 0, 0, 2, dismeth, discharge=discharge),
            ep(1, "Q", next_start, next_start, 9, "1", discharge=9)]


def test_preset_che_york_is_listed_labelled_and_cites_hesr():
    from kpcompare.engine.spells import CIPS_PRESETS

    assert "che_york" in CipsRules.presets() and CHE.label() == "che_york"
    assert "STAPM/hesr" in CIPS_PRESETS["che_york"]["source"]
    assert "9e28d704dc2b712407d5a107a904c0f4a6b499f6" in CIPS_PRESETS["che_york"]["source"]
    assert "Centre for Health Economics" in CIPS_PRESETS["che_york"]["source"]
    assert CipsRules(link_dates="episode").label() == "custom(link_dates='episode')"
    assert CipsRules(continuing_methods=["8"]).continuing_methods == ("8",)


def test_new_fields_are_validated():
    with pytest.raises(UnknownNameError, match=r"argument 'link_dates': unknown value 'episodes'; choose one of "
                                               r"'spell', 'episode'"):
        CipsRules(link_dates="episodes")
    with pytest.raises(InvalidArgumentError, match=r"CipsRules 'continuing_methods': expected a sequence of code"):
        CipsRules(continuing_methods="89")


@pytest.mark.parametrize("dismeth", ["8", "9"])
def test_rule_C6_discharge_method_8_or_9_links_the_next_episode_starting_that_day(dismeth):
    assert totals(_transfer(dismeth)) == {"admissions": 1, "bed_days": 9, "episodes": 2}


@pytest.mark.parametrize("dismeth", ["1", "4", None])
def test_rule_C6_other_or_missing_discharge_methods_do_not_link(dismeth):
    # hesr: dismeth_lag > 5 is false for 1 and 4 and missing (NA) for None: never the "joins" group
    assert totals(_transfer(dismeth)) == {"admissions": 2, "bed_days": 2 + 7, "episodes": 2}


def test_rule_C6_transfer_codes_do_not_link_under_che_york_but_do_under_nhs_digital():
    rows = [ep(1, "P", 0, 0, 2, "1", discharge=2, destination="51"), ep(1, "Q", 2, 2, 9, "1", discharge=9)]
    assert totals(rows)["admissions"] == 2
    assert totals(rows, CipsRules())["admissions"] == 1


def test_rule_C7_no_link_when_the_next_episode_starts_a_day_later():
    assert totals(_transfer("8", next_start=3))["admissions"] == 2


def test_rule_C7_no_link_when_the_next_episode_starts_before_the_previous_one_ended():
    # started on day 1, within the previous episode (0-2) but neither on its start nor its end day
    assert totals(_transfer("8", next_start=1))["admissions"] == 2


def test_rule_C7_links_an_episode_starting_on_the_day_the_previous_one_started():
    # P's second episode (still in hospital, end unknown) starts on day 3; Q is admitted and starts on day 3
    rows = [ep(1, "P", 0, 0, 3, "8"), ep(1, "P", 0, 3, None, "8"), ep(1, "Q", 3, 3, 9, "1", discharge=9)]
    assert totals(rows) == {"admissions": 1, "bed_days": 9, "episodes": 3}


def test_rule_C7_the_same_admission_date_never_links():
    rows = [ep(1, "P", 0, 0, 0, "8"), ep(1, "Q", 0, 0, 4, "1", discharge=4)]  # other provider, same admission
    assert totals(rows)["admissions"] == 2


def test_rule_C7_the_previous_episode_is_the_last_by_admission_date_and_start():
    # P: episodes 0-2 (still in hospital) then 2-4 (discharged, DISMETH 1); Q admitted on day 2.  Sorted by
    # admission date, Q's episode follows P's second episode (DISMETH 1), not the first: no link
    rows = [ep(1, "P", 0, 0, 2, "8"), ep(1, "P", 0, 2, 4, "1", discharge=4), ep(1, "Q", 2, 2, 6, "1", discharge=6)]
    assert totals(rows)["admissions"] == 2


def test_rule_C7_a_chain_of_three_is_one_super_spell():
    rows = [ep(1, "P", 0, 0, 2, "8"), ep(1, "Q", 2, 2, 5, "9"), ep(1, "R", 5, 5, 11, "1", discharge=11)]
    assert totals(rows) == {"admissions": 1, "bed_days": 11, "episodes": 3}


def test_rule_C7_the_super_spell_keeps_its_first_episodes_admission_date_and_attributes():
    # stroke in P (admitted day 0), rehabilitation in Q (admitted day 4): one stroke admission of 10 days
    rows = [ep(1, "Q", 4, 4, 10, "1", discharge=10, code="Z50.1"), ep(1, "P", 0, 0, 4, "8", code="I63.9")]
    strata = _result(rows, by=("condition",)).strata
    assert strata[["condition", "admissions", "bed_days", "episodes"]].values.tolist() == [["stroke", 1, 10, 2]]


def test_rule_C7_links_a_new_spell_at_the_same_provider():
    # hesr's rule 1 makes a new provider spell of a new admission date at the same provider; rule 2 joins it
    rows = [ep(1, "P", 0, 0, 2, "8"), ep(1, "P", 2, 2, 9, "1", discharge=9)]
    assert totals(rows) == {"admissions": 1, "bed_days": 9, "episodes": 2}


def test_rule_C7_an_unknown_episode_start_never_links():
    # hesr: epistart NA makes both date tests NA, never the "joins" group
    rows = [ep(1, "P", 0, 0, 2, "8"), ep(1, "Q", 2, None, 9, "1", discharge=9)]
    assert totals(rows)["admissions"] == 2


def test_rule_C7_keeps_provider_spells_whole_where_hesr_splits_interleaved_same_day_spells():
    """Spells A and B admitted the same day with interleaved episodes (A 0-2, B 1-3, A 2-5), then C admitted
    on day 5 after A's last episode (still in hospital).  kpcompare: {A, C} and {B}, 2 super-spells.  hesr run
    in R gives 3 ({A's first episode}, {B}, {A's second episode, C}): it segments row by row, so B's episode
    cuts A in two; for a person without any link it keeps A whole (docs/extracts.md section 5)."""
    rows = [ep(1, "A", 0, 0, 2, "8"), ep(1, "B", 0, 1, 3, "1", discharge=3), ep(1, "A", 0, 2, 5, "8"),
            ep(1, "C", 5, 5, 8, "1", discharge=8)]
    assert totals(rows) == {"admissions": 2, "bed_days": 8 + 3, "episodes": 4}


def test_rule_C7_other_persons_never_link():
    rows = [ep(1, "P", 0, 0, 2, "8"), ep(2, "Q", 2, 2, 9, "1", discharge=9)]
    assert totals(rows) == {"admissions": 2, "bed_days": 2 + 7, "episodes": 2}


def test_rule_C7_with_transfer_codes_and_a_gap():
    """The fields apart from the preset: rule C7 with NHS Digital's transfer codes and a 1-day gap links a
    next episode starting 0 or 1 days after the previous ended (not 2), with a transfer destination."""
    rules = CipsRules(link_dates="episode", gap_days=1)
    for gap, admissions in ((0, 1), (1, 1), (2, 2)):
        rows = [ep(1, "P", 0, 0, 2, "1", discharge=2, destination="51"),
                ep(1, "Q", 2 + gap, 2 + gap, 9, "1", discharge=9)]
        assert totals(rows, rules)["admissions"] == admissions


def test_rule_C6_on_spell_dates_links_like_a_transfer_destination():
    rules = CipsRules(transfer_destinations=(), continuing_methods=("8",))  # NHS Digital's C1: gap <= 3 days
    assert totals(_transfer("8", next_start=4), rules)["admissions"] == 1
    assert totals(_transfer("1", next_start=4), rules)["admissions"] == 2


# ------------------------------------------------------------------------ an independent reading of hesr


def _hesr_super_spells(frame: pd.DataFrame) -> pd.DataFrame:
    """hesr's define_spells as its source reads, in plain pandas: per super-spell its first episode's
    diagnosis, admission date and (kpcompare's S4 end: hesr defines none) latest discharge or episode end."""
    f = frame.sort_values(["person_id", "admission_date", "episode_start"], kind="stable").reset_index(drop=True)
    prev = f.shift(1)
    same_person = f["person_id"] == prev["person_id"]
    rule1 = same_person & (f["provider"] == prev["provider"]) & (f["admission_date"] == prev["admission_date"])
    rule2 = (same_person & (f["admission_date"] != prev["admission_date"])
             & (pd.to_numeric(prev["discharge_method"], errors="coerce") > 5)
             & ((f["episode_start"] == prev["episode_end"]) | (f["episode_start"] == prev["episode_start"])))
    f["super_spell"] = (~(rule1 | rule2)).cumsum()
    f["end"] = f["discharge_date"].where(f["discharge_date"].notna(), f["episode_end"])
    rows = []
    for _, spell in f.groupby("super_spell"):
        first = spell.loc[spell["episode_start"] == spell["episode_start"].min()].iloc[0]
        rows.append({"code": first["primary_diagnosis"], "admission": first["admission_date"],
                     "end": spell["end"].max()})
    return pd.DataFrame(rows)


def _random_extract(seed: int) -> pd.DataFrame:
    """Persons with provider spells of 1-3 contiguous episodes, each admitted on a day of its own, often on
    the day the previous spell's last episode ended; discharge methods 1, 4, 8, 9; no discharge date after
    DISMETH 8 (still in hospital)."""
    rng = np.random.default_rng(seed)
    rows, codes = [], ["I63.9", "Z50.1", "J44.1"]
    for person in range(40):
        day = int(rng.integers(0, 5))
        for spell in range(int(rng.integers(1, 5))):
            provider, start = "PQR"[int(rng.integers(0, 3))], day
            for episode in range(int(rng.integers(1, 4))):
                end = start + int(rng.integers(0, 4))
                dismeth = ["8", "9", "1", "4"][int(rng.integers(0, 4))]
                rows.append(ep(person, provider, day, start, end, dismeth, code=codes[int(rng.integers(0, 3))],
                               discharge=None if dismeth == "8" else end))
                start = end
            day = start + [0, 0, 1, 2][int(rng.integers(0, 4))] if start > day else day + 1
    return _frame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_che_york_matches_an_independent_reading_of_hesr_on_random_extracts(seed):
    frame = _random_extract(seed)
    expected = _hesr_super_spells(frame)
    expected["bed_days"] = [(e - a).days for e, a in zip(expected["end"], expected["admission"])]
    names = {"I63.9": "stroke", "Z50.1": "rehabilitation", "J44.1": "copd"}
    want = expected.assign(condition=expected["code"].map(names)).groupby("condition").agg(
        admissions=("code", "size"), bed_days=("bed_days", "sum"))
    got = _result(frame.to_dict("records"), by=("condition",)).strata.set_index("condition")
    assert len(expected) < len(frame.groupby(["person_id", "provider", "admission_date"]))  # some linked
    assert got[["admissions", "bed_days"]].astype(int).to_dict() == want.astype(int).to_dict()


def test_rule_C6_needs_the_discharge_method_column():
    frame = _frame(_transfer("8")).drop(columns="discharge_method")
    with pytest.raises(MissingColumnError,
                       match=r"cips_rules=che_york \(rule C6\) needs the canonical column 'discharge_method'"):
        kpcompare.aggregate(frame, by=("system",), unit="cips", cips_rules=CHE, progress=False)


#: hesr's own define_spells (R/define_spells.R at commit 9e28d704dc2b712407d5a107a904c0f4a6b499f6, sourced
#: as it is; R 4, data.table 1.14.8) run on ``_random_extract(seed)`` written to CSV (columns renamed to hesr's
#: encrypted_hesid, procode3, admidate, epistart, epiend, disdate, dismeth, diag), then per (encrypted_hesid,
#: spell_id): the diagnosis and original admidate of the first row with the earliest epistart, the latest
#: disdate (else epiend) as the end; per diagnosis the number of super-spells and the sum of end - admidate:
#:   out <- define_spells(hes); out[, end := fifelse(is.na(disdate), epiend, disdate)]
#:   s <- out[, .(diag = diag[which(epistart == min(epistart))[1]],
#:                admission = admidate_original[which(epistart == min(epistart))[1]], end = max(end)),
#:            by = .(encrypted_hesid, spell_id)]
#:   s[, .(admissions = .N, bed_days = sum(as.integer(end - admission))), by = diag]
HESR_IN_R = {
    1: {"stroke": (32, 107), "copd": (37, 140), "rehabilitation": (27, 92)},
    2: {"stroke": (24, 91), "copd": (32, 117), "rehabilitation": (23, 93)},
    3: {"stroke": (22, 62), "copd": (35, 107), "rehabilitation": (30, 85)},
    4: {"stroke": (27, 102), "copd": (38, 120), "rehabilitation": (23, 82)},
    5: {"stroke": (27, 111), "copd": (30, 87), "rehabilitation": (29, 117)},
}


@pytest.mark.parametrize("seed", sorted(HESR_IN_R))
def test_che_york_matches_hesr_define_spells_run_in_r(seed):
    strata = _result(_random_extract(seed).to_dict("records"), by=("condition",)).strata
    got = {c: (int(a), int(b)) for c, a, b in strata[["condition", "admissions", "bed_days"]].values}
    assert got == HESR_IN_R[seed]
