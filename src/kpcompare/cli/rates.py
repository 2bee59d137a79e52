"""``kpcompare rates``: crude, directly standardised (DSR) and indirectly standardised (SMR, ISR) rates from a
CSV file, as Stata's ``dstdize`` / ``istdize`` do from the shell.

One row of the input per group x stratum (``--by`` columns, the ``--age`` band column, counts and
populations); the output is the tidy table of :func:`kpcompare.crude_rate`, :func:`kpcompare.dsr`,
:func:`kpcompare.smr` or :func:`kpcompare.isr` (``value, lower, upper, ..., confidence, method, statistic,
note``) as CSV at full precision, to stdout or ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._app import cli

__all__ = ["rates_command"]

EPILOG = """\b
Examples:
  kpcompare rates deaths.csv --count deaths --population pop --kind crude --by region
  kpcompare rates deaths.csv --count deaths --population pop --kind dsr --standard esp2013 --by region
  kpcompare rates deaths.csv --count deaths --population pop --kind smr --standard national.csv --by region
  kpcompare rates deaths.csv ... --confidence 0.95 --confidence 0.99 --out rates.csv

The standard of --kind dsr is a registered standard population (kpcompare standards), a system's rows of
the data (a column name), or a CSV file (age band and population); that of smr and isr is a CSV file of
standard counts and populations by age band.
"""


def _read(path: str) -> Any:
    import pandas as pd

    return pd.read_csv(path)


def _standard(value: str | None, kind: str) -> Any:
    if value is None:
        from ..errors import InvalidArgumentError

        raise InvalidArgumentError(f"option --standard: --kind {kind} needs a standard (a registered name such "
                                   "as esp2013, or a CSV file).")
    return _read(value) if Path(value).is_file() or value.lower().endswith(".csv") else value


@cli.command("rates", epilog=EPILOG)
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", type=click.Choice(["crude", "dsr", "smr", "isr"]), default="dsr", show_default=True,
              help="Crude rate, directly standardised rate, standardised ratio O/E or indirectly standardised rate.")
@click.option("--count", required=True, help="Column of event counts.")
@click.option("--population", required=True, help="Column of populations (person-years).")
@click.option("--standard", default=None, help="Registered standard name or CSV file (see below).")
@click.option("--by", default=None, help="Comma-separated group columns.")
@click.option("--age", default="age_band", show_default=True, help="Column of age-band labels.")
@click.option("--strata", default=None, help="Comma-separated standardisation keys (default: --age).")
@click.option("--method", default=None, help="Interval method (default: the function's, e.g. dobson for dsr).")
@click.option("--confidence", type=float, multiple=True, help="Confidence level (repeatable; default 0.95).")
@click.option("--multiplier", type=float, default=None, help="Rates per this many people (default 100,000; smr 1).")
@click.option("--weighted", is_flag=True, help="Counts are survey-weighted and may be fractional.")
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="CSV file (default: stdout).")
def rates_command(data: str, kind: str, count: str, population: str, standard: str | None, by: str | None,
                  age: str, strata: str | None, method: str | None, confidence: tuple, multiplier: float | None,
                  weighted: bool, out: str | None) -> int:
    """Crude, DSR, SMR or ISR per group from the CSV file DATA, as CSV."""
    from ..rates import crude_rate, dsr, isr, smr

    table = _read(data)
    options: dict[str, Any] = {"count": count, "population": population, "weighted": weighted,
                               "by": by.split(",") if by else None,
                               "confidence": list(confidence) if confidence else 0.95}
    if method is not None:
        options["method"] = method
    if multiplier is not None:
        options["multiplier"] = multiplier
    if kind == "crude":
        result = crude_rate(table, **options)
    else:
        function = {"dsr": dsr, "smr": smr, "isr": isr}[kind]
        result = function(table, standard=_standard(standard, kind), age=age,
                          strata=strata.split(",") if strata else None, **options)
    if out is None:
        click.echo(result.to_csv(index=False), nl=False)
    else:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        result.to_csv(out, index=False)
        click.echo(f"{len(result):,} rows written to {out}", err=True)
    return 0
