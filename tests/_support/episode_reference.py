"""A plain pandas/Python reference implementation of aggregate(), written independently of the engine.

It loops over rows and persons in Python and follows the rules as documented in docs/extracts.md; the
engine must agree with it exactly on random extracts (tests/engine/test_arrow_parity.py).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

REASONS = ["missing_date", "invalid_length_of_stay", "discharge_before_admission", "unknown_sex",
           "age_out_of_range", "unfinished_episode", "duplicate_episode_id", "invalid_code", "missing_stratum",
           "invalid_weight", "newborn", "outside_period", "missing_person_id"]
ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}-?$")
SEX = {"M": "M", "F": "F", "1": "M", "2": "F", "MALE": "M", "FEMALE": "F"}
DEST = {"49", "50", "51", "52", "53", "84", "87"}
SOURCE = {"49", "50", "51", "52", "53", "87"}
METHOD = {"81", "2B"}


def _day(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    return (pd.Timestamp(value) - pd.Timestamp("1970-01-01")).days


def _norm(code):
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return None
    text = re.sub(r"[.\s]", "", str(code)).upper()
    return text or None


def _band(age, bounds):
    if age is None or pd.isna(age):  # None, NaN, or pandas 1.5's pd.NA from a nullable integer column
        return None
    age = math.floor(age)
    if age < max(bounds[0], 0) or age > 120:
        return None
    label = None
    for i, lo in enumerate(bounds):
        if age >= lo:
            label = f"{lo}+" if i == len(bounds) - 1 else (
                f"{lo}" if bounds[i + 1] - 1 == lo else f"{lo}-{bounds[i + 1] - 1}")
    return label


def _group(code, groups):
    for name, prefixes in groups.items():
        if any(code.startswith(p) for p in prefixes):
            return name
    return "other"


def _row_reason(row, *, bounds, unit, period, weighted, w):
    """The first row rule a row breaks (None: none), and its canonical values."""
    p0, p1 = period
    s, e = _day(row["admission_date"]), _day(row["discharge_date"])
    sex = SEX.get(str(row["sex"]).strip().upper()) if not pd.isna(row["sex"]) else None
    band = _band(row["age"], bounds)
    code = _norm(row["primary_diagnosis"])
    system = None if pd.isna(row["system"]) else row["system"]
    reason = None
    if s is None or (unit == "episode" and e is None):
        reason = "missing_date"
    elif unit == "episode" and e < s:
        reason = "discharge_before_admission"
    elif sex is None:
        reason = "unknown_sex"
    elif band is None:
        reason = "age_out_of_range"
    elif "episode_status" in row and row["episode_status"] != "finished":
        reason = "unfinished_episode"
    elif code is None or not ICD10.match(code):
        reason = "invalid_code"
    elif system is None:
        reason = "missing_stratum"
    elif weighted and not (np.isfinite(w) and w >= 0):
        reason = "invalid_weight"
    elif unit == "episode" and p0 is not None and (s > p1 or e < p0):
        reason = "outside_period"
    elif unit != "episode" and pd.isna(row["person_id"]):  # cannot be linked into a spell
        reason = "missing_person_id"
    return reason, (s, e, system, sex, band, code)


def _selected(row, where) -> bool:
    """``where``: {column: accepted values as text (None: missing)}; every column's value must be accepted."""
    return all((None if pd.isna(row[c]) else str(row[c])) in accepted for c, accepted in where.items())


