"""The one place where kpcompare meets the differences between the versions of its dependencies it supports.

kpcompare runs from the oldest combination in ``requirements/oldest.txt`` (Databricks Runtime 14.3 LTS:
Python 3.10, pandas 1.5.3, numpy 1.23.5, matplotlib 3.7.0, with pyarrow 14.0.1) to the newest pins in
``requirements/constraints.txt`` (pandas 3); see docs/scale.md#3-supported-versions.  Every version-dependent
choice is a function here (or, for the Python version, ``tomllib``: the standard library's on 3.11+, the
``tomli`` backport on 3.10); no other module compares versions.  None of them changes a number: each gives the
same result on every supported version (the root finder's to the tolerance kpcompare asks of it).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any

import numpy as np

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Databricks 14.3 LTS): the backport tomllib was made from, same API (tomli >= 2.0.1)
    import tomli as tomllib

__all__ = ["tomllib", "version_tuple", "groups", "pandera_pandas", "pandera_pyarrow", "find_root",
           "arrow_stream_reader", "arrow_schema", "cast_batch", "is_string_view", "is_binary_view"]


def version_tuple(version: str) -> tuple[int, ...]:
    """``"1.5.3"`` -> ``(1, 5, 3)``; a pre-release or local suffix is ignored (``"3.0.0rc1"`` -> ``(3, 0, 0)``)."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3])


def groups(frame: Any, keys: Sequence[str], **options: Any) -> Iterator[tuple[tuple, Any]]:
    """``frame.groupby(keys, **options)`` iterated with every group key a tuple, as pandas >= 2 gives it for a list
    of keys; pandas 1.5 gives a scalar (and a FutureWarning) for a list of one key."""
    keys = list(keys)
    options.setdefault("observed", True)  # categorical keys: only the groups present (pandas 3's default)
    for key, part in frame.groupby(keys[0] if len(keys) == 1 else keys, **options):
        yield (key if len(keys) > 1 else (key,)), part


def pandera_pandas() -> ModuleType:
    """pandera's pandas API: ``pandera.pandas`` (pandera 0.24 and later, pandas >= 2.1.1) or, with pandas < 2.1.1
    (Databricks 15.4/16.4 LTS), the top-level ``pandera`` module of pandera 0.22, the last to support pandas 1.5.

    Raises ImportError with the fix when pandera is too new for the installed pandas.
    """
    import pandera

    if version_tuple(pandera.__version__) >= (0, 24):
        try:
            import pandera.pandas as pandas_api
        except ImportError as exc:  # pandera >= 0.24 refuses pandas < 2.1.1 and numpy < 1.24.4
            raise ImportError(
                f"kpcompare: pandera {pandera.__version__} does not support the installed pandas or numpy ({exc}); "
                "with pandas 1.5 install pandera 0.22 (pip install 'pandera==0.22.1'; docs/scale.md)."
            ) from None
        return pandas_api
    return pandera


def pandera_pyarrow() -> ModuleType:
    """pandera's pyarrow backend (``pandera.pyarrow``, pandera 0.34 and later).

    Raises ImportError naming the pandera version when it has none (pandera 0.22, the one for pandas 1.5).
    """
    try:
        import pandera.pyarrow as pyarrow_api
    except ImportError:
        import pandera

        raise ImportError(
            f"kpcompare: pandera {pandera.__version__} has no pyarrow backend (pandera.pyarrow, pandera >= 0.34, "
            "which needs pandas >= 2.1.1); the Arrow type schema needs it.  The engine does not: it checks the "
            "same types itself (kpcompare.extract.schema.check_batch_types)."
        ) from None
    return pyarrow_api


def arrow_stream_reader(stream: Any) -> Any:
    """A ``pyarrow.RecordBatchReader`` over an object exporting the Arrow C stream (``__arrow_c_stream__``).

    ``pyarrow.RecordBatchReader.from_stream`` (pyarrow >= 15); pyarrow 14 imports the same stream capsule.
    Raises TypeError for an object with no Arrow C stream, as ``from_stream`` does.
    """
    import pyarrow as pa

    if not hasattr(pa, "string_view") and type(stream).__module__.split(".")[0] == "polars":
        # pyarrow < 16 cannot import the string views Polars >= 1 exports: Polars converts them itself
        import polars as pl

        return stream.to_arrow(compat_level=pl.CompatLevel.oldest()).to_reader()
    if hasattr(pa.RecordBatchReader, "from_stream"):
        return pa.RecordBatchReader.from_stream(stream)
    if not hasattr(stream, "__arrow_c_stream__"):
        raise TypeError(f"expected an object implementing the Arrow PyCapsule protocol, got {type(stream).__name__}")
    return pa.RecordBatchReader._import_from_c_capsule(stream.__arrow_c_stream__())


