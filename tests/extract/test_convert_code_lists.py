"""Code lists (canonical ``diagnoses`` / ``procedures``) from several code columns or from one list column."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kpcompare
from kpcompare.extract.convert import to_list


def test_several_code_columns_give_one_list_of_the_present_codes():
    first = pa.array(["J44.1", None, " i10x"])
    second = pa.array(["I10X", "E11.9", None])
    got = to_list([first, second], 3)
    assert got.to_pylist() == [["J441", "I10X"], ["E119"], ["I10X"]]


@pytest.mark.parametrize("list_type", [pa.list_(pa.string()), pa.large_list(pa.string()),
                                       pa.list_(pa.dictionary(pa.int32(), pa.string()))])
def test_a_list_column_is_normalised_row_by_row(list_type):
    values = [["j44.1", None, "I10X", " "], None, [], ["S72.0"], [None]]
    lists = pa.array(values, pa.list_(pa.string()))
    if pa.types.is_dictionary(list_type.value_type):  # pyarrow < 16 cannot cast strings to a dictionary
        lists = pa.ListArray.from_arrays(lists.offsets, lists.values.dictionary_encode().cast(list_type.value_type),
                                         mask=lists.is_null())
    lists = lists.cast(list_type)
    got = to_list([lists], len(values))
    # codes normalised as primary_diagnosis is; missing and blank codes dropped; a missing list is empty
    assert got.type == pa.list_(pa.string())
    assert got.to_pylist() == [["J441", "I10X"], [], [], ["S720"], []]


def test_a_sliced_list_column_keeps_its_rows():
    lists = pa.array([["A00"], ["B01.1", "C02"], None, ["D03"]])
    assert to_list([lists.slice(1, 2)], 2).to_pylist() == [["B011", "C02"], []]
    assert to_list([lists.slice(1, 0)], 0).to_pylist() == []


def test_a_parquet_list_column_maps_to_diagnoses(tmp_path):
    table = pa.table({
        "person_id": pa.array([1, 2, 3], pa.int64()),
        "dx": pa.array([["I21.0", "J44.1"], None, ["s72.0", ""]], pa.list_(pa.string())),
    })
    path = tmp_path / "lists.parquet"
    pq.write_table(table, path, row_group_size=2)
    extract = kpcompare.read_episodes(path, mapping={"person_id": "person_id", "diagnoses": "dx"})
    frame = extract.to_pandas(["person_id", "diagnoses"])
    assert [list(v) for v in frame["diagnoses"]] == [["I210", "J441"], [], ["S720"]]
