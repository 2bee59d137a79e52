"""The fuzz test of one (function, fault class): hypothesis draws faulty calls, :func:`_check.check` judges them.

An escape fails the test unless the pair is listed in ``known_escapes.KNOWN`` with the escape's exception
type.  In the long run (``make fuzz``) a listed pair that no longer escapes fails too (strict: when the run
saw no escape of the pair, ``hypothesis.find`` searches :data:`STRICT_SEARCH` more cases), so the list only
shrinks.  The bounded run of ``make test`` (4 cases per pair) cannot tell a fixed pair from a rare escape, so
it skips that search.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from _check import Escape, check
from _faults import FAULTS, applicable
from _valid import VALID, Call
from known_escapes import KNOWN

#: the profile: "fuzz-bounded" in `make test`, "fuzz" with KPCOMPARE_FUZZ=1 (`make fuzz`); see conftest.py
PROFILE = "fuzz" if os.environ.get("KPCOMPARE_FUZZ") == "1" else "fuzz-bounded"
STRICT_SEARCH = 400 if PROFILE == "fuzz" else 0


@st.composite
def faulty_calls(draw: st.DrawFn, name: str, fault: str) -> tuple[Call, str | None]:
    """A valid call of ``name`` with one fault of class ``fault``, and what the fault did."""
    call = VALID[name]()
    return call, FAULTS[fault](call, draw)


def _cases(names: list[str]) -> list[pytest.param]:
    return [pytest.param(name, fault, id=f"{name.removeprefix('kpcompare.')}-{fault}")
            for name in names for fault in applicable(VALID[name]())]


def cases(names: list[str]) -> list[pytest.param]:
    """pytest parameters (function, fault class) for every fault class that can apply to each function."""
    return _cases(names)


def _tolerated(name: str, fault: str, escape: Escape) -> bool:
    known = KNOWN.get((name, fault))
    return known is not None and escape.type in known


def fuzz(name: str, fault: str) -> None:
    """Run the hypothesis search for escapes of ``name`` under ``fault``; then the strictness check."""
    seen: list[Escape] = []

    @settings(settings.get_profile(PROFILE))
    @given_calls(name, fault)
    def run(case: tuple[Call, str | None]) -> None:
        call, what = case
        escape = check(name, call)
        if escape is None:
            return
        if _tolerated(name, fault, escape):
            seen.append(escape)
            return
        raise AssertionError(f"{name} with one fault ({fault}: {what}) breaks a fuzz property: {escape}\n"
                             "Fix it at the boundary (a KpcompareError naming the argument), or, if another "
                             "branch owns the fix, list it in tests/fuzz/known_escapes.py")

    run()
    if (name, fault) in KNOWN and not seen and STRICT_SEARCH:
        _strict(name, fault)


def given_calls(name: str, fault: str):  # noqa: ANN201 - a hypothesis decorator
    from hypothesis import given

    return given(faulty_calls(name, fault).filter(lambda case: case[1] is not None))


def _strict(name: str, fault: str) -> None:
    def escapes(case: tuple[Call, str | None]) -> bool:
        escape = check(name, case[0])
        return escape is not None and _tolerated(name, fault, escape)

    try:
        find(faulty_calls(name, fault).filter(lambda case: case[1] is not None), escapes,
             settings=settings(max_examples=STRICT_SEARCH, database=None, derandomize=True, deadline=None,
                               suppress_health_check=list(HealthCheck)))
    except NoSuchExample:
        pytest.fail(f"known escape ({name!r}, {fault!r}) no longer escapes in {STRICT_SEARCH} cases: remove it "
                    "from tests/fuzz/known_escapes.py")
