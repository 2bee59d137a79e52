"""What ``provenance.json`` records: versions, input files with SHA-256, the resolved configuration, the date
and what disclosure control did.

The date is the only thing that changes between two runs on the same inputs: fix it with ``--date`` (or the
``date`` argument) or the ``SOURCE_DATE_EPOCH`` environment variable (reproducible-builds.org) for a
byte-identical provenance.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import InvalidArgumentError
from .config import RunConfig

__all__ = ["build_provenance", "run_date", "write_provenance", "DEPENDENCIES"]

#: the packages whose versions are recorded (the core dependencies and the command line's)
DEPENDENCIES = ("numpy", "pandas", "pyarrow", "pandera", "scipy", "statsmodels", "matplotlib", "tqdm", "click")


def run_date(date: str | None = None) -> str:
    """``date`` (``YYYY-MM-DD``) if given, else the UTC date of ``SOURCE_DATE_EPOCH`` if set, else today (UTC)."""
    if date is not None:
        try:  # the form is checked first: Python 3.11+ fromisoformat also reads 20260101 and 2026-W01-1
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(date)):
                raise ValueError(date)
            return dt.date.fromisoformat(str(date)).isoformat()
        except ValueError:
            raise InvalidArgumentError(f"option --date: {date!r} is not a date YYYY-MM-DD.") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip():
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date().isoformat()
        except (ValueError, OverflowError, OSError):
            raise InvalidArgumentError(f"environment variable SOURCE_DATE_EPOCH: {epoch!r} is not a number "
                                       "of seconds since 1970-01-01.") from None
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def build_provenance(config: RunConfig, inputs: list[dict[str, Any]], *, disclosure: dict[str, Any],
                     date: str | None = None, rows: dict[str, Any] | None = None) -> dict[str, Any]:
    """The provenance record of a run (what provenance.json holds); ``rows``: rows read, counted and excluded
    per record-level extract (the HTML report's accounting, read = counted + excluded)."""
    return {
        "kpcompare": getattr(sys.modules.get("kpcompare"), "__version__", None) or _version("kpcompare"),
        "python": platform.python_version(),
        "dependencies": {name: _version(name) for name in DEPENDENCIES},
        "date": run_date(date),
        "configuration": {"name": config.name, "file": "shipped:" + config.path.name if config.shipped
                          else str(config.path), "resolved": _plain(dict(config.settings))},
        "inputs": inputs,
        "rows": dict(rows or {}),
        "disclosure": disclosure,
    }


def _plain(value: Any) -> Any:
    """JSON-ready copy (tuples as lists, paths as text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def write_provenance(provenance: dict[str, Any], path: Path) -> Path:
    """Write ``provenance.json`` (sorted keys, UTF-8, a final newline) and return its path."""
    path.write_text(json.dumps(_plain(provenance), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path
