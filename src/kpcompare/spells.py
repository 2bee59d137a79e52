"""Deprecated: moved to kpcompare.engine.spells."""

from kpcompare._deprecation import moved_module_getattr, warn_moved

warn_moved("kpcompare.spells", "kpcompare.engine.spells", stacklevel=2)
__getattr__ = moved_module_getattr(__name__, "kpcompare.engine.spells")
