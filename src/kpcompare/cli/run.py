"""``kpcompare run`` (a declared comparison: tables, figures, HTML report, provenance) and ``kpcompare demo``."""

from __future__ import annotations

from pathlib import Path

import click

from ._app import cli, echo_table, progress_wanted

__all__ = ["run_command", "demo_command", "run_and_print"]

RUN_EPILOG = """\b
Examples:
  kpcompare run ham --out output                 # a shipped configuration, by name
  kpcompare run feachem --out costs
  kpcompare run my_comparison.toml --out appendix --date 2026-01-31
  kpcompare run my_comparison.toml --check       # validate only
  kpcompare run --list                           # shipped configurations and bundled sources

\b
Writes <prefix>_<table>.csv (full precision), .md and .tex (booktabs, rounded), the figures (.png and .svg),
report.html and provenance.json.  The date in provenance.json is --date, else SOURCE_DATE_EPOCH, else today:
fix it to make two runs byte-identical.  docs/run.md explains every key of a configuration.
"""


def _listing() -> str:
    from ..run import shipped_configs
    from ..run.sources import bundled_sources

    lines = ["Shipped configurations (kpcompare run NAME --out DIR):"]
    lines += [f"  {row.name:<10} {row.title}" for row in shipped_configs().itertuples()]
    lines += ["", "Bundled sources a configuration may name (bundled = \"...\"):"]
    lines += [f"  {kind:<12} {name:<8} {text}" for kind, name, text in bundled_sources()]
    return "\n".join(lines)


def _written(paths: list[Path], out: Path) -> list[str]:
    """The files written, by kind: stems once, with their formats."""
    from ..report._text import wrapped

    def kind(suffixes: tuple[str, ...], label: str, note: str = "") -> list[str]:
        chosen = [p for p in paths if p.suffix in suffixes]
        if not chosen:
            return []
        formats = ", ".join(dict.fromkeys(p.suffix for p in chosen))
        return [f"{label}: {', '.join(dict.fromkeys(p.stem for p in chosen))} ({formats}{note})"]

    lines = kind((".csv", ".md", ".tex"), "tables", "; CSV at full precision, Markdown and LaTeX rounded")
    lines += kind((".png", ".svg", ".pdf"), "figures")
    lines += [f"report and provenance: {', '.join(p.name for p in paths if p.suffix in ('.html', '.json'))}"]
    return [f"Written to {out.resolve()}:", *wrapped(lines, bullet="  ")]


def run_and_print(source: str, out: Path, *, date: str | None, progress: bool, quiet: bool) -> list[Path]:
    """Load, run and write a configuration; print its summary and the files written."""
    from ..run import load_config, run_config, write_bundle
    from ..run.summary import printed_text

    config = load_config(source)
    bundle = run_config(config, date=date, progress=progress)
    opts = config.settings["outputs"] or {"tables": ["csv", "md", "tex"], "figures": ["png", "svg"],
                                          "html": True, "digits": 3}
    paths = write_bundle(bundle, out, prefix=config.prefix, tables=opts["tables"], figures=opts["figures"],
                         html=opts["html"], digits=opts["digits"])
    if not quiet:
        echo_table("\n".join(["=" * 100, bundle.title, "=" * 100, printed_text(config, bundle), "", *_written(paths, out)]))
    return paths


@cli.command("run", epilog=RUN_EPILOG)
@click.argument("config", required=False)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (created if needed).")
@click.option("--list", "list_", is_flag=True, help="List the shipped configurations and bundled sources.")
@click.option("--check", is_flag=True, help="Validate the configuration and stop.")
@click.option("--date", default=None, metavar="YYYY-MM-DD", help="The date recorded in provenance.json.")
@click.option("--progress/--no-progress", default=None, help="Progress bars (default: on a terminal only).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors and warnings.")
def run_command(config: str | None, out: Path | None, list_: bool, check: bool, date: str | None,
                progress: bool | None, quiet: bool) -> int:
    """Run the comparison declared in CONFIG (a .toml file, or a shipped configuration's name)."""
    if list_:
        echo_table(_listing())
        return 0
    if config is None:
        raise click.UsageError("give a configuration (a .toml file or a shipped name; kpcompare run --list).")
    if check:
        from ..run import load_config

        loaded = load_config(config)
        click.echo(f"{loaded.path.name}: valid ({loaded.settings['title']})")
        return 0
    if out is None:
        raise click.UsageError("option --out is required: the folder to write the tables, figures and report to.")
    run_and_print(config, out, date=date, progress=progress_wanted(progress), quiet=quiet)
    return 0


DEMO_EPILOG = """\b
Examples:
  kpcompare demo --out output                     # = kpcompare run ham --out output (what `make demo` runs)
  kpcompare demo --out output --section all       # also England by ICD-10 chapter (kpcompare.report.demo)
"""


@cli.command("demo", epilog=DEMO_EPILOG)
@click.option("--out", default="output", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--section", "sections", multiple=True,
              help="Run the report demo's sections instead (ham, england_chapters or all; repeatable).")
@click.option("--date", default=None, metavar="YYYY-MM-DD", help="The date recorded in provenance.json.")
def demo_command(out: Path, sections: tuple, date: str | None) -> int:
    """The main job on bundled real data: the shipped Ham-style comparison."""
    if sections:
        from ..report import demo

        code = demo.main(["--out", str(out), *sum((["--section", s] for s in sections), [])])
        if code:
            raise click.exceptions.Exit(code)
        return 0
    run_and_print("ham", out, date=date, progress=progress_wanted(None), quiet=False)
    return 0
