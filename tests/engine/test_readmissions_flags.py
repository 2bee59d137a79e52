"""The readmission pass's byte of flags per row (kpcompare.engine.readmissions): a dictionary-encoded column's
rules judged together, once per dictionary value, give each row the bits a plain column's rules give it."""

from __future__ import annotations

import pyarrow as pa

from kpcompare.engine.readmissions import _bits, _is_in, _regex


def test_bits_of_dictionary_columns_as_of_plain_ones():
    judges = [(1, _is_in(("21", "2B"))), (2, _is_in(("2B", "81"))), (8, _regex(r"^C[0-8]"))]
    plain = pa.array(["21", None, "11", "2B", "81", "C509", "2B"])
    expected = [1, 0, 0, 3, 2, 8, 3]  # by hand: 21 emergency; 2B both; 81 transfer; C509 cancer
    assert _bits(plain, judges).tolist() == expected
    assert _bits(plain.dictionary_encode(), judges).tolist() == expected
    chunked = pa.chunked_array([plain[:3].dictionary_encode(), plain[3:].dictionary_encode()])
    assert _bits(chunked, judges).tolist() == expected
    with_null_index = pa.DictionaryArray.from_arrays(pa.array([0, None, 2, 1]), pa.array(["21", "C509", "2B"]))
    assert _bits(with_null_index, judges).tolist() == [1, 0, 3, 8]
    assert _bits(pa.array([], pa.string()).dictionary_encode(), judges).tolist() == []
