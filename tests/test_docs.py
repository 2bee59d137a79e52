"""The documentation: its code examples run, and the site (mkdocs.yml) is complete and builds.

Every fenced ```python block of a page (every docs/**/*.md, nested folders included, and README.md) runs, in
order, in one namespace (a page is one test), with a temporary directory as the working directory.  A block
whose first line is ``# doctest: skip`` is not run.  A KpcompareWarning raised by an example fails the test
(pytest's filterwarnings), as in every other test.  The examples in docstrings (``>>>``), which the API
reference shows, run as doctests.

The site: every page is in the navigation of mkdocs.yml; every public name (kpcompare's re-exports and the
``__all__`` of each public module) has an entry (a ``::: path`` directive) in the API reference docs/api/,
and every top-level module of the package is in it or named below as left out; and, where mkdocs is
installed (the ``docs`` extra, which ``make test`` installs), the site builds in strict mode (a broken link,
cross-reference or docstring fails) and fetches nothing from the network.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
SKIP = "# doctest: skip"


def python_blocks(text: str) -> list[tuple[int, str]]:
    """The ```python blocks of a markdown text as (line number of the first code line, code)."""
    blocks = []
    for match in _FENCE.finditer(text):
        code = match.group(1)
        first = code.lstrip("\n").splitlines()[0].strip() if code.strip() else ""
        if first == SKIP:
            continue
        line = text.count("\n", 0, match.start(1)) + 1
        blocks.append((line, code))
    return blocks


DOC_FILES = [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]


def test_block_extraction_and_skip_marker():
    text = "x\n```python\na = 1\n```\n\n```python\n# doctest: skip\nraise SystemExit\n```\n```text\nb\n```\n"
    assert python_blocks(text) == [(3, "a = 1\n")]


def test_every_page_is_collected():
    """Pages in nested folders (tutorials/, api/) are run too, not only the top level of docs/."""
    pages = {p.relative_to(ROOT).as_posix() for p in DOC_FILES}
    assert {"README.md", "docs/index.md", "docs/tutorials/ham.md", "docs/api/index.md"} <= pages


@pytest.mark.parametrize("path", DOC_FILES, ids=[p.relative_to(ROOT).as_posix() for p in DOC_FILES])
def test_doc_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for line, code in python_blocks(path.read_text(encoding="utf-8")):
        # pad with blank lines so tracebacks point at the markdown line
        compiled = compile("\n" * (line - 1) + code, str(path), "exec")
        exec(compiled, namespace)  # noqa: S102 - executing our own documentation


def _is_shim(path: Path) -> bool:
    """A deprecated module kept for one release (``__getattr__ = ...`` at module level)."""
    return any(isinstance(n, ast.Assign) and [getattr(t, "id", None) for t in n.targets] == ["__getattr__"]
               for n in ast.parse(path.read_text(encoding="utf-8")).body)


def test_readme_layout_names_every_part_of_the_package():
    """The README's Layout tree lists every subpackage and public top-level module (deprecated shims aside)."""
    src = ROOT / "src" / "kpcompare"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    parts = [f"{p.name}/" for p in src.iterdir() if (p / "__init__.py").is_file()]
    parts += [p.name for p in src.glob("*.py") if p.name != "__init__.py" and not _is_shim(p)]
    missing = sorted(p for p in parts if p not in layout)
    assert not missing, f"README Layout does not mention: {missing}"


# ------------------------------------------------------------------------------------------------- the site

#: top-level modules of kpcompare that have no page in the API reference, and why
NOT_IN_REFERENCE = {
    "cli": "the command line: `kpcompare --help`",
    "conventions": "the vocabulary as data; its content is docs/conventions.md",
    "schemas": "the pandera schemas the rate functions apply (their rules: docs/methods.md)",
}
#: public modules whose ``__all__`` (comparison: its public functions) must each have an API entry
API_MODULES = ("rates", "refdata", "extract", "extract.mappings", "engine", "engine.spells", "conditions",
               "comparison", "costs", "profiles", "concentration", "datasets", "figures",
               "figures.pytest_plugin", "plots", "report", "errors", "wording")
_DIRECTIVE = re.compile(r"^::: *([\w.]+)", re.MULTILINE)
_NAV_PAGE = re.compile(r"^\s*- (?:[^:\n]+: )?([\w./-]+\.md)\s*$", re.MULTILINE)


def nav_pages(config: str) -> list[str]:
    """The pages listed in the ``nav`` of an mkdocs.yml text (read without a YAML parser)."""
    nav = config.split("\nnav:", 1)[1]
    return _NAV_PAGE.findall(nav)


def api_directives() -> list[str]:
    """The objects the API reference renders: every ``::: path`` of docs/api/*.md."""
    return [m for page in sorted((DOCS / "api").glob("*.md")) for m in _DIRECTIVE.findall(page.read_text("utf-8"))]


