"""Bad input when reading an extract: corrupt files, malformed CSV lines, wrong types, missing columns, bad
mappings.  One test per error message (the message is matched).  Bad aggregate options:
tests/engine/test_plan_errors.py."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kpcompare
from kpcompare.errors import (
    ColumnTypeError,
    InvalidArgumentError,
    MissingColumnError,
    SourceReadError,
    UnknownNameError,
)

ROWS = pd.DataFrame({
    "system": ["A", "B", "A"], "sex": ["M", "F", "F"], "age": [70.0, 3.0, 45.0],
    "admission_date": [dt.date(2020, 1, 1)] * 3, "discharge_date": [dt.date(2020, 1, 2)] * 3,
    "primary_diagnosis": ["J44.1", "I64", "K35"],
})


def test_corrupt_parquet_names_the_file(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    with pytest.raises(SourceReadError, match=r"Parquet file '.*broken\.parquet' cannot be read"):
        kpcompare.read_episodes(path)


def test_truncated_parquet_names_the_file(tmp_path):
    path = tmp_path / "cut.parquet"
    pq.write_table(pa.Table.from_pandas(ROWS, preserve_index=False), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceReadError, match=r"cut\.parquet.*truncated"):
        kpcompare.aggregate(kpcompare.read_episodes(path), progress=False)


def test_corrupt_row_group_names_file_and_row_group(tmp_path):
    path = tmp_path / "rg.parquet"
    big = pd.concat([ROWS] * 200, ignore_index=True)
    pq.write_table(pa.Table.from_pandas(big, preserve_index=False), path, row_group_size=200,
                   compression="none")
    meta = pq.ParquetFile(path).metadata
    column = meta.row_group(1).column(5)  # primary_diagnosis of row group 1
    offset = column.dictionary_page_offset or column.data_page_offset
    data = bytearray(path.read_bytes())
    data[offset:offset + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))
    with pytest.raises(SourceReadError, match=r"rg\.parquet' row group 1 cannot be read"):
        kpcompare.aggregate(kpcompare.read_episodes(path), progress=False)


def test_malformed_csv_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.csv"
    lines = ["system,sex,age,admission_date,discharge_date,primary_diagnosis"]
    lines += ["A,M,70,2020-01-01,2020-01-02,J44.1"] * 5
    lines += ["A,M,70,2020-01-01,2020-01-02,J44.1,EXTRA"]  # line 7
    lines += ["B,F,3,2020-01-01,2020-01-02,I64"]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SourceReadError, match=r"CSV file '.*bad\.csv' line 7: malformed line \(expected 6 fields, "
                                              r"got 7\)"):
        kpcompare.aggregate(kpcompare.read_episodes(path), progress=False)


def test_csv_text_in_numeric_column_names_file_and_lines(tmp_path):
    """Issue 17: the column is named by name (pyarrow named it 'CSV column #1') and the value by its line (not
    the block of lines 2-3)."""
    path = tmp_path / "types.csv"
    path.write_text("sex,length_of_stay\nM,2\nF,three\n")
    with pytest.raises(ColumnTypeError, match=r"column 'length_of_stay' .*types\.csv' line 3 \(value 'three'\)"):
        kpcompare.aggregate(kpcompare.read_episodes(path), by=("sex",), progress=False)


def test_wrong_column_type_is_reported_when_reading():
    frame = ROWS.assign(age=["seventy", "three", "x"])
    with pytest.raises(ColumnTypeError, match=r"column 'age' \(canonical 'age'\).*rule 'convertible to float'"):
        kpcompare.read_episodes(frame)


def test_wrong_date_type_is_reported():
    frame = ROWS.assign(admission_date=[1.5, 2.5, 3.5])
    with pytest.raises(ColumnTypeError, match=r"canonical 'admission_date'.*convertible to date"):
        kpcompare.read_episodes(frame)


def test_mapping_to_missing_column_names_it():
    with pytest.raises(MissingColumnError, match=r"canonical column 'sex' is mapped to source column 'GENDER', "
                                                  r"which is not in the pandas DataFrame"):
        kpcompare.read_episodes(ROWS, mapping={"sex": "GENDER", "age": "age"})


def test_mapping_to_unknown_canonical_name():
    with pytest.raises(UnknownNameError, match=r"'gender' is not a canonical episode column"):
        kpcompare.read_episodes(ROWS, mapping={"gender": "sex"})


def test_unknown_registered_mapping():
    with pytest.raises(UnknownNameError, match=r"unknown mapping 'hes2'; registered: 'canonical', 'hes', 'nhds'"):
        kpcompare.read_episodes(ROWS, mapping="hes2")


def test_bad_source_type():
    with pytest.raises(InvalidArgumentError, match=r"argument 'source': expected a path"):
        kpcompare.read_episodes([1, 2, 3])


def test_missing_file():
    with pytest.raises(SourceReadError, match=r"file '.*nothere\.parquet' does not exist"):
        kpcompare.read_episodes("nothere.parquet")


def test_empty_parquet_file(tmp_path):
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.Table.from_pandas(ROWS.iloc[:0], preserve_index=False), path)
    result = kpcompare.aggregate(kpcompare.read_episodes(path), progress=False)
    assert result.rows_read == 0 and len(result.strata) == 0


def test_directory_without_parquet_files(tmp_path):
    with pytest.raises(SourceReadError, match=r"directory '.*' holds no \.parquet files"):
        kpcompare.read_episodes(tmp_path)


def test_directory_files_must_share_columns(tmp_path):
    pq.write_table(pa.Table.from_pandas(ROWS, preserve_index=False), tmp_path / "a.parquet")
    pq.write_table(pa.Table.from_pandas(ROWS.drop(columns="sex"), preserve_index=False), tmp_path / "b.parquet")
    with pytest.raises(SourceReadError, match=r"b\.parquet' lacks column\(s\) \['sex'\]"):
        kpcompare.read_episodes(tmp_path)


def test_csv_without_header(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("\n")
    with pytest.raises(SourceReadError, match=r"blank\.csv' has no header line"):
        kpcompare.read_episodes(path)


def test_unknown_file_format(tmp_path):
    path = tmp_path / "episodes.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(InvalidArgumentError, match=r"cannot tell the format of '.*episodes\.xlsx'"):
        kpcompare.read_episodes(path)


def test_unknown_coding():
    with pytest.raises(InvalidArgumentError, match=r"argument 'coding': unknown coding 'icd11'"):
        kpcompare.read_episodes(ROWS, coding="icd11")


def test_mixed_types_in_a_frame_column():
    frame = ROWS.assign(system=["A", 2, "B"])
    with pytest.raises(SourceReadError, match=r"the pandas DataFrame rows 1-3: column 'system' holds values that cannot be "
                                              r"read \(object: mixed types"):
        kpcompare.aggregate(frame, progress=False)




def test_a_complex_column_of_a_frame_is_named():
    # an ArrowNotImplementedError ("Unsupported numpy type 15") before
    frame = ROWS.assign(age=ROWS["age"].astype(complex))
    with pytest.raises(SourceReadError, match=r"the pandas DataFrame rows 1-3: column 'age' holds values that "
                                              r"cannot be read \(complex128"):
        kpcompare.aggregate(frame, progress=False)
