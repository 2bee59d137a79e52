"""A comparison declared once: reading and validating a configuration file (the spec; execute.py runs it).

A configuration is a TOML file (Python's :mod:`tomllib`) whose keys are declared in
:mod:`kpcompare.run.schema` and explained in docs/run.md.  :func:`load_config` reads a file, or a shipped
configuration by name (``ham``, ``feachem``; :func:`shipped_configs`), checks every key and returns a
:class:`RunConfig` holding the settings with their defaults filled in.  Every error is a
:class:`ConfigError` naming the file, the line and the key, e.g.
``ham.toml, line 12: key 'extracts[1].unit': 'spel' is not one of episode, spell, cips.``
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from .._compat import tomllib
from ..errors import InvalidArgumentError, UnknownNameError
from . import schema
from ._lines import key_lines, line_of
from .sources import BUNDLED_CAVEATS, BUNDLED_POPULATIONS, BUNDLED_STRATA

__all__ = ["ConfigError", "RunConfig", "load_config", "shipped_configs", "config_key"]

#: the tables each kind of section produces (what ``[[figures]] table`` and ``[[caveats]] table`` may name)
COMPARISON_TABLES = ("comparison", "by_age_band", "decomposition", "strata", "population")
COST_TABLES = ("cascade", "assumptions", "sensitivity")


class ConfigError(InvalidArgumentError):
    """A configuration file is not valid TOML or breaks a rule; names the file, line and key."""

    def __init__(self, message: str, *, file: str = "", line: int | None = None, key: str = "") -> None:
        where = ", ".join(p for p in (file, f"line {line}" if line else "") if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.file = file
        self.line = line
        self.key = key


def config_key(path: tuple) -> str:
    """``("extracts", 1, "unit")`` -> ``"extracts[1].unit"``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True)
