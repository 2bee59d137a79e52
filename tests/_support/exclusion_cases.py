"""One hand-built case per exclusion reason, shared by the engine's tests (tests/engine/test_arrow_exclusions.py) and the
pandera schema's (tests/extract/test_schema_rules.py): a good row, and the changes that make a copy of it break
exactly one rule."""

from __future__ import annotations

import datetime as dt

GOOD = {"person_id": 1, "episode_id": 1, "provider": "P1", "system": "NHS", "sex": "F", "age": 70.0,
        "admission_date": dt.date(2020, 1, 1), "discharge_date": dt.date(2020, 1, 3), "primary_diagnosis": "J44.1",
        "episode_status": "finished", "weight": 2.0, "newborn": False, "admission_method": "21"}

# reason -> (changes that break exactly that rule, aggregate options)
CASES = {
    "missing_date": ({"discharge_date": None}, {}),
    "invalid_length_of_stay": ({"length_of_stay": -1}, {"los": True}),
    "discharge_before_admission": ({"discharge_date": dt.date(2019, 12, 31)}, {}),
    "unknown_sex": ({"sex": "9"}, {}),
    "age_out_of_range": ({"age": 121.0}, {}),
    "unfinished_episode": ({"episode_status": "unfinished"}, {}),
    "duplicate_episode_id": ({"episode_id": 1}, {"same_id": True}),  # checked by default
    "invalid_code": ({"primary_diagnosis": "250.00"}, {}),
    "missing_stratum": ({"system": None}, {}),
    "invalid_weight": ({"weight": -3.0}, {"weights": "weight"}),
    "newborn": ({"newborn": True}, {"newborns": "exclude"}),
    "outside_period": ({"admission_date": dt.date(2021, 5, 1), "discharge_date": dt.date(2021, 5, 2)},
                       {"period": ("2020-01-01", "2020-12-31")}),
    "missing_person_id": ({"person_id": None}, {"unit": "spell"}),
    "filtered_out_by_where": ({"admission_method": "11"}, {"where": {"admission_method": ["21", "22"]}}),
}
