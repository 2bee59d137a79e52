"""Readers that stream a source as Arrow record batches, never loading it whole.

* Parquet file or directory of Parquet files: one row group at a time (the
  reader behind ``ParquetFile.read_row_group``, into :func:`reading_pool`),
  with the diagnosis column read as a dictionary (``read_dictionary=``) so
  that codes are classified once per distinct value.
  ``pyarrow.dataset(...).to_batches()`` is avoided on purpose: on one large
  file its memory grew to 2-3 GB at 200M rows (apache/arrow#39808).
* CSV file (gzip, bzip2, xz or zstd detected from the content: :mod:`.text_files`): streamed in blocks with
  ``pyarrow.csv.open_csv``; code columns are read as strings so leading zeros
  of ICD-9-CM codes survive.
* pyarrow Table / pandas DataFrame: sliced into batches.
* Anything exporting an Arrow C stream (``__arrow_c_stream__``: Polars DataFrames, DuckDB relations,
  pyarrow record-batch readers) and pyarrow datasets: streamed batch by batch (:class:`ArrowStreamSource`),
  never converted whole.
* A Spark DataFrame: :class:`kpcompare.extract.spark_source.SparkSource` (aggregated on Spark; opened by
  ``read_episodes``).

Every read error becomes :class:`kpcompare.errors.SourceReadError` naming the
file and the row group or line.
"""

from __future__ import annotations

import lzma
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from .._compat import arrow_schema, arrow_stream_reader, cast_batch, is_binary_view, is_string_view
from ..errors import SourceReadError
from .text_files import (
    LineCounter,
    TextOptions,
    detect_compression,
    locate_problem,
    locate_value,
    open_stream,
    read_header,
)

__all__ = ["Piece", "Source", "ArrowStreamSource", "plain_schema", "open_source", "BATCH_ROWS"]

#: rows per batch for in-memory sources (Parquet batches follow the file's row groups)
BATCH_ROWS = 1_000_000
_CSV_BLOCK_BYTES = 64 << 20


@dataclass
class Piece:
    """One record batch of a source and where it came from (for error messages).

    ``line_of(column, value)``, when the source can tell (a CSV file), gives the exact place of the first row
    of the batch whose ``column`` holds ``value`` (``"CSV file 'x.csv' line 2501"``), for a value that cannot
    be converted: ``location`` names a whole block of lines.
    """

    batch: pa.RecordBatch
    location: str
    line_of: Callable[[str, str], str | None] | None = field(default=None, repr=False)

    def where(self, column: str, value: object) -> str:
        """The exact place of ``value`` in ``column`` where known, else :attr:`location`."""
        found = self.line_of(column, str(value)) if self.line_of is not None and value is not None else None
        return found or self.location


class Source:
    """Base class: a named source with known column names, read in pieces."""

    description: str = "data"
    columns: list[str]
    num_rows: int | None = None
    num_pieces: int | None = None

    def types(self) -> dict[str, pa.DataType]:
        """Arrow type of each column where known before reading (empty for CSV)."""
        return {}

    def head(self, columns: Sequence[str], rows: int = 1000) -> pa.Table | None:
        """The first ``rows`` rows of ``columns`` when cheap to get (in-memory sources), else None."""
        return None

    def pieces(self, columns: Sequence[str], *, dictionary: Sequence[str] = (),
               types: dict | None = None) -> Iterator[Piece]:  # pragma: no cover - abstract
        raise NotImplementedError

    def piece_jobs(self, columns: Sequence[str], *, dictionary: Sequence[str] = (),
                   types: dict | None = None) -> Iterator[Callable[[], list[Piece]]]:
        """The source in order as zero-argument jobs, each returning pieces; jobs may run in any thread.

        Sources that can read a part independently (Parquet row groups) defer the reading to the job, so
        several parts are read at once; the others read here, in order, and the job only hands it over.
        """
        for piece in self.pieces(columns, dictionary=dictionary, types=types):
            yield (lambda got=piece: [got])


