"""The datasets manifest (``data/datasets.toml``) and the published-figures tables (``data/published/``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from .._compat import tomllib
from .._paths import data_dir, data_path
from ..errors import UnknownNameError

__all__ = ["list_datasets", "published", "published_names"]


@lru_cache(maxsize=1)
def _manifest() -> dict[str, Any]:
    with open(data_path("datasets.toml"), "rb") as fh:
        return tomllib.load(fh)


def list_datasets() -> pd.DataFrame:
    """The bundled datasets, one row per loader in :mod:`kpcompare.datasets`.

    Returns
    -------
    pandas.DataFrame
        Columns ``name`` (the loader's name), ``description``, ``source``, ``licence`` (full text) and
        ``files`` (the bundled files, ``;``-separated, relative to the data folder).
    """
    manifest = _manifest()
    licences = manifest["licences"]
    rows = [{
        "name": name,
        "description": entry["description"],
        "source": entry["source"],
        "licence": licences[entry["licence"]],
        "files": "; ".join(entry["files"]),
    } for name, entry in manifest["datasets"].items()]
    return pd.DataFrame(rows, columns=["name", "description", "source", "licence", "files"])


def published_names() -> list[str]:
    """Names accepted by :func:`published` (the CSV files of ``data/published/`` without ``.csv``)."""
    return sorted(p.stem for p in data_dir().joinpath("published").glob("*.csv"))


def published(name: str) -> pd.DataFrame:
    """A table of published figures from the Kaiser-NHS literature.

    Parameters
    ----------
    name : str
        File name in ``data/published/`` without ``.csv``: ``"feachem2002_cost_adjustments"``,
        ``"feachem2002_per_capita_chain"``, ``"feachem2002_table4_responsiveness"``,
        ``"feachem2002_other_measures_secondary"``, ``"ham2003_headline_ratios"``, ``"other_comparisons"``,
        ``"kp_public_figures"``, ``"seed_documents_figures"``.

    Returns
    -------
    pandas.DataFrame
        The table as bundled; every row carries its ``source`` (and, where applicable, a ``status``
        saying whether the figure was seen verbatim or derived).

    Raises
    ------
    kpcompare.errors.UnknownNameError
        Unknown name; the message lists the available names.

    Notes
    -----
    Source: Feachem RGA, Sekhri NK, White KL. BMJ 2002;324:135-41, doi:10.1136/bmj.324.7330.135;
    Talbot-Smith A et al. Br J Gen Pract 2004;54:415-21; Ham C, York N, Sutch S, Shaw R. BMJ
    2003;327:1257, doi:10.1136/bmj.327.7426.1257; other sources per row.  Licence: published figures
    (facts), cite the publication.  Sizes: 5 to 21 rows each.
    """
    names = published_names()
    key = name[:-4] if isinstance(name, str) and name.endswith(".csv") else name
    if key not in names:
        raise UnknownNameError(
            f"argument 'name': no published table {name!r}; available: {', '.join(names)}."
        )
    return pd.read_csv(data_path("published", f"{key}.csv"))
