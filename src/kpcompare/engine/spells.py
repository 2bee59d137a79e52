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
  (:data:`CIPS_PRESETS`: ``nhs_digital``, ``health_foundation``, ``epidm``, ``che_york``;
  ``tests/engine/test_spells_presets.py``).  CHE York's super-spells (``che_york``, from STAPM/hesr's
  ``define_spells``) link on the previous episode's discharge method (rule C6) and on episode dates (rule
  C7, :func:`link_episodes`; ``tests/engine/test_spells_che_york.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._checks import check_choice
from ..errors import InvalidArgumentError, UnknownNameError

__all__ = ["CipsRules", "CIPS_RULES", "CIPS_PRESETS", "LINK_DATES", "UNKNOWN_DAY", "transfer_flags", "link_days",
           "provider_spells", "link_cips", "link_episodes", "first_of_groups", "sort_keys", "sort_groups", "Sorted"]

#: the dates rule C1 reads (:attr:`CipsRules.link_dates`): the spells' admission and discharge, or episodes'
LINK_DATES = ("spell", "episode")
#: an unknown episode day in :func:`link_episodes` (it sorts first, as R's ``data.table::setorder`` puts NA)
UNKNOWN_DAY = np.iinfo(np.int32).min


@dataclass(frozen=True)
class CipsRules:
    """Codes and the gap that make two provider spells one continuous inpatient spell.

    Named rule sets: ``CipsRules.preset(name)`` for a name in ``CipsRules.presets()`` (sources in
    :data:`CIPS_PRESETS` and docs/extracts.md#5-provider-spells-and-continuous-inpatient-spells-cips);
    ``CipsRules()`` is NHS Digital's (``"nhs_digital"``).  Two spells link (rule C1) when the next is admitted
    at most ``gap_days`` after the previous discharge and a transfer code links them (C2-C4), unless (rule C5)
    the previous spell was discharged to one of ``unlinked_destinations`` and the next admitted with an
    (admission source, admission method) pair in ``unlinked_admissions`` (both empty by default).

    Two further fields (defaults change nothing) express CHE York's super-spells (preset ``"che_york"``):

    * ``continuing_methods`` (rule C6): discharge methods (HES DISMETH, e.g. 8 "not applicable: still in
      hospital", 9 "not known") that link the episode they end to the next like a transfer destination (C2);
    * ``link_dates`` (rule C7): ``"spell"`` (default) tests C1 on the spells' admission and discharge dates;
      ``"episode"`` on episode dates instead: a person's episodes are ordered by their spell's admission date,
      episode start and input order, and a spell's first episode links to the episode just before it when
      their admission dates differ and it starts on the day that episode started, or 0 to ``gap_days`` days
      after the day it ended (an unknown date never matches; without ``episode_start``/``episode_end``
      columns, the admission and discharge dates stand in); the transfer tests C2-C6 read those two episodes.

    Details and the sources: docs/extracts.md#5-provider-spells-and-continuous-inpatient-spells-cips.
    """

    gap_days: int = 3
    transfer_destinations: tuple[str, ...] = ("49", "50", "51", "52", "53", "84", "87")
    transfer_sources: tuple[str, ...] = ("49", "50", "51", "52", "53", "87")
    transfer_methods: tuple[str, ...] = ("81", "2B")
    unlinked_destinations: tuple[str, ...] = ()
    unlinked_admissions: tuple[tuple[str, str], ...] = ()
    continuing_methods: tuple[str, ...] = ()
    link_dates: str = "spell"

    def __post_init__(self) -> None:
        gap = self.gap_days
        if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or gap < 0:
            raise InvalidArgumentError(f"CipsRules 'gap_days': expected a whole number of days >= 0, got {gap!r}.")
        for name in ("transfer_destinations", "transfer_sources", "transfer_methods", "unlinked_destinations",
                     "continuing_methods"):
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
        check_choice(self.link_dates, LINK_DATES, argument="link_dates")

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
    "che_york": {
        "rules": {"gap_days": 0, "transfer_destinations": (), "transfer_sources": (), "transfer_methods": (),
                  "continuing_methods": ("8", "9"), "link_dates": "episode"},
        "source": "Centre for Health Economics, University of York: super-spells (continuous inpatient spells) "
                  "as implemented in STAPM/hesr (github.com/STAPM/hesr; Gillespie, Webster, Angus and Brennan, "
                  "University of Sheffield; GPL-3), R/define_spells.R define_spells, commit "
                  "9e28d704dc2b712407d5a107a904c0f4a6b499f6: episodes ordered by admission date and episode "
                  "start; an episode joins the previous one's super-spell when their admission dates differ, the "
                  "previous discharge method is > 5 (DISMETH 8, 9) and it starts on the day the previous episode "
                  "ended or started; no transfer codes, no gap",
    },
}


