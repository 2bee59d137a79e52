"""kpcompare.run.config: a configuration validated with errors that name the file, the line and the key."""

from __future__ import annotations

import pytest
from _user_config import CONFIG, write_user_config

from kpcompare.errors import InvalidArgumentError, KpcompareError, UnknownNameError
from kpcompare.run import ConfigError, load_config, shipped_configs


def _broken(tmp_path, old: str, new: str):
    text = CONFIG.replace("{comparison_extra}", "")
    if old not in text:
        raise ValueError(f"{old!r} is not in the configuration")  # a test bug, not a product bug
    return write_user_config(tmp_path, text=text.replace(old, new, 1))


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_valid_configuration_has_its_defaults_filled_in(tmp_path):
    config = load_config(write_user_config(tmp_path))
    assert config.name == "two" and config.prefix == "two"
    extract = config.settings["extracts"][0]
    assert (extract["unit"], extract["bed_days"], extract["newborns"]) == ("episode", "midnights", "include")
    assert config.settings["comparison"]["measures"] == ["admissions", "bed_days", "alos"]
    assert config.settings["outputs"] is None and config.settings["costs"] is None


CASES = [
    # (text replaced, replacement, key named, words of the message, the line's marker)
    ('mapping = "canonical"', 'mapping = "canonical"\nunit = "spel"', "extracts[0].unit",
     "'spel' is not one of episode, spell, cips.", 'unit = "spel"'),
    ('multiplier = 1000', 'multiplier = "1000"', "comparison.multiplier", "expected an integer or a number",
     'multiplier = "1000"'),
    ('age_min = 60', 'age_mni = 60', "comparison.age_mni", "unknown key. Did you mean 'age_min'?", "age_mni"),
    ('reference = "A"\n', '', "comparison", "missing key 'reference' in table [comparison].", "[comparison]"),
    ('path = "population.csv"', 'path = "populations.csv"', "populations[0].path",
     "file 'populations.csv' does not exist", 'path = "populations.csv"'),
    ('age_bands = [0, 60, 75]', 'age_bands = [0, "60", 75]', "extracts[0].age_bands[1]",
     "expected an integer, got '60'.", "age_bands"),
    ('plot = "bed_days_bars"', 'plot = "pie"', "figures[0].plot", "'pie' is not one of bed_days_bars",
     'plot = "pie"'),
    ('table = "comparison"', 'table = "cascade"', "figures[0].table",
     "'cascade' is not a table of this comparison", 'table = "cascade"'),
    ('path = "extract.csv"', 'path = "extract.csv"\nbundled = "ham_nhs"', "extracts[0]",
     "give exactly one of path, strata, bundled (given: path, bundled).", "[[extracts]]"),
    ('standard = "A"', 'standard = "A"\nconfidence = [0.95, 95]', "comparison.confidence",
     "95 is not a level between 0 and 1.", "confidence = [0.95, 95]"),
]


@pytest.mark.parametrize(("old", "new", "key", "message", "marker"), CASES, ids=[c[2] for c in CASES])
def test_errors_name_the_file_line_and_key(tmp_path, old, new, key, message, marker):
    path = _broken(tmp_path, old, new)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    line = _line(path.read_text(), marker)
    assert str(info.value).startswith(f"two.toml, line {line}: key {key!r}: ")
    assert message in str(info.value)
    assert (info.value.file, info.value.line, info.value.key) == ("two.toml", line, key)
    assert isinstance(info.value, KpcompareError) and isinstance(info.value, ValueError)


def test_invalid_toml_names_the_line(tmp_path):
    path = write_user_config(tmp_path, text='title = "x"\n[comparison\nreference = "A"\n')
    with pytest.raises(ConfigError, match=r"^two\.toml: not valid TOML: .*line 2"):
        load_config(path)


def test_nothing_to_run(tmp_path):
    path = write_user_config(tmp_path, text='title = "x"\n')
    with pytest.raises(ConfigError, match="nothing to run: declare a \\[comparison\\] or a \\[costs\\] table."):
        load_config(path)


def test_unknown_name_and_missing_file():
    with pytest.raises(UnknownNameError, match="'hamm' is neither a configuration file nor a shipped "
                                               "configuration; shipped configurations: feachem, ham"):
        load_config("hamm")
    with pytest.raises(InvalidArgumentError, match="configuration file 'nowhere.toml' does not exist"):
        load_config("nowhere.toml")


def test_shipped_configurations_are_listed_and_valid():
    shipped = shipped_configs()
    assert list(shipped["name"]) == ["feachem", "ham"]
    for name in shipped["name"]:
        config = load_config(name)
        assert config.shipped and config.settings["title"]
    assert load_config("ham").settings["comparison"]["reference"] == "NHS England 2000-01"
