"""Episodes -> provider spells -> continuous inpatient spells (CIPS).

The rules, each with a hand-built test in ``tests/engine/test_spells.py`` that names it, are set out in
docs/extracts.md#5-provider-spells-and-continuous-inpatient-spells-cips, with the peer checks (UKHSA's epidm,
``tests/engine/test_spells_peer_epidm.py``) and how memory stays bounded:

* provider spell (S1-S5): the episodes of one person in one provider with the same ``spell_id`` (without
  one, the same admission date), ordered by ``episode_order``, ``episode_start`` and input order; from the
  earliest admission to the latest discharge; the attributes of its first episode;
* CIPS (C1-C5; NHS Digital, "Methodology to create provider and CIP spells from HES APC data", HSCIC 2014;
  Busby et al 2017, doi:10.1186/s12913-017-2295-z): provider spells of a person linked when the next is
  admitted at most :attr:`CipsRules.gap_days` after the previous discharge and a transfer code links them
  (:class:`CipsRules`, NHS Digital's by default); C5 (empty by default) keeps some pairs apart.  Named rule
  sets with their sources: ``CipsRules.preset(name)`` for a name in ``CipsRules.presets()``
  (:data:`CIPS_PRESETS`: ``nhs_digital``, ``health_foundation``, ``epidm``;
  ``tests/engine/test_spells_presets.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InvalidArgumentError, UnknownNameError

__all__ = ["CipsRules", "CIPS_RULES", "CIPS_PRESETS", "transfer_flags", "provider_spells", "link_cips", "first_of_groups",
           "sort_keys"]


@dataclass(frozen=True)
class CipsRules:
    """Codes and the gap that make two provider spells one continuous inpatient spell.

    Named rule sets: ``CipsRules.preset(name)`` for a name in ``CipsRules.presets()`` (sources in
    :data:`CIPS_PRESETS` and docs/extracts.md#5-provider-spells-and-continuous-inpatient-spells-cips);
    ``CipsRules()`` is NHS Digital's (``"nhs_digital"``).  Two spells link (rule C1) when the next is admitted
    at most ``gap_days`` after the previous discharge and a transfer code links them (C2-C4), unless (rule C5)
    the previous spell was discharged to one of ``unlinked_destinations`` and the next admitted with an
    (admission source, admission method) pair in ``unlinked_admissions`` (both empty by default).
    """

    gap_days: int = 3
    transfer_destinations: tuple[str, ...] = ("49", "50", "51", "52", "53", "84", "87")
    transfer_sources: tuple[str, ...] = ("49", "50", "51", "52", "53", "87")
    transfer_methods: tuple[str, ...] = ("81", "2B")
    unlinked_destinations: tuple[str, ...] = ()
    unlinked_admissions: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        gap = self.gap_days
        if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or gap < 0:
            raise InvalidArgumentError(f"CipsRules 'gap_days': expected a whole number of days >= 0, got {gap!r}.")
        for name in ("transfer_destinations", "transfer_sources", "transfer_methods", "unlinked_destinations"):
            codes = getattr(self, name)
            if isinstance(codes, str) or not all(isinstance(c, str) for c in codes):
                raise InvalidArgumentError(
                    f"CipsRules {name!r}: expected a sequence of code strings such as ('51', '52'), got {codes!r}.")
            object.__setattr__(self, name, tuple(codes))  # frozen: lists become tuples (hashable, read-only)
        pairs = self.unlinked_admissions
        if isinstance(pairs, str) or not all(
                not isinstance(p, str) and len(p) == 2 and all(isinstance(c, str) for c in p) for p in pairs):
            raise InvalidArgumentError(
                "CipsRules 'unlinked_admissions': expected (admission source, admission method) pairs of code "
                f"strings such as (('51', '21'),), got {pairs!r}.")
        object.__setattr__(self, "unlinked_admissions", tuple(tuple(p) for p in pairs))

    @classmethod
    def presets(cls) -> tuple[str, ...]:
        """The names :meth:`preset` accepts (the first is the default rules)."""
        return tuple(CIPS_PRESETS)

    @classmethod
    def preset(cls, name: str) -> CipsRules:
        """The named rule set (:data:`CIPS_PRESETS`: its fields and its source)."""
        if not isinstance(name, str) or name not in CIPS_PRESETS:
            raise UnknownNameError(f"CipsRules.preset: unknown preset {name!r}; known: {', '.join(CIPS_PRESETS)}.")
        return cls(**CIPS_PRESETS[name]["rules"])

    def label(self) -> str:
        """The preset these rules equal (``"epidm"``), else ``"custom(...)"`` with the fields that differ from
        NHS Digital's: how a result records the rules it was counted with."""
        for name in CIPS_PRESETS:
            if self == CipsRules.preset(name):
                return name
        default = CipsRules()
        changed = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                   if getattr(self, f.name) != getattr(default, f.name)]
        return f"custom({', '.join(changed)})"


