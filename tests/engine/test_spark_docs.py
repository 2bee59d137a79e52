"""The Spark example of docs/scale.md runs (tests/test_docs.py skips it: it needs a Spark session)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "scale.md"


@pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")
def test_the_spark_example_of_scale_md_runs(spark_classic, capsys, monkeypatch):
    # a Connect session made in this process switches the builder to Connect: the example uses the classic one
    for name in ("SPARK_REMOTE", "SPARK_LOCAL_REMOTE"):
        monkeypatch.delenv(name, raising=False)
    blocks = re.findall(r"^```python\n(# doctest: skip\n# \(run by tests/engine/test_spark_docs.py.*?)^```",
                        DOC.read_text(encoding="utf-8"), flags=re.DOTALL | re.MULTILINE)
    assert len(blocks) == 1
    exec(compile(blocks[0], str(DOC), "exec"), {"__name__": "docs_scale_spark"})  # noqa: S102 - our own docs
    printed = capsys.readouterr().out
    assert "rows read 2 = counted 2 + excluded 0" in printed