#: NHS Digital's rules (the default)
CIPS_RULES = CipsRules()


def _in_codes(array: pa.Array, codes: tuple[str, ...]) -> np.ndarray:
    """Per row: the value (as text) is one of ``codes`` (missing: False); a dictionary column is judged once
    per dictionary value."""
    if pa.types.is_dictionary(array.type):
        if not len(array.dictionary):
            return np.zeros(len(array), dtype=bool)
        per_value = _in_codes(array.dictionary, codes)
        found = per_value[pc.fill_null(array.indices, 0).to_numpy(zero_copy_only=False)]
        if array.null_count:
            found &= pc.is_valid(array).to_numpy(zero_copy_only=False)
        return found
    return pc.fill_null(pc.is_in(array.cast(pa.string()), pa.array(list(codes), pa.string())),
                        False).to_numpy(zero_copy_only=False)


def transfer_flags(columns: Mapping[str, pa.Array], n: int, rules: CipsRules = CIPS_RULES) -> dict[str, np.ndarray]:
    """Per episode: ``transfer_in`` (rule C3 or C4) and ``transfer_out`` (rule C2 or C6)."""
    transfer_in = np.zeros(n, dtype=bool)
    if "admission_source" in columns:
        transfer_in |= _in_codes(columns["admission_source"], rules.transfer_sources)
    if "admission_method" in columns:
        transfer_in |= _in_codes(columns["admission_method"], rules.transfer_methods)
    transfer_out = _in_codes(columns["discharge_destination"], rules.transfer_destinations) \
        if "discharge_destination" in columns else np.zeros(n, dtype=bool)
    if rules.continuing_methods and "discharge_method" in columns:  # rule C6 (CHE York's super-spells)
        transfer_out |= _in_codes(columns["discharge_method"], rules.continuing_methods)
    flags = {"transfer_in": transfer_in, "transfer_out": transfer_out}
    if rules.unlinked_destinations and rules.unlinked_admissions:  # rule C5 (presets such as epidm's)
        flags.update(_unlinked_flags(columns, n, rules))
    return flags


def link_days(columns: Mapping[str, pa.Array]) -> dict[str, np.ndarray]:
    """Per episode, the days rule C7 reads (int32 days since 1970-01-01, :data:`UNKNOWN_DAY` when missing):
    ``link_start`` (``episode_start``, else ``admission_date``) and ``link_end`` (``episode_end``, else
    ``discharge_date``)."""
    out = {}
    for name, column, stand_in in (("link_start", "episode_start", "admission_date"),
                                   ("link_end", "episode_end", "discharge_date")):
        days = columns[column if column in columns else stand_in].cast(pa.int32())
        out[name] = pc.fill_null(days, UNKNOWN_DAY).to_numpy(zero_copy_only=False).astype(np.int32)
    return out


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


#: packed sort keys stay below this (mixed-radix products are checked against it)
_FIT = 1 << 62


def _rank(key: np.ndarray) -> tuple[np.ndarray, int]:
    """Order-preserving ranks of a wide key (int64, from 0) and their number of values: its distinct values
    found by hashing (``pandas.factorize``), sorted, and each row given its value's place."""
    codes, uniques = pd.factorize(key)
    place = np.empty(len(uniques), dtype=np.int64)
    place[np.argsort(uniques)] = np.arange(len(uniques))  # distinct values: any sort gives the same order
    return place[codes], len(uniques)


