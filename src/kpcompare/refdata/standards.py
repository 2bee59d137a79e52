"""The registry of standard populations (ESP 2013/1976, WHO 2000-2025, Segi 1960, US 2000).

The registry is data, not code: ``data/standard_populations/registry.toml`` names every bundled file with its
edition, source, banding, keys and published total.  Each file has the columns ``age_band_label, age_lo,
age_hi, weight`` (``age_hi`` inclusive, empty for the open-ended band), and a ``sex`` column when the standard
is keyed by age band and sex (registry ``keys = ["age_band", "sex"]``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from .._compat import groups, tomllib
from .._paths import data_path
from ..errors import InvalidArgumentError, UnknownNameError
from .labels import validate_band_table

__all__ = ["standard_population", "list_standard_populations", "registered_names", "named_bandings",
           "standard_keys"]

_FOLDER = "standard_populations"


@lru_cache(maxsize=1)
def _manifest() -> dict[str, Any]:
    with open(data_path(_FOLDER, "registry.toml"), "rb") as fh:
        return tomllib.load(fh)


def registered_names() -> list[str]:
    """Names of the registered standard populations, in registry order."""
    return list(_manifest()["standards"])


def named_bandings() -> dict[str, list[int]]:
    """Named age bandings that are not standard populations (e.g. ``"hes"``): name -> lower bounds."""
    return {k: list(v) for k, v in _manifest().get("bandings", {}).items()}


def _entry(name: str) -> dict[str, Any]:
    standards = _manifest()["standards"]
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in standards:
        raise UnknownNameError(
            f"argument 'name': standard population {name!r} is not registered; registered names: "
            f"{', '.join(standards)}."
        )
    return standards[key]


def standard_keys(name: str) -> list[str]:
    """The key columns of a registered standard: ``["age_band"]`` or e.g. ``["age_band", "sex"]``."""
    return list(_entry(name).get("keys", ["age_band"]))


@lru_cache(maxsize=None)
def _read(name: str) -> pd.DataFrame:
    entry = _entry(name)
    raw = pd.read_csv(data_path(_FOLDER, entry["file"]),
                      dtype={"age_band_label": str, "age_lo": "int64", "age_hi": "Int64", "weight": "float64",
                             "sex": str})
    table = pd.DataFrame({
        "age_band": raw["age_band_label"].astype(str),
        "age_lo": raw["age_lo"].astype("int64"),
        "age_hi": raw["age_hi"].astype("Int64"),
    })
    others = [k for k in standard_keys(name) if k != "age_band"]
    for key in others:
        table[key] = raw[key].astype(str)
    table["population"] = raw["weight"].astype("float64")
    # validate the bundled file with the same rules as any user band table (labels unique, no overlaps)
    if others:
        for _, part in groups(table, others, sort=False):
            validate_band_table(part)
    else:
        validate_band_table(table)
    return table


def standard_population(name: str) -> pd.DataFrame:
    """A registered standard population as a keyed table.

    Parameters
    ----------
    name : str
        A registered name, e.g. ``"esp2013"`` (19 bands 0-4 ... 85-89, 90+), ``"esp2013_21"`` (0, 1-4 ...
        95+), ``"esp1976"``, ``"who2000"``, ``"segi1960"``, ``"us2000"`` (SEER 2000 US standard million, 19
        groups 0, 1-4 ... 85+), ``"us2000_11"`` (NCHS 11 groups and weights).  See
        :func:`list_standard_populations` for all names with their source and total.

        Sex-specific standards (keyed by age band and sex, ``"M"``/``"F"``): ``"england2000_sex"`` (ONS
        mid-2000 England, 0-4 ... 85-89, 90+) and ``"us2010_sex"`` (US Census 2010, 0, 1-4 ... 80-84, 85+).

    Returns
    -------
    pandas.DataFrame
        Columns ``age_band`` (label such as ``"0-4"``, ``"90+"`` or ``"0"``), ``age_lo`` (int64),
        ``age_hi`` (nullable Int64, inclusive, missing for the open-ended band), ``sex`` (str; only for a
        sex-specific standard) and ``population`` (float64), one row per band (per sex) in age order.
        ``DataFrame.attrs`` holds the registry metadata (name, edition, source, banding, file, keys).

    Raises
    ------
    kpcompare.errors.UnknownNameError
        If ``name`` is not registered; the message lists the registered names.

    Notes
    -----
    Join standard populations to data by the ``age_band`` label, never by position: a standard with a
    different banding then fails loudly (:class:`kpcompare.errors.BandMismatchError`) instead of silently
    misweighting.  Collapse a standard onto coarser bands with :func:`kpcompare.reband`.

    References
    ----------
    Eurostat. Revision of the European Standard Population. 2013. doi:10.2785/11470.
    Ahmad OB et al. Age standardization of rates: a new WHO standard. GPE Discussion Paper 31, WHO, 2001.
    Klein RJ, Schoenborn CA. Age adjustment using the 2000 projected U.S. population. Healthy People 2010
    Statistical Notes no. 20, NCHS, 2001.

    Validated against: the published totals of every edition (data/SOURCES.md) and PHEindicatormethods'
    ``esp2013`` vector.

    Examples
    --------
    >>> import kpcompare
    >>> float(kpcompare.standard_population("esp2013").population.sum())
    100000.0
    """
    if not isinstance(name, str):
        raise InvalidArgumentError(f"argument 'name': give the name of one standard (text), e.g. 'esp2013', "
                                   f"got {name!r}; see list_standard_populations().")
    key = name.strip().lower()
    table = _read(key).copy()
    entry = _entry(key)
    table.attrs = {"name": key, **{k: entry[k] for k in ("edition", "source", "banding", "file")},
                   "keys": standard_keys(key)}
    return table


def list_standard_populations() -> pd.DataFrame:
    """The registered standard populations, one row per name.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, edition, banding, keys, n_bands, total, source, description, file``; ``keys`` names
        the key columns (``"age_band"`` or ``"age_band, sex"``), ``n_bands`` counts age bands and ``total`` is
        the sum of the bundled table (equal to the published total, which the test suite checks).
    """
    rows = []
    for name in registered_names():
        entry = _entry(name)
        table = _read(name)
        rows.append({
            "name": name,
            "edition": entry["edition"],
            "banding": entry["banding"],
            "keys": ", ".join(standard_keys(name)),
            "n_bands": int(table["age_band"].nunique()),
            "total": float(table["population"].sum()),
            "source": entry["source"],
            "description": entry["description"],
            "file": entry["file"],
        })
    return pd.DataFrame(rows)
