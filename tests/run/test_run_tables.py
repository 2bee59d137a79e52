"""kpcompare.run.tables: CSV at full precision; Markdown and LaTeX (booktabs) rounded for presentation only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpcompare.run.tables import cell_text, latex_escape, write_csv, write_latex, write_markdown

TABLE = pd.DataFrame({"system": ["NHS_a", "US & co"], "count": [1234567, 8],
                      "value": [1 / 3, np.nan], "population": [6517915.0, 2000.0]})


def test_csv_keeps_full_precision(tmp_path):
    path = write_csv(TABLE, tmp_path / "t.csv")
    back = pd.read_csv(path)
    assert back["value"].iloc[0] == 1 / 3  # repr round-trip, not rounded
    assert path.read_text().splitlines()[0] == "system,count,value,population"


def test_cells_as_presented():
    assert cell_text(1 / 3, 3) == "0.333"
    assert cell_text(1234567, 3) == "1,234,567"
    assert cell_text(float("nan"), 2) == "" and cell_text(None, 2) == ""
    assert cell_text(float("inf"), 2) == "inf" and cell_text(True, 2) == "True"


def test_markdown_pipe_table(tmp_path):
    path = write_markdown(TABLE, tmp_path / "t.md", title="Rates | per 1,000", digits={"value": 2},
                          notes=("years: different",))
    assert path.read_text().splitlines() == [
        "## Rates \\| per 1,000", "",
        "| system | count | value | population |",
        "|---|---:|---:|---:|",
        "| NHS_a | 1,234,567 | 0.33 | 6,517,915 |",   # whole-number float column: no decimals
        "| US & co | 8 |  | 2,000 |",
        "", "- years: different",
    ]


def test_latex_booktabs(tmp_path):
    lines = write_latex(TABLE, tmp_path / "t.tex", title="100% of A_b").read_text().splitlines()
    assert lines[:6] == ["\\begin{table}[htbp]", "\\centering", "\\caption{100\\% of A\\_b}",
                         "\\begin{tabular}{lrrr}", "\\toprule", "system & count & value & population \\\\"]
    assert lines[6:10] == ["\\midrule", "NHS\\_a & 1,234,567 & 0.333 & 6,517,915 \\\\",
                           "US \\& co & 8 &  & 2,000 \\\\", "\\bottomrule"]
    assert lines[-2:] == ["\\end{tabular}", "\\end{table}"]


def test_latex_escape_every_special_character():
    assert latex_escape("\\&%$#_{}~^") == ("\\textbackslash{}\\&\\%\\$\\#\\_\\{\\}\\textasciitilde{}"
                                            "\\textasciicircum{}")
