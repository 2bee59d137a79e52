"""Writers of one table: CSV at full precision, Markdown and LaTeX (booktabs) rounded for presentation only.

The CSV is pandas' ``to_csv`` without the index (the same bytes as the library's other CSV files); the
Markdown and LaTeX tables round each number to the section's ``digits`` for its column (default: the
``outputs.digits`` of the configuration), write integers with thousands separators and missing values as
an empty cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["write_csv", "write_markdown", "write_latex", "cell_text", "latex_escape"]

_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
          "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    """Full precision, no index."""
    table.to_csv(path, index=False)
    return path


def cell_text(value: Any, digits: int) -> str:
    """One cell as presented: numbers rounded to ``digits`` decimals, integers with separators."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return "inf" if value > 0 else "-inf"
        return f"{float(value):,.{digits}f}"
    return str(value)


def _whole(series: pd.Series) -> bool:
    """A float column holding only whole numbers (populations, counts): shown without decimals."""
    if not pd.api.types.is_float_dtype(series):
        return False
    values = series.to_numpy(float)
    values = values[np.isfinite(values)]
    return bool(len(values)) and bool(np.all(values == np.round(values)))


def _cells(table: pd.DataFrame, digits: Mapping[str, int], default: int) -> list[list[str]]:
    columns = list(table.columns)
    places = [digits.get(str(c), 0 if _whole(table[c]) else default) for c in columns]
    out = []
    for row in table.itertuples(index=False, name=None):
        out.append([cell_text(v, d) for d, v in zip(places, row)])
    return out


def _numeric(table: pd.DataFrame) -> list[bool]:
    return [pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
            for c in table.columns]


def write_markdown(table: pd.DataFrame, path: Path, *, title: str = "", digits: Mapping[str, int] | None = None,
                   default_digits: int = 3, notes: tuple[str, ...] = ()) -> Path:
    """A pipe table (numbers right-aligned), under ``title``, with ``notes`` (the caveats) below it."""
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    numeric = _numeric(table)
    lines = [f"## {esc(title)}", ""] if title else []
    lines.append("| " + " | ".join(esc(str(c)) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in _cells(table, digits or {}, default_digits)]
    if notes:
        lines += ["", *(f"- {esc(n)}" for n in notes)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def latex_escape(text: str) -> str:
    """Text with LaTeX's special characters escaped."""
    return "".join(_LATEX.get(ch, ch) for ch in str(text))


def write_latex(table: pd.DataFrame, path: Path, *, title: str = "", digits: Mapping[str, int] | None = None,
                default_digits: int = 3) -> Path:
    """A booktabs ``tabular`` (``\\toprule``, ``\\midrule``, ``\\bottomrule``; needs ``\\usepackage{booktabs}``),
    numbers right-aligned, in a ``table`` float with ``title`` as its caption."""
    align = "".join("r" if n else "l" for n in _numeric(table))
    lines = ["\\begin{table}[htbp]", "\\centering"]
    if title:
        lines.append(f"\\caption{{{latex_escape(title)}}}")
    lines += [f"\\begin{{tabular}}{{{align}}}", "\\toprule",
              " & ".join(latex_escape(str(c)) for c in table.columns) + " \\\\", "\\midrule"]
    lines += [" & ".join(latex_escape(c) for c in row) + " \\\\"
              for row in _cells(table, digits or {}, default_digits)]
    lines += ["\\bottomrule", "\\end{tabular}", "\\end{table}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