class RunConfig:
    """A validated configuration: ``settings`` (defaults filled in), where it came from, and its key lines."""

    name: str
    path: Path
    text: str
    settings: Mapping[str, Any]
    lines: Mapping[tuple, int]
    shipped: bool = False

    def line(self, path: tuple) -> int | None:
        """The line of a key (or of its nearest enclosing key or table)."""
        return line_of(dict(self.lines), path)

    def error(self, path: tuple, message: str) -> ConfigError:
        """A :class:`ConfigError` about the key at ``path``: ``<file>, line N: key 'a.b': message``."""
        key = config_key(path)
        return ConfigError(f"key {key!r}: {message}" if key else message, file=self.path.name,
                           line=self.line(path), key=key)

    def resolve(self, value: str) -> Path:
        """A path written in the configuration: relative paths are relative to the configuration file."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else (self.path.parent / path)

    @property
    def prefix(self) -> str:
        """The file-name prefix of every output."""
        return self.settings.get("prefix") or self.name


# ----------------------------------------------------------------------------------------- shipped files


def _shipped_dir() -> Path:
    return Path(str(resources.files("kpcompare.run") / "configs"))


def shipped_configs() -> pd.DataFrame:
    """The configurations shipped with kpcompare: ``name, title, path`` (run one with ``kpcompare run NAME``)."""
    rows = []
    for path in sorted(_shipped_dir().glob("*.toml")):
        with open(path, "rb") as fh:
            title = tomllib.load(fh).get("title", "")
        rows.append({"name": path.stem, "title": title, "path": str(path)})
    return pd.DataFrame(rows, columns=["name", "title", "path"])


def _locate(source: str | Path) -> tuple[Path, bool]:
    """A file path, or the shipped configuration of that name."""
    text = str(source)
    path = Path(text).expanduser()
    if path.is_file():
        return path, False
    shipped = _shipped_dir() / f"{text}.toml"
    if not text.lower().endswith(".toml") and "/" not in text and shipped.is_file():
        return shipped, True
    names = ", ".join(shipped_configs()["name"])
    if text.lower().endswith(".toml") or "/" in text:
        raise InvalidArgumentError(f"configuration file {text!r} does not exist (shipped configurations: {names}).")
    raise UnknownNameError(f"{text!r} is neither a configuration file nor a shipped configuration; shipped "
                           f"configurations: {names} (kpcompare run --list).")


def load_config(source: str | Path) -> RunConfig:
    """Read and validate a configuration: a TOML file, or the name of a shipped configuration.

    Parameters
    ----------
    source : str or Path
        A ``.toml`` file, or ``ham`` / ``feachem`` (:func:`shipped_configs`).

    Returns
    -------
    RunConfig

    Raises
    ------
    ConfigError
        The file is not TOML, or a key is unknown, missing, of the wrong type or out of range; the message
        names the file, the line and the key.
    """
    path, shipped = _locate(source)
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}.", file=path.name) from None
    lines = key_lines(text)
    draft = RunConfig(name=path.stem, path=path, text=text, settings=data, lines=lines, shipped=shipped)
    settings = _table(draft, data, schema.TOP, ())
    config = RunConfig(name=path.stem, path=path, text=text, settings=settings, lines=lines, shipped=shipped)
    _check_meaning(config)
    return config


# ----------------------------------------------------------------------------------------- types and keys


def _type_names(types: tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "an array",
             dict: "a table"}
    return " or ".join(dict.fromkeys(names[t] for t in types))


def _is(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, int) and float in types:
        return True
    return isinstance(value, types)


def _table(config: RunConfig, data: Any, keys: dict[str, schema.Key], path: tuple) -> dict[str, Any]:
    """Check one table against its keys; returns it with the defaults filled in."""
    if not isinstance(data, dict):
        raise config.error(path, f"expected a table, got {type(data).__name__} {data!r}.")
    unknown = [k for k in data if k not in keys]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(keys), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else f" Known keys here: {', '.join(keys)}."
        raise config.error((*path, unknown[0]), f"unknown key.{hint}")
    out: dict[str, Any] = {}
    for name, key in keys.items():
        if name not in data:
            if key.required:
                where = f"table [{config_key(path)}]" if path else "the top level"
                raise config.error(path, f"missing key {name!r} in {where}.")
            out[name] = key.default
            continue
        out[name] = _value(config, data[name], key, (*path, name))
    return out


def _value(config: RunConfig, value: Any, key: schema.Key, path: tuple) -> Any:
    """Check one value: its type, its choices, its items or nested tables."""
    if isinstance(value, dict) and list in key.types and key.keys is not None:
        return [_table(config, value, key.keys, path)]  # [populations] given as one table
    if isinstance(value, dict) and dict in key.types and key.keys is not None:
        return _table(config, value, key.keys, path)
    if not _is(value, key.types):
        raise config.error(path, f"expected {_type_names(key.types)}, got {value!r}.")
    if key.choices and value not in key.choices:
        raise config.error(path, f"{value!r} is not one of {', '.join(map(str, key.choices))}.")
    if isinstance(value, list):
        return _array(config, value, key, path)
    if isinstance(value, dict):
        for name, item in value.items():
            if key.values and not _is(item, key.values):
                raise config.error((*path, name), f"expected {_type_names(key.values)}, got {item!r}.")
    return value


def _array(config: RunConfig, value: list, key: schema.Key, path: tuple) -> list:
    if key.keys is not None:
        return [_table(config, item, key.keys, (*path, i)) for i, item in enumerate(value)]
    choices = key.extra.get("choices", ())
    for i, item in enumerate(value):
        if key.items and not _is(item, key.items):
            raise config.error((*path, i), f"expected {_type_names(key.items)}, got {item!r}.")
        if choices and item not in choices:
            raise config.error((*path, i), f"{item!r} is not one of {', '.join(choices)}.")
    return value


# ----------------------------------------------------------------------------------------- meaning


def _one_of(config: RunConfig, table: dict, names: tuple[str, ...], path: tuple) -> str:
    given = [n for n in names if table.get(n) is not None]
    if len(given) != 1:
        said = ", ".join(given) if given else "none"
        raise config.error(path, f"give exactly one of {', '.join(names)} (given: {said}).")
    return given[0]


def _existing(config: RunConfig, value: str, path: tuple) -> None:
    if not config.resolve(value).exists():
        raise config.error(path, f"file {value!r} does not exist (looked for {config.resolve(value)}).")


def _check_sources(config: RunConfig) -> None:
    """Extracts and populations: one source each, known bundled names, existing files, unique names."""
    seen: set[str] = set()
    for i, ex in enumerate(config.settings["extracts"] or []):
        kind = _one_of(config, ex, ("path", "strata", "bundled"), ("extracts", i))
        if ex["name"] in seen:
            raise config.error(("extracts", i, "name"), f"extract name {ex['name']!r} is used twice.")
        seen.add(ex["name"])
        if kind == "bundled" and ex["bundled"] not in BUNDLED_STRATA:
            raise config.error(("extracts", i, "bundled"), f"{ex['bundled']!r} is not a bundled source; "
                               f"bundled sources: {', '.join(BUNDLED_STRATA)}.")
        if kind != "bundled":
            _existing(config, ex[kind], ("extracts", i, kind))
        if ex["period"] is not None and len(ex["period"]) != 2:
            raise config.error(("extracts", i, "period"), "expected [first, last] (\"-\" for an open end).")
    for i, pop in enumerate(config.settings["populations"] or []):
        kind = _one_of(config, pop, ("path", "bundled"), ("populations", i))
        if kind == "bundled" and pop["bundled"] not in BUNDLED_POPULATIONS:
            raise config.error(("populations", i, "bundled"), f"{pop['bundled']!r} is not a bundled "
                               f"population; bundled: {', '.join(BUNDLED_POPULATIONS)}.")
        if kind == "path":
            _existing(config, pop["path"], ("populations", i, "path"))


def _check_comparison(config: RunConfig) -> None:
    cmp = config.settings["comparison"]
    if cmp is None:
        return
    if not config.settings["extracts"] or not config.settings["populations"]:
        raise config.error(("comparison",), "a [comparison] needs [[extracts]] and [[populations]].")
    levels = cmp["confidence"] if isinstance(cmp["confidence"], list) else [cmp["confidence"]]
    for level in levels:
        if not 0 < level < 1:
            raise config.error(("comparison", "confidence"), f"{level!r} is not a level between 0 and 1.")
    if isinstance(cmp["standard"], dict):
        if set(cmp["standard"]) != {"path"} or not isinstance(cmp["standard"]["path"], str):
            raise config.error(("comparison", "standard"), "a standard table is written {path = \"file.csv\"}.")
        _existing(config, cmp["standard"]["path"], ("comparison", "standard", "path"))
    if cmp["systems"] is not None and cmp["reference"] not in cmp["systems"]:
        raise config.error(("comparison", "reference"), f"{cmp['reference']!r} is not one of the systems "
                           f"({', '.join(cmp['systems'])}).")
    for i, band in enumerate(cmp["within"] or []):
        if band["age_min"] is not None and band["age_max"] is not None and band["age_min"] > band["age_max"]:
            raise config.error(("comparison", "within", i, "age_max"), "age_max is below age_min.")


def _check_costs(config: RunConfig) -> None:
    costs = config.settings["costs"]
    if costs is None:
        return
    given = "assumption_sets" if costs["assumption_sets"] else None
    files = [k for k in ("lines", "factors") if costs[k] is not None]
    if bool(given) == bool(files) or (files and len(files) != 2):
        raise config.error(("costs",), "give either assumption_sets (bundled) or both lines and factors (files).")
    for k in files:
        _existing(config, costs[k], ("costs", k))


def _check_outputs(config: RunConfig) -> None:
    tables = (COMPARISON_TABLES if config.settings["comparison"] else ()) + \
             (COST_TABLES if config.settings["costs"] else ())
    names: set[str] = set()
    for i, fig in enumerate(config.settings["figures"] or []):
        if fig["table"] not in tables:
            raise config.error(("figures", i, "table"), f"{fig['table']!r} is not a table of this comparison "
                               f"({', '.join(tables) or 'none'}).")
        if fig["name"] in names:
            raise config.error(("figures", i, "name"), f"figure name {fig['name']!r} is used twice.")
        names.add(fig["name"])
    caveats = config.settings["caveats"]
    if isinstance(caveats, str) and caveats not in BUNDLED_CAVEATS:
        raise config.error(("caveats",), f"{caveats!r} is not a bundled caveat list ({', '.join(BUNDLED_CAVEATS)}).")
    for i, cav in enumerate(caveats if isinstance(caveats, list) else []):
        if cav["table"] not in tables:
            raise config.error(("caveats", i, "table"), f"{cav['table']!r} is not a table of this comparison.")


def _check_meaning(config: RunConfig) -> None:
    """Rules across keys: what each part needs, files that exist, names that are known."""
    if config.settings["comparison"] is None and config.settings["costs"] is None:
        raise config.error((), "nothing to run: declare a [comparison] or a [costs] table.")
    _check_sources(config)
    _check_comparison(config)
    _check_costs(config)
    _check_outputs(config)
