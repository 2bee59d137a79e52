"""Opening delimited text files: compression from the content, encoding, byte-order mark, header, delimiter.

The CSV reader (:class:`kpcompare.extract.sources.CsvSource`) streams a file through pyarrow; this module
decides how to open it and, when pyarrow stops, finds the line that stopped it, so every failure is a
:class:`~kpcompare.errors.SourceReadError` naming the file and the line (docs/extracts.md#8-reading-files).

* Compression is detected from the first bytes (gzip ``1f 8b``, bzip2 ``BZh``, xz ``fd 37 7a 58 5a 00``,
  zstd ``28 b5 2f fd``), whatever the file is called; a name promising compression the content lacks is an
  error.  gzip, bzip2 and zstd are decompressed by pyarrow, xz by Python's :mod:`lzma`.
* A UTF-8 byte-order mark is skipped; ``encoding`` is any Python codec name pyarrow can transcode.
* A header that parses to one column holding ``;``, a tab or ``|`` is reported with the ``delimiter=`` to use.
"""

from __future__ import annotations

import codecs
import csv
import io
import lzma
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..errors import SourceReadError

__all__ = ["TextOptions", "detect_compression", "open_stream", "read_header", "locate_problem", "locate_value",
           "LineCounter", "BOM"]

BOM = "\ufeff"
_MAGIC = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstd"))
_BY_NAME = {".gz": "gzip", ".gzip": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd", ".zstd": "zstd"}
_OTHER_DELIMITERS = {";": "';'", "\t": "'\\t'", "|": "'|'"}
#: what ends a line: "\r\n", "\n" or a lone "\r" (old Mac files), as in pyarrow's CSV reader
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\n|\r")


@dataclass(frozen=True)
class TextOptions:
    """How a text file is read: its encoding and field delimiter (``read_episodes(encoding=, delimiter=)``)."""

    encoding: str = "utf-8"
    delimiter: str = ","


def check_text_options(encoding, delimiter) -> TextOptions:
    """The options of :func:`kpcompare.read_episodes` for text files, checked."""
    from ..errors import InvalidArgumentError

    if not isinstance(encoding, str):
        raise InvalidArgumentError(f"argument 'encoding': expected a codec name such as 'utf-8' or 'latin-1', "
                                   f"got {encoding!r}.")
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InvalidArgumentError(f"argument 'encoding': unknown encoding {encoding!r}; e.g. 'utf-8', "
                                   "'latin-1', 'cp1252'.") from None
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\r\n\"":
        raise InvalidArgumentError(f"argument 'delimiter': expected one character such as ',', ';' or '\\t', "
                                   f"got {delimiter!r}.")
    return TextOptions("utf-8" if name in ("utf-8", "utf-8-sig") else encoding, delimiter)


def detect_compression(path: Path, description: str) -> str | None:
    """The compression of ``path`` from its first bytes (None: plain text); a name promising one it lacks is
    an error, and so is a codec this pyarrow build cannot read."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(6)
    except OSError as exc:
        raise SourceReadError(f"{description} cannot be read: {exc}.") from exc
    found = next((codec for magic, codec in _MAGIC if head.startswith(magic)), None)
    named = _BY_NAME.get(path.suffix.lower())
    if named is not None and found is None:
        raise SourceReadError(f"{description} is named {path.suffix!r} but is not {named}-compressed (it starts "
                              f"with {head!r}). Is it truncated, or plain text with the wrong name?")
    if found not in (None, "xz") and not pa.Codec.is_available(found):
        raise SourceReadError(f"{description} is {found}-compressed, which this pyarrow build cannot read; "
                              "decompress it first.")
    return found


def open_stream(path: Path, compression: str | None):
    """A binary stream of the decompressed bytes of ``path`` (an Arrow stream, or a Python one for xz)."""
    if compression == "xz":
        return pa.PythonFile(lzma.open(path, "rb"), mode="r")
    return pa.input_stream(str(path), compression=compression)


def _head_text(path: Path, compression: str | None, options: TextOptions, description: str) -> str:
    """The first 64 KB of the decompressed file, decoded (the header line is in it)."""
    try:
        stream = open_stream(path, compression)
        try:
            raw = stream.read(1 << 16)
        finally:
            stream.close()
    except (pa.ArrowException, OSError, EOFError, lzma.LZMAError) as exc:
        raise SourceReadError(f"{description} line 1: cannot be decompressed ({exc}). Is it truncated or "
                              "corrupt?") from exc
    try:
        _LINE_BREAK_BYTES.split(raw, 1)[0].decode(options.encoding)
    except UnicodeDecodeError as exc:
        raise SourceReadError(
            f"{description} line 1: not valid {options.encoding} ({exc.reason} at byte {exc.start}); give "
            "read_episodes(..., encoding='latin-1') (or the file's encoding).") from exc
    text = raw.decode(options.encoding, errors="ignore")  # a character cut at 64 KB is not in the header
    return text[1:] if text.startswith(BOM) else text


def read_header(path: Path, compression: str | None, options: TextOptions, description: str) -> list[str]:
    """The column names of the header line (byte-order mark removed); names the delimiter when it is not
    the one given."""
    text = _head_text(path, compression, options, description)
    line = _LINE_BREAK.split(text, 1)[0]
    if not line.strip():
        raise SourceReadError(f"{description} has no header line (it is empty or starts with a blank line).")
    names = next(csv.reader([line], delimiter=options.delimiter))
    if len(names) == 1:
        for other, shown in _OTHER_DELIMITERS.items():
            if other != options.delimiter and other in line:
                raise SourceReadError(
                    f"{description} line 1: the header {line[:60]!r} is one column holding {shown}; the fields "
                    f"look {shown}-separated: give read_episodes(..., delimiter={shown}).")
    empty = [i + 1 for i, name in enumerate(names) if not name.strip()]
    if empty:
        raise SourceReadError(f"{description} line 1: header field {empty[0]} has no name ({line[:80]!r}).")
    return names


def locate_problem(path: Path, compression: str | None, options: TextOptions, description: str,
                   columns: int) -> str | None:
    """The first line that cannot be decoded, has the wrong number of fields or opens a quote it never
    closes (``"line N: ..."``); None if every line reads (the failure is then elsewhere)."""
    number = 0
    try:
        for number, data in enumerate(_lines(open_stream(path, compression)), start=1):
            problem = _line_problem(data, number, options, columns)
            if problem is not None:
                return problem
    except (pa.ArrowException, OSError, EOFError, lzma.LZMAError) as exc:
        return f"after line {number}: cannot be decompressed ({exc}); is the file truncated or corrupt?"
    return None


def locate_value(path: Path, compression: str | None, options: TextOptions, column: int, value: str, *,
                 after: int = 1) -> int | None:
    """The number of the first line after line ``after`` whose field ``column`` (from 0) is ``value``: where a
    value pyarrow could not convert sits (its message names the column and the value, not the line)."""
    needle = value.encode(options.encoding, errors="ignore")
    try:
        for number, data in enumerate(_lines(open_stream(path, compression)), start=1):
            if number <= after or needle not in data:
                continue
            try:
                fields = next(csv.reader([data.decode(options.encoding)], delimiter=options.delimiter), [])
            except (UnicodeDecodeError, csv.Error):
                continue
            if column < len(fields) and fields[column] == value:
                return number
    except (pa.ArrowException, OSError, EOFError, lzma.LZMAError):
        return None
    return None


def _lines(stream, chunk: int = 1 << 20):
    """The lines of a binary stream without their ends; ``\n``, ``\r\n`` and a lone ``\r`` (old Mac files)
    each end a line, as in pyarrow's CSV reader."""
    raw = io.BufferedReader(_Raw(stream), buffer_size=chunk)
    rest = b""
    try:
        while data := raw.read(chunk):
            buffer = rest + data
            hold = buffer.endswith(b"\r")  # perhaps the first half of a "\r\n" split between chunks
            parts = _LINE_BREAK_BYTES.split(buffer[:-1] if hold else buffer)
            rest = parts.pop() + (b"\r" if hold else b"")  # the last line may go on in the next chunk
            yield from parts
        parts = _LINE_BREAK_BYTES.split(rest)
        yield from (parts[:-1] if parts[-1] == b"" else parts)
    finally:
        stream.close()


def _line_problem(data: bytes, number: int, options: TextOptions, columns: int) -> str | None:
    try:
        line = data.decode(options.encoding)
    except UnicodeDecodeError as exc:
        return (f"line {number}: not valid {options.encoding} ({exc.reason} at byte {exc.start} of the line); "
                "give read_episodes(..., encoding='latin-1') (or the file's encoding)")
    if number == 1 or not line.strip():
        return None
    text = line.rstrip("\r\n")
    if text.count('"') % 2:
        return f"line {number}: a quote is opened and never closed ({text[:80]!r})"
    try:
        fields = next(csv.reader([text], delimiter=options.delimiter, strict=True), [])
    except csv.Error as exc:
        return f"line {number}: malformed quoting ({exc}): {text[:80]!r}"
    if len(fields) != columns:
        return f"line {number}: malformed line (expected {columns} fields, got {len(fields)}): {text[:80]!r}"
    return None


class LineCounter:
    """A read-only file over a stream that counts the lines passing through (``\\n``, ``\\r\\n`` or a lone
    ``\\r`` ends a line, as in pyarrow's CSV reader), so the reader's rows can be checked against them."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.breaks = 0
        self.blank = 0
        self._tail = b""
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size) if size is not None and size >= 0 else self._stream.read()
        if data:
            data = bytes(data)
            joined = self._tail[-1:] + data[:1]
            self.breaks += data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") - (joined == b"\r\n")
            self.blank += _blank_lines(self._tail, data)
            self._tail = (self._tail + data)[-2:]
        return data

    @property
    def lines(self) -> int:
        """Lines read so far (a last line without a line break counts)."""
        return self.breaks + (1 if self._tail[-1:] not in (b"", b"\n", b"\r") else 0)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def writable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True
        self._stream.close()


def _blank_lines(tail: bytes, data: bytes) -> int:
    """Empty lines whose line break starts in ``data`` (``tail``: the two bytes read before it), which pyarrow
    skips.  A break starts at a ``\\r`` (alone or of a ``\\r\\n``) or at a ``\\n`` not after a ``\\r``; the line
    it ends is empty when the byte before it ends a line too."""
    buffer = np.frombuffer(tail + data, dtype=np.uint8)
    prev = np.r_[np.uint8(0), buffer[:-1]]
    starts = np.flatnonzero((buffer == 13) | ((buffer == 10) & (prev != 13)))
    starts = starts[starts >= len(tail)]
    before = prev[starts]
    return int(np.count_nonzero((starts > 0) & ((before == 10) | (before == 13))))


class _Raw(io.RawIOBase):
    """An Arrow (or Python) input stream as a raw Python stream, to read it line by line."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)
