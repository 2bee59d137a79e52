"""The validated, lazily-read episode extract returned by :func:`read_episodes`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping as MappingABC, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pyarrow as pa

from .._checks import check_choice, check_mapping_argument, check_positive_integer
from ..errors import ColumnTypeError, InvalidArgumentError, MissingColumnError
from .convert import HES_DATES, ISO_DATE
from .columns import CANONICAL_COLUMNS
from .mappings import Field, Mapping, get_mapping, resolve_mapping
from .sources import BATCH_ROWS, Source, open_source
from .text_files import check_text_options

__all__ = ["Extract", "read_episodes", "Batch"]

_CODINGS = ("icd10", "icd9cm", "icd10cm")


@dataclass
class Batch:
    """Canonical columns of one record batch and where it came from."""

    table: pa.RecordBatch
    location: str

    @property
    def num_rows(self) -> int:
        return self.table.num_rows


class Extract:
    """An episode extract: a source, a mapping onto the canonical columns and the coding of its diagnoses.

    Nothing is read until :meth:`batches` is iterated (by :func:`kpcompare.aggregate`); the mapping and the
    column types were checked when the extract was made.

    Attributes
    ----------
    columns : list of str
        Canonical columns this extract can provide.
    coding : str or None
        ``"icd10"``, ``"icd9cm"`` or ``"icd10cm"``: the coding system of the diagnosis columns.
    num_rows : int or None
        Rows in the source when known without reading it (Parquet metadata, frames), else None (CSV).
    """

    def __init__(self, source: Source, mapping: Mapping, fields: dict[str, Field]) -> None:
        self.source = source
        self.mapping = mapping
        self._fields = fields
        self.coding = mapping.coding

    @property
    def columns(self) -> list[str]:
        return [c for c in CANONICAL_COLUMNS if c in self._fields]

    @property
    def num_rows(self) -> int | None:
        return self.source.num_rows

    @property
    def num_pieces(self) -> int | None:
        return self.source.num_pieces

    def __repr__(self) -> str:
        rows = f"{self.num_rows:,} rows" if self.num_rows is not None else "rows not counted yet"
        return (f"<Extract of {self.source.description} ({rows}); mapping {self.mapping.name!r}; "
                f"columns: {', '.join(self.columns)}>")

    def has(self, name: str) -> bool:
        return name in self._fields

    def require(self, names: Sequence[str], *, purpose: str) -> None:
        """Raise :class:`MissingColumnError` naming the first canonical column in ``names`` not available."""
        for name in names:
            if name not in self._fields:
                expected = ""
                spec = self.mapping.fields.get(name)
                if spec is not None and spec.sources:
                    expected = f" (mapping {self.mapping.name!r} reads it from {', '.join(spec.sources[:3])})"
                raise MissingColumnError(
                    f"{purpose} needs the canonical column {name!r}, which {self.source.description} does not "
                    f"provide{expected}; map it with read_episodes(..., mapping={{{name!r}: '<source column>'}}).",
                    column=name, rule="column present",
                )

    def source_type(self, name: str) -> pa.DataType | None:
        """The Arrow type of the one source column canonical ``name`` is read from unchanged (default
        converter), when the source knows it before reading (Parquet, frames); else None."""
        spec = self._fields.get(name)
        if spec is None or len(spec.sources) != 1 or spec.convert is not None:
            return None
        return self.source.types().get(spec.sources[0])

    def source_columns(self, names: Sequence[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            for source in self._fields[name].sources:
                if source not in out:
                    out.append(source)
        return out

    def check_types(self, names: Sequence[str] | None = None) -> None:
        """Convert an empty slice of each mapped source column: a type that cannot be converted is an error."""
        known = self.source.types()
        chosen = [n for n in (names if names is not None else self.columns)
                  if self._fields[n].sources and all(s in known for s in self._fields[n].sources)]
        head = self.source.head(self.source_columns(chosen)) if chosen else None
        for name in chosen:
            sources = self._fields[name].sources
            if head is not None:  # the first rows too: numbers held as text are checked now, not when read
                arrays = [head.column(s).combine_chunks() for s in sources]
                self._convert(name, arrays, head.num_rows, f"{self.source.description} (first rows)")
            else:
                self._convert(name, [pa.array([], type=known[s]) for s in sources], 0, self.source.description)

    def _convert(self, name: str, arrays: list[pa.Array], n: int, location: Any) -> pa.Array:
        """Canonical column ``name`` from its source ``arrays``; ``location`` a text, or the :class:`Piece` read
        (whose :meth:`Piece.where` names the exact line of the first value that cannot be converted)."""
        target = CANONICAL_COLUMNS[name].arrow_type or pa.string()
        if pa.types.is_list(target):
            target = pa.string()
        arrays = [a.cast(target) if pa.types.is_null(a.type) else a for a in arrays]  # an all-missing column
        convert = self.mapping.converter(name, self._fields[name])
        try:
            return convert(arrays, n)
        except (pa.ArrowException, TypeError, ValueError) as exc:
            if not isinstance(location, str):  # a piece: the first row that fails, located exactly
                row = _first_failing_row(convert, arrays, n)
                value = arrays[0][row].as_py() if row is not None else None
                location = location.where(self._fields[name].sources[0], value) + (
                    f" (value {value!r})" if value is not None else "")
            source = ", ".join(self._fields[name].sources)
            kind = CANONICAL_COLUMNS[name].kind
            types = ", ".join(str(a.type) for a in arrays)
            raise ColumnTypeError(
                f"column {source!r} (canonical {name!r}) in {location}: rule 'convertible to {kind}' broken: "
                f"it has type {types} ({exc}). Map a column of the right type or convert it first.",
                column=source, rule=f"convertible to {kind}",
            ) from exc

    def batches(self, names: Sequence[str]) -> Iterator[Batch]:
        """Stream the canonical columns ``names`` batch by batch (one Parquet row group at a time)."""
        for job in self.batch_jobs(names):
            yield from job()

    def batch_jobs(self, names: Sequence[str], *, narrow: bool = False) -> Iterator[Callable[[], list[Batch]]]:
        """The batches of :meth:`batches`, in order, as zero-argument jobs that may run in worker threads.

        A Parquet job reads and converts its row group when called, so a thread pool reads several row
        groups at once; other sources are read in order by the iterator and converted by the job.

        With ``narrow`` a numeric column read with the default converter keeps the source's integer type
        (``age`` as int16 rather than float64, ``episode_order`` as int16 rather than int64): the values are
        the same and the engine reads any integer width, so the per-row cast is spared.  Columns with
        missing values, or of any other type, are converted as usual.
        """
        self.require(names, purpose="this computation")
        from .schema import check_batch_types

        sources = self.source_columns(names)
        dictionary = [s for n in names if CANONICAL_COLUMNS[n].kind in ("code", "string", "id")
                      for s in self._fields[n].sources]
        text_types = {}  # for CSV: fixed types, so one block's inference cannot contradict another's
        for n in names:
            kind, spec = CANONICAL_COLUMNS[n].kind, self._fields[n]
            if kind in ("code", "list"):
                text_types.update({s: pa.string() for s in spec.sources})
            elif len(spec.sources) == 1 and spec.convert is None:
                # integers as text: the converter reads "1.0" as 1 and names a column by name
                text_types[spec.sources[0]] = pa.float64() if kind == "float" else pa.string()

        # numeric columns a job may pass through as they are (one source, default converter)
        as_source = {n for n in names if narrow and CANONICAL_COLUMNS[n].kind in ("int", "float")
                     and len(self._fields[n].sources) == 1 and self._fields[n].convert is None}

        def canonical(piece) -> Batch:
            record = piece.batch
            n = record.num_rows
            arrays = []
            for name in names:
                columns = [record.column(record.schema.get_field_index(s)) for s in self._fields[name].sources]
                if name in as_source and _is_whole(columns[0]):
                    arrays.append(columns[0])
                else:
                    arrays.append(self._convert(name, columns, n, piece))
            table = pa.RecordBatch.from_arrays(arrays, names=list(names))
            check_batch_types(table, location=piece.location, narrow=narrow)
            return Batch(table, piece.location)

        for job in self.source.piece_jobs(sources, dictionary=dictionary, types=text_types):
            yield (lambda job=job: [canonical(piece) for piece in job()])

    def to_pandas(self, names: Sequence[str] | None = None):
        """All rows of ``names`` (default: every available column) as one pandas DataFrame; small extracts only."""
        chosen = list(names) if names is not None else self.columns
        import pyarrow.compute as pc

        tables = []
        for batch in self.batches(chosen):
            columns = [pc.dictionary_decode(c) if pa.types.is_dictionary(c.type) else c for c in batch.table.columns]
            tables.append(pa.Table.from_arrays(columns, names=chosen))
        return pa.concat_tables(tables).to_pandas() if tables else None


def _first_failing_row(convert: Callable[..., pa.Array], arrays: list[pa.Array], n: int) -> int | None:
    """The first row whose values ``convert`` refuses (bisection over prefixes; only on the error path)."""
    lo, hi = 0, n  # the first ``lo`` rows convert; the first ``hi`` do not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            convert([a.slice(0, mid) for a in arrays], mid)
            lo = mid
        except (pa.ArrowException, TypeError, ValueError):
            hi = mid
    try:
        convert([a.slice(lo, 1) for a in arrays], 1)
    except (pa.ArrowException, TypeError, ValueError):
        return lo
    return None  # the rows fail only together (a rule over several rows): no single row to name


def _is_whole(array: pa.Array) -> bool:
    """An integer column without missing values (read as it is by ``batch_jobs(narrow=True)``)."""
    kind = array.type
    return (pa.types.is_signed_integer(kind) or kind in (pa.uint8(), pa.uint16(), pa.uint32())) and \
        array.null_count == 0


_NAMED_DATES = {"iso": ISO_DATE, "hes": HES_DATES}


def _date_formats(date_format: Any) -> tuple[str, ...]:
    """``date_format=`` as a tuple of strptime formats (a name, one format or several)."""
    if isinstance(date_format, str):
        formats = _NAMED_DATES.get(date_format.lower(), (date_format,))
    elif isinstance(date_format, Sequence) and date_format and all(isinstance(f, str) for f in date_format):
        formats = tuple(date_format)
    else:
        raise InvalidArgumentError(
            f"argument 'date_format': expected a strptime format such as '%d/%m/%Y', a list of them, 'iso' or "
            f"'hes', got {date_format!r}.")
    bad = [f for f in formats if "%" not in f]
    if bad:
        raise InvalidArgumentError(f"argument 'date_format': {bad[0]!r} is not a strptime format (e.g. "
                                   "'%d/%m/%Y'); or give 'iso' or 'hes'.")
    return formats


def _chosen_mapping(mapping: Any, coding: str | None, columns: Any, constants: Any, date_format: Any) -> Mapping:
    """The mapping of :func:`read_episodes` with its ``columns``, ``constants`` and ``date_format``."""
    columns = check_mapping_argument(columns, argument="columns")
    constants = check_mapping_argument(constants, argument="constants")
    chosen = get_mapping(mapping, coding=coding)
    if columns is not None:
        chosen = chosen.extend(columns, name=f"{chosen.name}+columns")
    if constants:
        chosen = chosen.with_constants(constants)
    if date_format is not None:
        chosen = replace(chosen, date_formats=_date_formats(date_format))
    return chosen


def read_episodes(source: Any, *, mapping: str | Mapping | MappingABC[str, Any] = "canonical",
                  coding: str | None = None, constants: MappingABC[str, Any] | None = None,
                  columns: MappingABC[str, Any] | None = None, batch_rows: int = BATCH_ROWS,
                  encoding: str = "utf-8", delimiter: str = ",",
                  date_format: str | Sequence[str] | None = None, engine: str | None = None) -> Extract:
    """Open an episode extract lazily and check its mapping and column types.

    Parameters
    ----------
    source : str, Path, pyarrow.Table, pandas.DataFrame, Arrow stream or Spark DataFrame
        A CSV file (``.csv``, ``.csv.gz``: streamed in blocks), a Parquet file (read one row group at a
        time), a directory of Parquet files sharing one schema, a pyarrow Table or a pandas DataFrame, an Arrow
        C stream (Polars, DuckDB, pyarrow readers and datasets: streamed) or a Spark DataFrame (``engine``).
    mapping : str or dict, default "canonical"
        ``{canonical column: source column}`` (every source column must exist), or a registered name:
        ``"canonical"`` (columns already carry canonical names), ``"hes"`` (HES admitted patient care field
        names and codings) or ``"nhds"`` (the NHDS 2010 public-use file). See
        :mod:`kpcompare.extract.mappings` and ``docs/extracts.md``.
    coding : {"icd10", "icd9cm", "icd10cm"}, optional
        Coding system of the diagnosis columns (registered mappings set it: HES ICD-10, NHDS ICD-9-CM). When
        given, codes not valid in that system are excluded with the reason ``invalid_code``.
    constants : dict, optional
        Canonical columns filled with one value, e.g. ``{"system": "NHS England"}``.
    columns : dict, optional
        Canonical columns added to ``mapping`` or replacing its fields, ``{canonical column: source
        column}``, e.g. ``mapping="hes", columns={"system": "REGION"}``; each source column must exist
        (:func:`kpcompare.extract.extend_mapping` makes the same mapping for reuse).
    batch_rows : int, default 1,000,000
        Rows per batch for in-memory sources (Parquet follows its row groups, CSV its blocks).
    encoding, delimiter : str, default "utf-8", ","
        For text files: the encoding (any Python codec name; a UTF-8 byte-order mark is skipped) and the
        field delimiter (e.g. ``";"`` or ``"\\t"``).  Compression (gzip, bzip2, xz, zstd) is detected from
        the content.  See docs/extracts.md#8-reading-files.
    date_format : str or sequence of str, optional
        strptime format(s) of dates held as text, tried in order, e.g. ``"%d/%m/%Y"``; ``"iso"``
        (``%Y-%m-%d``) or ``"hes"`` (``%Y-%m-%d``, ``%d/%m/%Y``, ``%Y%m%d``).  Default: the mapping's (ISO;
        the ``"hes"`` mapping reads the HES text formats).

    engine : {None, "arrow", "spark"}, default None
        ``"spark"``: a Spark DataFrame, table name (``"catalog.schema.table"``) or path (Delta, Parquet, CSV)
        read by the active session and aggregated on Spark (docs/scale.md); None: Spark DataFrames on Spark.

    Returns
    -------
    Extract
        A lazily-read extract: nothing is loaded until :func:`kpcompare.aggregate` streams it.

    Raises
    ------
    MissingColumnError
        A dict mapping or ``columns`` names a source column that is absent (the message names it).
    UnknownNameError
        ``mapping``, ``constants`` or ``columns`` names a column that is not canonical.
    ColumnTypeError
        A source column's type cannot be converted to its canonical column (e.g. text for ``age``).
    SourceReadError
        The file cannot be opened (missing, truncated or not Parquet/CSV).

    Notes
    -----
    Codes are normalised to upper case without dots or spaces; values a converter cannot interpret
    (an unparseable date, HES SEX 9) become missing and are later counted under a named exclusion reason by
    :func:`kpcompare.aggregate`, never dropped.  Date strings are read in ``date_format``.

    Validated against: the NHDS 2010 public-use file (the ``"nhds"`` mapping reproduces CDC/NCHS's published
    2010 totals, tests/extract/test_mappings_nhds.py) and hand-built HES records coded as in the NHS Digital
    HES Data Dictionary (tests/extract/test_mappings.py).
    """
    if coding is not None and (not isinstance(coding, str) or coding not in _CODINGS):
        raise InvalidArgumentError(f"argument 'coding': unknown coding {coding!r}; choose 'icd10', 'icd9cm' or "
                                   "'icd10cm'.")
    batch_rows = check_positive_integer(batch_rows, argument="batch_rows")
    text = check_text_options(encoding, delimiter)
    chosen = _chosen_mapping(mapping, coding, columns, constants, date_format)
    opened = _open(source, engine, batch_rows=batch_rows, text=text)
    fields = resolve_mapping(chosen, opened.columns, source=opened.description)
    extract = Extract(opened, chosen, fields)
    extract.check_types()
    return extract


def _open(source: Any, engine: Any, *, batch_rows: int, text) -> Source:
    """The source of ``read_episodes``, on the engine asked for."""
    from .spark_source import ENGINES, SparkSource, is_spark_dataframe, spark_frame

    if engine is not None:
        check_choice(engine, ENGINES, argument="engine")
    if engine == "spark" or (engine is None and is_spark_dataframe(source)):
        return SparkSource(spark_frame(source))
    if engine == "arrow" and is_spark_dataframe(source):
        raise InvalidArgumentError(
            "argument 'engine': a Spark DataFrame is aggregated on Spark; give engine='spark' (or None), or "
            "convert it first (frame.toArrow()).")
    return open_source(source, batch_rows=batch_rows, text=text)
