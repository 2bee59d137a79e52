"""ICD code normalisation, validation and code-range rules.

Private helpers of :mod:`kpcompare.conditions`.  A *rule* is one entry of a
condition-set definition: a code or prefix (``"J44"``, ``"J44.1"``, ``"410.71"``)
or a range of prefixes of equal length (``"I60-I64"``, ``"430-432"``).  A rule
of length ``L`` covers every code whose first ``L`` characters (after
normalisation) lie between its two ends, so ``"I60-I64"`` covers ``I64.9``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ConditionSetError, InvalidValueError, row_problem

CODINGS = ("icd10", "icd9cm", "icd10cm")

# The valid-code patterns of the package, in one place (exported by kpcompare.conditions; the episode rules use RECORD_PATTERNS).

#: A valid normalised code *stem* (fillers and markers removed, see :func:`normalise_array`), any length
#: the coding allows: what codes are classified on and what rule ends must look like.
STEM_PATTERNS: dict[str, str] = {
    # WHO / UK ICD-10: letter, two digits, then up to three digits (UK 5th characters).
    "icd10": r"^[A-Z][0-9]{2}[0-9]{0,3}$",
    # ICD-9-CM diagnoses: 3-digit category (+ up to 2), V + 2 (+ up to 2), E + 3 (+ 1).
    "icd9cm": r"^(?:[0-9]{3}[0-9]{0,2}|V[0-9]{2}[0-9]{0,2}|E[0-9]{3}[0-9]?)$",
    # ICD-10-CM (US, from October 2015): letter, digit, digit or letter, then up to four digits or letters
    # (placeholder X and 7th characters kept: 'T38.0X5A', 'S78.011A', 'D47.Z1', 'C4A.0').
    "icd10cm": r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$",
}

#: A valid code as an episode record carries it (upper case, dots and spaces removed, fillers kept): the
#: ``invalid_code`` exclusion rule of :mod:`kpcompare.extract.rules`.  Looser than the stems on purpose:
#: it accepts the fillers and extensions extracts write (HES 'I64X', 'I64-'; NHDS '486-').
RECORD_PATTERNS: dict[str, str] = {
    # ICD-10 (WHO): letter, two digits, up to four more characters; HES fills 3-character codes with X or -
    "icd10": r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}-?$",
    # ICD-9-CM diagnoses: 3-5 digits, V + 2-4 digits, E + 3-4 digits; the NHDS pads short codes with '-'
    "icd9cm": r"^(?:[0-9]{3,5}|V[0-9]{2,4}|E[0-9]{3,4})-*$",
    # ICD-10-CM: 3 to 7 characters; a filler '-' after a short code is tolerated
    "icd10cm": r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}-*$",
}

_CODE_PATTERNS = {coding: re.compile(pattern) for coding, pattern in STEM_PATTERNS.items()}

#: What a rule end must look like, shown in error messages.
_CODE_SHAPES = {
    "icd10": "a letter and two digits, then up to three more digits (e.g. 'I60', 'J44.1')",
    "icd9cm": ("three digits, 'V' and two digits or 'E' and three digits, then the digits after the "
               "decimal point (e.g. '410', '410.71', 'V57.1', 'E880.9')"),
    "icd10cm": ("a letter, a digit, a digit or letter, then up to four digits or letters (e.g. 'E11.65', "
                "'S78.011A', 'D47.Z1')"),
}

# Fillers and markers after the code stem.  ICD-10: HES writes 'I64X' / 'I64-' for a
# three-character code, and some extracts append dagger/asterisk markers ('D', 'A', '*', '+').
# ICD-9-CM: the NHDS public-use file pads three-character codes with '-' ('486-').
# ICD-10-CM: only '-' fillers; a trailing letter is a 7th character ('S78.011A') and is kept.
_TRAILERS = {
    "icd10": r"^([A-Z][0-9]{2}[0-9]*)[^0-9]+$",
    "icd9cm": r"^([0-9]{3}[0-9]*|V[0-9]{2}[0-9]*|E[0-9]{3}[0-9]*)-+$",
    # ICD-10-CM: letters are part of the code (placeholder X, 7th characters); only '-' fillers are dropped
    "icd10cm": r"^([A-Z][0-9][0-9A-Z]*)-+$",
}


def check_coding(coding: str) -> str:
    """``coding`` must be one of :data:`CODINGS`."""
    from .._checks import check_choice

    return check_choice(coding, CODINGS, argument="coding")


def normalise_text(code: str, coding: str) -> str:
    """Normalise one code written by a person (used for rule ends; see :func:`normalise_array`)."""
    out = re.sub(r"[.\s]", "", str(code).strip().upper())
    return re.sub(_TRAILERS[coding], r"\1", out)


def is_valid_code(code: str, coding: str) -> bool:
    """True when the normalised ``code`` is well formed in ``coding``."""
    return bool(_CODE_PATTERNS[coding].match(code))


def normalise_array(values: pa.Array, coding: str) -> pa.Array:
    """Normalise a pyarrow string array: strip, upper-case, drop dots and blanks.

    Trailing fillers and markers after the code stem are dropped too: for ICD-10
    ``'I64X'``, ``'I64-'``, ``'I64XD'`` all become ``'I64'``; for ICD-9-CM ``'486-'``
    becomes ``'486'``.  Empty results become null.
    """
    out = pc.utf8_upper(pc.utf8_trim_whitespace(values))
    out = pc.replace_substring_regex(out, pattern=r"[.\s]", replacement="")
    out = pc.replace_substring_regex(out, pattern=_TRAILERS[coding], replacement=r"\1")
    return pc.if_else(pc.equal(out, ""), pa.scalar(None, pa.string()), out)


def valid_mask(values: pa.Array, coding: str) -> np.ndarray:
    """Boolean numpy mask: the normalised code is well formed (null -> False)."""
    matched = pc.match_substring_regex(values, pattern=_CODE_PATTERNS[coding].pattern)
    return matched.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)


def as_arrow_strings(codes: Any) -> pa.Array:
    """Turn a sequence, numpy/pandas array or pyarrow (chunked/dictionary) array into a pyarrow array.

    Dictionary arrays are returned as they are (the caller classifies the dictionary).
    Numbers are refused: ICD-9-CM codes read as numbers have lost their leading zeros.
    """
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks() if codes.num_chunks != 1 else codes.chunk(0)
    if isinstance(codes, pa.Array):
        arr = codes
    else:
        try:
            import pandas as pd

            if isinstance(codes, (pd.Series, pd.Index, pd.Categorical)):
                codes = np.asarray(codes, dtype=object)
        except ImportError:  # pragma: no cover
            pass
        if isinstance(codes, str):
            raise InvalidValueError(
                "argument 'codes': expected a sequence of codes, got one string; wrap it in a list.",
                column="codes", rule="sequence of codes")
        obj = np.asarray(codes, dtype=object)
        if obj.ndim != 1:
            raise InvalidValueError(
                f"argument 'codes': expected a one-dimensional sequence of codes, got shape {obj.shape}.",
                column="codes", rule="one-dimensional")
        try:
            arr = pa.array(obj, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            bad = [v for v in obj if v is not None and not isinstance(v, str)
                   and not (isinstance(v, float) and np.isnan(v))]
            raise _non_text(len(bad), bad[0] if bad else None) from None
    value_type = arr.type.value_type if pa.types.is_dictionary(arr.type) else arr.type
    if pa.types.is_null(value_type):
        return arr.cast(pa.string())
    if not (pa.types.is_string(value_type) or pa.types.is_large_string(value_type)):
        sample = (arr.dictionary if pa.types.is_dictionary(arr.type) else arr).drop_null()
        raise _non_text(len(sample), sample[0].as_py() if len(sample) else None)
    return arr


def _non_text(n_rows: int, example: Any) -> InvalidValueError:
    return row_problem(  # type: ignore[return-value]
        "codes", "codes are text", n_rows, example,
        hint="Diagnosis codes must be strings: ICD-9-CM codes read as numbers lose their leading zeros "
             "('09953' would become 9953); read the column as text (e.g. dtype=str).")


@dataclass(frozen=True)
class Rule:
    """One entry of a condition set: codes whose first ``length`` characters lie in [lo, hi]."""

    group: str
    text: str  # as written by the user
    lo: str
    hi: str

    @property
    def length(self) -> int:
        return len(self.lo)

    def describe(self) -> str:
        return f"{self.text!r} ({self.group})"


def _shape(code: str) -> str:
    return "".join("9" if ch.isdigit() else "A" for ch in code)


def parse_rule(text: Any, *, group: str, coding: str, set_name: str | None) -> Rule:
    """Parse one code, prefix or range; raise :class:`ConditionSetError` if it is not valid."""
    where = f"condition set {set_name!r}, group {group!r}" if set_name else f"group {group!r}"
    if not isinstance(text, str) or not text.strip():
        raise ConditionSetError(
            f"{where}: code {text!r} is not a non-empty string; write a code, prefix or range such as "
            f"{'I60-I64' if coding == 'icd10' else '430-434'!r}.", group=group, code=text)
    parts = text.split("-")
    if len(parts) > 2 or any(not p.strip() for p in parts):
        raise ConditionSetError(
            f"{where}: malformed range {text!r}; a range is two codes of equal length joined by one "
            f"'-', e.g. {'I60-I64' if coding == 'icd10' else '430-434'!r}.", group=group, code=text)
    ends = [normalise_text(p, coding) for p in parts]
    for raw, end in zip(parts, ends):
        if not is_valid_code(end, coding):
            other = "icd10" if coding == "icd9cm" else "icd9cm"
            hint = (f" It looks like an {other} code; is the set's coding wrong?"
                    if is_valid_code(normalise_text(raw, other), other) else "")
            raise ConditionSetError(
                f"{where}: {raw.strip()!r} is not a valid {coding} code: expected {_CODE_SHAPES[coding]}."
                + hint, group=group, code=text)
    lo, hi = ends[0], ends[-1]
    if len(ends) == 2:
        if len(lo) != len(hi) or _shape(lo) != _shape(hi):
            raise ConditionSetError(
                f"{where}: malformed range {text!r}: both ends must have the same length and form "
                f"(got {lo!r} and {hi!r}); write e.g. 'J40-J44' or 'J44.0-J44.9'.", group=group, code=text)
        if lo[0] != hi[0] and (lo[0] in "VE" or hi[0] in "VE") and coding == "icd9cm":
            raise ConditionSetError(
                f"{where}: malformed range {text!r}: an ICD-9-CM range cannot mix numeric, V and E codes.",
                group=group, code=text)
        if lo > hi:
            raise ConditionSetError(
                f"{where}: reversed range {text!r}: {lo!r} comes after {hi!r}; write {hi}-{lo} "
                "with the lower code first.", group=group, code=text)
    return Rule(group=group, text=text.strip(), lo=lo, hi=hi)


def overlap(a: Rule, b: Rule) -> tuple[str, str] | None:
    """The codes two rules both cover, as (first, last) prefixes at the longer length, or None."""
    short, long_ = (a, b) if a.length <= b.length else (b, a)
    n = long_.length
    lo = max(long_.lo, short.lo.ljust(n, "0"))
    hi = min(long_.hi, short.hi.ljust(n, "9"))
    return (lo, hi) if lo <= hi else None
