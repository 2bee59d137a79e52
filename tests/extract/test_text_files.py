"""Issue 17: a bad value in a CSV file is located by its exact line, and old Mac (CR-only) line ends read."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from corrupt_files import clean_frame

import kpcompare
from kpcompare.errors import ColumnTypeError, SourceReadError
from kpcompare.extract import sources
from kpcompare.extract.text_files import _blank_lines, _lines


def _bad_value_file(tmp_path, column: str, value: str, line: int, rows: int = 3000, blank_at: int | None = None):
    """A CSV of ``rows`` rows whose ``column`` holds ``value`` on file line ``line`` (header = line 1), with a
    blank line inserted at file line ``blank_at`` (pyarrow skips it; the line numbers count it)."""
    frame = clean_frame(rows).assign(length_of_stay=2)
    frame = frame.astype({column: object})
    at = line - 2 - (1 if blank_at is not None and blank_at < line else 0)
    frame.loc[at, column] = value
    lines = frame.to_csv(index=False, lineterminator="\n").split("\n")
    if blank_at is not None:
        lines.insert(blank_at - 1, "")
    path = tmp_path / "bad_value.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("block", [16 << 10, 64 << 20])
@pytest.mark.parametrize("line", [2501, 2999])
def test_a_value_pyarrow_cannot_read_is_located_by_its_line(tmp_path, monkeypatch, line, block):
    # age is read as float64 by pyarrow; the old message said "after line 1" (or the first line of the block)
    monkeypatch.setitem(sources.CsvSource.__init__.__kwdefaults__, "block_bytes", block)
    path = _bad_value_file(tmp_path, "age", "abc", line, blank_at=100)
    with pytest.raises(SourceReadError, match=rf"bad_value\.csv' line {line}: column 'age' holds 'abc', "
                                              r"which cannot be read as double"):
        kpcompare.aggregate(kpcompare.read_episodes(path), progress=False)


@pytest.mark.parametrize("line", [2501, 2999])
def test_a_value_the_converter_refuses_is_located_by_its_line(tmp_path, line):
    # length_of_stay is read as text and converted to whole numbers; the old message named the block
    # ("lines 2-3001"), not the line
    path = _bad_value_file(tmp_path, "length_of_stay", "2.5", line, blank_at=100)
    with pytest.raises(ColumnTypeError, match=rf"column 'length_of_stay' .*bad_value\.csv' line {line} \(value "
                                              r"'2\.5'\): rule 'convertible to int' broken"):
        kpcompare.read_episodes(path).to_pandas(["length_of_stay"])


def test_cr_only_file_with_blank_lines_reads_every_row(tmp_path):
    # the old reader refused it (a bare csv.Error "new-line character seen in unquoted field" from the header)
    text = clean_frame(30).to_csv(index=False, lineterminator="\n").split("\n")
    text[3:3] = ["", ""]
    path = tmp_path / "mac.csv"
    path.write_bytes("\r".join(text).encode() + b"\r\r")
    result = kpcompare.aggregate(kpcompare.read_episodes(path), progress=False)
    assert result.rows_read == 30 == result.rows_counted + result.rows_excluded


@pytest.mark.parametrize("data, lines", [
    (b"a\r\nb\rc\n\nd", [b"a", b"b", b"c", b"", b"d"]),
    (b"h\r\r\rx\r", [b"h", b"", b"", b"x"]),
    (b"a\n", [b"a"]),
    (b"", []),
])
@pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 20])
def test_lines_split_on_every_line_end_whatever_the_chunks(data, lines, chunk):
    assert list(_lines(io.BytesIO(data), chunk=chunk)) == lines


@pytest.mark.parametrize("data, blank", [(b"h\na\n\nb\n", 1), (b"h\r\na\r\n\r\nb\r\n", 1), (b"h\ra\r\rb\r\r", 2),
                                         (b"h\na\r\n\r\rb", 2)])
def test_blank_lines_are_counted_for_every_line_end(data, blank):
    # as pyarrow skips them: the reader checks rows read + blank lines + header = lines
    assert sum(_blank_lines(data[max(0, i - 2):i], data[i:i + 1]) for i in range(len(data))) == blank
    assert _blank_lines(b"", data) == blank
    assert len(pd.read_csv(io.BytesIO(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")))) == \
        len([x for x in _lines(io.BytesIO(data))][1:]) - blank
