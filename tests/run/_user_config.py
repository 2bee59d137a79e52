"""A user's comparison written by hand: a record-level extract of two systems, their populations and a
configuration declaring them (shared by the tests of kpcompare.run and of `kpcompare run`)."""

from __future__ import annotations

from pathlib import Path

# Six stays of people aged 60+: system A 3 (stroke 2 + 0 nights, AMI 4 nights), system B 2 (stroke 1 and
# 5 nights), and one row of B whose discharge precedes its admission (excluded: discharge_before_admission).
EXTRACT = """person_id,episode_id,system,sex,age,admission_date,discharge_date,primary_diagnosis
1,1,A,F,70,2020-01-01,2020-01-03,I63.9
2,2,A,F,72,2020-02-01,2020-02-01,I61.0
3,3,A,M,80,2020-03-05,2020-03-09,I21.0
4,4,B,F,66,2020-01-10,2020-01-11,I63.1
5,5,B,M,81,2020-04-01,2020-04-06,I64
6,6,B,M,85,2020-05-05,2020-05-01,I21.9
"""
POPULATION = """system,age_band,population
A,60-74,1000
A,75+,500
B,60-74,2000
B,75+,1000
"""

CONFIG = """title = "Two systems, ages 60+"
prefix = "two"

[[extracts]]
name = "both"
path = "extract.csv"
mapping = "canonical"
by = ["system", "age_band", "condition"]
age_bands = [0, 60, 75]
conditions = "ham2003_leading_causes"

[populations]
path = "population.csv"

[comparison]
reference = "A"
standard = "A"
condition_order = "ham2003_leading_causes"
age_min = 60
multiplier = 1000
min_count = 0
{comparison_extra}
[[figures]]
name = "two_bars"
plot = "bed_days_bars"
table = "comparison"

[disclosure]
apply = false
"""


def write_user_config(folder: Path, *, comparison_extra: str = "", text: str | None = None) -> Path:
    """Write the extract, the populations and the configuration into ``folder``; returns the config's path."""
    (folder / "extract.csv").write_text(EXTRACT)
    (folder / "population.csv").write_text(POPULATION)
    path = folder / "two.toml"
    path.write_text(text if text is not None else CONFIG.replace("{comparison_extra}", comparison_extra))
    return path
