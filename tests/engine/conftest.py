"""Shared helpers of the episode tests (tests/_support: the pandas reference, hypothesis strategies, the
hand-built exclusion cases) are importable from here."""

import sys
from pathlib import Path

_SUPPORT = str(Path(__file__).resolve().parents[1] / "_support")
if _SUPPORT not in sys.path:
    sys.path.insert(0, _SUPPORT)
