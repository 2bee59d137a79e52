"""``kpcompare aggregate``: an episode extract -> the stratum table and its exclusions table.

Every option maps one-to-one onto a keyword of :func:`kpcompare.aggregate` (or of
:func:`kpcompare.read_episodes` for reading the file), so a script and a shell run give the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from ..errors import InvalidArgumentError
from ._app import cli, progress_wanted

__all__ = ["aggregate_command", "pairs", "period_option"]


def period_option(period: Sequence[str] | None) -> tuple | None:
    """``--period FIRST LAST``, where ``-`` is an open end."""
    return None if not period else tuple(None if bound.strip() == "-" else bound for bound in period)


def pairs(items: Sequence[str] | None, *, option: str, several: bool) -> dict:
    """``NAME=VALUE`` options as a dict; with ``several`` the values are comma-separated lists (a name given
    twice gets the values of both)."""
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


def _conditions(value: str | None, coding: str | None):
    if value is not None and value.lower().endswith((".csv", ".toml")):
        from ..conditions import load_condition_set

        return load_condition_set(value, coding=coding)  # a user-defined set's file
    return value


def _age_bands(value: str):
    if value and all(part.strip().isdigit() for part in value.split(",")):
        return [int(part) for part in value.split(",")]
    return value


EPILOG = """\b
Examples:
  kpcompare aggregate extract.csv --mapping hes --conditions ham2003_leading_causes --out strata.csv
  kpcompare aggregate extract.csv --column system=REGION --where admission_method=21,28 --out e.csv
  kpcompare aggregate uk.csv --delimiter ';' --date-format %d/%m/%Y --period 2020-01-01 - --out s.csv
  kpcompare aggregate extract.csv --disclosure midpoint6 --out s.csv   # OpenSAFELY's rounding instead of HES
