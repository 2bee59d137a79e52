"""CIPS checked against a peer implementation: the UKHSA R package epidm, function ``cip_spells``.

Source of the data below (nothing here is recalled from memory; all of it is copied from the stored files):

* input and expected output: the ``@examples`` of ``cip_spells`` in ukhsa-collaboration/epidm,
  ``R/continuous_inpatient_spells.R`` (commits 3b0b13dd4f128d19ed006fc39c9069ce4bb5067e and
  07124cd4c7cce15b02113e3715b8c710133cde65, same example), run by pkgdown and rendered with its printed result
  in ``reference/cip_spells.md`` (commit 7a66e194c1b44e85782e7033edb93e2b2c1709e5).  The called form is
  ``cip_spells(x=cip_test, group_vars = c('id','provider'), ...)``, so the peer links only within one person
  *and one provider*; here ``person_id`` is therefore "id/provider".  ``OUTPUT_INPUT_COLUMNS`` and
  ``OUTPUT_CIPS_COLUMNS`` are the two halves of that printed table (data.table prints wide tables in two
  blocks; row i of one block is row i of the other), with the ``#>`` prefixes removed;
* the unit test ``CIP spell grouping logic works`` in ukhsa-collaboration/epidm,
  ``tests/testthat/test-continuous_inpatient_spells.R`` (commit 07d57b863c1d42e362068babef74feb4cd6c2a60).

What the peer does (its code, same commits): the explicit gap criterion is
``difftime(shift(spell_start, type="lead"), spell_end, units="days") %in% c(0,1,2)``, but CIPS are then cut
where ``tmp.windowNext > tmp.windowCmax``, i.e. where the next admission date is after the running maximum
discharge date; so in effect only spells admitted on (or before) the previous discharge day are linked.
kpcompare follows NHS Digital (HSCIC 2014): a gap of up to 3 days links.  Where no gap of 1-3 days occurs
(groups 26443/BX2, 33299/PXH, 52635/YYT, 78915/ABX) both give the same CIPS; in the other three groups
kpcompare links more (asserted below with the reason for every extra link).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import kpcompare
from kpcompare.engine import spells

# reference/cip_spells.md, printed result, first block (columns as in the header line below)
OUTPUT_INPUT_COLUMNS = """\
        id provider spell_start  spell_end adm_meth adm_src dis_meth dis_dest
 1:  26443      BX2  2019-11-12 2020-04-17       21      19        1       51
 2:  26443      BX2  2020-04-17 2020-04-23       81      51        1       51
 3:  26443      BX2  2020-04-23 2020-05-20       21      19        4       79
 4:  33299      PXH  2020-01-17 2020-01-28       21      19        1       19
 5:  33299      PXH  2020-02-07 2020-02-07       21      19        1       19
 6:  33299      PXH  2020-03-20 2020-03-23       21      19        1       19
 7:  33299      PXH  2020-04-27 2020-04-29       21      19        1       19
 8:  33299      PXH  2020-06-21 2020-06-21       21      19        1       19
 9:  33299      PXH  2020-07-02 2020-07-03       21      19        1       29
