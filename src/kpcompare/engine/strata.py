"""Stratum keys and the partial aggregates that are combined at the end of a streaming run.

Each ``by`` column becomes small integer ids: :class:`Labels` keeps one global
id per distinct label across batches, so a batch's dictionary is mapped to
global ids once (a few thousand lookups, not a million).  Per batch the ids
are folded into one mixed-radix key and summed with ``numpy.bincount``; the
few hundred non-empty strata are kept as a partial result and all partials
are summed once at the end.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["Labels", "Accumulator", "MEASURES"]

#: measures summed per stratum, in output order
MEASURES = ("admissions", "bed_days", "episodes")

_BINCOUNT_LIMIT = 4_000_000
#: partials kept before they are summed into one (memory stays flat however many batches are read)
PARTS_KEPT = 64


class Labels:
    """Global ids for the labels of one stratum column (id -1 = missing)."""

    def __init__(self, fixed: Sequence[str] | None = None) -> None:
        self.labels: list = list(fixed) if fixed is not None else []
        self.index: dict = {label: i for i, label in enumerate(self.labels)}
        self.fixed = fixed is not None

    def __len__(self) -> int:
        return len(self.labels)

    def ids_of(self, values: Sequence, *, strings: bool = False) -> np.ndarray:
        """Global ids of ``values`` (None -> -1); ``strings=True`` promises str labels (vectorised lookup)."""
        if strings and len(values) > 64:  # 10,000 codes in a dozen condition groups: look up each name once
            names = np.asarray(values, dtype=object)
            missing = np.array([v is None for v in values], dtype=bool)
            if not missing.any():
                unique, inverse = np.unique(names.astype(str), return_inverse=True)
                if len(unique) < len(values):
                    return self._lookup(list(unique))[inverse]
        return self._lookup(values)

    def _lookup(self, values: Sequence) -> np.ndarray:
        out = np.empty(len(values), dtype=np.int64)
        for i, value in enumerate(values):
            if value is None:
                out[i] = -1
                continue
            got = self.index.get(value)
            if got is None:
                got = len(self.labels)
                self.labels.append(value)
                self.index[value] = got
            out[i] = got
        return out

    def encode(self, array: pa.Array) -> np.ndarray:
        """Global ids of an Arrow column (nulls -> -1), working on its dictionary."""
        from ..extract.convert import dictionary_parts

        dictionary, index, valid = dictionary_parts(array)
        lookup = self.ids_of(dictionary.to_pylist())
        if not len(lookup):
            return np.full(len(index), -1, dtype=np.int64)
        ids = lookup[index]
        if not valid.all():
            ids[~valid] = -1
        return ids


class Accumulator:
    """Sums of measures per stratum, added batch by batch and combined at the end."""

    def __init__(self, names: Sequence[str], labels: Sequence[Labels], measures: Sequence[str]) -> None:
        self.names = list(names)
        self.labels = list(labels)
        self.measures = list(measures)
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.presence = self.measures.index("episodes") if "episodes" in self.measures else 0

    def add(self, ids: Sequence[np.ndarray], values: Sequence[np.ndarray], keep: np.ndarray | None = None) -> None:
        """Add rows with stratum ids and one value array per measure; rows with ``keep`` False are skipped.

        Skipped rows go to one extra bin that is dropped, which is cheaper than filtering every array.
        """
        n = len(values[0]) if values else 0
        if n == 0:
            return
        sizes = [max(len(lab), 1) for lab in self.labels]
        total = int(np.prod(sizes, dtype=np.float64)) if sizes else 1
        key = np.zeros(n, dtype=np.int64)
        for column, size in zip(ids, sizes, strict=True):
            key *= size
            key += column
        if keep is not None and not keep.all():
            if total > _BINCOUNT_LIMIT:
                key, values = key[keep], [v[keep] for v in values]
            else:
                key[~keep] = total
        if total <= _BINCOUNT_LIMIT:
            full = [np.bincount(key, weights=v, minlength=total + 1)[:total] for v in values]
            keys = np.flatnonzero(full[self.presence] > 0)  # every counted row adds one episode
            sums = np.column_stack([f[keys] for f in full])
        else:
            keys, inverse = np.unique(key, return_inverse=True)
            sums = np.column_stack([np.bincount(inverse, weights=v, minlength=len(keys)) for v in values])
        decoded = np.empty((len(keys), len(sizes)), dtype=np.int64)
        rest = keys.copy()
        for j in range(len(sizes) - 1, -1, -1):
            decoded[:, j] = rest % sizes[j]
            rest //= sizes[j]
        self.add_partial(decoded, sums)

    def reset(self) -> None:
        """Forget every sum added (the labels, and so the stratum ids, are kept)."""
        self._parts = []

    def add_partial(self, decoded: np.ndarray, sums: np.ndarray) -> None:
        """Add an already-summed partial (ids per stratum, sums per measure)."""
        if len(decoded):
            self._parts.append((decoded, sums))
            if len(self._parts) >= PARTS_KEPT:
                self._consolidate()

    def _consolidate(self) -> None:
        """Sum the partials kept so far into one, so memory does not grow with the number of batches.

        Each partial holds up to one row per stratum (about 50 KB for the 1,300 strata of a typical run); kept
        until the end, 800 of them (200M rows) would take 40-70 MB.  Sums are formed in the order the partials
        came (the source's order), so the result does not depend on threads.
        """
        ids = np.concatenate([p[0] for p in self._parts]).astype(np.int64)
        sums = np.concatenate([p[1] for p in self._parts])
        key = np.zeros(len(ids), dtype=np.int64)
        radix = [int(ids[:, j].max()) + 2 for j in range(ids.shape[1])]  # ids >= -1
        if np.prod(radix, dtype=np.float64) < 2.0 ** 62:
            for j, size in enumerate(radix):
                key *= size
                key += ids[:, j] + 1
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        else:  # more label combinations than 62 bits: compare the id rows themselves
            _, first, inverse = np.unique(ids, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        summed = np.column_stack([np.bincount(inverse, weights=sums[:, j], minlength=len(first))
                                  for j in range(sums.shape[1])]) if sums.shape[1] else sums[first]
        self._parts = [(ids[first], summed)]

    def frame(self) -> pd.DataFrame:
        """One row per non-empty stratum: the ``by`` labels, then the summed measures (sorted by label)."""
        if self._parts:
            ids = np.concatenate([p[0] for p in self._parts])
            sums = np.concatenate([p[1] for p in self._parts])
        else:
            ids = np.empty((0, len(self.names)), dtype=np.int64)
            sums = np.empty((0, len(self.measures)))
        table = pd.DataFrame(ids, columns=self.names)
        for j, measure in enumerate(self.measures):
            table[measure] = sums[:, j]
        if self.names:
            table = table.groupby(self.names, sort=False, as_index=False, observed=True)[self.measures].sum()
        else:
            table = table[self.measures].sum().to_frame().T if len(table) else table
        order_keys = []
        for name, labels in zip(self.names, self.labels, strict=True):
            ids_col = table[name].to_numpy(dtype=np.int64)
            if labels.fixed:  # age bands, condition groups: their own order
                order_keys.append(ids_col)
            else:
                ranks = np.argsort(np.argsort(np.asarray([str(v) for v in labels.labels], dtype=object)))
                order_keys.append(ranks[ids_col] if len(ranks) else ids_col)
        if order_keys:
            table = table.iloc[np.lexsort(order_keys[::-1])].reset_index(drop=True)
        out = pd.DataFrame(index=range(len(table)))
        for name, labels in zip(self.names, self.labels, strict=True):
            values = np.asarray(labels.labels + [None], dtype=object)
            out[name] = pd.array(values[table[name].to_numpy(dtype=np.int64)], dtype="string")
        for measure in self.measures:
            out[measure] = table[measure].to_numpy()
        return out
