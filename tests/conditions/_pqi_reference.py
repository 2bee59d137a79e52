"""A plain, record-at-a-time reading of AHRQ's PQI v2024 program (PQI_AREA_MEASURES.SAS), for parity tests.

It follows the SAS program line by line: whole-code look-ups in sets (SAS ``put(DX, $FMT.) = '1'``), the
``%MDX1`` (principal), ``%MDX`` (any diagnosis) and ``%MPR`` (any procedure) macros, the age limits, then the
transfer exclusion.  The code lists are read as raw data from the bundled TOML (tomllib), not through kpcompare;
no kpcompare function is used.  A discharge gets the first PQI it counts for, in the order of the set file
(PQI 01 ... PQI 15, then PQI 16), as ``acsc_pqi`` documents.
"""

from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the tomli backport, a dependency of kpcompare there
    import tomli as tomllib
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "conditions"


def load_lists(name: str = "acsc_pqi") -> dict[str, dict[str, set[str]]]:
    """``{group: {key: set of codes}}`` from the raw TOML file."""
    doc = tomllib.loads((DATA / f"{name}.toml").read_text(encoding="utf-8"))
    out: dict[str, dict[str, set[str]]] = {}
    for group in doc["group"]:
        out[group["name"]] = {k: set(v) for k, v in group.items() if isinstance(v, list)}
    return out


def _clean(code):
    return None if code is None else str(code).replace(".", "").strip().upper()


def pqi_flags(record: dict, lists: dict[str, dict[str, set[str]]]) -> dict[str, bool]:
    """AHRQ's TAPQxx numerator flags of one discharge (True = counted)."""
    dx1 = _clean(record["primary_diagnosis"])
    dx = [_clean(c) for c in record["diagnoses"]]
    pr = [_clean(c) for c in record["procedures"]]
    age = record["age"]

    def mdx1(group, key):
        return dx1 in lists[group][key]

    def mdx(group, key):
        return any(c in lists[group][key] for c in dx)

    def mpr(group, key):
        return any(c in lists[group][key] for c in pr)

    flags = {}
    for group in lists:
        g = lists[group]
        if "require_procedures" in g:  # PQI 16
            hit = mpr(group, "require_procedures") and mdx(group, "any_position")
            hit = hit and not mdx1(group, "exclude_primary") and not mdx(group, "exclude_any_position")
        else:
            hit = mdx1(group, "primary")
            if "exclude_any_position" in g:
                hit = hit and not mdx(group, "exclude_any_position")
            if "exclude_procedures" in g:
                hit = hit and not mpr(group, "exclude_procedures")
            if "exclude_pair_diagnoses" in g:
                hit = hit and not (mdx(group, "exclude_pair_diagnoses") and mpr(group, "exclude_pair_procedures"))
        if age is None or age != age or age < 18:  # AHRQ deletes records under 18 (and of unknown age)
            hit = False
        if group.startswith("pqi05") and age is not None and age < 40:
            hit = False
        if group.startswith("pqi15") and age is not None and age >= 40:
            hit = False
        flags[group] = hit
    if record["admission_source"] in ("4", "5", "6"):  # transfers from a hospital, SNF/ICF, other facility
        flags = dict.fromkeys(flags, False)
    return flags


def reference_label(record: dict, lists: dict[str, dict[str, set[str]]]) -> str:
    """The first PQI (file order) the discharge counts for, else 'other'."""
    flags = pqi_flags(record, lists)
    return next((group for group, hit in flags.items() if hit), "other")
