"""The canonical episode schema: one name, one type and one meaning per column.

Every source (a HES extract, the NHDS public-use file, a claims file) is
mapped onto these columns by :func:`kpcompare.read_episodes`.  Only what a
computation needs is required: an episode-unit count by sex needs ``sex`` and
either two dates or ``length_of_stay``; a CIPS count also needs
``person_id``, ``provider``, ``admission_date`` and the transfer codes.

Codes (diagnoses, admission methods, ...) are kept as the source writes them,
as strings; diagnosis codes are normalised to upper case without dots or
spaces ("J44.1" -> "J441").
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

__all__ = ["CanonicalColumn", "CANONICAL_COLUMNS", "canonical_schema", "describe_columns"]


@dataclass(frozen=True)
class CanonicalColumn:
    """One canonical episode column: its name, Arrow type ("any" keeps the source type) and meaning."""

    name: str
    kind: str  # "id", "string", "code", "date", "int", "float", "bool", "list"
    description: str

    @property
    def arrow_type(self) -> pa.DataType | None:
        return {
            "string": pa.string(), "code": pa.string(), "date": pa.date32(), "int": pa.int64(),
            "float": pa.float64(), "bool": pa.bool_(), "list": pa.list_(pa.string()),
        }.get(self.kind)


_COLUMNS = [
    CanonicalColumn("person_id", "id", "Pseudonymised patient identifier (HES HESID); links episodes of one person."),
    CanonicalColumn("episode_id", "id", "Identifier of the episode (record); must be unique within a person."),
    CanonicalColumn("spell_id", "id", "Identifier of the provider spell, when the source carries one."),
    CanonicalColumn("provider", "string", "Hospital provider (HES PROCODE); spells never cross providers."),
    CanonicalColumn("system", "string", "Health system or payer the activity belongs to (e.g. 'NHS England', "
                    "'Medicare')."),
    CanonicalColumn("sex", "string", "'M' or 'F'; anything else (HES 0/9, blank) is missing = unknown sex."),
    CanonicalColumn("age", "float", "Age in completed years at the start of the episode (under-ones are 0)."),
    CanonicalColumn("date_of_birth", "date", "Date of birth; used to derive ``age`` at admission when ``age`` "
                    "is not mapped."),
    CanonicalColumn("admission_date", "date", "Date of admission to hospital (start of the provider spell)."),
    CanonicalColumn("discharge_date", "date", "Date of discharge (end of the provider spell); HES fills it on "
                    "the last episode of a spell only."),
    CanonicalColumn("length_of_stay", "int", "Nights in hospital (discharge - admission; a same-day stay is 0), "
                    "for sources without dates such as the NHDS."),
    CanonicalColumn("episode_start", "date", "Start of the consultant episode (HES EPISTART)."),
    CanonicalColumn("episode_end", "date", "End of the consultant episode (HES EPIEND)."),
    CanonicalColumn("episode_order", "int", "Position of the episode in its spell, 1 = first (HES EPIORDER)."),
    CanonicalColumn("episode_status", "string", "'finished' or 'unfinished' (HES EPISTAT 3 = finished)."),
    CanonicalColumn("admission_method", "code", "Admission method code (HES ADMIMETH; 81 = transfer of an "
                    "admitted patient from another hospital provider)."),
    CanonicalColumn("admission_source", "code", "Source of admission code (HES ADMISORC)."),
    CanonicalColumn("discharge_destination", "code", "Discharge destination code (HES DISDEST)."),
    CanonicalColumn("discharge_method", "code", "Discharge method code (HES DISMETH; 4 = died)."),
    CanonicalColumn("primary_diagnosis", "code", "Primary diagnosis (ICD-10 or ICD-9-CM), upper case, no dots."),
    CanonicalColumn("diagnoses", "list", "All diagnosis codes of the episode, primary first."),
    CanonicalColumn("procedures", "list", "All procedure codes of the episode (OPCS-4 or ICD-9-CM)."),
    CanonicalColumn("weight", "float", "Survey or grossing weight of the record (1 when absent)."),
    CanonicalColumn("newborn", "bool", "True for a birth episode of a newborn infant (NHDS 'newborn')."),
]

#: canonical column name -> :class:`CanonicalColumn`, in documentation order
CANONICAL_COLUMNS: dict[str, CanonicalColumn] = {c.name: c for c in _COLUMNS}


def canonical_schema(names: list[str] | None = None) -> dict[str, pa.DataType | None]:
    """Arrow type of each canonical column (``None``: the source type is kept, e.g. identifiers)."""
    chosen = names if names is not None else list(CANONICAL_COLUMNS)
    return {n: CANONICAL_COLUMNS[n].arrow_type for n in chosen}


def describe_columns() -> "pd.DataFrame":  # noqa: F821 - pandas imported lazily
    """The canonical columns as a table: ``column, kind, description``."""
    import pandas as pd

    return pd.DataFrame(
        [(c.name, c.kind, c.description) for c in _COLUMNS], columns=["column", "kind", "description"]
    )