10:  33299      PXH  2020-07-03 2020-07-24       81      51        1       65
11:  33299      PXH  2020-10-17 2020-11-27       21      19        8       98
12:  33299      PXH  2020-11-27 2021-01-02       13      51        1       51
13:  33299      PXH  2021-01-02 2021-01-10       13      19        4       79
14:    465      X1T  2020-03-07 2020-03-07       21      19        1       51
15:    465      X1T  2020-03-07 2020-03-25       81      51        1       51
16:    465      X1T  2020-03-25 2020-04-02       21      19        1       51
17:    465      X1T  2020-04-03 2020-04-27       81      51        1       54
18:  52635      9HA  2019-12-31 2019-12-31       12      19        1       19
19:  52635      9HA  2020-01-02 2020-01-11       22      19        1       19
20:  52635      9HA  2020-01-14 2020-01-14       12      19        1       19
21:  52635      9HA  2020-01-16 2020-02-04       2D      19        1       51
22:  52635      9HA  2020-02-07 2020-02-07       13      19        1       19
23:  52635      9HA  2020-02-11 2020-02-11       13      19        1       19
24:  52635      9HA  2020-02-14 2020-02-14       13      19        1       19
25:  52635      9HA  2020-02-18 2020-02-18       13      19        1       51
26:  52635      9HA  2020-02-21 2020-02-21       13      19        1       51
27:  52635      9HA  2020-02-25 2020-02-25       13      19        1       51
28:  52635      9HA  2020-02-28 2020-02-28       13      19        1       19
29:  52635      9HA  2020-03-09 2020-03-09       13      51        1       19
30:  52635      9HA  2020-03-11 2020-03-11       13      51        1       51
31:  52635      9HA  2020-03-12 2020-03-12       13      51        1       51
32:  52635      9HA  2020-03-13 2020-03-13       13      51        1       19
33:  52635      9HA  2020-03-14 2020-03-30       21      19        1       51
34:  52635      YYT  2020-02-04 2020-02-07       81      51        1       51
35:  52635      YYT  2020-02-07 2020-02-11       81      51        1       51
36:  52635      YYT  2020-02-11 2020-02-14       81      51        1       51
37:  52635      YYT  2020-02-14 2020-02-18       81      51        1       51
38:  52635      YYT  2020-02-18 2020-02-21       81      51        1       51
39:  52635      YYT  2020-02-21 2020-02-25       13      51        1       51
40:  52635      YYT  2020-02-25 2020-02-28       81      51        1       51
41:  52635      YYT  2020-02-28 2020-03-09       81      51        1       51
42:  52635      YYT  2020-03-09 2020-03-11       13      51        1       51
43:  52635      YYT  2020-03-11 2020-03-12       13      51        1       51
44:  52635      YYT  2020-03-12 2020-03-13       13      51        1       51
45:  78915      ABX  2020-04-16 2020-04-24       21      19        1       29
46:  78915      ABX  2020-04-24 2020-05-13       11      51        1       54
47:  78915      ABX  2020-05-13 2020-06-11       81      51        2       19
48:   8418      KHA  2020-01-25 2020-01-25       21      19        1       51
49:   8418      KHA  2020-01-26 2020-01-27       21      51        1       19
50:   8418      KHA  2020-07-14 2020-07-17       11      19        1       19
51:   8418      KHA  2020-08-02 2020-08-07       21      51        1       19
52:   8418      KHA  2020-08-12 2020-08-14       21      19        1       19
53:   8418      KHA  2020-08-19 2020-08-19       21      19        1       51
54:   8418      KHA  2020-08-19 2020-08-22       21      19        1       19
55:   8418      KHA  2020-11-19 2020-12-16       21      51        4       79
"""

# reference/cip_spells.md, printed result, second block
OUTPUT_CIPS_COLUMNS = """\
    patclass proxy_missing cip_indx cip_spell_start cip_spell_end
 1:        1             0    1.3.0      2019-11-12    2020-05-20
 2:        1             0    1.3.0      2019-11-12    2020-05-20
 3:        1             0    1.3.0      2019-11-12    2020-05-20
 4:        1             0   2.10.0      2020-01-17    2020-01-28
 5:        1             0   2.10.1      2020-02-07    2020-02-07
 6:        1             0   2.10.2      2020-03-20    2020-03-23
 7:        1             0   2.10.3      2020-04-27    2020-04-29
 8:        1             0   2.10.4      2020-06-21    2020-06-21
 9:        1             0   2.10.5      2020-07-02    2020-07-24
