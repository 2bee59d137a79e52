"""The published-figures registry: bounds from wording, checks, the pytest helper, registry errors.

Every figure of data/figures/registry.csv whose status is "computed from bundled inputs" is reproduced
here through the ``published_figure`` fixture (one test per figure, named by its id; the registry row
carries the source: Feachem et al BMJ 2002;324:135, Talbot-Smith et al BJGP 2004;54:415, Himmelstein &
Woolhandler BMJ 2002;324:1332, Frolich et al BMC HSR 2008, DH progress report 2003).
"""

from __future__ import annotations

import pathlib

import json
import math
import re
import subprocess
import sys
import textwrap
from importlib import metadata

import pandas as pd
import pytest

from kpcompare import figures
from kpcompare._paths import data_path
from kpcompare.errors import DuplicateKeyError, InvalidArgumentError, InvalidValueError, UnknownNameError
from kpcompare.figures.pytest_plugin import figure_registry, published_figure  # noqa: F401 (fixtures)

REGISTRY = figures.load_registry()
_COMPUTED_STATUSES = ("computed from bundled inputs", "consistency check (input implied by this figure)")
COMPUTED = REGISTRY.loc[REGISTRY["status"].isin(_COMPUTED_STATUSES), "id"].tolist()
CHECKED = figures.check(REGISTRY).set_index("id")


# wording -> bounds: tests/test_wording.py (kpcompare.wording)


# ------------------------------------------------------------------ the bundled registry
@pytest.mark.parametrize("figure_id", COMPUTED)
def test_published_figure_is_reproduced(figure_id, published_figure):  # noqa: F811
    published_figure(figure_id, CHECKED.loc[figure_id, "computed"])


def test_check_table_shape_and_verdicts():
    assert list(CHECKED.reset_index().columns) == figures.CHECK_COLUMNS
    assert len(COMPUTED) == 18
    assert CHECKED.loc[COMPUTED, "ok"].all()
    others = CHECKED.drop(index=COMPUTED)
    assert others["ok"].isna().all() and others["computed"].isna().all()
    assert set(REGISTRY["status"]) <= set(figures.STATUSES)
    # a figure has a computation exactly when its status says it is computed
    assert set(REGISTRY.loc[REGISTRY["compute"].ne(""), "id"]) == set(COMPUTED)


def test_issue_figures_are_reproduced_or_marked_consistency_only():
    # issue 5 §1: the independent reproductions, and those whose inputs were implied by the figure itself
    independent = ["feachem2002.nhs_net_gbp_m", "feachem2002.kaiser_net_usd_m", "feachem2002.gap_usd",
                   "feachem2002.within_10pct", "talbot_smith2004.nhs_per_capita_usd",
                   "talbot_smith2004.nhs_advantage_40pct", "himmelstein2002.ppp_inflates_52pct"]
    consistency = ["feachem2002.nhs_per_capita_gbp", "feachem2002.nhs_per_capita_usd", "feachem2002.nhs_ppp_usd",
                   "feachem2002.nhs_age_adjusted_usd", "feachem2002.kaiser_per_capita_usd"]
    assert (CHECKED.loc[independent, "status"] == "computed from bundled inputs").all()
    assert (CHECKED.loc[consistency, "status"] == _COMPUTED_STATUSES[1]).all()
    assert CHECKED.loc[consistency, "note"].str.contains("consistency").all()
    assert CHECKED.loc[independent + consistency, "ok"].all()


def test_registry_covers_every_source_family():
    prefixes = {i.split(".")[0] for i in REGISTRY["id"]}
    assert {"feachem2002", "talbot_smith2004", "ham2003", "frolich2008", "doh2003", "aucoin2013",
            "shapiro2003"} <= prefixes
    assert REGISTRY["source"].str.len().gt(5).all()


def _numbers(text: str) -> set[float]:
    return {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}


@pytest.mark.parametrize("figure_id", REGISTRY["id"].tolist())
def test_registry_value_appears_in_its_bundled_source_file(figure_id):
    # provenance: each figure's number is in the bundled table it names (not typed in from elsewhere);
    # figures quoted from text that is not bundled say so and give the address
    row = REGISTRY.set_index("id").loc[figure_id]
    where = row["source_file"]
    if where.startswith("not in a bundled file"):
        assert "http" in where
        return
    path = data_path(*where.split(" ")[0].split("/"))
    numbers = _numbers(path.read_text(encoding="utf-8"))
    wanted = [row["lower"], row["upper"]] if row["wording"] == "range" else [row["value"]]
    for v in map(float, wanted):
        assert any(math.isclose(n, v) or math.isclose(n, v / 100) for n in numbers), (figure_id, v, where)
