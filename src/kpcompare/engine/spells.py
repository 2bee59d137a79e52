"""Episodes -> provider spells -> continuous inpatient spells (CIPS).

The rules, each with a hand-built test in ``tests/engine/test_spells.py`` that names it, are set out in
docs/extracts.md#5-provider-spells-and-continuous-inpatient-spells-cips, with the peer checks (UKHSA's epidm,
``tests/engine/test_spells_peer_epidm.py``) and how memory stays bounded:

* provider spell (S1-S5): the episodes of one person in one provider with the same ``spell_id`` (without
  one, the same admission date), ordered by ``episode_order``, ``episode_start`` and input order; from the
  earliest admission to the latest discharge; the attributes of its first episode;
* CIPS (C1-C4; NHS Digital, "Methodology to create provider and CIP spells from HES APC data", HSCIC 2014;
  Busby et al 2017, doi:10.1186/s12913-017-2295-z): provider spells of a person linked when the next is
  admitted at most :attr:`CipsRules.gap_days` after the previous discharge and a transfer code links them
  (:class:`CipsRules`, NHS Digital's by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InvalidArgumentError

__all__ = ["CipsRules", "CIPS_RULES", "transfer_flags", "provider_spells", "link_cips", "first_of_groups",
           "sort_keys"]


@dataclass(frozen=True)
class CipsRules:
    """Codes and the gap that make two provider spells one continuous inpatient spell."""

    gap_days: int = 3
    transfer_destinations: tuple[str, ...] = ("49", "50", "51", "52", "53", "84", "87")
    transfer_sources: tuple[str, ...] = ("49", "50", "51", "52", "53", "87")
    transfer_methods: tuple[str, ...] = ("81", "2B")

    def __post_init__(self) -> None:
        gap = self.gap_days
        if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or gap < 0:
            raise InvalidArgumentError(f"CipsRules 'gap_days': expected a whole number of days >= 0, got {gap!r}.")
        for name in ("transfer_destinations", "transfer_sources", "transfer_methods"):
            codes = getattr(self, name)
            if isinstance(codes, str) or not all(isinstance(c, str) for c in codes):
                raise InvalidArgumentError(
                    f"CipsRules {name!r}: expected a sequence of code strings such as ('51', '52'), got {codes!r}.")
            object.__setattr__(self, name, tuple(codes))  # frozen: lists become tuples (hashable, read-only)


#: NHS Digital's rules (the default)
CIPS_RULES = CipsRules()


def _in_codes(array: pa.Array, codes: tuple[str, ...]) -> np.ndarray:
    if pa.types.is_dictionary(array.type):
        array = pc.dictionary_decode(array)
    return pc.fill_null(pc.is_in(array.cast(pa.string()), pa.array(list(codes), pa.string())),
                        False).to_numpy(zero_copy_only=False)


def transfer_flags(columns: Mapping[str, pa.Array], n: int, rules: CipsRules = CIPS_RULES) -> dict[str, np.ndarray]:
    """Per episode: ``transfer_in`` (rule C3 or C4) and ``transfer_out`` (rule C2)."""
    transfer_in = np.zeros(n, dtype=bool)
    if "admission_source" in columns:
        transfer_in |= _in_codes(columns["admission_source"], rules.transfer_sources)
    if "admission_method" in columns:
        transfer_in |= _in_codes(columns["admission_method"], rules.transfer_methods)
    transfer_out = _in_codes(columns["discharge_destination"], rules.transfer_destinations) \
        if "discharge_destination" in columns else np.zeros(n, dtype=bool)
    return {"transfer_in": transfer_in, "transfer_out": transfer_out}


def first_of_groups(*keys: np.ndarray) -> np.ndarray:
    """True where any key differs from the previous row (rows already sorted by the keys)."""
    n = len(keys[0])
    new = np.zeros(n, dtype=bool)
    if n:
        new[0] = True
        for key in keys:
            new[1:] |= key[1:] != key[:-1]
    return new


def _increasing(row: np.ndarray) -> bool:
    return bool(len(row) < 2 or (row[1:] > row[:-1]).all())


def _rank(key: np.ndarray) -> tuple[np.ndarray, int]:
    """Order-preserving ranks of ``key`` (int64, from 0) and their number of values.

    A narrow key is offset by its minimum; a wide one (hashes, sentinels) is ranked among its distinct
    values: by hashing when they are few (``pandas.factorize``, sorted), else by sorting (``numpy.unique``).
    """
    low, high = int(key.min()), int(key.max())
    if high - low < 1 << 20:
        return key.astype(np.int64) - low, high - low + 1
    if len(key) >= 1024:
        sample = key[:: max(1, len(key) // 1024)]
        if len(np.unique(sample)) < len(sample) // 8:  # few distinct values (providers): hash them
            codes, uniques = pd.factorize(key, sort=True)
            return codes.astype(np.int64), len(uniques)
    distinct, rank = np.unique(key, return_inverse=True)
    return rank.astype(np.int64), len(distinct)


def _pack(ranks: list[tuple[np.ndarray, int]], n: int) -> np.ndarray:
    """Ranks (most significant first) and their sizes packed into one int64 key (mixed radix; caller checks
    that the product of the sizes fits)."""
    packed = np.zeros(n, dtype=np.int64)
    for rank, size in ranks:
        packed *= size
        packed += rank
    return packed


def sort_keys(*keys: np.ndarray, row: np.ndarray) -> np.ndarray:
    """``numpy.lexsort`` by ``keys`` (most significant first), ties in ``row`` order: the same permutation, cheaper.

    Every key is replaced by its order-preserving ranks (:func:`_rank`), and ``row`` by its position when the
    rows already come in increasing order; when their ranges fit in 63 bits they are packed into one 64-bit
    key (mixed radix) that is sorted once: with an unstable sort when the packed keys are all distinct
    (then the order is the only one possible), else with a stable one.  When they do
    not fit, the keys after the first are packed as far as they go and ``numpy.lexsort`` sorts the rest.
    """
    increasing = _increasing(row)
    keys = keys if increasing else keys + (row,)
    n = len(keys[0])
    if len(keys) < 2 or n < 2:
        return np.lexsort(tuple(reversed(keys))) if n else np.zeros(0, dtype=np.int64)
    ranks = [_rank(key) for key in keys]
    radix = 1
    for _, size in ranks:
        radix *= size
    if increasing and radix * n < 1 << 62:  # the row's position breaks ties: packed keys are all distinct
        ranks.append((np.arange(n, dtype=np.int64), n))
        radix *= n
    if radix < 1 << 62:
        packed = _pack(ranks, n)
        perm = np.argsort(packed)
        ordered = packed[perm]
        if (ordered[1:] == ordered[:-1]).any():  # ties: only a stable sort keeps them in row order
            perm = np.argsort(packed, kind="stable")
        return perm
    rest = 1
    for _, size in ranks[1:]:
        rest *= size
    if rest < 1 << 62:
        return np.lexsort((_pack(ranks[1:], n), keys[0]))
    return np.lexsort(tuple(reversed(keys)))


def provider_spells(person: np.ndarray, provider: np.ndarray, spell_key: np.ndarray, order: np.ndarray,
                    episode_start: np.ndarray, row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort episodes into provider spells (rules S1-S3).

    Returns the sorting permutation (by person, provider, spell, episode order, episode start, input row)
    and, for the sorted rows, a spell number (0, 1, ...).
    """
    perm = sort_keys(person, provider, spell_key, order, episode_start, row=row)
    new = first_of_groups(person[perm], provider[perm], spell_key[perm])
    return perm, np.cumsum(new) - 1