10:        1             0   2.10.5      2020-07-02    2020-07-24
11:        1             0   2.10.6      2020-10-17    2021-01-10
12:        1             0   2.10.6      2020-10-17    2021-01-10
13:        1             0   2.10.6      2020-10-17    2021-01-10
14:        1             0    3.4.0      2020-03-07    2020-04-02
15:        1             0    3.4.0      2020-03-07    2020-04-02
16:        1             0    3.4.0      2020-03-07    2020-04-02
17:        1             0    3.4.1      2020-04-03    2020-04-27
18:        2             0   4.16.0      2019-12-31    2019-12-31
19:        1             0   4.16.1      2020-01-02    2020-01-11
20:        2             0   4.16.2      2020-01-14    2020-01-14
21:        1             0   4.16.3      2020-01-16    2020-02-04
22:        2             0   4.16.4      2020-02-07    2020-02-07
23:        2             0   4.16.5      2020-02-11    2020-02-11
24:        2             0   4.16.6      2020-02-14    2020-02-14
25:        2             0   4.16.7      2020-02-18    2020-02-18
26:        2             0   4.16.8      2020-02-21    2020-02-21
27:        2             0   4.16.9      2020-02-25    2020-02-25
28:        2             0  4.16.10      2020-02-28    2020-02-28
29:        2             0  4.16.11      2020-03-09    2020-03-09
30:        2             0  4.16.12      2020-03-11    2020-03-11
31:        2             0  4.16.13      2020-03-12    2020-03-12
32:        2             0  4.16.14      2020-03-13    2020-03-13
33:        1             0  4.16.16      2020-03-14    2020-03-30
34:        1             0   5.11.0      2020-02-04    2020-03-13
35:        1             0   5.11.0      2020-02-04    2020-03-13
36:        1             0   5.11.0      2020-02-04    2020-03-13
37:        1             0   5.11.0      2020-02-04    2020-03-13
38:        1             0   5.11.0      2020-02-04    2020-03-13
39:        1             0   5.11.0      2020-02-04    2020-03-13
40:        1             0   5.11.0      2020-02-04    2020-03-13
41:        1             0   5.11.0      2020-02-04    2020-03-13
42:        1             0   5.11.0      2020-02-04    2020-03-13
43:        1             0   5.11.0      2020-02-04    2020-03-13
44:        1             0   5.11.0      2020-02-04    2020-03-13
45:        1             0    6.3.0      2020-04-16    2020-06-11
46:        1             0    6.3.0      2020-04-16    2020-06-11
47:        1             0    6.3.0      2020-04-16    2020-06-11
48:        1             0    7.8.0      2020-01-25    2020-01-25
49:        1             0    7.8.1      2020-01-26    2020-01-27
50:        1             0    7.8.2      2020-07-14    2020-07-17
51:        1             0    7.8.3      2020-08-02    2020-08-07
52:        1             0    7.8.4      2020-08-12    2020-08-14
53:        1             0    7.8.5      2020-08-19    2020-08-22
54:        1             0    7.8.5      2020-08-19    2020-08-22
55:        1             0    7.8.7      2020-11-19    2020-12-16
"""


def _table(text: str) -> pd.DataFrame:
    lines = text.splitlines()
    header = lines[0].split()
    rows = [line.split()[1:] for line in lines[1:]]  # drop the "n:" row label
    assert all(len(r) == len(header) for r in rows)
    return pd.DataFrame(rows, columns=header)


PEER = pd.concat([_table(OUTPUT_INPUT_COLUMNS), _table(OUTPUT_CIPS_COLUMNS)], axis=1)
PEER["group"] = PEER["id"] + "/" + PEER["provider"]  # the peer's group_vars = c('id','provider')


def _date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _peer_cips(group: str) -> list[tuple[dt.date, dt.date, int]]:
    """The peer's CIPS of one group: (start, end, number of provider spells), in order of start."""
    rows = PEER[PEER["group"] == group]
    cips = rows.groupby("cip_indx", sort=False).agg(start=("cip_spell_start", "first"),
                                                    end=("cip_spell_end", "first"), n=("cip_indx", "size"))
    return sorted((_date(s), _date(e), int(n)) for s, e, n in cips.itertuples(index=False))


