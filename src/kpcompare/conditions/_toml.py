"""The TOML side of condition files: one reader for condition sets and condition rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._compat import tomllib
from ..errors import SourceReadError

__all__ = ["read_group_tables"]


def read_group_tables(path: Path, *, what: str, hint: str = "") -> tuple[dict[str, Any], list[Any]]:
    """The TOML document of a condition file and its ``[[group]]`` tables (at least one).

    ``what`` names the file in messages (``"condition set file"``); ``hint`` follows the "no [[group]]" one.
    """
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SourceReadError(f"{what} {str(path)!r} is not valid TOML: {exc}") from exc
    entries = doc.get("group")
    if not isinstance(entries, list) or not entries:
        raise SourceReadError(f"{what} {str(path)!r}: no [[group]] tables found{hint}.")
    return doc, entries
