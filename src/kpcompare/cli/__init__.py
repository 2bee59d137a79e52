"""The ``kpcompare`` command: the library's main entry points for analysts who work from a shell.

::

    kpcompare run ham --out output          # a declared comparison: tables, figures, report, provenance
    kpcompare run --list                    # the shipped configurations
    kpcompare aggregate EXTRACT --mapping hes --conditions ham2003_leading_causes --out strata.csv
    kpcompare rates deaths.csv --count deaths --population pop --kind dsr --standard esp2013
    kpcompare standards                     # the registered standard populations
    kpcompare figures check REGISTRY        # published figures recomputed
    kpcompare demo --out output             # the main job on bundled data (what `make demo` runs)

Built with click; :func:`main` is the console script's entry point (``kpcompare.cli:main``) and returns the
exit code.  Each command's module: :mod:`~kpcompare.cli.run`, :mod:`~kpcompare.cli.aggregate`,
:mod:`~kpcompare.cli.rates`, :mod:`~kpcompare.cli.reference`; errors and pipes: :mod:`~kpcompare.cli._app`.
"""

from __future__ import annotations

import sys

from . import aggregate, rates, reference, run  # noqa: F401 - each registers its command on the group
from ._app import cli, main

__all__ = ["cli", "main"]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
