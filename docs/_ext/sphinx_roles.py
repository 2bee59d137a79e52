"""A griffe extension for the documentation site: Sphinx roles in docstrings become links or code.

kpcompare's numpydoc docstrings refer to other objects with Sphinx roles (``:func:`aggregate```,
``:class:`~kpcompare.errors.KpcompareError```, ``:mod:`kpcompare.rates```).  MkDocs does not read roles, so
at build time each role becomes an optional cross-reference (mkdocs-autorefs): a link where the object is on
the site, plain code where it is not (a private helper).  ``:math:`` becomes code.  The docstrings in the
source are not changed.  A "Validated against: ..." paragraph (the peers a function was checked against)
becomes a section of its own: numpydoc would read it as one more item of the section before it.  The
"::" that introduces a reStructuredText literal block becomes ":".  Loaded by mkdocs.yml (``extensions``);
not part of the package.
"""

from __future__ import annotations

import ast
import html
import re
from typing import Any

import griffe

_ROLE = re.compile(r":(func|class|meth|attr|data|mod|exc|obj|math):`(~?)([^`]+)`")
#: reStructuredText's "text::" before an indented literal block (Markdown shows the block as code already)
_LITERAL = re.compile(r"(?<=\S)::(?=\n\n[ ]{4})")
#: a paragraph "Validated against: ..." (the peers a function was checked against), at the left margin
_VALIDATED = re.compile(r"(?:^|(?<=\n\n))Validated against:?[ \t]*(?:\n(?=\S))?")


def _lazy_exports(module: griffe.Object) -> dict[str, str]:
    """A lazily re-exporting package's ``_EXPORTS`` (name -> defining module), as written in its source."""
    try:
        value = module.members["_EXPORTS"].value
        exports = ast.literal_eval(str(value))
    except (KeyError, AttributeError, ValueError, SyntaxError):
        return {}
    return {name: where if where.startswith("kpcompare") else f"{module.path}.{where}"
            for name, where in exports.items()}


def _find(scope: griffe.Object, name: str) -> str | None:
    """The canonical path of ``name`` looked up in ``scope`` (a lazy export followed to its module)."""
    if not name:
        return None
    try:
        found = scope[name]
    except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        head, _, rest = name.partition(".")
        where = _lazy_exports(scope).get(head) if scope.is_module else None
        if where is None:
            return None
        try:
            return _find(scope.modules_collection[where], ".".join(filter(None, [head, rest])))
        except KeyError:
            return None
    try:
        return found.canonical_path
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return found.path


def _target(obj: griffe.Object, name: str) -> str | None:
    """The canonical path of ``name`` as seen from ``obj``: its scope, its module, then from the top."""
    name = name.rstrip("()")
    for scope in (obj, obj.parent, obj.module):
        if scope is not None and (found := _find(scope, name)) is not None:
            return found
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):  # the longest module prefix of a dotted name, then the rest
        try:
            module = obj.modules_collection[".".join(parts[:cut])]
        except (KeyError, ValueError):
            continue
        if module.is_module:
            return _find(module, ".".join(parts[cut:])) or name
    return name if name.startswith("kpcompare") else None


def _rewrite(obj: griffe.Object, text: str) -> str:
    def one(match: re.Match[str]) -> str:
        role, tilde, name = match.groups()
        shown = name.rsplit(".", 1)[-1] if tilde else name
        code = f"<code>{html.escape(shown)}</code>"
        if role == "math":
            return code
        target = _target(obj, name)
        if target is None:
            return code
        return f'<autoref identifier="{html.escape(target)}" optional>{code}</autoref>'

    return _ROLE.sub(one, text)


def _validated_section(text: str) -> str:
    """Make each "Validated against: ..." paragraph a section of its own (rendered as a titled box).

    In numpydoc a section runs to the next section header, so the paragraph written after ``Returns`` or
    ``Raises`` would otherwise be read as one more returned value or exception.
    """
    return _VALIDATED.sub("Validated against\n-----------------\n", text)


class SphinxRoles(griffe.Extension):
    """Rewrite the roles of every docstring, and its "Validated against" paragraph, once the tree is complete."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is None:
            return
        text = obj.docstring.value
        if ":`" in text:
            text = _rewrite(obj, text)
        if "Validated against" in text:
            text = _validated_section(text)
        text = _LITERAL.sub(":", text)
        obj.docstring.value = text
