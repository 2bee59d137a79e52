"""kpcompare._compat: the version shims give the same answers on every supported version (issue 19).

The bisection fallback of ``find_root`` (scipy < 1.15, Databricks 15.4/16.4 LTS) is checked against scipy's own
``scipy.optimize.elementwise.find_root`` where that exists, and against the equation it solves everywhere.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from kpcompare import _compat
from kpcompare._compat import _bisect, find_root, pandera_pandas, version_tuple


def test_version_tuple_reads_release_and_ignores_suffixes():
    assert version_tuple("1.5.3") == (1, 5, 3)
    assert version_tuple("3.0.0rc1") == (3, 0, 0)
    assert version_tuple("2.2.2+dbx.1") == (2, 2, 2)
    assert version_tuple("0.22.1") >= (0, 22)


def _mixture(x, a1, a2, p):
    """½·Gamma(a1) + ½·Gamma(a2) CDF minus p (the mid-p Poisson limit equation)."""
    return 0.5 * (special.gammainc(a1, x) + special.gammainc(a2, x)) - p


def _gamma_brackets(p):
    counts = np.array([0.5, 1.0, 3.0, 17.0, 250.0, 1e4, 3.3e6])
    q1, q2 = special.gammaincinv(counts, p), special.gammaincinv(counts + 1.0, p)
    return counts, np.minimum(q1, q2), np.maximum(q1, q2)


@pytest.mark.parametrize("p", [0.0005, 0.025, 0.975, 0.9995])
def test_bisection_solves_the_mixture_equation_to_the_tolerance(p):
    counts, lo, hi = _gamma_brackets(p)
    x = _bisect(_mixture, lo, hi, (counts, counts + 1.0, np.full(counts.size, p)), 0.0, 1e-14)
    assert np.all((lo <= x) & (x <= hi))
    # the root is bracketed within a relative width of 1e-14: one more ulp-scale step either side changes sign
    below = _mixture(x * (1 - 4e-14), counts, counts + 1.0, p)
    above = _mixture(x * (1 + 4e-14), counts, counts + 1.0, p)
    assert np.all(below <= 0) and np.all(above >= 0)


@pytest.mark.parametrize("p", [0.0005, 0.025, 0.975, 0.9995])
def test_bisection_agrees_with_scipy_find_root(p):
    elementwise = pytest.importorskip("scipy.optimize.elementwise", reason="scipy < 1.15 has no find_root")
    counts, lo, hi = _gamma_brackets(p)
    args = (counts, counts + 1.0, np.full(counts.size, p))
    mine = _bisect(_mixture, lo, hi, args, 0.0, 1e-14)
    scipys = elementwise.find_root(_mixture, (lo, hi), args=args, tolerances={"xatol": 0.0, "xrtol": 1e-14}).x
    np.testing.assert_allclose(mine, scipys, rtol=3e-14, atol=0)
    assert np.array_equal(find_root(_mixture, lo, hi, args=args, xatol=0.0, xrtol=1e-14), scipys)


def _mid_tail(p, x, n, target):
    return stats.binom.sf(x, n, p) + 0.5 * stats.binom.pmf(x, n, p) - target


def test_bisection_binomial_mid_p_limits_agree_with_scipy():
    elementwise = pytest.importorskip("scipy.optimize.elementwise", reason="scipy < 1.15 has no find_root")
    x, n = np.array([1.0, 4.0, 30.0, 999.0]), np.array([2.0, 40.0, 31.0, 1000.0])
    args = (x, n, np.full(x.size, 0.025))
    zeros, ones = np.zeros(x.size), np.ones(x.size)
    mine = _bisect(_mid_tail, zeros, ones, args, 1e-15, 1e-13)
    scipys = elementwise.find_root(_mid_tail, (zeros, ones), args=args, tolerances={"xatol": 1e-15, "xrtol": 1e-13}).x
    np.testing.assert_allclose(mine, scipys, rtol=2e-13, atol=2e-15)


def test_bisection_gives_nan_for_an_invalid_bracket():
    x = _bisect(lambda v: v - 2.0, np.array([0.0, 0.0, np.nan]), np.array([1.0, 3.0, 3.0]), (), 0.0, 1e-14)
    assert np.isnan(x[0]) and x[1] == pytest.approx(2.0, rel=1e-14) and np.isnan(x[2])


def test_bisection_stops_at_adjacent_doubles_and_at_an_exact_zero():
    one, next_one = np.array([1.0]), np.array([np.nextafter(1.0, 2.0)])
    assert _bisect(lambda v: (v - 1.0) - 1e-16, one, next_one, (), 0.0, 0.0)[0] == 1.0
    assert _bisect(lambda v: v - 2.0, np.array([0.0]), np.array([4.0]), (), 0.0, 0.0)[0] == 2.0


def test_pandera_pandas_has_the_schema_api():
    pa = pandera_pandas()
    assert hasattr(pa, "DataFrameSchema") and hasattr(pa, "Column") and hasattr(pa, "Check")


def test_pandera_too_new_for_pandas_is_named_with_the_fix(monkeypatch):
    import sys

    import pandera

    monkeypatch.setattr(pandera, "__version__", "0.35.0")
    monkeypatch.setitem(sys.modules, "pandera.pandas", None)  # `import pandera.pandas` raises ImportError
    with pytest.raises(ImportError, match=r"pandera 0\.35\.0 does not support the installed pandas.*0\.22\.1"):
        _compat.pandera_pandas()


def test_groups_keys_are_tuples_for_one_key_and_for_several():
    import pandas as pd

    frame = pd.DataFrame({"a": ["x", "y", "x"], "b": [1, 1, 2], "v": [1.0, 2.0, 3.0]})
    one = [(key, part["v"].tolist()) for key, part in _compat.groups(frame, ["a"], sort=False)]
    assert one == [(("x",), [1.0, 3.0]), (("y",), [2.0])]
    two = [key for key, _ in _compat.groups(frame, ["a", "b"], sort=True)]
    assert two == [("x", 1), ("x", 2), ("y", 1)]


def test_cast_batch_and_view_types_as_pyarrow_says():
    import pyarrow as pa

    batch = pa.RecordBatch.from_pydict({"n": pa.array([1, None], pa.int32()), "s": pa.array(["a", "b"])})
    target = pa.schema([("n", pa.float64()), ("s", pa.large_string())])
    got = _compat.cast_batch(batch, target)
    assert got.schema == target and got.column("n").to_pylist() == [1.0, None]
    assert not _compat.is_string_view(pa.string()) and not _compat.is_binary_view(pa.binary())
    if hasattr(pa, "string_view"):
        assert _compat.is_string_view(pa.string_view()) and _compat.is_binary_view(pa.binary_view())


def test_arrow_stream_reader_reads_a_pyarrow_table_and_refuses_other_objects():
    import pyarrow as pa

    table = pa.table({"x": [1, 2, 3]})
    assert _compat.arrow_stream_reader(table).read_all().equals(table)
    assert _compat.arrow_schema(table.schema) == table.schema
    with pytest.raises(TypeError):
        _compat.arrow_stream_reader(object())


def test_tomllib_is_the_standard_library_reader_from_python_3_11_and_tomli_before():
    import sys

    assert _compat.tomllib.__name__ == ("tomllib" if sys.version_info >= (3, 11) else "tomli")
    # TOML 1.0.0 spec examples (toml.io/en/v1.0.0): a dotted key, an array of tables, a local date, an inf float
    doc = _compat.tomllib.loads('site."google.com" = true\n[[fruit]]\nname = "apple"\n[[fruit]]\nname = "banana"\n'
                                'ld1 = 1979-05-27\nsf1 = inf\n')
    assert doc["site"] == {"google.com": True}
    assert [fruit["name"] for fruit in doc["fruit"]] == ["apple", "banana"]
    assert str(doc["fruit"][1]["ld1"]) == "1979-05-27" and doc["fruit"][1]["sf1"] == float("inf")
    with pytest.raises(_compat.tomllib.TOMLDecodeError):
        _compat.tomllib.loads("a = ")
