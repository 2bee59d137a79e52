"""Execute the code examples of docs/*.md and README.md.

Every fenced ```python block of a file runs, in order, in one namespace (a file is one test), with a
temporary directory as the working directory.  A block whose first line is ``# doctest: skip`` is not run.
A KpcompareWarning raised by an example fails the test (pytest's filterwarnings), as in every other test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
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


DOC_FILES = [*sorted(DOCS.glob("*.md")), DOCS.parent / "README.md"]


def test_block_extraction_and_skip_marker():
    text = "x\n```python\na = 1\n```\n\n```python\n# doctest: skip\nraise SystemExit\n```\n```text\nb\n```\n"
    assert python_blocks(text) == [(3, "a = 1\n")]


@pytest.mark.parametrize("path", DOC_FILES, ids=[p.name for p in DOC_FILES])
def test_doc_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for line, code in python_blocks(path.read_text(encoding="utf-8")):
        # pad with blank lines so tracebacks point at the markdown line
        compiled = compile("\n" * (line - 1) + code, str(path), "exec")
        exec(compiled, namespace)  # noqa: S102 - executing our own documentation


def test_readme_layout_names_every_part_of_the_package():
    """The README's Layout tree lists every subpackage and public top-level module (deprecated shims aside)."""
    import ast

    src = DOCS.parent / "src" / "kpcompare"
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]

    def shim(path: Path) -> bool:
        return any(isinstance(n, ast.Assign) and [getattr(t, "id", None) for t in n.targets] == ["__getattr__"]
                   for n in ast.parse(path.read_text(encoding="utf-8")).body)

    parts = [f"{p.name}/" for p in src.iterdir() if (p / "__init__.py").is_file()]
    parts += [p.name for p in src.glob("*.py") if p.name != "__init__.py" and not shim(p)]
    missing = sorted(p for p in parts if p not in layout)
    assert not missing, f"README Layout does not mention: {missing}"