def _canonical(peer: pd.DataFrame) -> pd.DataFrame:
    """The peer's rows in kpcompare's canonical columns: each row is one provider spell (own spell_id)."""
    return pd.DataFrame({
        "person_id": peer["group"].values,          # peer links within id and provider only
        "provider": peer["provider"].values,
        "spell_id": np.arange(len(peer)),           # each peer row is a provider spell
        "system": peer["group"].values,             # one stratum per peer group
        "sex": "F", "age": 50.0, "primary_diagnosis": "J44.1",
        "admission_date": [_date(s) for s in peer["spell_start"]],
        "discharge_date": [_date(s) for s in peer["spell_end"]],
        "admission_method": peer["adm_meth"].values,
        "admission_source": peer["adm_src"].values,
        "discharge_destination": peer["dis_dest"].values,
    })


@pytest.fixture(scope="module")
def cips_strata() -> pd.DataFrame:
    result = kpcompare.aggregate(_canonical(PEER), by=("system",), unit="cips", progress=False,
                                 bed_days_squared=True)
    assert result.rows_read == result.rows_counted == 55
    return result.strata.set_index("system")


def test_peer_example_is_complete():
    assert len(PEER) == 55 and PEER["proxy_missing"].eq("0").all()  # no date was imputed by the peer
    assert sorted(PEER["group"].unique()) == ["26443/BX2", "33299/PXH", "465/X1T", "52635/9HA", "52635/YYT",
                                              "78915/ABX", "8418/KHA"]


@pytest.mark.parametrize("group", ["26443/BX2", "33299/PXH", "52635/YYT", "78915/ABX"])
def test_cips_match_epidm_where_no_spell_follows_after_a_gap(cips_strata, group):
    """Same number of CIPS, same total and same sum of squared lengths (nights) as epidm's output."""
    peer = _peer_cips(group)
    row = cips_strata.loc[group]
    nights = [(end - start).days for start, end, _ in peer]
    assert (row.admissions, row.bed_days, row.bed_days_squared, row.episodes) == (
        len(peer), sum(nights), sum(n * n for n in nights), sum(n for *_, n in peer))


# kpcompare (NHS Digital: next admission at most 3 days after the previous discharge, with a transfer code)
# links more than epidm in these groups; each extra link, by the rows of the printed table:
#   465/X1T:   16 -> 17  discharged 2020-04-02 to DISDEST 51, admitted 2020-04-03 (ADMIMETH 81, ADMISORC 51)
#   8418/KHA:  48 -> 49  discharged 2020-01-25 to DISDEST 51, admitted 2020-01-26 (ADMISORC 51)
#   52635/9HA: 21 -> 22  DISDEST 51, gap 3 days;  25 -> 26  DISDEST 51, gap 3;  27 -> 28  DISDEST 51, gap 3;
#              29 -> 30  ADMISORC 51, gap 2;  30 -> 31  DISDEST 51, gap 1;  31 -> 32  DISDEST 51, gap 1
KPCOMPARE_MORE_LINKS = {"465/X1T": 1, "8418/KHA": 1, "52635/9HA": 6}


@pytest.mark.parametrize("group", sorted(KPCOMPARE_MORE_LINKS))
def test_cips_differ_from_epidm_by_the_one_to_three_day_gap(cips_strata, group):
    peer = _peer_cips(group)
    row = cips_strata.loc[group]
    rows = PEER[PEER["group"] == group]
    first_admission = min(_date(s) for s in rows["spell_start"])
    assert row.episodes == len(rows)
    assert row.admissions == len(peer) - KPCOMPARE_MORE_LINKS[group]
    # the bed days of a linked CIPS also count the 1-3 days between its spells, which epidm leaves out
    gap_days = {"465/X1T": 1, "8418/KHA": 1, "52635/9HA": 3 + 3 + 3 + 2 + 1 + 1}[group]
    assert row.bed_days == sum((end - start).days for start, end, _ in peer) + gap_days
    if group == "465/X1T":  # one CIPS from the first admission to the last discharge
        assert row.bed_days == (_date("2020-04-27") - first_admission).days == 51