def reference_aggregate(frame: pd.DataFrame, *, bounds, groups, unit="episode", bed_days="midnights",
                        period=None, weighted=False, gap_days=3, dest=DEST, source=SOURCE, method=METHOD,
                        spell_diagnosis="first", where=None, check_duplicates=True):
    """Strata (system, sex, age_band, condition) and exclusions, computed row by row.

    Duplicate episode ids (where the frame has ``episode_id`` and ``check_duplicates``) are judged among the
    valid rows, then ``where`` filters the episodes (episode unit) or the spells by their first episode.
    """
    p0, p1 = (None, None) if period is None else (_day(period[0]), _day(period[1]))
    excluded = {r: [0, 0.0] for r in REASONS + (["filtered_out_by_where"] if where is not None else [])}
    kept = []
    for row in frame.to_dict("records"):
        w = float(row["weight"]) if weighted else 1.0
        w_tally = w if weighted and np.isfinite(w) else (0.0 if weighted else 1.0)
        reason, values = _row_reason(row, bounds=bounds, unit=unit, period=(p0, p1), weighted=weighted, w=w)
        if reason is not None:
            excluded[reason][0] += 1
            excluded[reason][1] += w_tally
            continue
        s, e, system, sex, band, code = values
        kept.append(dict(row, s=s, e=e, key=(system, sex, band, _group(code, groups)), w=w))
    if check_duplicates and "episode_id" in frame:
        kept = _without_duplicates(kept, excluded)
    if unit == "episode":
        records = []
        for r in kept:
            if where is not None and not _selected(r, where):
                excluded["filtered_out_by_where"][0] += 1
                excluded["filtered_out_by_where"][1] += r["w"]
                continue
            first = True if "episode_order" not in r else r["episode_order"] == 1
            records.append(dict(key=r["key"], s=r["s"], e=r["e"], w=r["w"], first=first, n=1, nw=r["w"],
                                person=r.get("person_id")))
    else:
        records = _spell_records(kept, unit, excluded, p0, p1, (gap_days, dest, source, method), spell_diagnosis,
                                 where)
    out = {}
    for r in records:
        s, e = r["s"], r["e"]
        lo, hi = (s, e) if p0 is None else (max(s, p0), min(e, p1 + 1))
        bed = max(hi - lo, 0) + (1 if bed_days == "same_day_as_one" and s == e else 0)
        adm = r["first"] and (p0 is None or p0 <= s <= p1)
        acc = out.setdefault(r["key"], dict(admissions=0, bed_days=0, episodes=0, persons=set(),
                                             weighted_admissions=0.0, weighted_bed_days=0.0,
                                             weighted_episodes=0.0, bed_days_squared=0))
        acc["admissions"] += int(adm)
        acc["bed_days"] += bed
        acc["bed_days_squared"] += bed * bed
        acc["episodes"] += r["n"]
        if not pd.isna(r["person"]):  # persons counts the distinct ids
            acc["persons"].add(r["person"])
        acc["weighted_admissions"] += r["w"] * adm
        acc["weighted_bed_days"] += r["w"] * bed
        acc["weighted_episodes"] += r["nw"]
    rows = []
    for key, acc in out.items():
        rows.append(dict(zip(("system", "sex", "age_band", "condition"), key), **{
            k: (len(v) if k == "persons" else v) for k, v in acc.items()}))
    strata = pd.DataFrame(rows, columns=["system", "sex", "age_band", "condition", "admissions", "bed_days",
                                         "episodes", "persons", "weighted_admissions", "weighted_bed_days",
                                         "weighted_episodes", "bed_days_squared"])
    exclusions = pd.DataFrame([(r, v[0], v[1]) for r, v in excluded.items()],
                              columns=["reason", "rows", "weighted_rows"])
    return strata, exclusions


def _without_duplicates(kept, excluded):
    """The first occurrence (input order) of a person's episode id is kept (missing ids equal one another;
    without person ids, the episode id alone)."""
    seen, unique = set(), []
    for r in kept:
        person = r.get("person_id")
        k = (None if person is None or pd.isna(person) else person,
             None if pd.isna(r["episode_id"]) else r["episode_id"])
        if k in seen:
            excluded["duplicate_episode_id"][0] += 1
            excluded["duplicate_episode_id"][1] += r["w"]
            continue
        seen.add(k)
        unique.append(r)
    return unique


def _spell_records(kept, unit, excluded, p0, p1, cips, spell_diagnosis="first", where=None):
    gap_days, dest, source, method = cips
    unique = kept
    spells = {}
    for i, r in enumerate(unique):
        spells.setdefault((r["person_id"], r["provider"], r["s"]), []).append((r["episode_order"], i, r))
    spell_list = []
    for (person, _, _), eps in spells.items():
        eps = [r for _, _, r in sorted(eps, key=lambda t: (t[0], t[1]))]
        ends = [r["e"] for r in eps if r["e"] is not None]
        spell_list.append(dict(person=person, s=min(r["s"] for r in eps), e=max(ends) if ends else None,
                               first=eps[0], last=eps[-1], n=len(eps), nw=sum(r["w"] for r in eps)))
    units = [[sp] for sp in spell_list]
    if unit == "cips":
        by_person = {}
        for sp in spell_list:
            by_person.setdefault(sp["person"], []).append(sp)
        units = []
        for sps in by_person.values():
            sps.sort(key=lambda sp: (sp["s"], -10**9 if sp["e"] is None else sp["e"]))
            current = [sps[0]]
            for prev, nxt in zip(sps, sps[1:]):
                gap_ok = prev["e"] is not None and nxt["s"] - prev["e"] <= gap_days
                transfer = (str(prev["last"]["discharge_destination"]) in dest
                            or str(nxt["first"]["admission_source"]) in source
                            or str(nxt["first"]["admission_method"]) in method)
                if gap_ok and transfer:
                    current.append(nxt)
                else:
                    units.append(current)
                    current = [nxt]
            units.append(current)
    records = []
    for members in units:
        ends = [sp["e"] for sp in members if sp["e"] is not None]
        s = min(sp["s"] for sp in members)
        e = max(ends) if ends else None
        n = sum(sp["n"] for sp in members)
        nw = sum(sp["nw"] for sp in members)
        reason = None
        if e is None:
            reason = "missing_date"
        elif e < s:
            reason = "discharge_before_admission"
        elif p0 is not None and (s > p1 or e < p0):
            reason = "outside_period"
        if reason is None and where is not None and not _selected(members[0]["first"], where):
            reason = "filtered_out_by_where"  # a spell (a CIPS) is selected by its first episode
        if reason:
            excluded[reason][0] += n
            excluded[reason][1] += nw
            continue
        first = members[0]["first"]
        key = first["key"]
        if spell_diagnosis == "last":  # the condition of the last episode of the last spell
            key = key[:3] + (members[-1]["last"]["key"][3],)
        records.append(dict(key=key, s=s, e=e, w=first["w"], first=True, n=n, nw=nw,
                            person=members[0]["person"]))
    return records
