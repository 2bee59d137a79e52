"""Test-suite set-up: the shared helpers in tests/_support (the pandas episode reference, hypothesis
strategies, hand-built exclusion cases, the two-system comparison example) are importable from every test
folder as top-level modules (``from episode_reference import ...``, ``from two_systems import ...``)."""

import sys
from pathlib import Path

_SUPPORT = str(Path(__file__).resolve().parent / "_support")
if _SUPPORT not in sys.path:
    sys.path.insert(0, _SUPPORT)
