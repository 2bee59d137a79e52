"""Fuzz suite set-up: hypothesis profiles and the ``fuzz: N cases`` line.

Profiles (tests/fuzz only; the rest of the suite keeps its own settings):

- ``fuzz-bounded`` (default, part of ``make test``): a few derandomized cases per (function, fault class),
  so ``make test`` is deterministic and the fuzz suite takes well under a minute;
- ``fuzz`` (``KPCOMPARE_FUZZ=1``, ``make fuzz``): random cases, :data:`FUZZ_EXAMPLES` per (function, fault
  class), so that the whole run passes 10,000 cases (about ten to twenty minutes on two cores).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from hypothesis import HealthCheck, settings  # noqa: E402

from _check import CASES  # noqa: E402

# pandera (used lazily by the rate schemas) tries to import pyspark.pandas at its first validation when pyspark
# is installed, and pyspark.pandas warns (a FutureWarning about pandas 3) before failing to import; validate
# once now, outside any fuzzed call, so the warning is not judged an escape of the first function to validate
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pandas as _pd  # noqa: E402

    from kpcompare._compat import pandera_pandas  # noqa: E402

    _pandera = pandera_pandas()

    _pandera.DataFrameSchema({}).validate(_pd.DataFrame())

#: cases asked of each (function, fault class) test in the long run (`make fuzz`).  Hypothesis stops a test
#: early when its search space is exhausted, and many are small (an ``empty_frame`` fault has one case per
#: table argument, ``column_names`` two per column), so asking 15,000 / 483 pairs = 32 each ran only ~9,000
#: distinct cases.  Measured on 5 December 2026 (every pair run to exhaustion, at most 300 cases): 40 per pair
#: give 10,934 cases, 60 give 13,466, 80 give 15,393 (of 26,487 distinct cases with 300 per pair).
FUZZ_EXAMPLES = 60
#: the long run's target, checked by the ``fuzz: N cases`` line (docs/contributing.md)
FUZZ_TOTAL = 10_000
#: cases per (function, fault class) in `make test`
BOUNDED_EXAMPLES = 4
_SLOW = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


settings.register_profile("fuzz-bounded", max_examples=BOUNDED_EXAMPLES, derandomize=True, database=None,
                          deadline=None, suppress_health_check=_SLOW)
#: address-space cap of the long run: a fault that makes a function allocate without bound (a huge count or
#: band edge) fails as a MemoryError escape instead of exhausting a shared machine
FUZZ_MEMORY_BYTES = 8 * 2**30

if os.environ.get("KPCOMPARE_FUZZ") == "1":
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (FUZZ_MEMORY_BYTES, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (ImportError, ValueError, OSError):  # not on this platform: run without the cap
        pass
    settings.register_profile("fuzz", max_examples=FUZZ_EXAMPLES, derandomize=False,
                              database=None, deadline=None, suppress_health_check=_SLOW)


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ANN001, ARG001 - pytest hook
    if CASES["n"]:
        short = " (below the long run's target of 10,000)" if os.environ.get("KPCOMPARE_FUZZ") == "1" and \
            CASES["n"] < FUZZ_TOTAL and exitstatus == 0 else ""
        terminalreporter.write_line(f"fuzz: {CASES['n']} cases{short}")