"""


@cli.command("aggregate", epilog=EPILOG)
@click.argument("extract")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="CSV file for the strata.")
@click.option("--mapping", default="canonical", show_default=True, help="'canonical', 'hes' or 'nhds'.")
@click.option("--by", default="system,sex,age_band,condition", show_default=True,
              help="Comma-separated stratum columns.")
@click.option("--age-bands", default="esp2013", show_default=True,
              help="Standard population name or comma-separated lower bounds, e.g. 0,15,60,75.")
@click.option("--conditions", default=None, help="Bundled condition set name or a CSV/TOML file.")
@click.option("--unit", default="episode", show_default=True, type=click.Choice(["episode", "spell", "cips"]))
@click.option("--bed-days", default="midnights", show_default=True,
              type=click.Choice(["midnights", "same_day_as_one"]))
@click.option("--period", nargs=2, default=None, metavar="FIRST LAST",
              help="Inclusive dates, e.g. 2000-04-01 2001-03-31; '-' for an open end.")
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of a CSV extract.")
@click.option("--delimiter", default=",", show_default=True, help="Field delimiter of a CSV extract ('\\t': tab).")
@click.option("--date-format", default=None, metavar="FORMAT",
              help="strptime format of dates held as text, e.g. %d/%m/%Y, or 'iso' or 'hes'.")
@click.option("--weights", is_flag=True, help="Add weighted totals from the 'weight' column.")
@click.option("--newborns", default="include", show_default=True, type=click.Choice(["include", "exclude"]))
@click.option("--bed-days-squared", is_flag=True,
              help="Add the sum of squared stays (compound-Poisson bed-day variance; spell/CIPS units).")
@click.option("--cips-rules", "cips_preset", default=None, metavar="PRESET",
              help="With --unit cips: a named rule set (CipsRules.presets(): nhs_digital (default), "
                   "health_foundation, epidm, che_york).")
@click.option("--cips-gap-days", type=int, default=None, metavar="DAYS",
              help="With --unit cips: link spells admitted at most DAYS after a transfer discharge (default 3).")
@click.option("--spell-diagnosis", default="first", show_default=True, type=click.Choice(["first", "last"]),
              help="With --unit spell or cips: the episode whose diagnosis gives the condition.")
@click.option("--no-persons", is_flag=True, help="Do not count distinct persons per stratum.")
@click.option("--column", "columns", multiple=True, metavar="CANONICAL=SOURCE",
              help="Add a column to the mapping or replace one, e.g. system=REGION (repeatable).")
@click.option("--where", "wheres", multiple=True, metavar="COLUMN=VALUE[,VALUE...]",
              help="Count only rows whose canonical column has one of the values (repeatable: every condition "
                   "must hold); the others are excluded as filtered_out_by_where.")
@click.option("--no-check-duplicates", is_flag=True,
              help="Do not exclude repeated episode ids of a person (checked by default where ids exist).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bars (default: only when stderr is a terminal).")
@click.option("--disclosure", "disclosure_rule", default=None, metavar="RULE",
              help="Disclosure rule applied to the strata: 'hes' (default) or 'midpoint6' (docs/disclosure.md).")
@click.option("--no-disclosure", is_flag=True,
              help="Write exact counts, without disclosure control (warned, and recorded in "
                   "<out>.disclosure.json).")
def aggregate_command(extract: str, out: str, mapping: str, by: str, age_bands: str, conditions: str | None,
                      unit: str, bed_days: str, period: tuple | None, encoding: str, delimiter: str,
                      date_format: str | None, weights: bool, newborns: str, bed_days_squared: bool,
                      cips_preset: str | None, cips_gap_days: int | None, spell_diagnosis: str, no_persons: bool, columns: tuple,
                      wheres: tuple, no_check_duplicates: bool, progress: bool | None,
                      disclosure_rule: str | None, no_disclosure: bool) -> int:
    """Aggregate an episode extract (CSV, Parquet file or folder) into a stratum table.

    Writes the strata to OUT (disclosure control on by default: the HES rule), beside it the exclusions
    table (<OUT>.exclusions.csv) and the disclosure record (<OUT>.disclosure.json), and prints the
    reconciliation: rows read = rows counted + rows excluded.
    """
    from ..disclosure.release import cli_strata
    from ..engine import aggregate
    from ..extract import read_episodes

    table = read_episodes(extract, mapping=mapping, columns=pairs(columns, option="--column", several=False) or None,
                          encoding=encoding, delimiter=delimiter.replace("\\t", "\t"), date_format=date_format)
    result = aggregate(
        table, by=tuple(by.split(",")), age_bands=_age_bands(age_bands), conditions=_conditions(conditions, table.coding),
        unit=unit, bed_days=bed_days, period=period_option(period), weights="weight" if weights else None,
        progress=None if progress_wanted(progress) else False, newborns=newborns, bed_days_squared=bed_days_squared,
        cips_rules=_cips_rules(cips_preset, cips_gap_days),
        persons=False if no_persons else None, spell_diagnosis=spell_diagnosis,
        check_duplicates=False if no_check_duplicates else None,
        where=pairs(wheres, option="--where", several=True) or None)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    disclosure = cli_strata(result, path, rule=disclosure_rule, off=no_disclosure)
    exclusions = path.with_name(path.stem + ".exclusions.csv")
    result.exclusions.to_csv(exclusions, index=False)
    excluded = int(result.exclusions["rows"].sum())
    click.echo(f"rows read {result.rows_read:,} = counted {result.rows_counted:,} + excluded {excluded:,}")
    click.echo(f"{len(result.strata):,} strata written to {path}; exclusions to {exclusions}")
    if result.cips_rules is not None:
        click.echo(f"CIPS rules: {result.cips_rules}")
    click.echo(disclosure)
    return 0


def _cips_rules(preset: str | None, gap_days: int | None):
    """--cips-rules PRESET and --cips-gap-days DAYS (which changes the preset's gap) as a CipsRules, or None."""
    if preset is None and gap_days is None:
        return None
    import dataclasses

    from ..engine.spells import CipsRules

    rules = CipsRules.preset(preset or "nhs_digital")
    return rules if gap_days is None else dataclasses.replace(rules, gap_days=gap_days)