def test_chain_figure_notes_its_rounded_input():
    assert "depends on a rounded input" in CHECKED.loc["feachem2002.nhs_per_capita_usd", "note"]


def test_ham_headline_stored_with_status():
    row = CHECKED.loc["ham2003.nhs_kaiser_bed_days_ratio"]
    assert row["bounds"] == "[3.45, 3.55)" and row["status"] == "needs data not public"


# ------------------------------------------------------------------ assert_figure / fixture
def test_assert_figure_message_shows_published_computed_and_bounds():
    with pytest.raises(AssertionError) as err:
        figures.assert_figure("feachem2002.nhs_per_capita_usd", 1398.2)
    msg = str(err.value)
    assert "published $1,402 (printed) means [1401.5, 1402.5); computed 1398.2 is below by 3.3" in msg
    assert "Feachem" in msg


def test_assert_figure_above_and_pass():
    figures.assert_figure("ham2003.nhs_medicare_california_ratio", 1.9)
    with pytest.raises(AssertionError, match=r"computed 2.1 is above by 0.1"):
        figures.assert_figure("ham2003.nhs_medicare_california_ratio", 2.1)


def test_fixture_fails_with_readable_message(published_figure):  # noqa: F811
    with pytest.raises(AssertionError, match=r"'doh2003.cardiologists_three_times'.*means \[2.625, 3.375\]"):
        published_figure("doh2003.cardiologists_three_times", 2.0)


# ------------------------------------------------------------------ the plugin in a paper appendix
_PLUGIN = "kpcompare.figures.pytest_plugin"
_APPENDIX = """
    def test_net(published_figure):
        published_figure("feachem2002.nhs_net_gbp_m", 52103.2)

    def test_chain(published_figure):
        published_figure("feachem2002.nhs_per_capita_usd", 1398.2)
"""


def _run_appendix(tmp_path, *, conftest: bool, entry_point: str | None) -> str:
    """Run pytest on a two-test appendix in a fresh process.

    Without ``entry_point`` no entry point is loaded at all (PYTEST_DISABLE_PLUGIN_AUTOLOAD), so only
    the conftest can provide the fixtures.  With it, a stand-in distribution declares the entry point
    under that name; an installed entry point named ``kpcompare`` is blocked (``-p no:kpcompare``) so
    that the stand-in's naming is what is tested."""
    app = tmp_path / "appendix"
    app.mkdir()
    (app / "test_appendix.py").write_text(textwrap.dedent(_APPENDIX))
    if conftest:
        (app / "conftest.py").write_text(f"pytest_plugins = [{_PLUGIN!r}]\n")
    env_path = []
    if entry_point is not None:  # a stand-in distribution declaring the pytest11 entry point
        dist = tmp_path / "site" / "kpcompare_ep-0.dist-info"
        dist.mkdir(parents=True)
        (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kpcompare-ep\nVersion: 0\n")
        (dist / "entry_points.txt").write_text(f"[pytest11]\n{entry_point} = {_PLUGIN}\n")
        env_path = [str(tmp_path / "site")]
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(env_path + [os.environ.get("PYTHONPATH", "")])}
    if entry_point is None:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "-p", "no:kpcompare",
                           str(app)], cwd=app, env=env, capture_output=True, text=True, timeout=120)
    return proc.stdout + proc.stderr


@pytest.mark.parametrize("conftest, entry_point", [(True, None), (True, _PLUGIN)],
                         ids=["conftest-only", "entry-point-and-conftest"])
def test_plugin_in_a_paper_appendix(tmp_path, conftest, entry_point):
    # the helper works with pytest_plugins in a conftest and no entry point, and with the pytest11 entry
    # point installed as well (then the conftest line is a no-op and the entry point provides the fixture;
    # the entry point must be named like the module, else pluggy refuses the second registration)
    out = _run_appendix(tmp_path, conftest=conftest, entry_point=entry_point)
    assert "1 failed, 1 passed" in out, out
    # one readable line: statement, printed figure, its bounds, computed value and the miss, source
    assert re.search(r"^E\s+AssertionError: figure 'feachem2002.nhs_per_capita_usd' \('£876 = \$1402'; "
                     r"Feachem et al BMJ 2002;324:135", out, re.MULTILINE), out
    assert "published $1,402 (printed) means [1401.5, 1402.5); computed 1398.2 is below by 3.3." in out
    assert "raise AssertionError(" not in out  # the helper's own frames are hidden


