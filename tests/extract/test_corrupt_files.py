"""Corrupt and odd files (tests/_support/corrupt_files.py): each reads like the clean CSV or raises a
SourceReadError naming the file (and the line where there is one); nothing else escapes (issue 17)."""

from __future__ import annotations

import re

import pytest
from corrupt_files import CORPUS, build, clean_frame

import kpcompare
from kpcompare.errors import KpcompareError, SourceReadError


def _run(path, **options):
    extract = kpcompare.read_episodes(path, coding="icd10", **options)
    return kpcompare.aggregate(extract, by=["system", "sex", "age_band"], progress=False)


@pytest.fixture(scope="module")
def expected():
    return _run(clean_frame())


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_file_reads_or_raises_a_kpcompare_error(name, tmp_path, expected):
    path = build(name, tmp_path)
    if CORPUS[name][1] == "reads":
        result = _run(path)
        assert result.strata.equals(expected.strata)
        assert result.rows_read == result.rows_counted + result.rows_excluded == len(clean_frame())
    else:
        with pytest.raises(KpcompareError) as info:
            _run(path)
        assert path.name in str(info.value)


# one test per message: these fail on the old code (a bare UnicodeDecodeError / OSError / EOFError, a missing
# 'person_id' behind a BOM, rows swallowed by a quote, a missing 'admission_date' for a ';' file)
@pytest.mark.parametrize("name, message", [
    ("latin1", r"latin1\.csv' line 5: not valid utf-8 .*encoding='latin-1'"),
    ("gzip_truncated", r"cut\.csv\.gz'.*(truncated|corrupt|cannot be read)"),
    ("gzip_bad_crc", r"crc\.csv\.gz'.*(corrupt|cannot be read)"),
    ("bz2_corrupt", r"bad\.csv\.bz2'.*(corrupt|cannot be)"),
    ("xz_truncated", r"cut\.csv\.xz'.*(truncated|corrupt|cannot be)"),
    ("named_bz2_plain", r"plain\.csv\.bz2' is named '\.bz2' but is not bz2-compressed"),
    ("ragged", r"ragged\.csv' line 6: malformed line \(expected 7 fields, got 8\)"),
    ("cr_ragged", r"cr_ragged\.csv' line 6: malformed line \(expected 7 fields, got 8\)"),
    ("unterminated_quote", r"quote\.csv' line 4: a quote is opened and never closed"),
    ("semicolon", r"semicolon\.csv' line 1: .*delimiter=';'"),
    ("tab", r"tab\.csv' line 1: .*delimiter='\\t'"),
    ("zero_bytes", r"empty\.csv' is empty \(0 bytes\)"),
    ("blank_lines", r"blank\.csv has no header line|blank\.csv' has no header line"),
    ("parquet_zero_bytes", r"empty\.parquet' is empty"),
    ("parquet_truncated", r"cut\.parquet' cannot be read"),
    ("parquet_not_parquet", r"text\.parquet' cannot be read"),
    ("directory", r"folder\.csv' holds no \.parquet files"),
    ("missing", r"nowhere\.csv' does not exist"),
])
def test_message_names_the_file_and_line(name, message, tmp_path):
    path = build(name, tmp_path)
    with pytest.raises(SourceReadError, match=message):
        _run(path)


def test_wrong_schema_parquet_names_the_missing_column(tmp_path):
    with pytest.raises(KpcompareError, match=r"admission_date|system|'sex'"):
        _run(build("parquet_wrong_schema", tmp_path))


def test_encoding_and_delimiter_options_read_what_the_errors_suggest(tmp_path, expected):
    assert _run(build("latin1", tmp_path), encoding="latin-1").strata.equals(expected.strata)
    assert _run(build("semicolon", tmp_path), delimiter=";").strata.equals(expected.strata)
    assert _run(build("tab", tmp_path), delimiter="\t").strata.equals(expected.strata)


def test_bom_keeps_the_first_column(tmp_path):
    extract = kpcompare.read_episodes(build("bom", tmp_path))
    assert "person_id" in extract.columns


def test_unterminated_quote_swallows_no_rows(tmp_path):
    """The old reader read the 40 rows as 3: the quote took the rest of the file into one field."""
    with pytest.raises(SourceReadError, match=re.escape("line 4")):
        _run(build("unterminated_quote", tmp_path))


@pytest.mark.parametrize("encoding, delimiter, message", [
    ("klingon", ",", r"argument 'encoding': unknown encoding 'klingon'"),
    (None, ",", r"argument 'encoding': expected a codec name"),
    ("utf-8", ";;", r"argument 'delimiter': expected one character"),
    ("utf-8", None, r"argument 'delimiter': expected one character"),
    ("utf-8", "\n", r"argument 'delimiter': expected one character"),
])
def test_bad_text_options(encoding, delimiter, message, tmp_path):
    with pytest.raises(KpcompareError, match=message):
        kpcompare.read_episodes(build("plain", tmp_path), encoding=encoding, delimiter=delimiter)
