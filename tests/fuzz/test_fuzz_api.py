"""The fuzz suite covers the whole public API: every public function has a valid call in _valid.py, that
call keeps the fuzz properties, every call with arguments is fuzzed by a test_fuzz_<area>.py module, and
known_escapes.py names only real functions and fault classes."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from public_api import public_functions

from _check import check
from _faults import FAULTS, applicable
from _valid import VALID
from known_escapes import KNOWN

FUNCTIONS = public_functions()
HERE = Path(__file__).resolve().parent


def _fuzzed_names() -> set[str]:
    names: set[str] = set()
    for path in HERE.glob("test_fuzz_*.py"):
        if path.name != Path(__file__).name:
            names |= set(importlib.import_module(path.stem).NAMES)
    return names


def test_every_public_function_has_a_valid_call():
    missing = [names[0] for names in FUNCTIONS.values() if not set(names) & set(VALID)]
    assert missing == [], f"add a valid call for {missing} to tests/fuzz/_valid.py (docs/contributing.md)"


def test_valid_calls_are_public_names_of_the_right_function():
    by_name = {n: f for f, names in FUNCTIONS.items() for n in names}
    assert set(VALID) <= set(by_name)


@pytest.mark.parametrize("name", sorted(VALID))
def test_the_valid_call_keeps_the_properties(name):
    escape = check(name, VALID[name]())
    known = KNOWN.get((name, "valid"))
    if known is None:
        assert escape is None
    else:  # strict: a known escape that is fixed must leave the list
        assert escape is not None, f"({name!r}, 'valid') no longer escapes: remove it from known_escapes.py"
        assert escape.type in known, escape


def test_every_function_with_arguments_is_fuzzed():
    fuzzed = _fuzzed_names()
    assert fuzzed <= set(VALID)
    unfuzzed = [n for n in VALID if applicable(VALID[n]()) and n not in fuzzed]
    assert unfuzzed == [], f"add {unfuzzed} to the NAMES of a tests/fuzz/test_fuzz_<area>.py"


def test_known_escapes_name_real_pairs():
    for (name, fault), types in KNOWN.items():
        assert name in VALID and (fault in FAULTS or fault == "valid"), (name, fault)
        assert fault == "valid" or fault in applicable(VALID[name]()), (name, fault)
        assert types and all(isinstance(t, str) for t in types), (name, fault)