def _product(sizes: list[int]) -> int:
    out = 1
    for size in sizes:
        out *= size
    return out


def _digits(keys: tuple[np.ndarray, ...], room: int) -> tuple[list[tuple[np.ndarray, int]], int]:
    """Each key as an order-preserving digit (int64 from 0) and its size, and the product of the sizes.

    A key is offset by its minimum; the widest keys are ranked among their distinct values (:func:`_rank`)
    while the product times ``room`` does not fit in 62 bits.
    """
    lows = [int(key.min()) for key in keys]
    sizes = [int(key.max()) - low + 1 for key, low in zip(keys, lows)]
    ranked: dict[int, np.ndarray] = {}
    while _product(sizes) * room >= _FIT and len(ranked) < len(keys):
        widest = max((i for i in range(len(keys)) if i not in ranked), key=lambda i: sizes[i])
        ranked[widest], sizes[widest] = _rank(keys[widest])
    # a narrow key's offset fits in int64 (its span is below 2**62), even where the subtraction wraps; a
    # constant key's digit is 0 (None: nothing to add)
    digits = [(ranked[i] if i in ranked else None if sizes[i] == 1 else
               np.subtract(keys[i], lows[i], dtype=np.int64), sizes[i]) for i in range(len(keys))]
    return digits, _product(sizes)


def _pack(ranks: list[tuple[np.ndarray, int]], n: int) -> np.ndarray:
    """Ranks (most significant first) and their sizes packed into one int64 key (mixed radix; caller checks
    that the product of the sizes fits)."""
    packed = np.zeros(n, dtype=np.int64)
    for rank, size in ranks:
        if size > 1:
            packed *= size
            packed += rank
    return packed


