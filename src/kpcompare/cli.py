"""The ``kpcompare`` command: the library's main entry points for analysts who work from a shell.

::

    kpcompare aggregate EXTRACT --mapping hes --conditions ham2003_leading_causes --out strata.csv
    kpcompare aggregate EXTRACT --mapping hes --column system=REGION --where admission_method=21,28 --out e.csv
    kpcompare standards                 # the registered standard populations
    kpcompare demo --out output         # the main job on bundled data (what `make demo` runs)

``aggregate`` writes the stratum table and, beside it, the exclusions table (``<out>.exclusions.csv``), and
prints the reconciliation rows read = rows counted + rows excluded.  Every option maps one-to-one onto a
keyword of :func:`kpcompare.aggregate`, so a script and a shell run give the same numbers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def _aggregate(args: argparse.Namespace) -> int:
    from .engine import aggregate
    from .extract import read_episodes

    extract = read_episodes(args.extract, mapping=args.mapping,
                            columns=_pairs(args.column, option="--column", several=False) or None,
                            encoding=args.encoding, delimiter=args.delimiter.replace("\\t", "\t"),
                            date_format=args.date_format)
    cips_rules = None
    if args.cips_gap_days is not None or args.cips_rules is not None:
        import dataclasses

        from .engine.spells import CipsRules

        cips_rules = CipsRules.preset(args.cips_rules or "nhs_digital")
        if args.cips_gap_days is not None:
            cips_rules = dataclasses.replace(cips_rules, gap_days=args.cips_gap_days)
    conditions = args.conditions
    if conditions is not None and conditions.lower().endswith((".csv", ".toml")):
        from .conditions import load_condition_set

        conditions = load_condition_set(conditions, coding=extract.coding)  # a user-defined set's file
    age_bands = args.age_bands
    if age_bands and all(part.strip().isdigit() for part in age_bands.split(",")):
        age_bands = [int(part) for part in age_bands.split(",")]
    result = aggregate(
        extract, by=tuple(args.by.split(",")), age_bands=age_bands, conditions=conditions,
        unit=args.unit, bed_days=args.bed_days, period=_period(args.period),
        weights="weight" if args.weights else None, progress=None if args.progress else False,
        newborns=args.newborns, bed_days_squared=args.bed_days_squared, cips_rules=cips_rules,
        persons=False if args.no_persons else None, spell_diagnosis=args.spell_diagnosis,
        check_duplicates=False if args.no_check_duplicates else None,
        where=_pairs(args.where, option="--where", several=True) or None,
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    from .disclosure.release import cli_strata  # disclosure control on by default (docs/disclosure.md)

    disclosure = cli_strata(result, out, rule=args.disclosure, off=args.no_disclosure)
    exclusions = out.with_name(out.stem + ".exclusions.csv")
    result.exclusions.to_csv(exclusions, index=False)
    excluded = int(result.exclusions["rows"].sum())
    print(f"rows read {result.rows_read:,} = counted {result.rows_counted:,} + excluded {excluded:,}")
    print(f"{len(result.strata):,} strata written to {out}; exclusions to {exclusions}")
    if result.cips_rules is not None:
        print(f"CIPS rules: {result.cips_rules}")
    print(disclosure)
    return 0


def _period(period: Sequence[str] | None) -> tuple | None:
    """``--period FIRST LAST``, where ``-`` is an open end."""
    return None if not period else tuple(None if bound.strip() == "-" else bound for bound in period)


def _pairs(items: Sequence[str] | None, *, option: str, several: bool) -> dict:
    """``NAME=VALUE`` options as a dict; with ``several`` the values are comma-separated lists (a name given
    twice gets the values of both)."""
    from .errors import InvalidArgumentError

    out: dict = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InvalidArgumentError(f"option {option}: expected NAME=VALUE{',VALUE...' if several else ''}, "
                                       f"got {item!r}.")
        name = name.strip()
        if several:
            out[name] = out.get(name, []) + [v.strip() for v in value.split(",")]
        else:
            out[name] = value.strip()
    return out


def _standards(args: argparse.Namespace) -> int:
    from .refdata import list_standard_populations

    table = list_standard_populations()
    if args.csv:
        print(table.to_csv(index=False), end="")
    else:
        short = table[["name", "edition", "n_bands", "total", "description"]]
        print(short.to_string(index=False, formatters={"total": "{:,.0f}".format}))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .report.demo import main as demo_main

    return demo_main(["--out", str(args.out), *sum((["--section", s] for s in args.section or []), [])])


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed so the documentation and tests can list its options)."""
    parser = argparse.ArgumentParser(prog="kpcompare", description="Reproducible comparisons of health systems.")
    sub = parser.add_subparsers(dest="command", required=True)

    agg = sub.add_parser("aggregate", help="episode extract -> stratum table (kpcompare.aggregate)")
    agg.add_argument("extract", help="CSV file, Parquet file or directory of Parquet files")
    agg.add_argument("--mapping", default="canonical", help="'canonical', 'hes' or 'nhds' (default canonical)")
    agg.add_argument("--out", required=True, help="CSV file for the strata")
    agg.add_argument("--by", default="system,sex,age_band,condition", help="comma-separated stratum columns")
    agg.add_argument("--age-bands", default="esp2013",
                     help="standard population name or comma-separated lower bounds, e.g. 0,15,60,75")
    agg.add_argument("--conditions", default=None, help="bundled condition set name or a CSV/TOML file")
    agg.add_argument("--unit", default="episode", choices=["episode", "spell", "cips"])
    agg.add_argument("--bed-days", default="midnights", choices=["midnights", "same_day_as_one"])
    agg.add_argument("--period", nargs=2, metavar=("FIRST", "LAST"), help="inclusive dates, e.g. 2000-04-01 2001-03-31; '-' for an open end")
    agg.add_argument("--encoding", default="utf-8", help="text encoding of a CSV extract (default utf-8)")
    agg.add_argument("--delimiter", default=",", help="field delimiter of a CSV extract, e.g. ';' or '\\t'")
    agg.add_argument("--date-format", default=None, metavar="FORMAT",
                     help="strptime format of dates held as text, e.g. %%d/%%m/%%Y, or 'iso' or 'hes'")
    agg.add_argument("--weights", action="store_true", help="add weighted totals from the 'weight' column")
    agg.add_argument("--newborns", default="include", choices=["include", "exclude"])
    agg.add_argument("--bed-days-squared", action="store_true",
                     help="add the sum of squared stays (compound-Poisson bed-day variance; spell/CIPS units)")
    agg.add_argument("--cips-rules", default=None, metavar="PRESET",
                     help="with --unit cips: a named rule set (kpcompare.engine.spells.CipsRules.presets(): "
                          "nhs_digital (default), health_foundation, epidm)")
    agg.add_argument("--cips-gap-days", type=int, default=None, metavar="DAYS",
                     help="with --unit cips: link spells admitted at most DAYS after a transfer discharge "
                          "(default 3, NHS Digital; transfer codes as kpcompare.engine.spells.CIPS_RULES)")
    agg.add_argument("--spell-diagnosis", default="first", choices=["first", "last"],
                     help="with --unit spell or cips: the episode whose diagnosis gives the condition "
                          "(default first, the admitting episode)")
    agg.add_argument("--no-persons", action="store_true",
                     help="do not count distinct persons per stratum (counted by default where person ids exist; "
                          "that partitions (stratum, person) pairs by person, about four times the plain episode pass)")
    agg.add_argument("--column", action="append", metavar="CANONICAL=SOURCE",
                     help="add a column to the mapping or replace one, e.g. system=REGION (repeatable; "
                          "read_episodes(columns=...))")
    agg.add_argument("--where", action="append", metavar="COLUMN=VALUE[,VALUE...]",
                     help="count only rows whose canonical column has one of the values, e.g. "
                          "admission_method=21,22,23,24,28 (repeatable: every condition must hold; spells and "
                          "CIPS by their first episode); the others are excluded as filtered_out_by_where")
    agg.add_argument("--no-check-duplicates", action="store_true",
                     help="do not exclude repeated episode ids of a person (checked by default where episode "
                          "ids exist)")
    agg.add_argument("--progress", action="store_true", help="show a progress bar when attached to a terminal")
    agg.add_argument("--disclosure", default=None, metavar="RULE",
                     help="disclosure rule applied to the strata: 'hes' (default) or 'midpoint6'")
    agg.add_argument("--no-disclosure", action="store_true",
                     help="write exact counts, without disclosure control (warned, and recorded in "
                          "<out>.disclosure.json)")
    agg.set_defaults(run=_aggregate)

    std = sub.add_parser("standards", help="list the registered standard populations")
    std.add_argument("--csv", action="store_true", help="print as CSV")
    std.set_defaults(run=_standards)

    demo = sub.add_parser("demo", help="run the main job on bundled real data")
    demo.add_argument("--out", default="output", type=Path)
    demo.add_argument("--section", action="append", help="run only this section (repeatable)")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (2 with a one-line message on a kpcompare input error)."""
    from .errors import KpcompareError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KpcompareError as exc:
        print(f"kpcompare {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
