"""Deprecated: moved to kpcompare.report.demo (``python -m kpcompare.report.demo --out DIR``)."""

import importlib
import sys

from kpcompare._deprecation import moved_module_getattr, warn_moved

# stacklevel 2 = this module: run as a script (__main__), Python shows the warning by default
warn_moved("kpcompare.demo", "kpcompare.report.demo", stacklevel=2)
__getattr__ = moved_module_getattr(__name__, "kpcompare.report.demo")

if __name__ == "__main__":  # `python -m kpcompare.demo` keeps running the demo for one release
    sys.exit(importlib.import_module("kpcompare.report.demo").main())