class TableSource(Source):
    def __init__(self, table: pa.Table, *, description: str = "the pyarrow Table",
                 batch_rows: int = BATCH_ROWS) -> None:
        self.table = table
        self.description = description
        self.columns = list(table.column_names)
        self.num_rows = table.num_rows
        self.batch_rows = batch_rows
        self.num_pieces = max(1, -(-table.num_rows // batch_rows))

    def types(self) -> dict[str, pa.DataType]:
        return {f.name: f.type for f in self.table.schema}

    def head(self, columns, rows=1000):
        return self.table.select(list(columns)).slice(0, rows)

    def pieces(self, columns, *, dictionary=(), types=None):
        table = self.table.select(list(columns))
        for start in range(0, max(table.num_rows, 1), self.batch_rows):
            part = table.slice(start, self.batch_rows)
            batch = part.combine_chunks().to_batches()
            record = batch[0] if batch else pa.RecordBatch.from_pylist([], schema=part.schema)
            yield Piece(record, f"{self.description} rows {start + 1}-{start + part.num_rows}")


class PandasSource(Source):
    def __init__(self, frame, *, batch_rows: int = BATCH_ROWS) -> None:
        self.description = "the pandas DataFrame"
        self.frame = _named_columns(frame, self.description)
        self.columns = list(self.frame.columns)
        self.num_rows = len(frame)
        self.batch_rows = batch_rows
        self.num_pieces = max(1, -(-len(frame) // batch_rows))

    def types(self) -> dict[str, pa.DataType]:
        sample = self.frame.head(1000)  # object columns need values for their type to be inferred
        try:
            schema = pa.Schema.from_pandas(sample, preserve_index=False)
        except _NOT_ARROW:
            return {}  # mixed types: reported, with the rows, when the batch is read
        return {f.name: f.type for f in schema}

    def head(self, columns, rows=1000):
        try:
            return pa.Table.from_pandas(self.frame.head(rows)[list(columns)], preserve_index=False)
        except _NOT_ARROW:
            return None  # mixed types: reported, with the rows, when the batch is read

    def pieces(self, columns, *, dictionary=(), types=None):
        for start in range(0, max(len(self.frame), 1), self.batch_rows):
            part = self.frame.iloc[start:start + self.batch_rows][list(columns)]
            location = f"{self.description} rows {start + 1}-{start + len(part)}"
            try:
                table = pa.Table.from_pandas(part, preserve_index=False)
            except _NOT_ARROW as exc:
                raise SourceReadError(f"{location}: {_unreadable(part)} ({exc}).") from exc
            batches = table.combine_chunks().to_batches()
            yield Piece(batches[0] if batches else pa.RecordBatch.from_pylist([], schema=table.schema), location)


def _plain_type(kind: pa.DataType) -> pa.DataType:
    """Large and view string types (Polars, DuckDB, PySpark 4 send them) as plain strings (binary alike)."""
    if pa.types.is_dictionary(kind):
        return pa.dictionary(kind.index_type, _plain_type(kind.value_type))
    if pa.types.is_large_string(kind) or is_string_view(kind):
        return pa.string()
    if pa.types.is_large_binary(kind) or is_binary_view(kind):
        return pa.binary()
    return kind


def plain_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with :func:`_plain_type` applied to every field."""
    return pa.schema([pa.field(f.name, _plain_type(f.type)) for f in schema])


def _cast_plain(batch: pa.RecordBatch, plain: pa.Schema) -> pa.RecordBatch:
    """``batch`` with the types of ``plain``; pyarrow < 17 cannot cast string views, whose values are then
    copied through Python (slow, but only there)."""
    try:
        return cast_batch(batch, plain)
    except pa.ArrowNotImplementedError:
        columns = []
        for column, field in zip(batch.columns, plain, strict=True):
            try:
                columns.append(column.cast(field.type))
            except pa.ArrowNotImplementedError:
                kind = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
                columns.append(pa.array(column.to_pylist(), type=kind))
        return pa.RecordBatch.from_arrays(columns, names=plain.names)


class ArrowStreamSource(Source):
    """An object exporting the Arrow C stream interface (``__arrow_c_stream__``), or a pyarrow dataset,
    read batch by batch (big batches sliced to ``batch_rows``).

    Each read opens a new stream: Polars DataFrames, DuckDB relations and datasets can be read again (a
    second pass of :func:`kpcompare.aggregate`); a ``pyarrow.RecordBatchReader`` is consumed by its one read.
    """

    def __init__(self, stream, *, batch_rows: int = BATCH_ROWS) -> None:
        import pyarrow.dataset as ds

        self.stream = stream
        self.batch_rows = batch_rows
        self.once = isinstance(stream, pa.RecordBatchReader)
        self.dataset = isinstance(stream, ds.Dataset)
        self.reads = 0
        self.description = f"the {type(stream).__module__.split('.')[0]} {type(stream).__name__} (Arrow stream)"
        try:
            if self.once or self.dataset:
                self.schema = stream.schema
            elif hasattr(stream, "__arrow_c_schema__"):
                self.schema = arrow_schema(stream)
            else:  # the schema of a stream opened and dropped unread
                self.schema = arrow_stream_reader(stream).schema
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise SourceReadError(f"{self.description}: its Arrow stream cannot be opened ({exc}).") from exc
        self.columns = list(self.schema.names)
        self.plain = plain_schema(self.schema)
        self.num_rows = stream.count_rows() if self.dataset else None

    def types(self) -> dict[str, pa.DataType]:
        return {f.name: f.type for f in self.plain}

    def _reader(self, columns: Sequence[str]) -> pa.RecordBatchReader:
        if self.once and self.reads:
            raise SourceReadError(
                f"{self.description} has been read already: a pyarrow RecordBatchReader can be read once. "
                "Give a source that can be read again (a pyarrow Table or dataset, a Polars DataFrame, a "
                "DuckDB relation) or aggregate with check_duplicates=False, persons=False.")
        self.reads += 1
        if self.dataset:
            return self.stream.scanner(columns=list(columns), batch_size=self.batch_rows).to_reader()
        return self.stream if self.once else arrow_stream_reader(self.stream)

    def pieces(self, columns, *, dictionary=(), types=None):
        done = 0
        try:
            reader = self._reader(columns)
            for batch in reader:
                batch = batch.select(list(columns))
                if batch.schema != (plain := plain_schema(batch.schema)):
                    batch = _cast_plain(batch, plain)
                for start in range(0, batch.num_rows, self.batch_rows):
                    part = batch.slice(start, self.batch_rows)
                    yield Piece(part, f"{self.description} rows {done + 1}-{done + part.num_rows}")
                    done += part.num_rows
        except (pa.ArrowException, OSError) as exc:
            raise SourceReadError(f"{self.description} after {done:,} rows: {exc}") from exc
        if not done:  # an empty stream: one empty piece, as the other sources give
            yield Piece(pa.RecordBatch.from_pylist([], schema=self.plain).select(list(columns)), self.description)
#: what pyarrow raises for a pandas column it cannot hold (mixed types, complex numbers, odd dictionaries)
_NOT_ARROW = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)


def _unreadable(part) -> str:
    """Which column of ``part`` Arrow cannot hold, in words (the first one found)."""
    for column in part.columns:
        try:
            pa.Table.from_pandas(part[[column]], preserve_index=False)
        except _NOT_ARROW:
            return (f"column {column!r} holds values that cannot be read ({part[column].dtype}: mixed types, "
                    "complex numbers or other objects); give numbers, text or dates")
    return "a column holds values of mixed types"


def _named_columns(frame, description: str):
    """``frame`` with text column names (integer names become ``"0"``, ``"1"`` ...); a MultiIndex or a name
    given twice is an error naming it."""
    import pandas as pd

    from ..errors import ColumnError

    if isinstance(frame.columns, pd.MultiIndex):
        raise ColumnError(f"{description} has a MultiIndex of columns ({list(frame.columns)[:3]!r} ...); flatten "
                          "it first, e.g. frame.columns = ['_'.join(map(str, c)) for c in frame.columns].",
                          rule="one level of column names")
    names = [str(c) for c in frame.columns]
    seen: set[str] = set()
    twice = next((n for n in names if n in seen or seen.add(n)), None)
    if twice is not None:
        raise ColumnError(f"{description}: column {twice!r} appears more than once; rename or drop the "
                          "duplicates first.", column=twice, rule="unique column names")
    if any(not isinstance(c, str) for c in frame.columns):
        frame = frame.set_axis(names, axis=1)  # a new frame: the caller's is untouched
    return frame


class ParquetSource(Source):
    def __init__(self, paths: Sequence[Path], *, description: str) -> None:
        self.paths = list(paths)
        self.description = description
        self._files: list[pq.ParquetFile] = []
        for path in self.paths:
            try:
                self._files.append(pq.ParquetFile(path))
            except (pa.ArrowException, OSError) as exc:
                raise SourceReadError(f"Parquet file {str(path)!r} cannot be read: {exc}. "
                                      "Is it truncated or not a Parquet file?") from exc
        schema = self._files[0].schema_arrow
        self.columns = list(schema.names)
        self._types = {f.name: f.type for f in schema}
        for path, file in zip(self.paths[1:], self._files[1:], strict=True):
            missing = [c for c in self.columns if c not in file.schema_arrow.names]
            if missing:
                raise SourceReadError(f"Parquet file {str(path)!r} lacks column(s) {missing} present in "
                                      f"{str(self.paths[0])!r}; all files of a directory must share one schema.")
        self.num_rows = sum(f.metadata.num_rows for f in self._files)
        self.num_pieces = sum(f.metadata.num_row_groups for f in self._files)

    def types(self) -> dict[str, pa.DataType]:
        return dict(self._types)

    def pieces(self, columns, *, dictionary=(), types=None):
        for job in self.piece_jobs(columns, dictionary=dictionary, types=types):
            yield from job()

    def piece_jobs(self, columns, *, dictionary=(), types=None):
        def stringy(t: pa.DataType) -> bool:
            return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t)

        want_dict = [c for c in dictionary if c in columns and stringy(self._types[c])]
        local = threading.local()  # one open file per thread: read_row_group is not shared across threads

        def read(number: int, path: Path, group: int) -> list[Piece]:
            handles = local.__dict__.setdefault("files", {})
            file = handles.get(number)
            location = f"Parquet file {str(path)!r} row group {group}"
            try:
                if file is None:  # read_dictionary is fixed when a file is opened
                    file = _RowGroupReader(path, columns, want_dict)
                    handles.clear()
                    handles[number] = file
                table = file.read(group)
            except (pa.ArrowException, OSError) as exc:
                raise SourceReadError(f"{location} cannot be read: {exc}. Is the file truncated or corrupt?") \
                    from exc
            return [Piece(batch, location) for batch in table.to_batches()]

        for number, (path, file) in enumerate(zip(self.paths, self._files, strict=True)):
            for group in range(file.metadata.num_row_groups):
                yield (lambda number=number, path=path, group=group: read(number, path, group))


def reading_pool() -> pa.MemoryPool:
    """The memory pool Parquet row groups are read into: jemalloc where pyarrow has it, else the default pool.

    Reading a row group allocates and frees some 40 MB a worker.  pyarrow's default pool on Linux and macOS
    (mimalloc) gives freed pages back to the system and takes fresh ones, which the kernel zeroes (often as 2
    MB huge pages), and keeps partly used pages per thread.  On the benchmark of ``docs/performance.md``
    (2 cores) reading 200M rows took 2.4-2.6 s instead of 2.8-3.0 s, the system time of the episode unit at
    20M rows stayed at 0.1-0.25 s (mimalloc: 0.1-0.6 s) and its peak memory was 20-35 MB lower.  Only the
    buffers read from Parquet come from this pool; a pool the user chose with ``pyarrow.set_memory_pool``
    (any backend but mimalloc) is used as it is.
    """
    default = pa.default_memory_pool()
    if default.backend_name == "mimalloc" and "jemalloc" in pa.supported_memory_backends():
        return pa.jemalloc_memory_pool()
    return default


class _RowGroupReader:
    """One open Parquet file reading row groups of fixed columns into :func:`reading_pool`.

    ``ParquetFile`` takes no memory pool, so this uses the reader it wraps (``pyarrow._parquet.ParquetReader``,
    the same reading code) and falls back to ``ParquetFile`` if that class is not there.
    """

    def __init__(self, path: Path, columns: Sequence[str], dictionary: Sequence[str]) -> None:
        self._file = None
        try:
            from pyarrow._parquet import ParquetReader

            reader = ParquetReader(memory_pool=reading_pool())
            # the options ParquetFile opens a file with (extension types such as UUID included)
            reader.open(str(path), read_dictionary=list(dictionary) or None, arrow_extensions_enabled=True)
            # every leaf of each top-level column (a list or struct column has one leaf per nested field)
            self._indices = [i for name in columns for i, leaf in enumerate(reader.column_paths)
                             if leaf[0] == name]
            self._reader = reader
        except (ImportError, AttributeError, TypeError):  # a pyarrow whose reader takes no pool
            self._file = pq.ParquetFile(path, read_dictionary=list(dictionary) or None)
            self._columns = list(columns)

    def read(self, group: int) -> pa.Table:
        if self._file is not None:  # see __init__
            return self._file.read_row_group(group, columns=self._columns)
        return self._reader.read_row_group(group, column_indices=self._indices, use_threads=True)


class CsvSource(Source):
    """A delimited text file, compressed or not (:mod:`kpcompare.extract.text_files`), streamed in blocks."""

    def __init__(self, path: Path, options: TextOptions | None = None, *,
                 block_bytes: int = _CSV_BLOCK_BYTES) -> None:
        self.path = path
        self.options = options or TextOptions()
        self.description = f"CSV file {str(path)!r}"
        self.block_bytes = block_bytes
        self.compression = detect_compression(path, self.description)
        self.columns = read_header(path, self.compression, self.options, self.description)
        self.num_rows = None
        size = path.stat().st_size * (6 if self.compression else 1)
        self.num_pieces = max(1, -(-size // block_bytes))
        self.estimated_rows = size // 50  # about 50 bytes a line at least: an upper estimate for planning

    def _reader(self, columns, types):
        convert = pcsv.ConvertOptions(include_columns=list(columns),
                                      column_types={c: t for c, t in (types or {}).items() if c in columns},
                                      strings_can_be_null=True)
        parse = pcsv.ParseOptions(delimiter=self.options.delimiter, newlines_in_values=False)
        read = pcsv.ReadOptions(block_size=self.block_bytes, encoding=self.options.encoding)
        counter = LineCounter(open_stream(self.path, self.compression))
        reader = pcsv.open_csv(pa.PythonFile(counter, mode="r"), read_options=read, parse_options=parse,
                               convert_options=convert)
        return reader, counter

    def _failure(self, rows_done: int, exc: BaseException | None = None) -> SourceReadError:
        problem = locate_problem(self.path, self.compression, self.options, self.description, len(self.columns))
        if problem is None:
            problem = self._bad_value(rows_done, str(exc))
        if problem is None:
            problem = f"after line {rows_done + 1}: cannot be read ({_named(str(exc), self.columns)})"
        return SourceReadError(f"{self.description} {problem}.")

    def _bad_value(self, rows_done: int, message: str) -> str | None:
        """``"line N: ..."`` for a value pyarrow could not convert (its message names the column and the value;
        the line is the first after the rows already read whose field holds that value)."""
        match = _CONVERSION.search(message)
        if match is None:
            return None
        column, kind, value = int(match.group(1)), match.group(2), match.group(3)
        line = locate_value(self.path, self.compression, self.options, column, value, after=rows_done + 1)
        if line is None or column >= len(self.columns):
            return None
        return (f"line {line}: column {self.columns[column]!r} holds {value!r}, which cannot be read as {kind} "
                "like the rows before it; correct the value (or give the column as text)")

    def _line_of(self, column: str, value: str, *, after: int) -> str | None:
        """``"CSV file 'x' line N"``: the first line after line ``after`` whose ``column`` holds ``value``."""
        if column not in self.columns:
            return None
        line = locate_value(self.path, self.compression, self.options, self.columns.index(column), value,
                            after=after)
        return None if line is None else f"{self.description} line {line}"

    def pieces(self, columns, *, dictionary=(), types=None):
        rows_done = 0
        try:
            reader, counter = self._reader(columns, types)
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                location = f"{self.description} lines {rows_done + 2}-{rows_done + batch.num_rows + 1}"
                yield Piece(batch, location, partial(self._line_of, after=rows_done + 1))
                rows_done += batch.num_rows
        except (pa.ArrowException, OSError, EOFError, lzma.LZMAError, UnicodeError) as exc:
            raise self._failure(rows_done, exc) from exc
        if rows_done + counter.blank + 1 != counter.lines:  # a quote left open swallowed the lines after it
            raise self._failure(rows_done, f"{counter.lines - 1} lines after the header, {rows_done} rows read")


#: pyarrow's message for a value a CSV column's type cannot hold (column counted from 0, type, value)
_CONVERSION = re.compile(r"CSV column #(\d+): CSV conversion error to ([^:]+): invalid value '(.*)'", re.S)


def _named(message: str, columns: Sequence[str]) -> str:
    """pyarrow's "CSV column #3" as "column 'age'" (the header's columns, counted from 0)."""
    def name(match) -> str:
        number = int(match.group(1))
        return f"column {columns[number]!r}" if number < len(columns) else match.group(0)
    return re.sub(r"CSV column #(\d+)", name, message)


_TEXT_NAMES = tuple(f"{stem}{zip_}" for stem in (".csv", ".txt", ".tsv")
                    for zip_ in ("", ".gz", ".gzip", ".bz2", ".xz", ".zst", ".zstd"))


def open_source(source, *, batch_rows: int = BATCH_ROWS, text: TextOptions | None = None) -> Source:
    """A :class:`Source` for a path (CSV, Parquet file, directory of Parquet files), Table or DataFrame."""
    import pandas as pd

    from ..errors import InvalidArgumentError

    if isinstance(source, pa.Table):
        return TableSource(source, batch_rows=batch_rows)
    if isinstance(source, pd.DataFrame):
        return PandasSource(source, batch_rows=batch_rows)
    if isinstance(source, (str, Path)):
        return _open_path(Path(source), text)
    import pyarrow.dataset as ds

    if hasattr(source, "__arrow_c_stream__") or isinstance(source, ds.Dataset):
        return ArrowStreamSource(source, batch_rows=batch_rows)
    raise InvalidArgumentError(
        "argument 'source': expected a path to a CSV or Parquet file, a directory of Parquet files, a pyarrow "
        "Table, a pandas DataFrame, an Arrow stream (a Polars DataFrame, a DuckDB relation, a pyarrow "
        f"dataset or RecordBatchReader) or a Spark DataFrame, got {type(source).__name__}."
    )


def _open_path(path: Path, text: TextOptions | None) -> Source:
    from ..errors import InvalidArgumentError

    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix == ".parquet")
        if not files:
            raise SourceReadError(f"directory {str(path)!r} holds no .parquet files.")
        return ParquetSource(files, description=f"Parquet directory {str(path)!r}")
    if not path.exists():
        raise SourceReadError(f"file {str(path)!r} does not exist.")
    if not path.is_file():
        raise SourceReadError(f"{str(path)!r} is not a regular file.")
    if path.stat().st_size == 0:
        raise SourceReadError(f"file {str(path)!r} is empty (0 bytes).")
    name = path.name.lower()
    if name.endswith(_TEXT_NAMES):
        return CsvSource(path, text)
    if name.endswith((".parquet", ".pq")):
        return ParquetSource([path], description=f"Parquet file {str(path)!r}")
    raise InvalidArgumentError(
        f"argument 'source': cannot tell the format of {str(path)!r}; name it *.csv (optionally compressed: "
        "*.csv.gz, .bz2, .xz, .zst) or *.parquet."
    )
