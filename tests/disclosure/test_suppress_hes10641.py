"""The "hes" rule against what NHS Digital published: request 10641 (HES 2017-18, ordinary episodes and mean
and median length of stay by provider and 10-year age band; bundled as
data/england/hes_2017-18_ordinary_episodes_los_by_provider_age_10641.xlsx and its tidy CSV).

The true counts are not public, so what can be reproduced is:
* the rule's wording, as printed in the workbook ("Footnotes" sheet, "Disclosure Control");
* that every published cell is one the rule can produce (0, '*', or a multiple of 5 of at least 10: a count
  of 8 or more never rounds to 5);
* that for ANY true table consistent with the publication (hypothesis draws them), suppress(rule="hes")
  reproduces the published table cell by cell: counts, '*', and the '*' of the means and medians;
* that the providers' published totals are consistent with their cells under the rule's intervals;
* that NHS Digital applies no secondary suppression (56 providers show a single '*' beside a published total),
  so secondary=False reproduces the publication and kpcompare's default (True) is stricter.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from functools import lru_cache

import numpy as np
import pandas as pd
from hypothesis import given, settings, strategies as st

from kpcompare._paths import data_path
from kpcompare.disclosure import suppress

XLSX = data_path("england", "hes_2017-18_ordinary_episodes_los_by_provider_age_10641.xlsx")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@lru_cache(maxsize=None)
def _sheet(number: int) -> dict[str, dict[str, str | None]]:
    """One worksheet of the workbook as {row number: {column letter: text}} (stdlib only)."""
    with zipfile.ZipFile(XLSX) as book:
        strings = [''.join(t.text or '' for t in si.iter(f"{{{NS['m']}}}t"))
                   for si in ET.fromstring(book.read("xl/sharedStrings.xml"))]
        root = ET.fromstring(book.read(f"xl/worksheets/sheet{number}.xml"))
    rows = {}
    for row in root.iter(f"{{{NS['m']}}}row"):
        cells = {}
        for cell in row:
            value = cell.find("m:v", NS)
            text = None if value is None else value.text
            if cell.get("t") == "s" and text is not None:
                text = strings[int(text)]
            cells[re.match("[A-Z]+", cell.get("r")).group()] = text
        rows[row.get("r")] = cells
    return rows


@lru_cache(maxsize=None)
def _tidy() -> pd.DataFrame:
    return pd.read_csv(data_path("england", "hes_2017-18_ordinary_episodes_los_by_provider_age_tidy.csv"))


def test_the_workbook_states_the_rule():
    text = " ".join(c or "" for row in _sheet(3).values() for c in row.values())
    assert "If the national total is between 1 and 7 (inclusive), no sub-national breakdown will be displayed" in text
    assert "Sub-national counts between 1 and 7 (inclusive) will be displayed as" in text
    assert "Zeroes will be unchanged" in text and "All other counts will be rounded to the nearest 5" in text


def test_tidy_csv_is_the_workbook():
    # the workbook's '*' count cells are exactly the CSV's suppressed flags (columns D:N = the 11 age bands)
    data = _sheet(2)
    bands = list("DEFGHIJKLMN")
    stars = {(row["A"], data["5"][col]) for key, row in data.items() if int(key) > 5 and row.get("A")
             for col in bands if row.get(col) == "*"}
    tidy = _tidy()
    flagged = set(map(tuple, tidy.loc[tidy["ordinary_episodes_suppressed"], ["provider_code", "age_band"]].to_numpy()))
    assert stars == flagged and len(stars) == 584


def test_every_published_count_is_one_the_rule_produces():
    counts = _tidy()["ordinary_episodes"].dropna()
    assert ((counts == 0) | ((counts % 5 == 0) & (counts >= 10))).all()
    assert (counts == 5).sum() == 0  # a count of 8 or more never rounds to 5
    totals = _tidy().groupby("provider_code")["total_ordinary_episodes"].first()
    assert ((totals % 5 == 0) & (totals >= 10)).all()


def _preimage(published: pd.Series, suppressed: pd.Series, draw_offsets: np.ndarray) -> np.ndarray:
    """A true table consistent with the publication: 0 -> 0; '*' -> 1..7; v -> v-2..v+2."""
    small = 1 + (draw_offsets % 7)
    near = published.fillna(0).to_numpy() + (draw_offsets % 5) - 2
    return np.where(suppressed, small, np.where(published.fillna(0).to_numpy() == 0, 0, near))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_suppress_reproduces_the_publication_for_any_consistent_truth(seed):
    tidy = _tidy()
    offsets = np.random.default_rng(seed).integers(0, 35, len(tidy))
    truth = tidy[["provider_code", "age_band"]].copy()
    truth["ordinary_episodes"] = _preimage(tidy["ordinary_episodes"], tidy["ordinary_episodes_suppressed"], offsets)
    truth["mean_los_days"] = 1.0  # a mean is shown unless it rests on 1-7 episodes
    out = suppress(truth, counts="ordinary_episodes", derived={"mean_los_days": "ordinary_episodes"},
                   by=["provider_code", "age_band"], secondary=False)
    np.testing.assert_array_equal(out["ordinary_episodes"].to_numpy(), tidy["ordinary_episodes"].to_numpy())
    assert ((out["ordinary_episodes_suppressed"] == "primary") == tidy["ordinary_episodes_suppressed"]).all()
    assert (out["mean_los_days"].isna() == tidy["mean_los_days"].isna()).all()
    assert (out["mean_los_days"].isna() == tidy["median_los_days"].isna()).all()


def test_provider_totals_are_consistent_with_their_cells():
    # a provider's true total lies in [T-2, T+2]; its cells' in [v-2, v+2] (v >= 10), 0, or [1, 7] ('*')
    tidy = _tidy()
    v = tidy["ordinary_episodes"].fillna(0)
    low = np.where(tidy["ordinary_episodes_suppressed"], 1, np.where(v == 0, 0, v - 2))
    high = np.where(tidy["ordinary_episodes_suppressed"], 7, np.where(v == 0, 0, v + 2))
    sums = pd.DataFrame({"p": tidy["provider_code"], "low": low, "high": high}).groupby("p").sum()
    total = tidy.groupby("provider_code")["total_ordinary_episodes"].first()
    assert ((sums["low"] <= total + 2) & (sums["high"] >= total - 2)).all()


def test_nhs_digital_relies_on_rounding_not_secondary_suppression():
    tidy = _tidy()
    stars = tidy.groupby("provider_code")["ordinary_episodes_suppressed"].sum()
    assert (stars == 1).sum() == 56  # a lone '*' beside the published provider total
    # kpcompare's default adds secondary suppression when the margins are declared
    lone = stars[stars == 1].index[:5]
    part = tidy[tidy["provider_code"].isin(lone)]
    truth = part[["provider_code", "age_band"]].copy()
    truth["ordinary_episodes"] = _preimage(part["ordinary_episodes"], part["ordinary_episodes_suppressed"],
                                           np.zeros(len(part), dtype=int) + 2)
    margins = truth.groupby("provider_code", as_index=False)["ordinary_episodes"].sum().assign(age_band="All ages")
    table = pd.concat([truth, margins], ignore_index=True)
    out = suppress(table, counts="ordinary_episodes", totals={"age_band": "All ages"}, by=["provider_code", "age_band"])
    per_provider = (out["ordinary_episodes_suppressed"] != "").groupby(out["provider_code"]).sum()
    assert (per_provider >= 2).all()
