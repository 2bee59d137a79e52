"""The command group and how the command line ends: user errors as one paragraph, a closed pipe quietly.

:func:`main` runs the click group without click's own exit handling, so that

* a user error (any :class:`~kpcompare.errors.KpcompareError`, a missing or unreadable file, invalid TOML)
  prints one paragraph ``kpcompare <command>: <ErrorClass>: <message>`` to stderr and returns 2, with no
  traceback (``--debug``, or ``KPCOMPARE_DEBUG=1``, prints it too);
* a usage error (unknown option, missing argument) prints click's usage message and returns 2;
* a closed pipe (``kpcompare standards | head -1``) ends quietly with 0;
* warnings (e.g. disclosure control turned off) print as ``kpcompare: warning: ...`` lines.
"""

from __future__ import annotations

import os
import sys
import traceback
import warnings
from collections.abc import Sequence
from typing import Any

import click

from ..errors import KpcompareError, KpcompareWarning

__all__ = ["cli", "main", "progress_wanted", "echo_table"]

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _one_line(message: Any, category: type, filename: str, lineno: int, line: str | None = None) -> str:
    """kpcompare's warnings as ``kpcompare: warning: ...`` (the default format shows a source line)."""
    if issubclass(category, KpcompareWarning):
        return f"kpcompare: warning: {message}\n"
    return _PYTHON_FORMAT(message, category, filename, lineno, line)


_PYTHON_FORMAT = warnings.formatwarning


class _Group(click.Group):
    """The command group: kpcompare's warnings are printed as one line each while a command runs."""

    def invoke(self, ctx: click.Context) -> Any:
        with warnings.catch_warnings():
            # the command line reports kpcompare's warnings (every time), unless a filter given with -W, or a test's,
            # says otherwise (appended: lower priority than the filters in force)
            warnings.simplefilter("always", KpcompareWarning, append=True)
            # pandera imports pyspark when it is installed; its pandas-version notice is not the user's concern
            warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
            formatting, warnings.formatwarning = warnings.formatwarning, _one_line
            try:
                return super().invoke(ctx)
            finally:
                warnings.formatwarning = formatting


@click.group(cls=_Group, context_settings=CONTEXT)
@click.option("--debug", is_flag=True, help="On an error, print the traceback too (also KPCOMPARE_DEBUG=1).")
def cli(debug: bool) -> None:
    """Reproducible comparisons of health systems (kpcompare).

    \b
    Examples:
      kpcompare run ham --out output          # the shipped Ham-style comparison
      kpcompare run my_comparison.toml --out appendix
      kpcompare aggregate extract.csv --mapping hes --out strata.csv
      kpcompare rates deaths.csv --count deaths --population pop --standard esp2013 --kind dsr

    Run `kpcompare COMMAND --help` for a command's options and an example.
    """


def progress_wanted(flag: bool | None) -> bool:
    """Progress bars: as asked, else only when stderr is a terminal."""
    return sys.stderr.isatty() if flag is None else flag


def echo_table(text: str) -> None:
    """Print a block of text (a closed pipe is handled by :func:`main`)."""
    click.echo(text)


def _command_name(argv: Sequence[str]) -> str:
    words = [a for a in argv if not a.startswith("-")]
    if words[:1] == ["figures"] and len(words) > 1:
        return "figures " + words[1]
    return words[0] if words else ""


def _user_error(exc: BaseException, argv: Sequence[str], debug: bool) -> int:
    if debug:
        traceback.print_exception(exc)
    name = _command_name(argv)
    if isinstance(exc, OSError) and not isinstance(exc, KpcompareError):
        what = f"{exc.strerror or exc}" + (f": {exc.filename}" if getattr(exc, "filename", None) else "")
        message = f"{type(exc).__name__}: {what}."
    else:
        message = f"{type(exc).__name__}: {exc}"
    click.echo(f"kpcompare{' ' + name if name else ''}: {message}", err=True)
    return 2


def _quiet_pipe() -> int:
    """stdout was closed by the reader: point it at /dev/null so the interpreter's final flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor (e.g. CliRunner)
        pass
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 done, 1 a check failed, 2 a user or usage error)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("KPCOMPARE_DEBUG", "") not in ("", "0")
    args = [a for a in args if a != "--debug"]
    try:
        result = cli.main(args=args, prog_name="kpcompare", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except BrokenPipeError:
        return _quiet_pipe()
    except (KpcompareError, OSError) as exc:
        return _user_error(exc, args, debug)