#: The named CIPS rule sets, as data (each a dict of :class:`CipsRules` fields and its source); read by
#: :meth:`CipsRules.preset`.  Sources and what each leaves out: docs/extracts.md section 5.
CIPS_PRESETS: dict[str, dict] = {
    "nhs_digital": {
        "rules": {},
        "source": "NHS Digital (HSCIC), 'Methodology to create provider and CIP spells from HES APC data', 2014 "
                  "(content.digital.nhs.uk/media/11859/Provider-Spells-Methodology/pdf/Spells_Methodology.pdf): "
                  "gap <= 3 days; DISDEST 49-53, 84, 87; ADMISORC 49-53, 87; ADMIMETH 2B, 81",
    },
    "health_foundation": {
        "rules": {"transfer_destinations": ("51", "52", "53"), "transfer_sources": ("51", "52", "53")},
        "source": "The Health Foundation, HES_pipeline (github.com/HFAnalyticsLab/HES_pipeline), src/spells.R "
                  "derive_cips and doc/adr/creating_continuous_inpatient_spells.md: gap <= 3 days; DISDEST 51-53; "
                  "ADMISORC 51-53; ADMIMETH 2B (recoded 67), 81",
    },
    "epidm": {
        "rules": {"gap_days": 0, "transfer_destinations": ("49", "50", "51", "52", "53", "84"),
                  "unlinked_destinations": ("19",), "unlinked_admissions": (("51", "21"),)},
        "source": "UKHSA epidm (github.com/ukhsa-collaboration/epidm), R/continuous_inpatient_spells.R "
                  "cip_spells: DISDEST 49-53, 84; ADMISORC 49-53, 87; ADMIMETH 2B, 81; not linked when "
                  "discharged home (DISDEST 19) and readmitted with ADMISORC 51 and ADMIMETH 21; its running-"
                  "maximum cut links in effect only spells admitted by the previous discharge day (gap 0)",
    },
}


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
    flags = {"transfer_in": transfer_in, "transfer_out": transfer_out}
    if rules.unlinked_destinations and rules.unlinked_admissions:  # rule C5 (presets such as epidm's)
        flags.update(_unlinked_flags(columns, n, rules))
    return flags


def _unlinked_flags(columns: Mapping[str, pa.Array], n: int, rules: CipsRules) -> dict[str, np.ndarray]:
    """Rule C5 per episode: ``unlinked_out`` (discharged to an unlinked destination) and ``unlinked_in``
    (admitted with an unlinked (source, method) pair); absent columns match nothing."""
    out = _in_codes(columns["discharge_destination"], rules.unlinked_destinations) \
        if "discharge_destination" in columns else np.zeros(n, dtype=bool)
    into = np.zeros(n, dtype=bool)
    if "admission_source" in columns and "admission_method" in columns:
        for source, method in rules.unlinked_admissions:
            into |= _in_codes(columns["admission_source"], (source,)) & _in_codes(columns["admission_method"],
                                                                                  (method,))
    return {"unlinked_out": out, "unlinked_in": into}


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
              rules: CipsRules = CIPS_RULES, unlinked: tuple[np.ndarray, np.ndarray] | None = None,
              ) -> tuple[np.ndarray, np.ndarray]:
    """Link provider spells into CIPS (rules C1-C5).

    Parameters are per spell: the person, first admission day, last discharge day, whether its last episode was
    discharged to a transfer destination, whether its first episode was admitted by transfer, and its first
    input row (ties).  A spell without a known end never links to the next.  ``unlinked``: rule C5's
    ``(unlinked_out, unlinked_in)`` per spell (its last and first episode's flags of :func:`transfer_flags`),
    when the rules have one.  Returns the sorting permutation of the spells (by person, start, end, first row)
    and, for the sorted spells, a CIPS number.
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
        if unlinked is not None:  # rule C5: e.g. epidm's "home, then readmitted from another provider"
            link[1:] &= ~(unlinked[0][perm][:-1] & unlinked[1][perm][1:])
    return perm, np.cumsum(~link) - 1
