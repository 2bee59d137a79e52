"""kpcompare.run._lines: every key of a TOML document located on its line (tomllib gives none), checked on
hand-written documents whose lines are counted by eye."""

from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the tomli backport, a dependency of kpcompare there
    import tomli as tomllib

from hypothesis import given, settings
from hypothesis import strategies as st

from kpcompare.run._lines import key_lines, line_of

DOCUMENT = '''title = "x # not a comment = [not a table]"   # a comment
[a]
b = 1
"quoted key" = 'v'
c = { d = 1, e = [1, {f = 2}] }
g = [
  1,   # one
  { h = "x" },
]
s = """
multi = [line
"""
t.u = 3
[[x]]
y = 1
[x.z]
w = 2
[[x]]
y = 2
[[x.arr]]
k = 0
'''


def test_the_document_is_valid_toml():
    assert tomllib.loads(DOCUMENT)["x"][1]["arr"][0]["k"] == 0


def test_every_key_on_its_line():
    lines = key_lines(DOCUMENT)
    expected = {
        ("title",): 1, ("a",): 2, ("a", "b"): 3, ("a", "quoted key"): 4, ("a", "c"): 5, ("a", "c", "d"): 5,
        ("a", "c", "e", 1, "f"): 5, ("a", "g"): 6, ("a", "g", 0): 7, ("a", "g", 1, "h"): 8, ("a", "s"): 10,
        ("a", "t", "u"): 13, ("x", 0): 14, ("x", 0, "y"): 15, ("x", 0, "z"): 16, ("x", 0, "z", "w"): 17,
        ("x", 1): 18, ("x", 1, "y"): 19, ("x", 1, "arr", 0): 20, ("x", 1, "arr", 0, "k"): 21,
    }
    assert {k: lines.get(k) for k in expected} == expected


def test_text_inside_strings_is_not_syntax():
    lines = key_lines(DOCUMENT)
    assert ("multi",) not in lines and ("a", "multi") not in lines  # inside the multi-line string
    assert not any("not a table" in str(k) for k in lines)


def test_line_of_falls_back_to_the_enclosing_key():
    lines = key_lines(DOCUMENT)
    assert line_of(lines, ("x", 1, "missing")) == 18
    assert line_of(lines, ("nowhere",)) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
                          st.one_of(st.integers(-5, 5), st.text(alphabet="ab=[]#{} \"'", max_size=6))),
                min_size=1, max_size=8, unique_by=lambda kv: kv[0]),
       st.integers(0, 3))
def test_generated_documents(pairs, blank_lines):
    """Keys of a generated table, with blank lines and comments between them, are found on their lines."""
    text, where = "# head\n[t]\n", {}
    for key, value in pairs:
        text += "\n" * blank_lines
        where[("t", key)] = text.count("\n") + 1
        text += f"{key} = {value!r}  # c\n" if isinstance(value, int) else f"{key} = {_toml_string(value)}\n"
    tomllib.loads(text)  # the generated document is TOML
    lines = key_lines(text)
    assert {k: lines.get(k) for k in where} == where


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