def arrow_schema(obj: Any) -> Any:
    """``pyarrow.schema(obj)`` of an object exporting ``__arrow_c_schema__`` (pyarrow >= 15; pyarrow 14 imports
    the schema capsule itself)."""
    import pyarrow as pa

    if hasattr(pa.RecordBatchReader, "from_stream") or not hasattr(obj, "__arrow_c_schema__"):
        return pa.schema(obj)
    return pa.Schema._import_from_c_capsule(obj.__arrow_c_schema__())


def cast_batch(batch: Any, schema: Any) -> Any:
    """``batch.cast(schema)`` (``RecordBatch.cast``, pyarrow >= 16); older pyarrow casts column by column."""
    if hasattr(batch, "cast"):
        return batch.cast(schema)
    import pyarrow as pa

    return pa.RecordBatch.from_arrays([column.cast(field.type) for column, field in zip(batch.columns, schema)],
                                      schema=schema)


def is_string_view(kind: Any) -> bool:
    """``pyarrow.types.is_string_view`` (pyarrow >= 16); older pyarrow has no view types: False."""
    import pyarrow as pa

    test = getattr(pa.types, "is_string_view", None)
    return bool(test(kind)) if test is not None else False


def is_binary_view(kind: Any) -> bool:
    """``pyarrow.types.is_binary_view`` (pyarrow >= 16); older pyarrow has no view types: False."""
    import pyarrow as pa

    test = getattr(pa.types, "is_binary_view", None)
    return bool(test(kind)) if test is not None else False


def find_root(f: Callable[..., np.ndarray], lo: np.ndarray, hi: np.ndarray, *, args: tuple = (),
              xatol: float, xrtol: float) -> np.ndarray:
    """Elementwise roots of ``f(x, *args) = 0`` bracketed by ``[lo, hi]`` (``f`` changes sign over each bracket).

    With scipy >= 1.15 this is :func:`scipy.optimize.elementwise.find_root` (Chandrupatla's method) with
    ``tolerances={"xatol": xatol, "xrtol": xrtol}``, unchanged.  Older scipy (1.11 on Databricks 15.4 LTS, 1.13
    on 16.4 LTS) has no vectorised bracketing solver; there the brackets are bisected to scipy's own termination
    rule (``|xr - xl| < xatol + |xmin|·xrtol`` or ``|f(xmin)|`` at most the smallest normal number), and the
    bracket end with the smaller ``|f|`` is returned, as scipy does, so both agree within the tolerances.
    An invalid bracket (no sign change, or a non-finite value) gives NaN.
    """
    try:
        from scipy.optimize.elementwise import find_root as chandrupatla
    except ImportError:
        return _bisect(f, lo, hi, args, xatol, xrtol)
    return chandrupatla(f, (lo, hi), args=args, tolerances={"xatol": xatol, "xrtol": xrtol}).x


def _bisect(f: Callable[..., np.ndarray], lo: np.ndarray, hi: np.ndarray, args: tuple, xatol: float,
            xrtol: float) -> np.ndarray:
    """:func:`find_root` by bisection (scipy < 1.15)."""
    arrays = np.broadcast_arrays(lo, hi, *args)
    lo, hi = (np.array(a, dtype=float) for a in arrays[:2])
    args = tuple(np.asarray(a) for a in arrays[2:])
    flo, fhi = np.asarray(f(lo, *args), dtype=float), np.asarray(f(hi, *args), dtype=float)
    finite = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(flo) & np.isfinite(fhi)
    valid = finite & ((np.sign(flo) != np.sign(fhi)) | (flo == 0) | (fhi == 0))
    done = ~valid
    for _ in range(2200):  # at most the bisections within the normal doubles, as scipy
        xmin = np.where(np.abs(flo) <= np.abs(fhi), lo, hi)
        fmin = np.minimum(np.abs(flo), np.abs(fhi))
        done |= (np.abs(hi - lo) < xatol + np.abs(xmin) * xrtol) | (fmin <= np.finfo(float).tiny)
        i = np.flatnonzero(~done)
        if not i.size:
            break
        mid = lo[i] + 0.5 * (hi[i] - lo[i])
        stuck = (mid <= lo[i]) | (mid >= hi[i])  # the bracket holds two adjacent doubles
        done[i[stuck]] = True
        i, mid = i[~stuck], mid[~stuck]
        fmid = np.asarray(f(mid, *(a[i] for a in args)), dtype=float)
        right = np.sign(fmid) == np.sign(flo[i])  # the root lies in [mid, hi]
        lo[i], flo[i] = np.where(right, mid, lo[i]), np.where(right, fmid, flo[i])
        hi[i], fhi[i] = np.where(right, hi[i], mid), np.where(right, fhi[i], fmid)
    return np.where(valid, np.where(np.abs(flo) <= np.abs(fhi), lo, hi), np.nan)
