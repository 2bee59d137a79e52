"""The row stage: one canonical batch -> one integer *code* per row (stratum key and exclusion reason together).

Every rule and every stratum column is a :class:`Factor`: a small per-row index into a *domain* (the
column's dictionary plus a slot for missing values, the completed years of age, the combination of a few
per-row flags) and, per domain value, the exclusion reason (0 = none) and the stratum id.  Per-value work
(normalising and classifying 10,000 diagnosis codes, validating sexes and statuses) is done once per
distinct value and remembered across batches (:class:`ValueMemo`); per-row work is a few integer lookups.

Factors with small domains are fused into one joint index (their domains multiplied, at most
:data:`JOINT_LIMIT` values), so the benchmark's six factors cost two table lookups per row.  The lookups are
summed into

    code = key + total * combo

where ``key`` is the mixed-radix stratum key (``0 <= key < total``, the product of the ``by`` sizes) and
``combo`` numbers the combination of reasons of the fused groups (0 = counted).  One ``numpy.bincount`` of
``code`` then gives the strata *and* the exclusion tally; the reason of a combination is the first rule in
precedence order (:data:`kpcompare.extract.rules.EXCLUSION_REASONS`) that it breaks, which is exactly
the row-by-row rule of :func:`kpcompare.extract.rules.first_reason`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..extract.rules import REASON_INDEX

__all__ = ["Factor", "Codes", "ValueMemo", "Scratch", "combine", "dictionary_factor", "flag_factor", "JOINT_LIMIT",
           "keep_freed_memory", "DECODE_TABLE"]

#: largest joint domain of fused factors (an int32 table of 32,768 values stays in the CPU cache)
JOINT_LIMIT = 1 << 15
#: stratum keys up to this many are decoded through a table of their ids (:meth:`Codes.ids_at`)
DECODE_TABLE = 1 << 16
_NO_REASON = np.uint8(255)


class Scratch:
    """Reusable work arrays, one set per thread.

    A fresh array of a few MB costs a page fault per 4 KB on first touch; on virtual machines that is
    several times the arithmetic done on it, so the per-row temporaries of a batch are written into arrays
    kept from the previous batch (``out=``).  A caller uses each name once per batch.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def __call__(self, name: str, n: int, dtype: Any) -> np.ndarray:
        arrays = self._local.__dict__.setdefault("arrays", {})
        array = arrays.get(name)
        if array is None or len(array) < n or array.dtype != dtype:
            array = np.empty(max(n, 1), dtype=dtype)
            arrays[name] = array
        return array[:n]


#: the block :func:`keep_freed_memory` allocates and frees (below glibc's ceiling of 32 MiB for the rule)
_RAISE_BLOCK = 30 << 20


def keep_freed_memory() -> None:
    """Let the C allocator reuse the memory of freed work arrays instead of handing it back to the system
    and faulting fresh pages in again.

    glibc's malloc serves blocks above its *mmap threshold* (128 KiB at start) from fresh mappings, and gives
    the top of its heap back beyond a *trim threshold*; by glibc's own rule both rise when a mapped block is
    freed (to that block's size, at most 32 MiB, and twice it).  The spell and CIPS pass makes and drops tens of
    MB of numpy temporaries per partition, so with the starting thresholds each partition faulted its
    pages in afresh (about 2 GB of page faults and 1.7 s of system time in a 5M-row spell run of about 5.5 CPU
    seconds).  Allocating and freeing one 30 MiB block raises the thresholds as any program that once freed
    such an array does; it changes no result, and with another C library it does nothing.
    docs/performance.md (issue-21 section) has the figures.
    """
    block = np.empty(_RAISE_BLOCK, dtype=np.uint8)  # mapped and never touched: no page is faulted in
    del block


def _fresh(name: str, n: int, dtype: Any) -> np.ndarray:
    return np.empty(n, dtype=dtype)


@dataclass
class Factor:
    """A per-row index into a domain, with the reason and (for a ``by`` column) the stratum id of each value."""

    index: np.ndarray  # integer per row, 0 <= index < size
    size: int
    reasons: np.ndarray  # uint8 per domain value: REASON_INDEX of the rule broken, 0 = none
    column: int = -1  # position in ``by`` (-1: a rule only)
    ids: np.ndarray | None = None  # int64 per domain value (only read where reasons == 0)
    not_admitted: np.ndarray | None = None  # per domain value: 1 = the row is a counted episode, no admission


