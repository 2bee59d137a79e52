"""kpcompare.run.schema: every key a configuration may hold is documented in docs/run.md, and the shipped
configurations' keys are all declared (a key the schema lacks would be refused by the validator)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kpcompare.run import schema

DOC = (Path(__file__).resolve().parents[2] / "docs" / "run.md").read_text(encoding="utf-8")
TABLES = {"top": schema.TOP, "extract": schema.EXTRACT, "population": schema.POPULATION,
          "comparison": schema.COMPARISON, "within": schema.WITHIN, "costs": schema.COSTS,
          "sensitivity": schema.SENSITIVITY, "range": schema.RANGE, "figure": schema.FIGURE,
          "outputs": schema.OUTPUTS, "disclosure": schema.DISCLOSURE, "caveat": schema.CAVEAT}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_key_is_documented(table):
    missing = [k for k in TABLES[table] if not re.search(rf"`{k}`|\b{k}\b", DOC)]
    assert not missing, f"docs/run.md does not mention {table} keys {missing}"


def test_nested_tables_are_declared():
    assert schema.TOP["extracts"].keys is schema.EXTRACT
    assert schema.COMPARISON["within"].keys is schema.WITHIN
    assert schema.COSTS["sensitivity"].keys is schema.SENSITIVITY
    assert set(schema.PLOTS) == {"bed_days_bars", "ratio_forest", "decomposition_bars", "tornado_chart",
                                 "cascade_waterfall"}
