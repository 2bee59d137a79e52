"""Where the bundled reference data live.

In an installed wheel the repository's top-level ``data/`` folder is packaged as
``kpcompare/_data``; in a source checkout (editable install) it is read from the
repository root.  Nothing here reads outside the project.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import UnknownNameError

__all__ = ["data_dir", "data_path"]


@lru_cache(maxsize=1)
def data_dir() -> Path:
    """The folder holding kpcompare's bundled data."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent.parent / "data"):
        if (candidate / "SOURCES.md").is_file():
            return candidate
    raise FileNotFoundError(  # pragma: no cover - packaging error, not user input
        f"kpcompare's bundled data folder was not found next to {here}; the installation is incomplete."
    )


def data_path(*parts: str) -> Path:
    """Path of one bundled file, e.g. ``data_path("england", "hes_2000-01_primary_diagnosis_4char.csv")``."""
    path = data_dir().joinpath(*parts)
    if not path.exists():
        raise UnknownNameError(f"bundled data file {'/'.join(parts)!r} does not exist in {data_dir()}.")
    return path
