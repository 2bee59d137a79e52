"""``kpcompare standards`` (the registered standard populations) and ``kpcompare figures check`` (a figures
registry recomputed and compared with the published numbers)."""

from __future__ import annotations

import click

from ._app import cli, echo_table

__all__ = ["standards_command", "figures_group", "figures_check_command"]

STANDARDS_EPILOG = """\b
Examples:
  kpcompare standards                 # name, edition, bands, total, description
  kpcompare standards --csv           # every column, as CSV
  kpcompare standards esp2013         # the bands and populations of one standard
"""


@cli.command("standards", epilog=STANDARDS_EPILOG)
@click.argument("name", required=False)
@click.option("--csv", "as_csv", is_flag=True, help="Print as CSV.")
def standards_command(name: str | None, as_csv: bool) -> int:
    """List the registered standard populations, or show one (NAME)."""
    from ..refdata import list_standard_populations, standard_population

    if name is not None:
        table = standard_population(name)
        echo_table(table.to_csv(index=False).rstrip("\n") if as_csv else table.to_string(index=False))
        return 0
    table = list_standard_populations()
    if as_csv:
        echo_table(table.to_csv(index=False).rstrip("\n"))
    else:
        short = table[["name", "edition", "n_bands", "total", "description"]]
        echo_table(short.to_string(index=False, formatters={"total": "{:,.0f}".format}))
    return 0


@cli.group("figures")
def figures_group() -> None:
    """Published figures: check a registry of printed numbers against the computations that reproduce them."""


CHECK_EPILOG = """\b
Examples:
  kpcompare figures check                       # the bundled registry (data/figures/registry.csv)
  kpcompare figures check my_paper_figures.csv  # a paper's own registry
  kpcompare figures check --id feachem2002.within_10pct --csv

Exit code 0 when every figure is reproduced within its printed precision, 1 when one is not.
"""


@figures_group.command("check", epilog=CHECK_EPILOG)
@click.argument("registry", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--id", "ids", multiple=True, help="Check only this figure (repeatable).")
@click.option("--csv", "as_csv", is_flag=True, help="Print every column as CSV.")
def figures_check_command(registry: str | None, ids: tuple, as_csv: bool) -> int:
    """Recompute every figure of REGISTRY (default: the bundled one) and compare it with the printed value."""
    from ..figures import check, load_registry

    checked = check(load_registry(registry), ids=list(ids) or None)
    if as_csv:
        echo_table(checked.to_csv(index=False).rstrip("\n"))
    else:
        cols = [c for c in ("id", "published", "computed", "bounds", "ok", "status") if c in checked.columns]
        echo_table(checked[cols].to_string(index=False))
    failed = int(checked["ok"].eq(False).fillna(False).sum())
    passed = int(checked["ok"].eq(True).fillna(False).sum())
    click.echo(f"{passed} of {len(checked)} figures reproduced; {failed} not; "
               f"{len(checked) - passed - failed} not computable from bundled inputs (see status).", err=True)
    if failed:
        raise click.exceptions.Exit(1)
    return 0
