"""The small two-system, two-band example shared by the comparison and plot tests (hand-computed values next to each use).

System A: 60-74 pop 1000, 10 admissions, 100 bed days; 75+ pop 500, 20 adm, 300 bed days.
System B: 60-74 pop 2000,  5 admissions,  30 bed days; 75+ pop 800,  8 adm,  40 bed days.
"""

import pandas as pd

STRATA = pd.DataFrame({
    "system": ["A", "A", "B", "B"],
    "age_band": ["60-74", "75+", "60-74", "75+"],
    "condition": ["stroke"] * 4,
    "admissions": [10, 20, 5, 8],
    "bed_days": [100, 300, 30, 40],
})
POP = pd.DataFrame({"system": ["A", "A", "B", "B"], "age_band": ["60-74", "75+"] * 2,
                    "population": [1000, 500, 2000, 800]})