def _link_rows(peer: pd.DataFrame, rules: spells.CipsRules) -> np.ndarray:
    """CIPS number of every peer row (each row one provider spell) by kpcompare.engine.spells.link_cips."""
    person = pd.factorize(peer["group"])[0].astype(np.int64)
    start = np.array([_date(s).toordinal() for s in peer["spell_start"]], dtype=np.int64)
    end = np.array([_date(s).toordinal() for s in peer["spell_end"]], dtype=np.int64)
    columns = {"admission_source": pa.array(peer["adm_src"].tolist()),
               "admission_method": pa.array(peer["adm_meth"].tolist()),
               "discharge_destination": pa.array(peer["dis_dest"].tolist())}
    flags = spells.transfer_flags(columns, len(peer), rules)
    perm, cips_no = spells.link_cips(person, start, end, flags["transfer_out"], flags["transfer_in"],
                                     np.arange(len(peer), dtype=np.int64), rules=rules)
    out = np.empty(len(peer), dtype=np.int64)
    out[perm] = cips_no
    return out


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return len(set(zip(a.tolist(), b.tolist()))) == len(set(a.tolist())) == len(set(b.tolist()))


# epidm's effective rule on this example: a gap of 0 days (same-day transfer); its DISDEST list has no 87
EPIDM_EFFECTIVE = spells.CipsRules(gap_days=0, transfer_destinations=("49", "50", "51", "52", "53", "84"))


def test_link_cips_with_epidm_effective_rules_reproduces_every_epidm_cips():
    """Row by row, the same grouping as epidm's cip_indx (over all 55 rows, all 7 groups)."""
    ours = _link_rows(PEER, EPIDM_EFFECTIVE)
    assert _same_partition(ours, PEER["cip_indx"].add("@" + PEER["group"]).to_numpy())


def test_link_cips_with_nhs_rules_does_not_reproduce_epidm():
    ours = _link_rows(PEER, spells.CIPS_RULES)
    assert len(set(ours.tolist())) == PEER.groupby("group")["cip_indx"].nunique().sum() - sum(
        KPCOMPARE_MORE_LINKS.values()) == 27


def test_epidm_unit_test_sample_data_links_in_kpcompare():
    """epidm's test ``CIP spell grouping logic works`` expects ``length(unique(result[id == "1", cip_indx])) == 2``
    for id 1's two spells (discharged 2020-01-02 to DISDEST 51, readmitted 2020-01-03 with ADMIMETH 81 and
    ADMISORC 51).  By NHS Digital's rule (a gap of 1 day, with a transfer) kpcompare forms one CIPS."""
    # tests/testthat/test-continuous_inpatient_spells.R, `sample_data`
    sample = pd.DataFrame({
        "person_id": ["1", "1", "2"], "provider": ["A", "A", "B"],
        "admission_date": [_date("2020-01-01"), _date("2020-01-03"), _date("2020-02-01")],
        "discharge_date": [_date("2020-01-02"), _date("2020-01-05"), _date("2020-02-02")],
        "admission_method": ["21", "81", "21"], "admission_source": ["19", "51", "19"],
        "discharge_destination": ["51", "51", "19"],
        "spell_id": [1, 2, 3], "system": ["NHS"] * 3, "sex": "F", "age": 50.0, "primary_diagnosis": "J44.1",
    })
    by_person = {}
    for person in ("1", "2"):
        result = kpcompare.aggregate(sample[sample["person_id"] == person], by=("system",), unit="cips",
                                     progress=False)
        by_person[person] = result.strata[["admissions", "bed_days", "episodes"]].iloc[0].tolist()
    assert by_person == {"1": [1, 4, 2], "2": [1, 1, 1]}  # epidm: 2 CIPS for person 1


