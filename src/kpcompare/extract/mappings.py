"""Mappings from a source's column names and codings to the canonical episode columns.

A mapping is either a plain dict ``{canonical name: source column}`` (every
named source column must exist) or a registered name:

``"canonical"``
    the source already uses the canonical names (any subset of them).
``"hes"``
    Hospital Episode Statistics admitted patient care (NHS Digital field names):
    HESID, EPIKEY, PROCODE, ADMIDATE, DISDATE, EPISTART, EPIEND, EPIORDER,
    EPISTAT (3 = finished; 1 = unfinished; 9 = not known), STARTAGE (0-120
    years; 7001-7007 = under one year -> 0; anything else missing), SEX
    (1 = male, 2 = female; 0 = not known, 9 = not specified -> unknown),
    ADMIMETH, ADMISORC, DISDEST, DISMETH, DIAG_4_01 (primary diagnosis),
    DIAG_4_01 ... DIAG_4_20 and OPERTN_4_01 ... OPERTN_4_24.  HES writes
    1800-01-01 / 1801-01-01 for missing or invalid dates; they become missing.
    Source: NHS Digital, HES Data Dictionary - Admitted Patient Care.
``"nhds"``
    the US National Hospital Discharge Survey 2010 public-use file as bundled
    (columns of the R package nhds): ``id``, ``age`` with ``age_unit``
    (years / months / days -> completed years), ``sex`` (male/female),
    ``care_days`` with ``dc_same_day`` -> ``length_of_stay`` (NHDS counts a
    same-day stay as one day of care; the canonical length of stay counts
    midnights, so a same-day stay is 0), ``weighting`` -> ``weight``,
    ``dx01`` (primary) ... ``dx15`` ICD-9-CM, ``pc01`` ... ``pc08``,
    ``payor_primary`` (Medicare, Medicaid, ...) -> ``system``, ``newborn``,
    ``adm_type``, ``adm_origin``, ``dc_status``.
    Source: CDC/NCHS NHDS 2010 public-use data file documentation.

With a registered mapping a source column that is absent makes that
canonical column unavailable (an error is raised only if a computation needs
it); with a dict mapping every named source column must exist.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InvalidArgumentError, MissingColumnError, UnknownNameError
from . import convert as cv
from .columns import CANONICAL_COLUMNS

__all__ = ["Field", "Mapping", "register_mapping", "get_mapping", "list_mappings", "resolve_mapping",
           "extend_mapping"]

_DEFAULT_CONVERTERS = {
    "id": cv.keep, "string": cv.to_string, "code": cv.to_code, "date": cv.to_date, "int": cv.to_int,
    "float": cv.to_float, "bool": cv.to_bool, "list": cv.to_list,
}


@dataclass(frozen=True)
class Field:
    """How one canonical column is made: from which source columns, with which converter."""

    sources: tuple[str, ...]
    convert: cv.Converter | None = None
    #: for several sources: the column exists if at least this many are present (e.g. DIAG_4_01 .. 20)
    min_present: int | None = None


@dataclass(frozen=True)
class Mapping:
    """A named set of :class:`Field` definitions plus the diagnosis coding of the source."""

    name: str
    fields: dict[str, Field]
    coding: str | None = None
    strict: bool = True
    constants: dict[str, object] = field(default_factory=dict)
    #: canonical columns whose source columns must exist even when the mapping is not strict (added by
    #: :meth:`extend`)
    required: tuple[str, ...] = ()
    #: source columns named as canonical columns are read as they are (the ``"canonical"`` mapping and its
    #: extensions)
    identity: bool = False
    #: strptime formats of dates held as text, tried in order (``read_episodes(..., date_format=)`` overrides)
    date_formats: tuple[str, ...] = cv.ISO_DATE

    def converter(self, canonical: str, spec: Field | None = None) -> cv.Converter:
        """The converter of ``canonical`` (its field's own, else the default for its kind)."""
        spec = spec if spec is not None else self.fields[canonical]
        if spec.convert is cv.age_from_birth or (spec.convert is None and
                                                  CANONICAL_COLUMNS[canonical].kind == "date"):
            formats = self.date_formats
            if spec.convert is cv.age_from_birth:
                return lambda arrays, n: cv.age_from_birth(arrays, n, formats=formats)
            return cv.dates_in(formats)
        if spec.convert is not None:
            return spec.convert
        if canonical == "sex":
            return cv.to_sex
        return _DEFAULT_CONVERTERS[CANONICAL_COLUMNS[canonical].kind]

    def extend(self, columns: MappingABC[str, str | Sequence[str]], *, name: str | None = None) -> Mapping:
        """This mapping with canonical columns added or replaced: ``{canonical: source column}`` (or several
        source columns, in order, for a list column), read with the default converter of the canonical
        column's kind.  Unlike the other fields of a registered mapping, these source columns must exist
        (:func:`resolve_mapping` raises :class:`~kpcompare.errors.MissingColumnError` naming the one absent).
        """
        if not isinstance(columns, MappingABC):
            raise InvalidArgumentError(
                f"argument 'columns': expected a mapping {{canonical column: source column}}, got "
                f"{type(columns).__name__}.")
        fields = dict(self.fields)
        for canonical, source in columns.items():
            _check_canonical(canonical, argument="columns")
            sources = (source,) if isinstance(source, str) else \
                tuple(source) if isinstance(source, (list, tuple)) else (source,)
            if not sources or not all(isinstance(s, str) and s for s in sources):
                raise InvalidArgumentError(
                    f"argument 'columns': the source of {canonical!r} must be a column name, got {source!r}.")
            fields[canonical] = Field(sources)
        required = tuple(dict.fromkeys([*self.required, *columns]))
        return replace(self, name=name or self.name, fields=fields, required=required)

    def with_constants(self, constants: MappingABC[str, object]) -> Mapping:
        """The same mapping with canonical columns filled by constants (e.g. ``{"system": "NHS"}``)."""
        fields = dict(self.fields)
        for name, value in constants.items():
            _check_canonical(name, argument="constants")
            fields[name] = Field((), cv.constant(value))
        return replace(self, fields=fields, constants={**self.constants, **constants})


def _check_canonical(name: str, *, argument: str) -> None:
    if name not in CANONICAL_COLUMNS:
        raise UnknownNameError(
            f"argument {argument!r}: {name!r} is not a canonical episode column; choose from "
            f"{', '.join(map(repr, CANONICAL_COLUMNS))}."
        )


_REGISTRY: dict[str, Mapping] = {}


def register_mapping(mapping: Mapping) -> Mapping:
    """Register ``mapping`` under ``mapping.name`` (replacing an earlier one)."""
    for name in mapping.fields:
        _check_canonical(name, argument="mapping")
    _REGISTRY[mapping.name] = mapping
    return mapping


def list_mappings() -> list[str]:
    """Names of the registered mappings."""
    return sorted(_REGISTRY)


def get_mapping(spec: str | Mapping | MappingABC[str, str | Sequence[str]], *,
                coding: str | None = None) -> Mapping:
    """A :class:`Mapping` from a registered name, a Mapping, or a dict ``{canonical: source column(s)}``."""
    if isinstance(spec, Mapping):
        mapping = spec
    elif isinstance(spec, str):
        if spec not in _REGISTRY:
            raise UnknownNameError(
                f"argument 'mapping': unknown mapping {spec!r}; registered: {', '.join(map(repr, list_mappings()))}."
            )
        mapping = _REGISTRY[spec]
    elif isinstance(spec, MappingABC):
        fields = {}
        for name, source in spec.items():
            _check_canonical(name, argument="mapping")
            sources = (source,) if isinstance(source, str) else tuple(source)
            fields[name] = Field(sources)
        mapping = Mapping("custom", fields, strict=True)
    else:
        raise InvalidArgumentError(
            f"argument 'mapping': expected a registered name, a dict {{canonical: source column}} or a "
            f"Mapping, got {type(spec).__name__}."
        )
    if coding is not None:
        mapping = replace(mapping, coding=coding)
    return mapping


def extend_mapping(mapping: str | Mapping | MappingABC[str, str | Sequence[str]],
                   columns: MappingABC[str, str | Sequence[str]], *, name: str | None = None,
                   coding: str | None = None) -> Mapping:
    """A registered mapping (or any :func:`get_mapping` accepts) extended by ``columns``
    ``{canonical column: source column}``: fields added or replaced (:meth:`Mapping.extend`).

    The result can be passed to :func:`kpcompare.read_episodes` as ``mapping=`` or registered with
    :func:`register_mapping` (give it a ``name``; by default ``"<base>+columns"``), e.g.
    ``extend_mapping("hes", {"system": "REGION"}, name="hes_regions")``.
    """
    base = get_mapping(mapping, coding=coding)
    return base.extend(columns, name=name or f"{base.name}+columns")


def resolve_mapping(mapping: Mapping, source_columns: Sequence[str], *, source: str) -> dict[str, Field]:
    """The fields whose source columns are present (all of them for a strict mapping, else an error)."""
    have = set(source_columns)
    resolved: dict[str, Field] = {}
    if mapping.identity or mapping.name == "canonical":  # source columns named as canonical ones, then the explicit fields over them
        resolved.update({name: Field((name,)) for name in CANONICAL_COLUMNS if name in have})
    for name, spec in mapping.fields.items():
        present = tuple(s for s in spec.sources if s in have)
        needed = spec.min_present if spec.min_present is not None else len(spec.sources)
        if len(present) >= max(needed, 0) and (present or not spec.sources):
            resolved[name] = replace(spec, sources=present if spec.min_present is not None else spec.sources)
        elif mapping.strict or name in mapping.required:
            missing = [s for s in spec.sources if s not in have]
            shown = ", ".join(map(repr, list(source_columns)[:20]))
            argument = "columns" if name in mapping.required else "mapping"
            raise MissingColumnError(
                f"{argument}: canonical column {name!r} is mapped to source column {missing[0]!r}, which is not "
                f"in {source}; available columns: {shown}.",
                column=missing[0], rule="column present",
            )
    if "age" not in resolved and {"date_of_birth", "admission_date"} <= set(resolved):
        dob, adm = resolved["date_of_birth"].sources, resolved["admission_date"].sources
        resolved["age"] = Field((dob[0], adm[0]), cv.age_from_birth)
    return resolved


def canonical_mapping() -> Mapping:
    """The identity mapping: source columns already carry canonical names."""
    return Mapping("canonical", {}, strict=False, identity=True)


# --------------------------------------------------------------------------- HES


def _hes_age(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    age = cv.plain(arrays[0])
    if pa.types.is_dictionary(age.type) or pa.types.is_string(age.type) or pa.types.is_large_string(age.type):
        age = cv.by_dictionary(age, _number_or_missing)  # STARTAGE held as text: "45", "7001", " 3 "
    else:
        age = cv.to_float([age], n)
    infant = pc.and_(pc.greater_equal(age, 7001), pc.less_equal(age, 7007))
    years = pc.and_(pc.greater_equal(age, 0), pc.less_equal(age, 120))
    return pc.if_else(infant, 0.0, pc.if_else(years, age, pa.scalar(None, pa.float64())))


def _number_or_missing(values: pa.Array) -> pa.Array:
    """Numbers from text; text that is not a number (blank, "unknown") is missing (excluded as missing_age)."""
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    numeric = pc.fill_null(pc.match_substring_regex(text, r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$"), False)
    return pc.if_else(numeric, text, pa.scalar(None, pa.string())).cast(pa.float64())


def _hes_epistat(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    def values(v: pa.Array) -> pa.Array:
        text = pc.utf8_trim_whitespace(cv.string_values(v)).to_pylist()
        return pa.array(["finished" if t == "3" else "unfinished" if t == "1" else "not known" if t else None
                         for t in text], pa.string())
    return cv.by_dictionary(arrays[0], values, keep_dictionary=True)


def _hes() -> Mapping:
    fields = {
        "person_id": Field(("HESID",)), "episode_id": Field(("EPIKEY",)), "provider": Field(("PROCODE",)),
        "admission_date": Field(("ADMIDATE",)), "discharge_date": Field(("DISDATE",)),
        "episode_start": Field(("EPISTART",)), "episode_end": Field(("EPIEND",)),
        "episode_order": Field(("EPIORDER",)), "episode_status": Field(("EPISTAT",), _hes_epistat),
        "age": Field(("STARTAGE",), _hes_age), "sex": Field(("SEX",)),
        "date_of_birth": Field(("DOB",)),
        "admission_method": Field(("ADMIMETH",)), "admission_source": Field(("ADMISORC",)),
        "discharge_destination": Field(("DISDEST",)), "discharge_method": Field(("DISMETH",)),
        "primary_diagnosis": Field(("DIAG_4_01",)),
        "diagnoses": Field(tuple(f"DIAG_4_{i:02d}" for i in range(1, 21)), min_present=1),
        "procedures": Field(tuple(f"OPERTN_4_{i:02d}" for i in range(1, 25)), min_present=1),
    }
    return Mapping("hes", fields, coding="icd10", strict=False, date_formats=cv.HES_DATES)


# --------------------------------------------------------------------------- NHDS 2010

_UNIT_DIVISOR = {"years": 1.0, "months": 12.0, "days": 365.25}


def _nhds_age(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    age = cv.to_float([arrays[0]], n)
    unit = pc.utf8_lower(pc.dictionary_decode(cv.to_string([arrays[1]], n))).to_numpy(zero_copy_only=False)
    divisor = _vector_divisor(unit)
    years = np.floor(age.to_numpy(zero_copy_only=False) / divisor)
    return pa.array(years, pa.float64(), from_pandas=True)


def _vector_divisor(unit: np.ndarray) -> np.ndarray:
    out = np.full(len(unit), np.nan)
    for name, value in _UNIT_DIVISOR.items():
        out[unit == name] = value
    return out


def _nhds_length_of_stay(arrays: Sequence[pa.Array], n: int) -> pa.Array:
    days = cv.to_int([arrays[0]], n)
    same_day = cv.to_bool([arrays[1]], n)
    return pc.if_else(same_day, pa.scalar(0, pa.int64()), days)


def _nhds() -> Mapping:
    fields = {
        "episode_id": Field(("id",)), "sex": Field(("sex",)), "age": Field(("age", "age_unit"), _nhds_age),
        "length_of_stay": Field(("care_days", "dc_same_day"), _nhds_length_of_stay),
        "weight": Field(("weighting",)), "system": Field(("payor_primary",)), "newborn": Field(("newborn",)),
        "primary_diagnosis": Field(("dx01",)),
        "diagnoses": Field(tuple(f"dx{i:02d}" for i in range(1, 16)), min_present=1),
        "procedures": Field(tuple(f"pc{i:02d}" for i in range(1, 9)), min_present=1),
        "admission_method": Field(("adm_type",)), "admission_source": Field(("adm_origin",)),
        "discharge_destination": Field(("dc_status",)),
    }
    return Mapping("nhds", fields, coding="icd9cm", strict=False)


register_mapping(canonical_mapping())
register_mapping(_hes())
register_mapping(_nhds())
