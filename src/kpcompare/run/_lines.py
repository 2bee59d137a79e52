"""Where a key of a TOML document is: the line numbers that :mod:`tomllib` does not give.

:func:`key_lines` scans the text once and maps every key path it can see to its 1-based line:
``("comparison", "reference")``, ``("extracts", 1, "mapping")`` (the second ``[[extracts]]`` table),
``("extracts", 1)`` (the line of that table's header), dotted keys (``a.b = 1`` gives ``("a", "b")``) and
keys of inline tables (``columns = {system = "REGION"}`` gives ``("columns", "system")`` on that line).
Strings (basic, literal, multi-line) and comments are skipped, so a ``=`` or ``[`` inside them is not taken
for syntax.  The scanner only locates; :mod:`tomllib` parses and rejects invalid documents.
"""

from __future__ import annotations

import re

__all__ = ["key_lines", "line_of"]

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _string_end(text: str, i: int) -> int:
    """Index just after the string starting at ``text[i]`` (a quote)."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        end = len(text) if end < 0 else end + 3
        while end < len(text) and text[end] == quote:  # up to two quotes may end the content
            end += 1
        return end
    j = i + 1
    while j < len(text) and text[j] != quote and text[j] != "\n":
        j += 2 if (quote == '"' and text[j] == "\\") else 1
    return j + 1


def _key(text: str, i: int) -> tuple[list[str], int]:
    """A (dotted) key starting at ``i``: its parts and the index after it."""
    parts: list[str] = []
    while i < len(text):
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] in "\"'":
            end = _string_end(text, i)
            parts.append(text[i + 1:end - 1])
            i = end
        else:
            m = _BARE.match(text, i)
            if not m:
                break
            parts.append(m.group())
            i = m.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        break
    return parts, i


class _Scanner:
    """One pass over the document, recording ``path -> line``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[tuple, int] = {}
        self.counts: dict[tuple, int] = {}  # how many [[array]] tables seen per path
        self.table: tuple = ()
        self.line = 1
        self.i = 0

    def record(self, path: tuple) -> None:
        self.lines.setdefault(path, self.line)

    def skip_to_line_end(self) -> None:
        end = self.text.find("\n", self.i)
        self.i = len(self.text) if end < 0 else end

    def header(self) -> None:
        array = self.text.startswith("[[", self.i)
        parts, self.i = _key(self.text, self.i + (2 if array else 1))
        base = self._resolve(parts)
        if array:
            index = self.counts.get(base, 0)
            self.counts[base] = index + 1
            self.table = (*base, index)
        else:
            self.table = base
        self.record(self.table)
        self.skip_to_line_end()

    def _resolve(self, parts: list[str]) -> tuple:
        """A header's path with the current index of every enclosing array of tables (``[[a]]`` then
        ``[a.b]`` gives ``("a", n, "b")``)."""
        out: tuple = ()
        for k, part in enumerate(parts):
            out = (*out, part)
            if k < len(parts) - 1 and out in self.counts:
                out = (*out, self.counts[out] - 1)
        return out

    def blank(self, newlines: bool) -> None:
        """Skip spaces (and, inside arrays and inline tables, newlines and comments)."""
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c in " \t\r":
                self.i += 1
            elif newlines and c == "\n":
                self.line += 1
                self.i += 1
            elif newlines and c == "#":
                self.skip_to_line_end()
            else:
                return

    def value(self, path: tuple) -> None:
        """Skip one value, recording the keys of inline tables and the elements of arrays inside it."""
        self.blank(False)
        text = self.text
        if self.i >= len(text):
            return
        c = text[self.i]
        if c in "\"'":
            end = _string_end(text, self.i)
            self.line += text.count("\n", self.i, end)
            self.i = end
        elif c == "{":
            self.record(path)
            self.i += 1
            self._entries(path, inline=True)
        elif c == "[":
            self.i += 1
            self._entries(path, inline=False)
        else:
            while self.i < len(text) and text[self.i] not in ",]}\n#":
                self.i += 1

    def _entries(self, path: tuple, *, inline: bool) -> None:
        """The entries of an inline table (``key = value``) or an array, up to the closing bracket."""
        close = "}" if inline else "]"
        index = 0
        while self.i < len(self.text):
            self.blank(True)
            if self.i >= len(self.text) or self.text[self.i] == close:
                self.i += 1
                return
            if inline:
                parts, j = _key(self.text, self.i)
                if not parts or j >= len(self.text) or self.text[j] != "=":
                    return  # not TOML: tomllib reports it
                self.record((*path, *parts))
                self.i = j + 1
                self.value((*path, *parts))
            else:
                self.record((*path, index))
                self.value((*path, index))
                index += 1
            self.blank(True)
            if self.i < len(self.text) and self.text[self.i] == ",":
                self.i += 1
            elif self.i < len(self.text) and self.text[self.i] != close:
                return

    def scan(self) -> dict[tuple, int]:
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c == "\n":
                self.line += 1
                self.i += 1
            elif c in " \t\r":
                self.i += 1
            elif c == "#":
                self.skip_to_line_end()
            elif c == "[":
                self.header()
            else:
                parts, j = _key(text, self.i)
                if not parts or j >= len(text) or text[j] != "=":
                    self.skip_to_line_end()
                    continue
                path = (*self.table, *parts)
                self.record(path)
                self.i = j + 1
                self.value(path)
                self.skip_to_line_end()
        return self.lines


def key_lines(text: str) -> dict[tuple, int]:
    """Every key path of a TOML document -> its 1-based line (see the module docstring)."""
    return _Scanner(text).scan()


def line_of(lines: dict[tuple, int], path: tuple) -> int | None:
    """The line of ``path``, or of its nearest enclosing key or table that was located.

    A single table where an array of tables may stand (``[populations]`` for ``[[populations]]``) is item 0
    of the array: ``("populations", 0, "path")`` is also looked for as ``("populations", "path")``.
    """
    path = tuple(path)
    while path:
        single = tuple(p for k, p in enumerate(path) if not (p == 0 and type(p) is int and k > 0
                                                             and (*path[:k], 0) not in lines))
        for candidate in (path, single):
            if candidate in lines:
                return lines[candidate]
        path = path[:-1]
    return None
