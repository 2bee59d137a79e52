"""Deprecated: moved to kpcompare.plots.costs."""

from kpcompare._deprecation import moved_module_getattr, warn_moved

warn_moved("kpcompare.costs.tornado", "kpcompare.plots.costs", stacklevel=2)
__getattr__ = moved_module_getattr(__name__, "kpcompare.plots.costs")
