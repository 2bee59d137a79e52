"""The house rules of the package, checked on its source (issue 16, "one house").

* the import-linter contracts of pyproject.toml (layers, no cycles, no imports of the facade) are kept, so a
  plain ``pytest`` run catches a broken layer as ``make test`` does;
* no source file over 600 lines, no function over 80 lines (def line to last line, docstring included);
* no ``assert`` statement in the package (bad input raises a KpcompareError; asserts vanish under -O);
* every name in a public module's ``__all__`` resolves;
* tests mirror ``src/``: every subpackage has ``tests/<subpackage>/``, every public top-level module
  ``tests/test_<module>*.py`` or ``tests/<module>/``;
* test file names are unique (pytest imports test modules by basename: two ``test_x.py`` collide).

Each test lists every offender, not only the first.
"""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import kpcompare

SRC = Path(kpcompare.__file__).resolve().parent
ROOT = SRC.parents[1]
TESTS = ROOT / "tests"

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80
#: ``assert`` statements allowed in the package, as "path:function" (none: asserts are for tests)
ASSERT_ALLOWED: set[str] = set()


def _sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _relative(path: Path) -> str:
    return path.relative_to(SRC.parent).as_posix()


def _is_shim(path: Path) -> bool:
    """A deprecated module kept for one release: ``__getattr__ = moved_module_getattr(...)`` at module level."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__getattr__"]
                and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", None) == "moved_module_getattr"):
            return True
    return False


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _functions(tree: ast.AST):
    """Every function and method with its qualified name."""
    def walk(node: ast.AST, prefix: str):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    yield name, child
                yield from walk(child, name + ".")
            else:
                yield from walk(child, prefix)
    yield from walk(tree, "")


# ----------------------------------------------------------------------------------------- import layers


def test_import_contracts_are_kept():
    """lint-imports with the contracts of pyproject.toml, on the kpcompare these tests import."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC.parent), os.environ.get("PYTHONPATH", "")])}
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    out = subprocess.run([sys.executable, "-c", code, "--no-cache", "--config", str(ROOT / "pyproject.toml")],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 0, f"import-linter contracts broken:\n{out.stdout}\n{out.stderr}"
    assert "0 broken" in out.stdout


def test_import_linter_sees_imports_inside_functions(tmp_path):
    """A lazy import that runs up a layer (inside a function) breaks the contract: the check is not only for
    module-level imports."""
    pkg = tmp_path / "housepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "high.py").write_text("X = 1\n")
    (pkg / "low.py").write_text("def f():\n    from .high import X\n    return X\n")
    (tmp_path / "contracts.toml").write_text(
        '[tool.importlinter]\nroot_package = "housepkg"\n\n[[tool.importlinter.contracts]]\n'
        'name = "layers"\ntype = "layers"\nlayers = ["housepkg.high", "housepkg.low"]\n')
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    out = subprocess.run([sys.executable, "-c", code, "--no-cache", "--config", "contracts.toml"],
                         capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert out.returncode == 1, out.stdout + out.stderr
    assert "housepkg.low -> housepkg.high (l.2)" in out.stdout


# ----------------------------------------------------------------------------------------- sizes


def test_no_source_file_over_600_lines():
    too_long = []
    for path in _sources():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_FILE_LINES:
            too_long.append(f"{_relative(path)}: {n} lines")
    assert not too_long, (f"{len(too_long)} source file(s) over {MAX_FILE_LINES} lines (split by domain noun):\n"
                          + "\n".join(too_long))


def test_no_function_over_80_lines():
    too_long = []
    for path in _sources():
        for name, node in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            n = node.end_lineno - node.lineno + 1
            if n > MAX_FUNCTION_LINES:
                too_long.append(f"{_relative(path)}:{node.lineno} {name}: {n} lines")
    assert not too_long, (f"{len(too_long)} function(s) over {MAX_FUNCTION_LINES} lines (def line to last line, "
                          "docstring included; split into named helpers, move method essays to docs/):\n"
                          + "\n".join(too_long))


def test_size_checks_see_nested_functions_and_methods():
    tree = ast.parse("def a():\n    def b():\n        pass\nclass C:\n    def m(self):\n        pass\n")
    assert [name for name, _ in _functions(tree)] == ["a", "a.b", "C.m"]


# ----------------------------------------------------------------------------------------- no asserts


def test_no_assert_statements_in_the_package():
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owner = {id(n): name for name, fn in _functions(tree) for n in ast.walk(fn)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assert):
                where = f"{_relative(path)}:{owner.get(id(node), '<module>')}"
                if where not in ASSERT_ALLOWED:
                    found.append(f"{where} (line {node.lineno})")
    assert not found, ("assert statements in src/kpcompare (raise a kpcompare.errors.KpcompareError naming the "
                       "argument, the rule, the rows and an example instead):\n" + "\n".join(found))


# ----------------------------------------------------------------------------------------- public names


def test_every_public_name_of_the_package_resolves_without_deprecation():
    broken = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for name in kpcompare.__all__:
            try:
                getattr(kpcompare, name)
            except Exception as exc:  # noqa: BLE001 - every failure is reported below
                broken.append(f"kpcompare.{name}: {type(exc).__name__}: {exc}")
    assert not broken, "names of kpcompare.__all__ that do not resolve (or are deprecated):\n" + "\n".join(broken)


def _public_modules() -> list[str]:
    names = []
    for path in _sources():
        name = _module_name(path)
        private = any(part.startswith("_") for part in name.split(".")[1:])
        if not private and not _is_shim(path) and not name.endswith("pytest_plugin"):
            names.append(name)
    return names


def test_every_name_in_a_public_modules_all_resolves():
    broken = []
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            try:
                getattr(module, name)
            except Exception as exc:  # noqa: BLE001 - every failure is reported below
                broken.append(f"{module_name}.{name}: {type(exc).__name__}: {exc}")
    assert not broken, "names in __all__ that do not resolve:\n" + "\n".join(broken)


# ----------------------------------------------------------------------------------------- tests mirror src


def test_tests_mirror_the_package():
    missing = []
    for child in sorted(SRC.iterdir()):
        name = child.stem
        if child.is_dir() and (child / "__init__.py").is_file():
            folder = TESTS / name
            if not folder.is_dir() or not list(folder.glob("test_*.py")):
                missing.append(f"subpackage kpcompare.{name}: no tests/{name}/test_*.py")
        elif child.suffix == ".py" and not name.startswith("_") and not _is_shim(child):
            if not list(TESTS.glob(f"test_{name}*.py")) and not (TESTS / name).is_dir():
                missing.append(f"module kpcompare.{name}: no tests/test_{name}*.py or tests/{name}/")
    assert not missing, "tests do not mirror src/kpcompare:\n" + "\n".join(missing)


def test_shims_are_recognised():
    # the deprecated modules are kept out of the mirror and __all__ checks, and only they
    shims = sorted(_module_name(p) for p in _sources() if _is_shim(p))
    assert "kpcompare.demo" in shims and "kpcompare.costs.tornado" in shims
    assert "kpcompare.figures.wording" in shims
    assert all(len(p.read_text(encoding="utf-8").splitlines()) < 40 for p in _sources() if _is_shim(p))


#: test folders that cover the whole package rather than mirror one part of it (issue 17: the fuzz suite)
CROSS_CUTTING = {"fuzz"}


@pytest.mark.parametrize("folder", sorted(p.name for p in TESTS.iterdir() if p.is_dir()
                                          and not p.name.startswith(("_", ".")) and p.name != "__pycache__"
                                          and p.name not in CROSS_CUTTING))
def test_every_test_folder_names_a_part_of_the_package(folder):
    assert (SRC / folder / "__init__.py").is_file() or (SRC / f"{folder}.py").is_file(), (
        f"tests/{folder}/ mirrors no kpcompare.{folder}")


def test_test_file_names_are_unique():
    seen: dict[str, list[str]] = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        seen.setdefault(path.name, []).append(path.relative_to(TESTS).as_posix())
    clashes = {name: paths for name, paths in seen.items() if len(paths) > 1}
    assert not clashes, ("test files with the same name (pytest cannot import both; prefix them with their "
                         f"package, tests/<package>/test_<package>_<module>.py): {clashes}")