def test_aggregate_with_epidm_effective_rules_gives_epidm_cips_in_every_group():
    """``aggregate(cips_rules=...)``: with epidm's effective rules every group's CIPS and their nights are the
    peer's (all 7 groups, including the three where NHS Digital's rules link more)."""
    strata = kpcompare.aggregate(_canonical(PEER), by=("system",), unit="cips", progress=False,
                                 cips_rules=EPIDM_EFFECTIVE).strata.set_index("system")
    for group in sorted(PEER["group"].unique()):
        peer = _peer_cips(group)
        assert (strata.loc[group, "admissions"], strata.loc[group, "bed_days"]) == (
            len(peer), sum((end - start).days for start, end, _ in peer)), group


def test_cips_rules_errors():
    frame = _canonical(PEER)
    with pytest.raises(kpcompare.errors.InvalidArgumentError,
                       match=r"^argument 'cips_rules': only used with unit='cips', not unit='spell'\.$"):
        kpcompare.aggregate(frame, by=("system",), unit="spell", cips_rules=EPIDM_EFFECTIVE)
    with pytest.raises(kpcompare.errors.InvalidArgumentError,
                       match=r"^argument 'cips_rules': expected a kpcompare\.engine\.spells\.CipsRules, got dict\.$"):
        kpcompare.aggregate(frame, by=("system",), unit="cips", cips_rules={"gap_days": 0})
    with pytest.raises(kpcompare.errors.InvalidArgumentError,
                       match=r"^CipsRules 'gap_days': expected a whole number of days >= 0, got -1\.$"):
        spells.CipsRules(gap_days=-1)
    with pytest.raises(kpcompare.errors.InvalidArgumentError,
                       match=r"^CipsRules 'transfer_sources': expected a sequence of code strings"):
        spells.CipsRules(transfer_sources="51")
    assert spells.CipsRules(transfer_methods=["81"]).transfer_methods == ("81",)


def test_preset_epidm_reproduces_every_epidm_cips():
    """``CipsRules.preset("epidm")`` (gap 0, no DISDEST 87, and rule C5: home then ADMISORC 51 + ADMIMETH 21
    does not link) groups all 55 rows as epidm's cip_indx does, in link_cips and in aggregate."""
    rules = spells.CipsRules.preset("epidm")
    person = pd.factorize(PEER["group"])[0].astype(np.int64)
    columns = {"admission_source": pa.array(PEER["adm_src"].tolist()),
               "admission_method": pa.array(PEER["adm_meth"].tolist()),
               "discharge_destination": pa.array(PEER["dis_dest"].tolist())}
    flags = spells.transfer_flags(columns, len(PEER), rules)
    start = np.array([_date(s).toordinal() for s in PEER["spell_start"]], dtype=np.int64)
    end = np.array([_date(s).toordinal() for s in PEER["spell_end"]], dtype=np.int64)
    perm, cips_no = spells.link_cips(person, start, end, flags["transfer_out"], flags["transfer_in"],
                                     np.arange(len(PEER), dtype=np.int64), rules=rules,
                                     unlinked=(flags["unlinked_out"], flags["unlinked_in"]))
    ours = np.empty(len(PEER), dtype=np.int64)
    ours[perm] = cips_no
    assert _same_partition(ours, PEER["cip_indx"].add("@" + PEER["group"]).to_numpy())
    result = kpcompare.aggregate(_canonical(PEER), by=("system",), unit="cips", progress=False, cips_rules=rules)
    assert result.strata["admissions"].sum() == PEER.groupby("group")["cip_indx"].nunique().sum()
    assert result.cips_rules == "epidm" and result.strata.attrs["cips_rules"] == "epidm"
