"""Issue 17: a bad value in a CSV file is located by its exact line, and old Mac (CR-only) line ends read."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from corrupt_files import clean_frame

import kpcompare
from kpcompare.errors import SourceReadError
from kpcompare.extract import sources
from kpcompare.extract.text_files import _blank_lines, _lines


def _bad_id_file(tmp_path, line: int, rows: int = 3000):
    """A CSV of ``rows`` rows whose person_id is a number, except on file line ``line`` (header = line 1)."""
    frame = clean_frame(rows).assign(person_id=range(rows))
    frame["person_id"] = frame["person_id"].astype(object)
    frame.loc[line - 2, "person_id"] = "x17"
    path = tmp_path / "bad_value.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("line", [2501, 2999])
def test_a_bad_value_is_located_by_its_line(tmp_path, monkeypatch, line):
    # small blocks: pyarrow types person_id as int64 from the first block and stops at a later one; the old
    # message said only "after line 2382" (the start of the block)
    monkeypatch.setitem(sources.CsvSource.__init__.__kwdefaults__, "block_bytes", 16 << 10)
    path = _bad_id_file(tmp_path, line)
    with pytest.raises(SourceReadError, match=rf"bad_value\.csv' line {line}: column 'person_id' holds 'x17', "
                                              r"which cannot be read as int64"):
        kpcompare.aggregate(kpcompare.read_episodes(path), progress=False)


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
