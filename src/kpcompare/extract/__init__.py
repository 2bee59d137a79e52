"""Episode extracts: the canonical episode schema, source mappings and the lazy, validated extract.

Public names: :func:`read_episodes`, :class:`Extract`, :data:`CANONICAL_COLUMNS`, :func:`describe_columns`,
:class:`Mapping`, :class:`Field`, :func:`register_mapping`, :func:`get_mapping`, :func:`list_mappings`,
:func:`extend_mapping`.  The exclusion rules are :mod:`kpcompare.extract.rules`, their pandera view
:mod:`kpcompare.extract.schema`.
"""

from __future__ import annotations

from .columns import CANONICAL_COLUMNS, describe_columns
from .episodes import Extract, read_episodes
from .mappings import Field, Mapping, extend_mapping, get_mapping, list_mappings, register_mapping

__all__ = ["read_episodes", "Extract", "CANONICAL_COLUMNS", "describe_columns", "Mapping", "Field",
           "register_mapping", "get_mapping", "list_mappings", "extend_mapping"]