def resolve(path: str) -> object:
    """The object a dotted path names: the longest importable module, then attributes."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(path)


def public_names() -> dict[str, object]:
    """Every public name: kpcompare's re-exports and submodules, and each API module's ``__all__``."""
    import kpcompare

    names = {f"kpcompare.{n}": getattr(kpcompare, n) for n in [*kpcompare._EXPORTS, *kpcompare.__all__]
             if n != "__version__"}
    for mod_name in API_MODULES:
        module = importlib.import_module(f"kpcompare.{mod_name}")
        exported = getattr(module, "__all__", None)
        if exported is None:  # a package that re-exports its functions without __all__ (comparison)
            exported = [n for n, o in vars(module).items() if not n.startswith("_") and inspect.isfunction(o)]
        names[f"kpcompare.{mod_name}"] = module
        names.update({f"kpcompare.{mod_name}.{n}": getattr(module, n) for n in exported})
    return names


def test_nav_reader():
    text = "site_name: x\nnav:\n  - Home: index.md\n  - Tutorials:\n      - A: tutorials/a.md\n  - b.md\n"
    assert nav_pages(text) == ["index.md", "tutorials/a.md", "b.md"]


def test_every_page_is_in_the_nav_and_every_nav_entry_exists():
    listed = nav_pages((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md") if "_ext" not in p.parts)
    assert not sorted(set(pages) - set(listed)), (
        f"pages in no section of mkdocs.yml's nav (add one line each): {sorted(set(pages) - set(listed))}")
    assert not sorted(set(listed) - set(pages)), f"nav entries without a page: {sorted(set(listed) - set(pages))}"
    assert len(listed) == len(set(listed)), "a page is listed twice in the nav"


def test_api_reference_documents_every_public_name():
    documented = {id(resolve(path)) for path in api_directives()}
    missing = sorted(name for name, obj in public_names().items() if id(obj) not in documented)
    assert not missing, ("public names without an entry in docs/api/ (add `::: <module>.<name>` to the page "
                         f"of their module): {missing}")


def test_every_top_level_module_is_in_the_reference_or_left_out_with_a_reason():
    src = ROOT / "src" / "kpcompare"
    modules = {p.name for p in src.iterdir() if (p / "__init__.py").is_file()}
    modules |= {p.stem for p in src.glob("*.py") if not p.stem.startswith("_") and not _is_shim(p)}
    targets = set(api_directives())
    missing = sorted(m for m in modules if f"kpcompare.{m}" not in targets and m not in NOT_IN_REFERENCE)
    assert not missing, f"modules with no API page (a `::: kpcompare.<module>` directive) or reason: {missing}"
    assert not set(NOT_IN_REFERENCE) - modules, "NOT_IN_REFERENCE names a module that no longer exists"


def test_api_overview_lists_every_reexported_name():
    import kpcompare

    overview = (DOCS / "api" / "index.md").read_text(encoding="utf-8")
    missing = [n for n in kpcompare._EXPORTS if f"`kpcompare.{n}`" not in overview]
    assert not missing, f"docs/api/index.md does not list: {missing}"


def _docstring_modules() -> list[str]:
    src = ROOT / "src"
    paths = [p for p in sorted((src / "kpcompare").rglob("*.py")) if not _is_shim(p)]
    return [".".join(p.relative_to(src).with_suffix("").parts).removesuffix(".__init__") for p in paths
            if ">>>" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("module_name", _docstring_modules())
def test_docstring_examples_run(module_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(module_name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    tests = doctest.DocTestFinder(exclude_empty=True).find(module, module_name)
    assert tests, f"{module_name} has '>>>' but no doctest was found"
    out: list[str] = []
    for test in tests:
        runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)


def test_site_builds_in_strict_mode(tmp_path: Path) -> None:
    """``mkdocs build --strict``: a broken link, cross-reference, snippet or docstring fails the build."""
    pytest.importorskip("mkdocs", reason="the docs extra is not installed (pip install -e '.[docs]')")
    pytest.importorskip("mkdocstrings_handlers.python", reason="mkdocstrings[python] is not installed")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-4000:]
    pages = list((tmp_path / "site").rglob("*.html"))
    assert len(pages) > len(nav_pages((ROOT / "mkdocs.yml").read_text(encoding="utf-8")))
    external = re.compile(r"<(?:script|img)[^>]+src=\"(?:https?:)?//|<link[^>]+href=\"(?:https?:)?//[^\"]+\.css")
    fetched = sorted(p.name for p in pages if external.search(p.read_text(encoding="utf-8")))
    assert not fetched, f"pages that fetch a resource from the network: {fetched}"
    api = (tmp_path / "site" / "api" / "rates.html").read_text(encoding="utf-8")
    assert 'id="kpcompare.rates.dsr"' in api and ":func:`" not in api


def test_docstring_extension_links_roles_and_separates_the_validation_paragraph() -> None:
    """docs/_ext/sphinx_roles.py: a role becomes an optional link to the object's canonical path (lazy
    re-exports followed), and "Validated against" after ``Returns`` is not read as a returned value."""
    griffe = pytest.importorskip("griffe", reason="the docs extra is not installed")
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        roles = importlib.import_module("sphinx_roles")
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    package = griffe.load("kpcompare", search_paths=[str(ROOT / "src")], docstring_parser="numpy",
                          extensions=griffe.load_extensions(roles.SphinxRoles))
    figures_doc = package["figures"].docstring.value
    assert '<autoref identifier="kpcompare.wording.bounds" optional><code>bounds</code></autoref>' in figures_doc
    assert ":func:`" not in figures_doc
    aggregate = package["engine.arrow.aggregate"].docstring
    sections = {s.kind.value: s for s in aggregate.parse("numpy")}
    assert len(sections["returns"].value) == 1
    assert any(s.title == "Validated against" for s in aggregate.parse("numpy") if s.kind.value == "admonition")
    assert roles._validated_section("Text.\n\nValidated against: R\nepitools.\n") == (
        "Text.\n\nValidated against\n-----------------\nR\nepitools.\n")
    plugin = package["figures.pytest_plugin"].docstring.value
    assert "appendix:\n\n    pytest_plugins" in plugin and "::\n" not in plugin