@dataclass
class Codes:
    """``code = key + total * (not_admitted + split * combo)`` per row; see the module docstring.

    ``split`` is 2 when a factor tells admissions from other episodes (``Factor.not_admitted``), else 1
    (and ``not_admitted`` is 0).
    """

    code: np.ndarray
    total: int
    sizes: list[int]
    combo_reason: np.ndarray  # uint8 per combo: REASON_INDEX (0 for combo 0)
    split: int = 1
    _reason: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_bins(self) -> int:
        return self.total * self.split * len(self.combo_reason)

    def reason(self) -> np.ndarray:
        """Reason code per row (0 = counted), as :func:`kpcompare.extract.rules.first_reason` gives it."""
        if self._reason is None:
            if len(self.combo_reason) == 1:
                self._reason = np.zeros(len(self.code), dtype=np.uint8)
            else:
                self._reason = self.combo_reason[self.code // (self.total * self.split)]
        return self._reason

    def ids_at(self, rows: np.ndarray) -> list[np.ndarray]:
        """The stratum ids (int32, one array per ``by`` column) of the rows at ``rows`` (an index or a mask),
        as :meth:`decode` gives them: for at most :data:`DECODE_TABLE` stratum keys from a table of each key's
        ids (one gather per column) instead of a division per column and row."""
        if self.total > DECODE_TABLE or not self.sizes:
            decoded = self.decode(self.code[rows])
            return [decoded[:, j].astype(np.int32) for j in range(decoded.shape[1])]
        table = self.decode(np.arange(self.total)).astype(np.int32)
        key = self.code[rows] % self.total  # a row's stratum key (its code is key + total x (flags, reasons))
        return [np.ascontiguousarray(table[:, j])[key] for j in range(table.shape[1])]

    def decode(self, keys: np.ndarray) -> np.ndarray:
        """Stratum keys (or codes) -> ids (one column per ``by`` column)."""
        small = self.total * self.split * len(self.combo_reason) < np.iinfo(np.int32).max
        out = np.empty((len(keys), len(self.sizes)), dtype=np.int32 if small else np.int64)
        rest = keys.astype(np.int32 if small else np.int64, copy=True) % self.total
        for j in range(len(self.sizes) - 1, -1, -1):
            out[:, j] = rest % self.sizes[j]
            rest //= self.sizes[j]
        return out


def flag_factor(flags: Sequence[tuple[str, np.ndarray]], n: int, *,
                not_admitted: np.ndarray | None = None) -> Factor | None:
    """Per-row rules given as boolean masks, fused into one factor (masks that are all False are dropped).

    ``not_admitted`` (a boolean mask: counted episodes that are not admissions) joins as one more bit.
    """
    used = [(name, mask) for name, mask in flags if mask.any()]
    if not_admitted is not None:
        used.append(("", not_admitted))
    if not used:
        return None
    index = used[0][1].astype(np.int32)  # the type of the other indices: mixed-type arithmetic is slow
    for bit, (_, mask) in enumerate(used[1:], start=1):
        index += mask.view(np.uint8).astype(np.int32) << bit
    reasons, admit = _flag_tables(tuple(name for name, _ in used), not_admitted is not None)
    return Factor(index, len(reasons), reasons, not_admitted=admit)


_FLAG_TABLES: dict[tuple, tuple[np.ndarray, np.ndarray | None]] = {}


def _flag_tables(names: tuple[str, ...], admission: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Per combination of flags: the first reason, and (last bit) whether it is a non-admission; the same
    arrays for the same flags, so :func:`combine` can reuse its layout."""
    got = _FLAG_TABLES.get((names, admission))
    if got is None:
        domain = np.arange(1 << len(names))
        reasons = np.zeros(len(domain), dtype=np.uint8)
        for bit, name in enumerate(names):
            if name:
                reasons = _first(reasons, np.where((domain >> bit) & 1, REASON_INDEX[name], 0).astype(np.uint8))
        admit = (domain >> (len(names) - 1)) & 1 if admission else None
        got = _FLAG_TABLES.setdefault((names, admission), (reasons, admit))
    return got


def _first(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise: the rule that comes first in precedence order (smallest non-zero reason)."""
    a2 = np.where(a == 0, _NO_REASON, a)
    b2 = np.where(b == 0, _NO_REASON, b)
    best = np.minimum(a2, b2)
    return np.where(best == _NO_REASON, 0, best).astype(np.uint8)


class ValueMemo:
    """Per-value results (reasons, ids) of one column's dictionary values, remembered across batches.

    ``compute(values)`` returns ``(reasons uint8, ids int64)`` for a string (or other) Arrow array; it must
    depend on each value alone.  A batch's dictionary is matched to the values seen so far with
    ``pyarrow.compute.index_in``; only unseen values are computed.  Thread-safe.
    """

    def __init__(self, compute: Callable[[pa.Array], tuple[np.ndarray, np.ndarray]]) -> None:
        self.compute = compute
        self.known: pa.Array | None = None
        self.reasons = np.empty(0, dtype=np.uint8)
        self.ids = np.empty(0, dtype=np.int64)
        self.lock = threading.Lock()
        # the last dictionary looked up, per thread: each worker stages the slices of its own row group
        self._recent = threading.local()

    def lookup(self, dictionary: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        last = getattr(self._recent, "last", None)
        if last is not None and (last[0] is dictionary or last[0].equals(dictionary)):
            return last[1], last[2]  # slices of one row group share its dictionary
        with self.lock:
            if self.known is None or not len(self.known):
                reasons, ids = self.compute(dictionary)
                self.known, self.reasons, self.ids = dictionary, reasons, ids
                self._recent.last = (dictionary, reasons, ids)
                return reasons, ids
            found = pc.index_in(dictionary, value_set=self.known)
            position = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
            new = position < 0
            if new.any():
                fresh = dictionary.filter(pa.array(new))
                reasons, ids = self.compute(fresh)
                position[new] = len(self.known) + np.arange(int(new.sum()))
                self.known = pa.concat_arrays([self.known, fresh.cast(self.known.type)])
                self.reasons = np.concatenate([self.reasons, reasons])
                self.ids = np.concatenate([self.ids, ids])
            out = (self.reasons[position], self.ids[position])
        self._recent.last = (dictionary, *out)
        return out

    def slotted(self, dictionary: pa.Array, when_missing: str) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`lookup` plus one slot for missing rows (reason ``when_missing``, id -1); the same arrays
        for the same dictionary, so the slices of a row group share them (and :func:`combine`'s layout)."""
        last = getattr(self._recent, "slotted", None)
        if last is not None and last[1] == when_missing and (last[0] is dictionary or last[0].equals(dictionary)):
            return last[2], last[3]
        reasons, ids = self.lookup(dictionary)
        reasons = np.append(reasons, np.uint8(REASON_INDEX[when_missing]))
        ids = np.append(ids, np.int64(-1))
        self._recent.slotted = (dictionary, when_missing, reasons, ids)
        return reasons, ids


def dictionary_factor(array: pa.Array, memo: ValueMemo, *, column: int, when_missing: str) -> Factor:
    """A factor over a column's dictionary (plus one slot for missing rows, reason ``when_missing``)."""
    from ..extract.convert import plain

    array = plain(array)
    if not pa.types.is_dictionary(array.type):
        array = pc.dictionary_encode(array)
    dictionary, indices = array.dictionary, array.indices
    reasons, ids = memo.slotted(dictionary, when_missing)
    size = len(dictionary) + 1
    if indices.null_count:  # missing rows point to the extra slot
        indices = pc.fill_null(indices.cast(pa.int32()), pa.scalar(size - 1, pa.int32()))
    index = indices.to_numpy()
    return Factor(index, size, reasons, column, ids)


@dataclass
class _Layout:
    """The per-domain half of :func:`combine`: which factors are fused, and each group's code table."""

    groups: list[list[int]]  # positions in the factor list, smallest domains first
    tables: list[np.ndarray]  # intp per joint value of each group: key part + total * step * rank of reason
    total: int
    sizes: list[int]
    split: int
    combo_reason: np.ndarray
    pinned: list = field(default_factory=list, repr=False)  # keeps the keyed arrays (and their ids) alive


def _layout(factors: Sequence[Factor], sizes: list[int]) -> _Layout:
    split = 2 if any(f.not_admitted is not None for f in factors) else 1
    total = int(np.prod(sizes, dtype=np.float64)) if sizes else 1
    strides = [int(np.prod(sizes[j + 1:], dtype=np.float64)) for j in range(len(sizes))]
    groups: list[list[int]] = []
    joint = 1
    for position in sorted(range(len(factors)), key=lambda i: factors[i].size):
        size = factors[position].size
        if groups and joint * size <= JOINT_LIMIT:
            groups[-1].append(position)
            joint *= size
        else:
            groups.append([position])
            joint = size
    # per group and joint value (the factors' domains broadcast against each other): the stratum key part
    # and the first reason broken (reasons with 0 read as 255, so the first is the minimum)
    parts = []
    for group in groups:
        shape = [factors[i].size for i in group]
        key = np.zeros(shape, dtype=np.int64)
        first = np.full(shape, _NO_REASON)
        for axis, factor in enumerate(factors[i] for i in group):
            at = [1] * len(group)
            at[axis] = factor.size
            np.minimum(first, np.where(factor.reasons == 0, _NO_REASON, factor.reasons).reshape(at), out=first)
            if factor.column >= 0 and factor.ids is not None:
                key += (np.maximum(factor.ids, 0) * strides[factor.column]).reshape(at)
            if factor.not_admitted is not None:
                key += (factor.not_admitted * total).reshape(at)
        first[first == _NO_REASON] = 0
        parts.append((key.ravel(), first.ravel()))
    combos = split
    levels = []
    for _, reason in parts:
        present = np.flatnonzero(np.bincount(reason, minlength=256)).astype(np.uint8)
        present = np.union1d([0], present).astype(np.uint8)
        rank = np.zeros(256, dtype=np.int64)
        rank[present] = np.arange(len(present))
        levels.append((present, rank, combos))
        combos *= len(present)
    # codes are numpy's index type: bincount and take would convert anything else first
    tables = [(key + total * step * rank[reason]).astype(np.intp)
              for (key, reason), (_, rank, step) in zip(parts, levels, strict=True)]
    combos //= split
    combo_reason = np.zeros(combos, dtype=np.uint8)
    grid = np.arange(combos) * split
    for present, _, step in levels:
        combo_reason = _first(combo_reason, present[(grid // step) % len(present)])
    return _Layout(groups, tables, total, sizes, split, combo_reason)


#: layouts kept per cache (each is a few hundred KB at most)
_LAYOUTS_KEPT = 64


def combine(factors: Sequence[Factor], sizes: Sequence[int], n: int,
            scratch: Callable[[str, int, Any], np.ndarray] = _fresh, cache: dict | None = None) -> Codes:
    """Fuse the factors into one code per row (see the module docstring); work arrays come from ``scratch``.

    With ``cache`` (a dict) the per-domain half is remembered for factors that share their domain arrays (the
    slices of one row group, every batch's age and flag tables), keyed by those arrays' identities; the
    layout keeps the arrays alive, so an identity is never reused while it is a key.
    """
    sizes = [max(int(s), 1) for s in sizes]
    layout = None
    if cache is not None:
        key = (tuple(sizes), tuple((f.size, f.column, id(f.reasons), id(f.ids), id(f.not_admitted))
                                   for f in factors))
        layout = cache.get(key)
    if layout is None:
        layout = _layout(factors, sizes)
        if cache is not None:
            layout.pinned = [(f.reasons, f.ids, f.not_admitted) for f in factors]
            if len(cache) >= _LAYOUTS_KEPT:
                cache.clear()
            cache[key] = layout
    code = None
    for group, table in zip(layout.groups, layout.tables, strict=True):
        if len(group) == 1:
            index = factors[group[0]].index
        else:  # the joint (row-major) index of the group's domains (< JOINT_LIMIT: int32 arithmetic)
            index = scratch("joint", n, np.int32)
            np.copyto(index, factors[group[0]].index, casting="unsafe")
            for position in group[1:]:
                index *= factors[position].size
                index += factors[position].index
        # every index is within its table by construction, so "wrap" never wraps (and skips the bounds check)
        if code is None:
            code = np.take(table, index, out=scratch("code", n, np.intp), mode="wrap")
        else:
            code += np.take(table, index, out=scratch("part", n, np.intp), mode="wrap")
    if code is None:
        code = np.zeros(n, dtype=np.intp)
    return Codes(code, layout.total, layout.sizes, layout.combo_reason, layout.split)
