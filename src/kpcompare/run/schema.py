"""The keys a comparison configuration may hold: one declaration, read by the validator and by docs/run.md.

Each table of the TOML file is a dict of :class:`Key`; a key names its type(s), its default, the values it
may take and, for tables and arrays of tables, the keys inside.  Nothing here reads a file or runs anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Key", "TOP", "EXTRACT", "POPULATION", "COMPARISON", "WITHIN", "COSTS", "SENSITIVITY", "RANGE",
           "FIGURE", "OUTPUTS", "DISCLOSURE", "CAVEAT", "PLOTS", "TABLE_FORMATS", "FIGURE_FORMATS"]

#: the plots a ``[[figures]]`` entry may draw (functions of kpcompare.plots)
PLOTS = ("bed_days_bars", "ratio_forest", "decomposition_bars", "tornado_chart", "cascade_waterfall")
TABLE_FORMATS = ("csv", "md", "tex")
FIGURE_FORMATS = ("png", "svg", "pdf")


@dataclass(frozen=True)
class Key:
    """One key: accepted Python types (as tomllib gives them), default, allowed values, nested keys."""

    types: tuple[type, ...]
    default: Any = None
    required: bool = False
    choices: tuple[Any, ...] = ()
    #: for a table (dict) or an array of tables (list of dict): the keys inside
    keys: dict[str, Key] | None = None
    #: for an array (list) of plain values: the accepted types of its items
    items: tuple[type, ...] = ()
    #: for a table of free names (columns, constants, where): the accepted types of its values
    values: tuple[type, ...] = ()
    help: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_S, _I, _F, _B, _L, _D = str, int, float, bool, list, dict
_NUM = (int, float)

EXTRACT: dict[str, Key] = {
    "name": Key((_S,), required=True, help="short name, used in the exclusions table and in messages"),
    "path": Key((_S,), help="an episode extract (CSV, Parquet or a folder of Parquet files), relative to "
                            "the configuration file; aggregated by kpcompare.aggregate"),
    "strata": Key((_S,), help="a stratum table already aggregated (CSV: system, age_band, <by>, admissions, "
                              "bed_days)"),
    "bundled": Key((_S,), help="a bundled source (see `kpcompare run --list`)"),
    "mapping": Key((_S,), default="canonical", help="column mapping: canonical, hes, nhds or a registered one"),
    "columns": Key((_D,), values=(_S,), help="mapping overrides, canonical = source column"),
    "constants": Key((_D,), values=(_S, _I, _F), help="columns with one value for every row, e.g. system"),
    "where": Key((_D,), values=(_S, _I, _L), help="count only rows whose column has one of these values"),
    "by": Key((_L,), default=["system", "age_band", "condition"], items=(_S,), help="stratum columns"),
    "age_bands": Key((_S, _L), default="esp2013", items=(_I,),
                     help="a standard population's bands or a list of lower bounds"),
    "conditions": Key((_S,), help="bundled condition set name or a CSV/TOML file of groups"),
    "unit": Key((_S,), default="episode", choices=("episode", "spell", "cips")),
    "bed_days": Key((_S,), default="midnights", choices=("midnights", "same_day_as_one")),
    "newborns": Key((_S,), default="include", choices=("include", "exclude")),
    "weights": Key((_B,), default=False, help="add weighted totals from the mapped weight column"),
    "period": Key((_L,), items=(_S,), help="[first, last] inclusive dates; \"-\" for an open end"),
    "encoding": Key((_S,), default="utf-8"),
    "delimiter": Key((_S,), default=","),
    "date_format": Key((_S,)),
    "check_duplicates": Key((_B,), default=True),
    "persons": Key((_B,), default=True, help="count distinct persons where person ids exist"),
    "cips_gap_days": Key((_I,)),
    "spell_diagnosis": Key((_S,), default="first", choices=("first", "last")),
    "bed_days_squared": Key((_B,), default=False),
}

POPULATION: dict[str, Key] = {
    "path": Key((_S,), help="CSV file: system, age_band, population (sex optional)"),
    "bundled": Key((_S,), help="bundled populations (see `kpcompare run --list`)"),
    "system": Key((_S,), help="the system of every row, when the file has no system column"),
}

WITHIN: dict[str, Key] = {
    "age_band": Key((_S,), required=True, help="label written in the table's age_band column"),
    "age_min": Key((_I,)),
    "age_max": Key((_I,)),
}

COMPARISON: dict[str, Key] = {
    "reference": Key((_S,), required=True, help="the reference system (ratios are system / reference)"),
    "systems": Key((_L,), items=(_S,), help="the systems compared (default: every system in the strata)"),
    "standard": Key((_S, _D), help="a system (its population), a registered standard population, or "
                                   "{path = \"standard.csv\"}; default: the reference system"),
    "by": Key((_S,), default="condition", help="the cause column"),
    "age_min": Key((_I,), help="youngest age compared"),
    "age_max": Key((_I,), help="oldest age compared (open when absent)"),
    "measures": Key((_L,), default=["admissions", "bed_days", "alos"], items=(_S,)),
    "method": Key((_S,), default="dobson", help="interval method of the standardised rates"),
    "confidence": Key((_F, _L), default=0.95, items=(_F,), help="one level or several (rows)"),
    "multiplier": Key(_NUM, default=100_000, help="rates per this many people"),
    "min_count": Key((_I,), default=10),
    "condition_order": Key((_S,), help="order causes as the groups of this bundled condition set"),
    "levels": Key((_L,), items=(_S,), help="the causes, in order (instead of condition_order)"),
    "decompose": Key((_B,), default=True, help="split bed-day gaps into admission and length-of-stay parts"),
    "within": Key((_L,), keys=WITHIN, help="the comparison repeated within these age ranges"),
}

RANGE: dict[str, Key] = {
    "system": Key((_S,), required=True),
    "item": Key((_S,), required=True),
    "low": Key(_NUM, required=True),
    "high": Key(_NUM, required=True),
}

SENSITIVITY: dict[str, Key] = {
    "assumption_set": Key((_S,), required=True),
    "system": Key((_S,), required=True),
    "kind": Key((_S,), default="difference", choices=("difference", "ratio", "value")),
    "ranges": Key((_L,), keys=RANGE, help="declared low and high amounts of lines"),
}

COSTS: dict[str, Key] = {
    "assumption_sets": Key((_L,), items=(_S,), help="bundled assumption sets (kpcompare.costs)"),
    "lines": Key((_S,), help="CSV of cost lines (with factors = ...), instead of bundled sets"),
    "factors": Key((_S,), help="CSV of factors"),
    "currency": Key((_S,), default="USD"),
    "reference": Key((_S,), required=True, help="the system the others are compared with"),
    "sensitivity": Key((_D,), keys=SENSITIVITY),
}

FIGURE: dict[str, Key] = {
    "name": Key((_S,), required=True, help="file stem of the figure"),
    "plot": Key((_S,), required=True, choices=PLOTS),
    "table": Key((_S,), required=True, help="the table drawn: comparison, decomposition, cascade or sensitivity"),
    "measure": Key((_S,), default="bed_days", help="bed_days_bars: the measure drawn"),
    "title": Key((_S,)),
    "caption": Key((_S,), default=""),
    "source": Key((_S,), default=""),
    "threshold": Key(_NUM, help="tornado_chart: a reference line"),
    "assumption_set": Key((_S,), help="cost tables: draw only this assumption set"),
}

OUTPUTS: dict[str, Key] = {
    "tables": Key((_L,), default=list(TABLE_FORMATS), items=(_S,), extra={"choices": TABLE_FORMATS}),
    "figures": Key((_L,), default=["png", "svg"], items=(_S,), extra={"choices": FIGURE_FORMATS}),
    "html": Key((_B,), default=True, help="write the self-contained HTML report (report.html)"),
    "digits": Key((_I,), default=3, help="decimal places of numbers in Markdown and LaTeX tables"),
    "column_digits": Key((_D,), values=(_I,), help="decimal places of named columns, e.g. {value = 1}"),
}

DISCLOSURE: dict[str, Key] = {
    "rule": Key((_S,), default="hes", help="the disclosure rule applied to tables from record-level data"),
    "apply": Key((_B,), default=True, help="false turns disclosure control off (with a warning)"),
}

CAVEAT: dict[str, Key] = {
    "topic": Key((_S,), required=True),
    "text": Key((_S,), required=True),
    "table": Key((_S,), default="comparison", help="the table the caveat qualifies"),
}

TOP: dict[str, Key] = {
    "title": Key((_S,), required=True),
    "prefix": Key((_S,), help="file-name prefix of every output (default: the configuration's name)"),
    "description": Key((_S,), default=""),
    "summary": Key((_S,), default="tables", choices=("tables", "ham", "costs"),
                   help="what the command prints when it has run"),
    "extracts": Key((_L,), keys=EXTRACT),
    "populations": Key((_L, _D), keys=POPULATION),
    "comparison": Key((_D,), keys=COMPARISON),
    "costs": Key((_D,), keys=COSTS),
    "caveats": Key((_S, _L), keys=CAVEAT, help="a bundled caveat list's name, or [[caveats]] tables"),
    "figures": Key((_L,), keys=FIGURE),
    "outputs": Key((_D,), keys=OUTPUTS),
    "disclosure": Key((_D,), keys=DISCLOSURE),
}