def link_cips(person: np.ndarray, start: np.ndarray, end: np.ndarray, transfer_out: np.ndarray,
              transfer_in: np.ndarray, first_row: np.ndarray, end_known: np.ndarray | None = None,
              rules: CipsRules = CIPS_RULES) -> tuple[np.ndarray, np.ndarray]:
    """Link provider spells into CIPS (rules C1-C4).

    Parameters are per spell: the person, first admission day, last discharge day, whether its last episode was
    discharged to a transfer destination, whether its first episode was admitted by transfer, and its first
    input row (ties).  A spell without a known end never links to the next.  Returns the sorting permutation
    of the spells (by person, start, end, first row) and, for the sorted spells, a CIPS number.
    """
    known = np.ones(len(person), dtype=bool) if end_known is None else end_known
    perm = sort_keys(person, start, end, row=first_row)
    p, s, e = person[perm], start[perm], end[perm]
    out, into = transfer_out[perm], transfer_in[perm]
    link = np.zeros(len(perm), dtype=bool)
    if len(perm) > 1:
        same = p[1:] == p[:-1]
        close = known[perm][:-1] & ((s[1:] - np.where(known[perm], e, 0)[:-1]) <= rules.gap_days)
        link[1:] = same & close & (out[:-1] | into[1:])
    return perm, np.cumsum(~link) - 1
