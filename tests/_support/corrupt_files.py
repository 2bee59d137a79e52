"""A corpus of corrupt and odd extract files, built in a directory (tests/extract/test_corrupt_files.py; the
fuzz suite reuses it).

Each builder writes one file (or directory) under ``directory`` and returns its path.  :data:`CORPUS` maps a
name to ``(builder, expected)``: ``"error"`` when ``read_episodes`` + ``aggregate`` must raise a
:class:`kpcompare.errors.SourceReadError` (or another KpcompareError), ``"reads"`` when the file must read
and give the same result as the clean CSV (:func:`clean_frame`).
"""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROWS = 40


def clean_frame(rows: int = ROWS) -> pd.DataFrame:
    """A small valid canonical extract (every row counted)."""
    return pd.DataFrame({
        "person_id": [f"p{i}" for i in range(rows)],
        "system": ["A", "B"] * (rows // 2),
        "sex": ["M", "F"] * (rows // 2),
        "age": [float(20 + i % 60) for i in range(rows)],
        "admission_date": ["2020-01-01"] * rows,
        "discharge_date": ["2020-01-03"] * rows,
        "primary_diagnosis": ["I21", "J44"] * (rows // 2),
    })


def clean_bytes(rows: int = ROWS, *, sep: str = ",", newline: str = "\n") -> bytes:
    return clean_frame(rows).to_csv(index=False, sep=sep, lineterminator=newline).encode()


def _write(directory: Path, name: str, data: bytes) -> Path:
    path = Path(directory) / name
    path.write_bytes(data)
    return path


# ---- text files that must read like the clean CSV
def csv_plain(directory):
    return _write(directory, "plain.csv", clean_bytes())


def csv_bom(directory):
    return _write(directory, "bom.csv", b"\xef\xbb\xbf" + clean_bytes())


def csv_crlf(directory):
    return _write(directory, "crlf.csv", clean_bytes(newline="\r\n"))


def csv_gzip(directory):
    return _write(directory, "gz.csv.gz", gzip.compress(clean_bytes()))


def csv_bz2(directory):
    return _write(directory, "bz.csv.bz2", bz2.compress(clean_bytes()))


def csv_xz(directory):
    return _write(directory, "x.csv.xz", lzma.compress(clean_bytes()))


def csv_zstd(directory):
    data = pa.compress(clean_bytes(), codec="zstd", asbytes=True)  # a single zstd frame, as `zstd` writes
    return _write(directory, "z.csv.zst", data)


def csv_gzip_named_plain(directory):
    """gzip content under a plain .csv name (compression is detected from the content)."""
    return _write(directory, "secretly_gzip.csv", gzip.compress(clean_bytes()))


def csv_blank_lines(directory):
    """Blank lines (LF and CRLF) between rows and at the end: skipped."""
    lines = clean_bytes().split(b"\n")
    lines[4:4] = [b"", b"\r"]
    return _write(directory, "blank_lines.csv", b"\n".join(lines) + b"\n\n")


def csv_cr_blank_lines(directory):
    """Old Mac line ends (a lone CR) with blank lines between rows and at the end: read like the clean CSV."""
    lines = clean_bytes().split(b"\n")
    lines[4:4] = [b"", b""]
    return _write(directory, "cr.csv", b"\r".join(lines) + b"\r\r")


# ---- files that must raise, naming the file
def csv_cr_ragged(directory):
    """Old Mac line ends with one line of eight fields: its line number counts CR-ended lines."""
    lines = clean_bytes().split(b"\n")
    lines[5] += b",extra"
    return _write(directory, "cr_ragged.csv", b"\r".join(lines))


def csv_latin1(directory):
    data = clean_bytes().replace(b"p3,", "p\xe9,".encode("latin-1"), 1)
    return _write(directory, "latin1.csv", data)


def csv_gzip_truncated(directory):
    data = gzip.compress(clean_bytes(400))
    return _write(directory, "cut.csv.gz", data[: len(data) // 2])


def csv_gzip_bad_crc(directory):
    data = bytearray(gzip.compress(clean_bytes()))
    data[-8] ^= 0xFF  # the CRC32 of the gzip trailer
    return _write(directory, "crc.csv.gz", bytes(data))


def csv_bz2_corrupt(directory):
    data = bytearray(bz2.compress(clean_bytes(400)))
    data[len(data) // 2:len(data) // 2 + 16] = b"\x00" * 16
    return _write(directory, "bad.csv.bz2", bytes(data))


def csv_xz_truncated(directory):
    data = lzma.compress(clean_bytes(400))
    return _write(directory, "cut.csv.xz", data[: len(data) // 2])


def csv_named_bz2_plain(directory):
    """Plain text under a .csv.bz2 name."""
    return _write(directory, "plain.csv.bz2", clean_bytes())


def csv_ragged(directory):
    lines = clean_bytes().split(b"\n")
    lines[5] += b",extra"
    return _write(directory, "ragged.csv", b"\n".join(lines))


def csv_unterminated_quote(directory):
    lines = clean_bytes().split(b"\n")
    lines[3] = lines[3].replace(b",I21", b',"I21').replace(b",J44", b',"J44')
    return _write(directory, "quote.csv", b"\n".join(lines))


def csv_semicolon(directory):
    return _write(directory, "semicolon.csv", clean_bytes(sep=";"))


def csv_tab(directory):
    return _write(directory, "tab.csv", clean_bytes(sep="\t"))


def csv_zero_bytes(directory):
    return _write(directory, "empty.csv", b"")


def csv_header_only_blank(directory):
    return _write(directory, "blank.csv", b"\n\n")


def parquet_zero_bytes(directory):
    return _write(directory, "empty.parquet", b"")


def parquet_truncated(directory):
    path = Path(directory) / "cut.parquet"
    pq.write_table(pa.Table.from_pandas(clean_frame(), preserve_index=False), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def parquet_wrong_schema(directory):
    path = Path(directory) / "schema.parquet"
    pq.write_table(pa.table({"something": [1, 2, 3], "else": ["a", "b", "c"]}), path)
    return path


def parquet_not_parquet(directory):
    return _write(directory, "text.parquet", clean_bytes())


def a_directory(directory):
    path = Path(directory) / "folder.csv"
    path.mkdir()
    return path


def missing_path(directory):
    return Path(directory) / "nowhere.csv"


CORPUS = {
    "plain": (csv_plain, "reads"), "bom": (csv_bom, "reads"), "crlf": (csv_crlf, "reads"),
    "gzip": (csv_gzip, "reads"), "bz2": (csv_bz2, "reads"), "xz": (csv_xz, "reads"), "zstd": (csv_zstd, "reads"),
    "gzip_named_plain": (csv_gzip_named_plain, "reads"), "blank_lines_inside": (csv_blank_lines, "reads"),
    "latin1": (csv_latin1, "error"), "gzip_truncated": (csv_gzip_truncated, "error"),
    "gzip_bad_crc": (csv_gzip_bad_crc, "error"), "bz2_corrupt": (csv_bz2_corrupt, "error"),
    "xz_truncated": (csv_xz_truncated, "error"), "named_bz2_plain": (csv_named_bz2_plain, "error"),
    "ragged": (csv_ragged, "error"), "unterminated_quote": (csv_unterminated_quote, "error"),
    "semicolon": (csv_semicolon, "error"), "tab": (csv_tab, "error"), "zero_bytes": (csv_zero_bytes, "error"),
    "blank_lines": (csv_header_only_blank, "error"), "parquet_zero_bytes": (parquet_zero_bytes, "error"),
    "parquet_truncated": (parquet_truncated, "error"), "parquet_wrong_schema": (parquet_wrong_schema, "error"),
    "parquet_not_parquet": (parquet_not_parquet, "error"), "directory": (a_directory, "error"),
    "missing": (missing_path, "error"),
    "cr_blank_lines": (csv_cr_blank_lines, "reads"), "cr_ragged": (csv_cr_ragged, "error"),
}


def build(name: str, directory) -> Path:
    """Write corpus file ``name`` under ``directory``; return its path."""
    return CORPUS[name][0](Path(directory))
