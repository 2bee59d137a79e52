"""Fuzz suite set-up: hypothesis profiles and the ``fuzz: N cases`` line.

Profiles (tests/fuzz only; the rest of the suite keeps its own settings):

- ``fuzz-bounded`` (default, part of ``make test``): a few derandomized cases per (function, fault class),
  so ``make test`` is deterministic and the fuzz suite takes well under a minute;
- ``fuzz`` (``KPCOMPARE_FUZZ=1``, ``make fuzz``): random cases, ``max_examples`` set so that the whole run
  passes 10,000 cases (about ten minutes on two cores).
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from hypothesis import HealthCheck, settings  # noqa: E402

from _check import CASES  # noqa: E402

#: cases asked of the long run (`make fuzz`), spread over the (function, fault class) tests; hypothesis stops a
#: test early when its small search space is exhausted, so about 3 in 4 are run: 10,000+ in all
FUZZ_TOTAL = 15_000
#: cases per (function, fault class) in `make test`
BOUNDED_EXAMPLES = 4
_SLOW = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


def _pairs() -> int:
    from _faults import applicable
    from _valid import VALID

    return sum(len(applicable(build())) for build in VALID.values())


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
    settings.register_profile("fuzz", max_examples=math.ceil(FUZZ_TOTAL / _pairs()), derandomize=False,
                              database=None, deadline=None, suppress_health_check=_SLOW)


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ANN001, ARG001 - pytest hook
    if CASES["n"]:
        terminalreporter.write_line(f"fuzz: {CASES['n']} cases")
