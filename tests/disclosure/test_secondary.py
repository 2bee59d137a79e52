"""Secondary suppression: hypothesis tries to recover a suppressed cell from the published margins.

The attacker's check is written here independently of kpcompare.disclosure.secondary: the published margins
give one equation each (margin = sum of its parts); a suppressed cell is recovered by linear arithmetic iff
its unit vector lies in the row space of those equations restricted to the suppressed cells, i.e. iff
appending it does not raise the rank (numpy.linalg.matrix_rank, an SVD; the package uses Gauss-Jordan
elimination).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings, strategies as st

from kpcompare.disclosure import Rule, suppress
from kpcompare.disclosure.secondary import determined, layout

TOTAL = "Total"


def _with_margins(cells: dict[tuple[str, ...], int], names: list[str]) -> pd.DataFrame:
    """A long table with every margin (each key at TOTAL, and every combination of them) summed."""
    rows = []
    levels = [sorted({k[i] for k in cells}) + [TOTAL] for i in range(len(names))]
    for combo in itertools.product(*levels):
        value = sum(v for k, v in cells.items() if all(c in (TOTAL, k[i]) for i, c in enumerate(combo)))
        rows.append({**dict(zip(names, combo)), "admissions": value})
    return pd.DataFrame(rows)


def _recoverable(table: pd.DataFrame, names: list[str], suppressed: np.ndarray) -> list[int]:
    """The attacker: suppressed rows that the published margin equations pin down."""
    equations = []
    for i, row in table.iterrows():
        for name in names:
            if row[name] != TOTAL:
                continue
            coef = np.zeros(len(table))
            coef[i] = -1.0
            others = [n for n in names if n != name]
            parts = (table[name] != TOTAL) & np.logical_and.reduce([table[n] == row[n] for n in others]) \
                if others else (table[name] != TOTAL)
            coef[np.flatnonzero(parts.to_numpy())] = 1.0
            equations.append(coef)
    if not equations:
        return []
    a_s = np.array(equations)[:, suppressed]
    base = np.linalg.matrix_rank(a_s) if a_s.size else 0
    found = []
    for j, row in enumerate(np.flatnonzero(suppressed)):
        unit = np.zeros(a_s.shape[1])
        unit[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([a_s, unit])) == base:
            found.append(int(row))
    return found


small_or_large = st.one_of(st.integers(0, 9), st.integers(0, 9), st.integers(10, 60))


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, list[str]]:
    dims = draw(st.lists(st.integers(2, 4), min_size=2, max_size=3))
    names = ["k" + str(i) for i in range(len(dims))]
    keys = itertools.product(*[[f"{n}{j}" for j in range(d)] for n, d in zip(names, dims)])
    cells = {k: draw(small_or_large) for k in keys}
    return _with_margins(cells, names), names


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from(["hes", "midpoint6_small", "strict"]))
def test_no_suppressed_cell_is_recoverable_from_the_margins(case, rule_name):
    table, names = case
    rule = {"hes": "hes",
            "midpoint6_small": Rule(name="small", threshold=3, base=1, rounding="none", exempt_total=False),
            "strict": Rule(name="strict", threshold=9, base=5, small_total=False)}[rule_name]
    out = suppress(table, rule=rule, counts="admissions", totals={n: TOTAL for n in names})
    suppressed = (out["admissions_suppressed"] != "").to_numpy()
    assert _recoverable(table, names, suppressed) == []
    # every primary cell is still suppressed, and only cells that had to be were added
    assert set(out.loc[out["admissions_suppressed"] == "secondary", "admissions"].isna()) <= {True}


@settings(max_examples=60, deadline=None)
@given(tables())
def test_without_secondary_suppression_the_attacker_can_win(case):
    # the check above is not vacuous: with secondary=False a lone '*' in a row or column is recovered
    table, names = case
    out = suppress(table, counts="admissions", totals={n: TOTAL for n in names}, secondary=False)
    suppressed = (out["admissions_suppressed"] != "").to_numpy()
    found = _recoverable(table, names, suppressed)
    lone = _lone_in_a_group(out, names)
    assert set(lone) <= set(found)


def _lone_in_a_group(out: pd.DataFrame, names: list[str]) -> list[int]:
    lone = []
    s = out["admissions_suppressed"] != ""
    for name in names:
        others = [n for n in names if n != name]
        for _, group in out.groupby(others) if others else [((), out)]:
            if s[group.index].sum() == 1:
                lone.append(int(group.index[s[group.index]][0]))
    return lone


def test_two_cycles_joined_by_a_cell_need_the_audit():
    # every row and column holds two or more '*', yet the cell joining the two blocks is pinned down by the
    # margins: (rows 0+1) - (columns 0+1) leaves it alone.  The greedy rule alone would not see it.
    small = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    cells = {(f"r{i}", f"c{j}"): (3 if (i, j) in small else 40 + i + j) for i in range(4) for j in range(4)}
    table = _with_margins(cells, ["row", "col"])
    flagged = table.apply(lambda r: (r["row"], r["col"]) in {(f"r{i}", f"c{j}") for i, j in small}, axis=1)
    shape = layout(table[["row", "col"]], {"row": TOTAL, "col": TOTAL})
    bridge = table.index[(table["row"] == "r0") & (table["col"] == "c2")][0]
    assert determined(shape.groups, flagged.to_numpy()).tolist() == [bridge]
    assert _recoverable(table, ["row", "col"], flagged.to_numpy()) == [bridge]
    out = suppress(table, counts="admissions", totals={"row": TOTAL, "col": TOTAL})
    assert _recoverable(table, ["row", "col"], (out["admissions_suppressed"] != "").to_numpy()) == []
    assert 1 <= out.attrs["disclosure"]["secondary_cells"] <= 2


def test_greedy_takes_the_smallest_non_zero_cell():
    # one '*' in row A: its smallest non-zero neighbour (12, not the 0 nor the 50) is suppressed with it
    table = _with_margins({("A", "x"): 3, ("A", "y"): 0, ("A", "z"): 12, ("A", "w"): 50}, ["provider", "age"])
    out = suppress(table, counts="admissions", totals={"provider": TOTAL, "age": TOTAL})
    chosen = out.loc[out["admissions_suppressed"] == "secondary", ["provider", "age"]]
    # the provider row and the national row each had one '*': x is paired with z in both
    assert sorted(map(tuple, chosen.to_numpy().tolist())) == [("A", "z"), (TOTAL, "z")]


def test_resummed_margins_need_no_secondary_suppression():
    table = _with_margins({("A", "x"): 3, ("A", "y"): 20, ("B", "x"): 30, ("B", "y"): 40}, ["p", "a"])
    out = suppress(table, counts="admissions", totals={"p": TOTAL, "a": TOTAL}, resum=True)
    assert (out["admissions_suppressed"] == "secondary").sum() == 0
    row_a = out[(out["p"] == "A") & (out["a"] == TOTAL)]["admissions"].iloc[0]
    assert row_a == 20  # the released 20, the '*' counted as 0 (the true total 23 would give the 3 away)
    grand = out[(out["p"] == TOTAL) & (out["a"] == TOTAL)]["admissions"].iloc[0]
    assert grand == 20 + 30 + 40


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5), st.integers(2, 5), st.data())
def test_one_small_cell_costs_three_more(n_rows, n_cols, data):
    # a lone '*' in a two-way table with margins is hidden by no fewer than 3 more cells (the suppressed
    # cells must form a cycle of rows and columns, and the shortest cycle has 4 cells); the heuristic finds it
    values = data.draw(st.lists(st.integers(10, 99), min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    small = data.draw(st.integers(0, n_rows * n_cols - 1))
    values[small] = 4
    cells = {(f"r{i}", f"c{j}"): values[i * n_cols + j] for i in range(n_rows) for j in range(n_cols)}
    table = _with_margins(cells, ["row", "col"])
    out = suppress(table, counts="admissions", totals={"row": TOTAL, "col": TOTAL})
    assert out.attrs["disclosure"]["secondary_cells"] == 3
    assert _recoverable(table, ["row", "col"], (out["admissions_suppressed"] != "").to_numpy()) == []