def test_installed_entry_point_is_named_like_the_module():
    # pyproject.toml must declare  "kpcompare.figures.pytest_plugin" = "kpcompare.figures.pytest_plugin"
    # under [project.entry-points.pytest11]: with another name, a conftest that also lists the module in
    # pytest_plugins makes pytest stop with "Plugin already registered under a different name".
    from kpcompare._compat import tomllib

    pyproject = pathlib.Path(__file__).resolve().parents[2] / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text())["project"]["entry-points"]["pytest11"]
    assert declared == {_PLUGIN: _PLUGIN}
    installed = [ep for ep in metadata.entry_points(group="pytest11") if ep.value == _PLUGIN]
    assert installed and all(ep.name == _PLUGIN for ep in installed), installed


def test_own_registry_and_custom_computation(tmp_path):
    @figures.register("test_constant")
    def _constant(ctx, *, value):
        return figures.Computed(value, value - 0.2, value + 0.2)

    reg = pd.DataFrame({"id": ["x.a", "x.b"], "printed": ["2.0", "2.0"], "value": [2.0, 2.0],
                        "wording": ["printed", "printed"], "source": ["me", "me"], "status": ["computed"] * 2,
                        "compute": ["test_constant", "test_constant"],
                        "inputs": [json.dumps({"value": 2.01}), json.dumps({"value": 2.1})]})
    path = tmp_path / "reg.csv"
    reg.to_csv(path, index=False)
    res = figures.check(figures.load_registry(path)).set_index("id")
    assert bool(res.loc["x.a", "ok"])
    # point 2.1 outside [1.95, 2.05) but its input interval [1.9, 2.3] meets it: ok, and the note says so
    assert bool(res.loc["x.b", "ok"]) and "within the rounding of its inputs" in res.loc["x.b", "note"]


# ------------------------------------------------------------------ errors
def _reg(**changes) -> pd.DataFrame:
    base = pd.DataFrame({"id": ["a", "b"], "printed": ["1", "2"], "value": [1, 2], "wording": ["printed"] * 2,
                         "source": ["s", "s"], "status": ["x", "x"]})
    for col, val in changes.items():
        base.loc[1, col] = val
    return base


def test_error_duplicate_id():
    with pytest.raises(DuplicateKeyError, match=r"column 'id': rule 'unique figure id' broken by 2 rows"):
        figures.validate_registry(_reg(id="a"))


def test_error_unknown_wording():
    with pytest.raises(InvalidValueError, match=r"column 'wording': rule 'wording is one of printed"):
        figures.validate_registry(_reg(wording="roughly"))


def test_error_bad_inputs_json():
    with pytest.raises(InvalidValueError, match=r"column 'inputs': rule 'a JSON object"):
        figures.validate_registry(_reg(inputs="{system: NHS"))


def test_error_unknown_computation():
    with pytest.raises(UnknownNameError, match=r"names computation 'nope', which is not registered"):
        figures.check(_reg(compute="nope"))


def test_error_self_reference():
    reg = _reg(compute="figure_difference", inputs=json.dumps({"a": "b", "b": "a"}))
    with pytest.raises(InvalidValueError, match=r"figure 'b' is computed from itself"):
        figures.check(reg)


def test_error_unknown_figure_id():
    with pytest.raises(UnknownNameError, match=r"figure 'nope' is not in the registry"):
        figures.assert_figure("nope", 1.0)


def test_error_check_unknown_ids():
    with pytest.raises(UnknownNameError, match=r"argument 'ids': figure 'nope' is not in the registry"):
        figures.check(ids=["nope"])


def test_error_registry_missing_column():
    from kpcompare.errors import MissingColumnError

    with pytest.raises(MissingColumnError, match=r"registry: column\(s\) 'status' not found"):
        figures.validate_registry(_reg().drop(columns="status"))


def test_computations_stays_a_function_after_the_builtins_load():
    # regression: the built-in computations lived in a submodule named `computations`, whose import
    # replaced the function kpcompare.figures.computations with the module
    figures.check(ids=["feachem2002.nhs_net_gbp_m"])
    assert callable(figures.computations)
    assert {"cost_net_total", "chain_step", "profile_ratio"} <= set(figures.computations())
