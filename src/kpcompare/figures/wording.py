"""Deprecated: moved to kpcompare.wording (``kpcompare.figures.bounds`` etc. stay public)."""

from kpcompare._deprecation import moved_module_getattr, warn_moved

warn_moved("kpcompare.figures.wording", "kpcompare.wording", stacklevel=2)
__getattr__ = moved_module_getattr(__name__, "kpcompare.wording")
