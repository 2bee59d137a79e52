"""Deprecated: moved to kpcompare.extract.rules (the reasons and rule functions) and kpcompare.extract.schema
(their pandera view: row_rules, episode_schema, first_reasons_by_schema, batch_schema, check_batch_types)."""

from kpcompare._deprecation import moved_module_getattr, warn_moved

warn_moved("kpcompare.schemas.episodes", "kpcompare.extract.rules and kpcompare.extract.schema", stacklevel=2)

_SCHEMA = {"batch_schema", "check_batch_types", "RowRule", "row_rules", "episode_schema", "first_reasons_by_schema"}
_from_rules = moved_module_getattr(__name__, "kpcompare.extract.rules")
_from_schema = moved_module_getattr(__name__, "kpcompare.extract.schema")


def __getattr__(name: str):
    return (_from_schema if name in _SCHEMA else _from_rules)(name)
