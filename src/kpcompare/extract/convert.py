"""Converters from source columns (Arrow arrays) to canonical columns.

Every converter takes the list of source arrays of one record batch (in the
order the mapping names them) and the batch length, and returns one Arrow
array.  String work is done on the *dictionary* of distinct values and mapped
back by index, so a 1M-row batch with 10,000 distinct codes costs 10,000
string operations, not 1M.  Values a converter cannot interpret become null;
the episode schema then counts those rows under a named exclusion reason
(never dropped silently).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "Converter", "plain", "string_values", "by_dictionary", "dictionary_parts", "dictionary_mask", "to_string", "to_code", "to_sex", "to_date", "dates_in", "ISO_DATE", "HES_DATES", "to_int", "to_float",
    "to_bool", "to_list", "keep", "constant", "age_from_birth", "MIN_VALID_DATE", "MAX_VALID_DATE", "PerValueMemo",
]

Converter = Callable[[Sequence[pa.Array], int], pa.Array]

#: dates outside [MIN_VALID_DATE, MAX_VALID_DATE] are invalid (HES writes 1800-01-01 / 1801-01-01 for null dates)
MIN_VALID_DATE = date(1850, 1, 1)
MAX_VALID_DATE = date(2100, 12, 31)


def plain(array: pa.Array) -> pa.Array:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array


def by_dictionary(array: pa.Array, function: Callable[[pa.Array], pa.Array], *,
                  keep_dictionary: bool = False) -> pa.Array:
    """Apply ``function`` to the distinct values of ``array`` only, then map back by index.

    With ``keep_dictionary`` the result stays dictionary-encoded (string columns: sex, system, codes), which
    spares a 1M-row ``take``; consumers read such columns through :func:`dictionary_parts`.
    """
    array = plain(array)
    if not pa.types.is_dictionary(array.type):
        array = pc.dictionary_encode(array)
    values = function(array.dictionary)
    if len(values) != len(array.dictionary):  # pragma: no cover - a converter bug, not bad input
        raise TypeError(f"a per-value function returned {len(values)} values for {len(array.dictionary)}")
    if not keep_dictionary:
        return values.take(array.indices)
    indices = array.indices
    if values.null_count:  # a value that became missing: point its rows to null, not to a null value
        index = pc.fill_null(indices, 0).to_numpy(zero_copy_only=False)
        missing = values.is_null().to_numpy(zero_copy_only=False)[index] if len(values) else \
            np.zeros(len(index), dtype=bool)
        missing |= ~pc.is_valid(indices).to_numpy(zero_copy_only=False)
        indices = pa.array(index, type=indices.type, mask=missing)
    # the indices are those of a valid dictionary array of the same length: no need to check each row again
    return pa.DictionaryArray.from_arrays(indices, values, safe=False)


class PerValueMemo:
    """A per-value function's results remembered across batches (a value's result depends on it alone).

    Large dictionaries (the 10,000 diagnosis codes of every Parquet row group) are matched to the values seen
    before with one hash lookup (``pyarrow.compute.index_in``); only unseen values are computed.  Small ones
    are computed directly.  Thread-safe; forgets everything past ``limit`` remembered values.
    """

    def __init__(self, function: Callable[[pa.Array], pa.Array], *, smallest: int = 256,
                 limit: int = 2_000_000) -> None:
        self.function = function
        self.smallest = smallest
        self.limit = limit
        self._known: tuple[pa.Array, pa.Array] | None = None
        self._lock = threading.Lock()

    def __call__(self, values: pa.Array) -> pa.Array:
        if len(values) < self.smallest or not pa.types.is_string(values.type):
            return self.function(values)
        with self._lock:
            known = self._known
        if known is None:
            out = self.function(values)
            with self._lock:
                self._known = (values, out)
            return out
        seen, results = known
        position = pc.index_in(values, value_set=seen)
        if position.null_count == 0:
            return results.take(position)
        fresh = values.filter(pc.is_null(position))
        seen = pa.concat_arrays([seen, fresh])
        results = pa.concat_arrays([results, self.function(fresh).cast(results.type)])
        with self._lock:
            self._known = (seen, results) if len(seen) <= self.limit else None
        return results.take(pc.index_in(values, value_set=seen))


def dictionary_parts(array: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """``(dictionary, indices, valid)`` of a column (encoded on the fly if plain); invalid indices are 0."""
    array = plain(array)
    if not pa.types.is_dictionary(array.type):
        array = pc.dictionary_encode(array)
    indices = array.indices
    if indices.null_count == 0:
        return array.dictionary, indices.to_numpy(zero_copy_only=False), np.ones(len(indices), dtype=bool)
    valid = pc.is_valid(indices).to_numpy(zero_copy_only=False)
    return array.dictionary, pc.fill_null(indices, 0).to_numpy(zero_copy_only=False), valid


def dictionary_mask(array: pa.Array, values_mask: Callable[[pa.Array], np.ndarray], *,
                    when_missing: bool) -> np.ndarray:
    """A per-row boolean computed on the distinct values only (missing rows get ``when_missing``)."""
    dictionary, index, valid = dictionary_parts(array)
    per_value = np.asarray(values_mask(dictionary), dtype=bool)
    out = per_value[index] if len(per_value) else np.full(len(index), when_missing)
    if not valid.all():
        out[~valid] = when_missing
    return out


def string_values(values: pa.Array) -> pa.Array:
    """Values as strings (a whole float 81.0 as "81")."""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return values.cast(pa.string())
    if pa.types.is_floating(values.type):  # 81.0 -> "81"
        as_int = pc.cast(values, pa.int64(), safe=False)
        whole = pc.equal(pc.cast(as_int, pa.float64()), values)
        return pc.if_else(whole, as_int.cast(pa.string()), values.cast(pa.string()))
    return values.cast(pa.string())


def to_string(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    """Any type -> string (identifiers, system, provider); blanks become null."""
    return by_dictionary(arrays[0], lambda v: _blank_to_null(pc.utf8_trim_whitespace(string_values(v))),
                         keep_dictionary=True)


def _blank_to_null(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def normalise_codes(values: pa.Array) -> pa.Array:
    """Upper case, dots and spaces removed ("j44.1 " -> "J441"); blank -> null."""
    cleaned = pc.utf8_upper(pc.replace_substring_regex(string_values(values), r"[.\s]", ""))
    return _blank_to_null(cleaned)


_NORMALISED = PerValueMemo(normalise_codes)


def to_code(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    """Codes (diagnoses, admission methods ...) as normalised strings, dictionary-encoded."""
    return by_dictionary(arrays[0], _NORMALISED, keep_dictionary=True)


_SEX = {"M": "M", "MALE": "M", "1": "M", "F": "F", "FEMALE": "F", "2": "F"}


def _sex_values(values: pa.Array) -> pa.Array:
    text = pc.utf8_upper(pc.utf8_trim_whitespace(string_values(values))).to_pylist()
    return pa.array([_SEX.get(v) if v is not None else None for v in text], pa.string())


def to_sex(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    """'M'/'F' from M/F, male/female or 1/2 (HES, ONS); anything else (0, 9, blank) -> null."""
    return by_dictionary(arrays[0], _sex_values, keep_dictionary=True)


def _valid_dates(dates: pa.Array) -> pa.Array:
    lo = pa.scalar(MIN_VALID_DATE, pa.date32())
    hi = pa.scalar(MAX_VALID_DATE, pa.date32())
    bounds = pc.min_max(dates)
    if not bounds["min"].is_valid or (bounds["min"].as_py() >= MIN_VALID_DATE
                                      and bounds["max"].as_py() <= MAX_VALID_DATE):
        return dates  # all in range (or all missing): nothing to blank
    ok = pc.and_(pc.greater_equal(dates, lo), pc.less_equal(dates, hi))
    return pc.if_else(ok, dates, pa.scalar(None, pa.date32()))


#: the date formats read by default: ISO 8601 only (``2020-01-31``)
ISO_DATE = ("%Y-%m-%d",)
#: the text formats of HES extracts (NHS Digital writes ``yyyy-mm-dd``; text extracts also ``dd/mm/yyyy`` and
#: ``yyyymmdd``); ``date_format="hes"`` and the ``"hes"`` mapping read these
HES_DATES = ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d")


def _parse_date_strings(values: pa.Array, formats: Sequence[str] = ISO_DATE) -> pa.Array:
    """Dates from text in the first of ``formats`` each value matches (and prints back as written)."""
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    out = pa.nulls(len(text), pa.date32())
    for form in formats:
        parsed = pc.strptime(text, format=form, unit="s", error_is_null=True)
        # strptime rolls 2020-02-30 over to 2020-03-01: a date must print back as written
        roundtrip = pc.fill_null(pc.equal(pc.strftime(parsed, format=form), text), False)
        out = pc.if_else(pc.and_(pc.is_null(out), roundtrip), parsed.cast(pa.date32()), out)
    return out


def to_date(arrays: Sequence[pa.Array], n: int, *, formats: Sequence[str] = ISO_DATE) -> pa.Array:
    """date32 from dates, timestamps or date strings in ``formats`` (default ISO ``YYYY-MM-DD``); unparseable
    or out-of-range dates -> null.  A time-zone-aware timestamp counts by its own local date."""
    array = plain(arrays[0])
    if pa.types.is_dictionary(array.type) or pa.types.is_string(array.type) or pa.types.is_large_string(
            array.type):
        dates = by_dictionary(array, lambda v: _parse_date_strings(v, formats))
    elif pa.types.is_timestamp(array.type) and array.type.tz is not None:
        dates = pc.local_timestamp(array).cast(pa.date32())
    elif pa.types.is_date(array.type) or pa.types.is_timestamp(array.type):
        dates = array.cast(pa.date32())
    else:
        raise TypeError(f"expected dates or date strings, got {array.type}")
    return _valid_dates(dates)


def dates_in(formats: Sequence[str]) -> Converter:
    """:func:`to_date` reading text in ``formats`` (``read_episodes(..., date_format=...)``)."""
    def convert(arrays: Sequence[pa.Array], n: int) -> pa.Array:
        return to_date(arrays, n, formats=formats)
    return convert


def _whole_numbers(values: pa.Array) -> pa.Array:
    """int64 from text: ``12``, `` 12 ``, ``12.0`` and ``12.00`` (how pandas writes nullable integers) are 12;
    blank is missing; ``12.5`` or ``abc`` raise ``ArrowInvalid`` (a type error naming the column)."""
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    text = pc.replace_substring_regex(text, r"^([+-]?[0-9]+)\.0*$", r"\1")
    return _blank_to_null(text).cast(pa.int64())


def to_int(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    """int64 from integers, whole floats or whole-number text (a fractional value is a type error)."""
    array = plain(arrays[0])
    if pa.types.is_dictionary(array.type) or pa.types.is_string(array.type) or pa.types.is_large_string(
            array.type):
        return by_dictionary(array, _whole_numbers)
    return array.cast(pa.int64())  # a safe cast: 1.5, or a uint64 above 2**63 - 1, is a type error


def to_float(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    """float64 from numbers or numbers held as text."""
    array = plain(arrays[0])
    if pa.types.is_dictionary(array.type) or pa.types.is_string(array.type) or pa.types.is_large_string(
            array.type):  # numbers held as text ("45", " 3.5 "); other text is a type error
        return by_dictionary(array, lambda v: _blank_to_null(pc.utf8_trim_whitespace(v.cast(pa.string())))
                             .cast(pa.float64()))
    if not (pa.types.is_integer(array.type) or pa.types.is_floating(array.type) or pa.types.is_null(array.type)):
        raise TypeError(f"expected numbers, got {array.type}")
    return array.cast(pa.float64())


_TRUE = {"TRUE", "T", "Y", "YES", "1"}
_FALSE = {"FALSE", "F", "N", "NO", "0"}


def _bool_values(values: pa.Array) -> pa.Array:
    text = pc.utf8_upper(string_values(values)).to_pylist()
    return pa.array([True if v in _TRUE else False if v in _FALSE else None for v in text], pa.bool_())


def to_bool(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    """Booleans from booleans, 0/1 or true/false/yes/no strings."""
    array = plain(arrays[0])
    if pa.types.is_boolean(array.type):
        return array
    return by_dictionary(array, _bool_values)


def to_list(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    """Several code columns (DIAG_4_01, DIAG_4_02, ...), or one column of lists of codes (as Spark and
    pandas write them to Parquet) -> one list of the non-missing codes, in order, normalised as
    :func:`to_code` does; a row without codes (or a missing list) gets an empty list."""
    if len(arrays) == 1 and (pa.types.is_list(arrays[0].type) or pa.types.is_large_list(arrays[0].type)):
        return _code_lists(plain(arrays[0]))
    columns = [pc.dictionary_decode(a) if pa.types.is_dictionary(a.type) else a
               for a in (to_code([plain(a)], n) for a in arrays)]
    matrix = np.column_stack([c.to_numpy(zero_copy_only=False) for c in columns]) if columns else np.empty((n, 0))
    present = np.array([[v is not None for v in row] for row in matrix], dtype=bool).reshape(matrix.shape)
    offsets = np.concatenate([[0], np.cumsum(present.sum(axis=1))]).astype(np.int32)
    values = pa.array(matrix[present].tolist(), pa.string())
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _code_lists(lists: pa.Array) -> pa.Array:
    """A list column's codes normalised, missing and blank codes dropped, each row's order kept."""
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    codes = to_code([lists.flatten()], int(lengths.sum()))  # flatten skips the values of missing lists
    if pa.types.is_dictionary(codes.type):
        codes = pc.dictionary_decode(codes)
    kept = pc.is_valid(codes).to_numpy(zero_copy_only=False)
    row = np.repeat(np.arange(len(lengths)), lengths)
    counts = np.bincount(row[kept], minlength=len(lengths))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), codes.filter(pa.array(kept)).cast(pa.string()))


def keep(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    """The source column unchanged (identifiers); a dictionary column is decoded."""
    array = plain(arrays[0])
    return pc.dictionary_decode(array) if pa.types.is_dictionary(array.type) else array


def constant(value: object) -> Converter:
    """A converter filling the column with one value (e.g. ``system="NHS England"``)."""
    def convert(arrays: Sequence[pa.Array], n: int) -> pa.Array:
        return pa.array([value]).take(pa.array(np.zeros(n, dtype=np.int64)))
    return convert


def age_from_birth(arrays: Sequence[pa.Array], n: int, *, formats: Sequence[str] = ISO_DATE) -> pa.Array:
    """Completed years between date of birth (first array) and the admission date (second)."""
    birth, when = to_date([arrays[0]], n, formats=formats), to_date([arrays[1]], n, formats=formats)
    years = pc.subtract(pc.year(when), pc.year(birth))
    before = pc.or_(pc.less(pc.month(when), pc.month(birth)),
                    pc.and_(pc.equal(pc.month(when), pc.month(birth)), pc.less(pc.day(when), pc.day(birth))))
    return pc.subtract(years, pc.cast(before, pa.int64())).cast(pa.float64())
