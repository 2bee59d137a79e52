"""A comparison declared once and run from the command line: ``kpcompare run CONFIG.toml --out DIR``.

:mod:`~kpcompare.run.config` reads and validates a configuration (the TOML keys of
:mod:`~kpcompare.run.schema`, docs/run.md); :mod:`~kpcompare.run.execute` runs it into a
:class:`kpcompare.report.bundle.ReportBundle`; :mod:`~kpcompare.run.output` writes the bundle (tables as CSV,
Markdown and LaTeX, figures, the HTML report, provenance.json).
"""

from __future__ import annotations

from .config import ConfigError, RunConfig, load_config, shipped_configs
from .execute import run_config
from .output import write_bundle

__all__ = ["ConfigError", "RunConfig", "load_config", "shipped_configs", "run_config", "write_bundle"]
