"""kpcompare's provider-spell and CIPS rules as DuckDB window-function SQL (the benchmark's peer engine).

``spell_query(path, groups)`` and ``cips_query(path, groups)`` return one SQL statement each that reads the
Parquet extract written by ``generate_extract.py`` and gives the strata of
``kpcompare.aggregate(read_episodes(path, coding="icd10"), conditions=groups, unit="spell" | "cips")``:
``system, sex, age_band, condition, admissions, bed_days, episodes, persons`` (checked equal, stratum by
stratum, in ``tests/test_benchmarks.py``).  The rules, as in ``kpcompare.engine.spells``:

* row rules: only those the generated extract breaks (sex missing, unfinished episodes), plus missing
  person ids and admission dates; a real extract needs the others too (kpcompare applies all of them);
* provider spell (S1-S5): the episodes of a person in a provider with the same admission date (the extract
  has no ``spell_id``), ordered by ``episode_order`` then input row (``file_row_number``); the first episode
  gives the stratum, the spell ends at its latest discharge, and counts all its episodes;
* CIPS (C1-C4, NHS Digital's rules): a person's spells ordered by admission, discharge (unknown first) and
  the earliest input row of their episodes; a spell links to the previous one when that one's discharge is known, the gap is at most
  ``gap_days`` and the previous discharge destination, or this admission source or method, is a transfer;
* a stay without a known discharge, or discharged before admission, is not counted; bed days are midnights
  (discharge - admission); ``persons`` counts the distinct persons of a stratum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def _codes(codes: Sequence[str]) -> str:
    return ", ".join(f"'{c}'" for c in codes)


def _episodes(path: str, groups: Mapping[str, Sequence[str]]) -> str:
    from bench_aggregate import prefixes

    cases = " ".join(f"WHEN substr(replace(primary_diagnosis, '.', ''), 1, 3) IN ({_codes(prefixes(v))}) THEN '{k}'"
                     for k, v in groups.items())
    return f"""
    ep AS (
        SELECT person_id AS p, provider AS v, admission_date AS a, discharge_date AS d,
               coalesce(episode_order, 0) AS o, file_row_number AS r, system, sex,
               CASE WHEN age >= 90 THEN '90+'
                    ELSE CAST(5 * (age // 5) AS VARCHAR) || '-' || CAST(5 * (age // 5) + 4 AS VARCHAR) END AS age_band,
               CASE {cases} ELSE 'other' END AS condition,
               admission_method AS am, admission_source AS asrc, discharge_destination AS dd
        FROM read_parquet('{path}', file_row_number = true)
        WHERE sex IS NOT NULL AND episode_status = 'finished' AND person_id IS NOT NULL
              AND admission_date IS NOT NULL AND age BETWEEN 0 AND 120
    ),
    spells AS (  -- S1-S5: one row per provider spell, its first episode's attributes
        SELECT p, a AS s, e, n, first_row, system, sex, age_band, condition, am, asrc, dd_last
        FROM (SELECT *, row_number() OVER w AS k, count(*) OVER wf AS n, max(d) OVER wf AS e,
                     min(r) OVER wf AS first_row,
                     last_value(dd) OVER wf AS dd_last
              FROM ep
              WINDOW w AS (PARTITION BY p, v, a ORDER BY o, r),
                     wf AS (PARTITION BY p, v, a ORDER BY o, r ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
        WHERE k = 1
    )"""


_STRATA = """
    SELECT system, sex, age_band, condition, count(*) AS admissions, sum(e - s) AS bed_days,
           sum(n) AS episodes, count(DISTINCT p) AS persons
    FROM {units} WHERE e IS NOT NULL AND e >= s GROUP BY ALL"""


def spell_query(path: str, groups: Mapping[str, Sequence[str]]) -> str:
    """The strata of the spell unit."""
    return "WITH" + _episodes(path, groups) + _STRATA.format(units="spells")


def cips_query(path: str, groups: Mapping[str, Sequence[str]], *, gap_days: int = 3,
               destinations: Sequence[str] = ("49", "50", "51", "52", "53", "84", "87"),
               sources: Sequence[str] = ("49", "50", "51", "52", "53", "87"),
               methods: Sequence[str] = ("81", "2B")) -> str:
    """The strata of the CIPS unit (NHS Digital's transfer codes and gap by default)."""
    return "WITH" + _episodes(path, groups) + f""",
    flagged AS (
        SELECT *, coalesce(dd_last IN ({_codes(destinations)}), false) AS t_out,
               coalesce(asrc IN ({_codes(sources)}), false) OR coalesce(am IN ({_codes(methods)}), false) AS t_in
        FROM spells
    ),
    linked AS (  -- C1-C4: a new CIPS unless linked to the previous spell of the person
        SELECT *, sum(CASE WHEN prev_e IS NOT NULL AND s - prev_e <= {int(gap_days)} AND (prev_out OR t_in)
                           THEN 0 ELSE 1 END) OVER (PARTITION BY p ORDER BY s, e NULLS FIRST, first_row
                                                    ROWS UNBOUNDED PRECEDING) AS c
        FROM (SELECT *, lag(e) OVER q AS prev_e, lag(t_out) OVER q AS prev_out FROM flagged
              WINDOW q AS (PARTITION BY p ORDER BY s, e NULLS FIRST, first_row))
    ),
    cips AS (  -- one row per CIPS: its first spell's attributes, earliest admission, latest discharge
        SELECT * FROM (SELECT p, system, sex, age_band, condition,
                              row_number() OVER (PARTITION BY p, c ORDER BY s, e NULLS FIRST, first_row) AS k,
                              min(s) OVER (PARTITION BY p, c) AS s, max(e) OVER (PARTITION BY p, c) AS e,
                              sum(n) OVER (PARTITION BY p, c) AS n
                       FROM linked)
        WHERE k = 1
    )""" + _STRATA.format(units="cips")
