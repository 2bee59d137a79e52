"""Moved public paths of the episode domain keep working for one release, with a DeprecationWarning naming the
new path (issue 16): kpcompare.schemas.episodes -> kpcompare.extract.rules / kpcompare.extract.schema,
kpcompare.spells -> kpcompare.engine.spells."""

from __future__ import annotations

import importlib
import sys

import pytest

import kpcompare.engine.spells
import kpcompare.extract.rules
import kpcompare.extract.schema


def _fresh(name: str):
    sys.modules.pop(name, None)
    with pytest.warns(DeprecationWarning, match=rf"^{name} is deprecated .*; use kpcompare\."):
        return importlib.import_module(name)


@pytest.mark.parametrize("name, new", [
    ("EXCLUSION_REASONS", kpcompare.extract.rules), ("REASON_INDEX", kpcompare.extract.rules),
    ("missing_date", kpcompare.extract.rules), ("first_reason", kpcompare.extract.rules),
    ("row_rules", kpcompare.extract.schema), ("episode_schema", kpcompare.extract.schema),
    ("first_reasons_by_schema", kpcompare.extract.schema), ("check_batch_types", kpcompare.extract.schema),
])
def test_schemas_episodes_shim(name, new):
    old = _fresh("kpcompare.schemas.episodes")
    with pytest.warns(DeprecationWarning, match=rf"kpcompare\.schemas\.episodes\.{name} is deprecated .*; use "
                                                rf"{new.__name__}\.{name} instead\."):
        assert getattr(old, name) is getattr(new, name)


def test_spells_shim():
    old = _fresh("kpcompare.spells")
    with pytest.warns(DeprecationWarning, match=r"kpcompare\.spells\.CipsRules is deprecated .*; use "
                                                r"kpcompare\.engine\.spells\.CipsRules instead\."):
        assert old.CipsRules is kpcompare.engine.spells.CipsRules
    with pytest.raises(AttributeError, match="moved to 'kpcompare.engine.spells'"):
        old.no_such_name  # noqa: B018