@dataclass
class Sorted:
    """A permutation of :func:`sort_groups`, with the sorted packed keys (when one key held them all) to tell
    where groups start without gathering the keys again."""

    perm: np.ndarray
    keys: tuple[np.ndarray, ...]
    packed: np.ndarray | None = None  # the packed keys in sorted order
    radices: list[int] = field(default_factory=list)  # the size of each digit of ``packed``

    def starts(self, groups: int) -> np.ndarray:
        """True where one of the first ``groups`` keys differs from the previous row's (in sorted order)."""
        if self.packed is not None:
            return first_of_groups(self.packed // _product(self.radices[groups:]))
        return first_of_groups(*(key[self.perm] for key in self.keys[:groups]))


def sort_groups(*keys: np.ndarray, row: np.ndarray) -> Sorted:
    """``numpy.lexsort`` by ``keys`` (most significant first), ties in ``row`` order: the same permutation, cheaper.

    Every key becomes an order-preserving digit (offset by its minimum, or ranked among its distinct values
    when that is needed to fit, :func:`_digits`).  When the rows come in increasing order their position is
    the last digit, and when everything fits in 62 bits the packed keys (all distinct) are sorted as plain
    integers and the permutation read from their last digit.  Otherwise, when the digits fit, the packed key
    is sorted with an unstable sort when it has no ties (then the order is the only one possible), else with
    a stable one.  When they do not fit, the keys after the first are packed as far as they go and
    ``numpy.lexsort`` sorts the rest.
    """
    increasing = _increasing(row)
    keys = keys if increasing else keys + (row,)
    n = len(keys[0])
    if len(keys) < 2 or n < 2:
        return Sorted(np.lexsort(tuple(reversed(keys))) if n else np.zeros(0, dtype=np.int64), keys)
    bits = (n - 1).bit_length() if increasing else 0
    digits, radix = _digits(keys, 1 << bits)
    sizes = [size for _, size in digits]
    if increasing and radix << bits < _FIT:  # the position as the last digit: the packed keys are distinct
        packed = _pack(digits, n)
        packed <<= bits
        packed |= np.arange(n, dtype=np.int64)
        packed.sort()
        return Sorted(packed & ((1 << bits) - 1), keys, packed, sizes + [1 << bits])
    if radix < _FIT:
        packed = _pack(digits, n)
        perm = np.argsort(packed)
        ordered = packed[perm]
        if (ordered[1:] == ordered[:-1]).any():  # ties: only a stable sort keeps them in row order
            perm = np.argsort(packed, kind="stable")
            ordered = packed[perm]
        return Sorted(perm, keys, ordered, sizes)
    if _product(sizes[1:]) < _FIT:
        return Sorted(np.lexsort((_pack(digits[1:], n), keys[0])), keys)
    return Sorted(np.lexsort(tuple(reversed(keys))), keys)


def sort_keys(*keys: np.ndarray, row: np.ndarray) -> np.ndarray:
    """The permutation of :func:`sort_groups`: ``numpy.lexsort`` by ``keys`` (most significant first), ties in
    ``row`` order."""
    return sort_groups(*keys, row=row).perm


def provider_spells(person: np.ndarray, provider: np.ndarray, spell_key: np.ndarray, order: np.ndarray,
                    episode_start: np.ndarray, row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort episodes into provider spells (rules S1-S3).

    Returns the sorting permutation (by person, provider, spell, episode order, episode start, input row)
    and, for the sorted rows, a spell number (0, 1, ...).
    """
    ordered = sort_groups(person, provider, spell_key, order, episode_start, row=row)
    return ordered.perm, np.cumsum(ordered.starts(3)) - 1


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


def link_episodes(person: np.ndarray, spell: np.ndarray, admitted: np.ndarray, start: np.ndarray, end: np.ndarray,
                  transfer_out: np.ndarray, transfer_in: np.ndarray, row: np.ndarray, rules: CipsRules = CIPS_RULES,
                  unlinked: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Link provider spells into CIPS on episode dates (rule C7, ``link_dates="episode"``: CHE York's super-spells).

    Parameters are per episode: the person, its provider spell (0, 1, ...), the spell's admission day, the
    episode's start and end day (:data:`UNKNOWN_DAY`: unknown), its transfer flags (:func:`transfer_flags`,
    with rule C5's ``unlinked`` pair when the rules have one) and input row.  The episodes are ordered by
    person, admission day, start and row (hesr's ``setorderv(hes, c("encrypted_hesid", "admidate",
    "epistart"))``, stable); an episode links to the one before it when both are the person's, their admission
    days differ, it starts on the previous start day or 0 to ``gap_days`` days after the previous end, and
    the previous is a transfer out or it a transfer in (C2-C6).  A linked episode is the first of its
    admission day, so of its spell, and the one before it the last of its own: each spell links to at most
    one earlier spell and from at most one later, so the CIPS are chains.  Returns, like :func:`link_cips`,
    the spells in CIPS order (each CIPS from its earliest spell) and, for them, a CIPS number.
    """
    perm = sort_keys(person, admitted, start, row=row)
    p, a, s, e, sp = person[perm], admitted[perm], start[perm], end[perm].astype(np.int64), spell[perm]
    link = np.zeros(len(perm), dtype=bool)
    if len(perm) > 1:
        known = s[1:] != UNKNOWN_DAY
        after = s[1:] - e[:-1]
        on_dates = known & ((s[1:] == s[:-1]) | ((e[:-1] != UNKNOWN_DAY) & (after >= 0) & (after <= rules.gap_days)))
        link[1:] = (p[1:] == p[:-1]) & (a[1:] != a[:-1]) & on_dates & (transfer_out[perm][:-1] | transfer_in[perm][1:])
        if unlinked is not None:  # rule C5
            link[1:] &= ~(unlinked[0][perm][:-1] & unlinked[1][perm][1:])
    n_spells = int(spell.max()) + 1 if len(spell) else 0
    linked = np.flatnonzero(link)
    root = np.arange(n_spells)
    root[sp[linked]] = sp[linked - 1]  # first each spell's earlier spell, then (jumping) its chain's first
    while n_spells and (root[root] != root).any():
        root = root[root]
    _, rank = np.unique(sp, return_index=True)  # each spell's first episode in the order above
    order = np.lexsort((rank, rank[root]))
    return order, np.cumsum(first_of_groups(root[order])) - 1
