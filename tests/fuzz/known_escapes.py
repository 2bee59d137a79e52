"""Escapes known today: (function, fault class) -> the exception types that still escape.

The first fuzz runs of issue 17 recorded 221 pairs while the hardening branches were being written; after
they merged, a long run (`make fuzz`, 15,587 cases, 5 December 2026) showed 139 of them fixed (removed here)
and 7 escapes not yet listed (added).  Branch h17b fixed the other 66 outside the plots at their root (the
shared checkers of kpcompare._checks) and removed them; what is left belongs to the plots rewrite.  The fuzz
tests tolerate ONLY these pairs and only these types
("silent NaN", "count mismatch" and warning categories count as types); in `make fuzz` a pair that no
longer escapes fails its test (strict), so this list must shrink to empty.  Each entry shows one example
fault and message (fault class "valid": the valid call itself).  Grouped by the part of the package that
owns the fix.
"""

from __future__ import annotations

KNOWN: dict[tuple[str, str], tuple[str, ...]] = {
    # --- h17fuzz (figures, plots) ----------------------------------------------------------------
    # TypeError: list [1, 2] in 0['lower'] row 16 -> 'agg function failed [how->mean,dtype->object]'
    ('kpcompare.plots.bed_days_bars', 'list_cell'): ('TypeError', 'ValueError'),
    # TypeError: 0['value'] as period -> "float() argument must be a string or a real number, not 'Period'"
    # DTypePromotionError: 0['confidence'] as text -> "The DType <class 'numpy.dtypes.StrDType'> could not be promoted
    # ComplexWarning: 0['value'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.plots.bed_days_bars', 'measure_dtype'): ('ComplexWarning', 'DTypePromotionError', 'TypeError'),
    # KeyError: missing key None in 0['system'] row 1 -> 'None'
    ('kpcompare.plots.bed_days_bars', 'null_key'): ('KeyError',),
    # TypeError: 0['value'] as category -> "category dtype does not support aggregation 'mean'"
    # IndexError: 0['confidence'] as all-null category -> 'single positional indexer is out-of-bounds' (h17b: a
    # numeric categorical is now read by value, as NaN here)
    ('kpcompare.plots.bed_days_bars', 'odd_dtype'): ('IndexError', 'KeyError', 'TypeError'),
    # LinAlgError: huge 1.7e+308 in 0['ratio'] row 11 -> 'Singular matrix'
    # RuntimeWarning: huge 1e+300 in 0['ratio'] row 9 -> 'overflow encountered in exp'
    ('kpcompare.plots.ratio_forest', 'huge'): ('LinAlgError', 'RuntimeWarning'),
    # ValueError: list [1, 2] in 0['system'] row 0 -> "('Lengths must match to compare', (6,), (2,))"
    # TypeError: list [1, 2] in 0['system'] row 1 -> "unhashable type: 'list'"
    ('kpcompare.plots.ratio_forest', 'list_cell'): ('TypeError', 'ValueError'),
    # DTypePromotionError: 0['confidence'] as text -> "The DType <class 'numpy.dtypes.StrDType'> could not be promoted
    # TypeError: 0['ratio'] as period -> "float() argument must be a string or a real number, not 'Period'"
    # ComplexWarning: 0['ratio'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.plots.ratio_forest', 'measure_dtype'): ('ComplexWarning', 'DTypePromotionError', 'TypeError'),
    # KeyError: column 'measure' of 0 dropped -> "'measure'"
    ('kpcompare.plots.ratio_forest', 'missing_column'): ('KeyError',),
    # IndexError: 0['system'] as all-null category -> 'boolean index did not match indexed array along axis 0; size of
    ('kpcompare.plots.ratio_forest', 'odd_dtype'): ('IndexError',),
    # IndexError: 0 empty -> 'single positional indexer is out-of-bounds'
    ('kpcompare.plots.tornado_chart', 'empty_frame'): ('IndexError',),
    # OverflowError: huge 1.7e+308 in 0['value'] row 11 -> 'cannot convert float infinity to integer'
    # ValueError: huge 1.7e+308 in 0['baseline'] row 0 -> 'arange: cannot compute length' (h17b's long run)
    ('kpcompare.plots.tornado_chart', 'huge'): ('OverflowError', 'ValueError'),
    # RuntimeWarning: inf -inf in 0['value'] row 6 -> 'invalid value encountered in dot'
    ('kpcompare.plots.tornado_chart', 'inf'): ('RuntimeWarning',),
    # TypeError: list [1, 2] in 0['value'] row 8 -> "'<=' not supported between instances of 'list' and 'float'"
    ('kpcompare.plots.tornado_chart', 'list_cell'): ('TypeError',),
    # TypeError: 0['baseline'] as datetime -> "float() argument must be a string or a real number, not 'Timestamp'"
    # UFuncTypeError: 0['value'] as datetime -> "ufunc 'minimum' did not contain a loop with signature matching types 
    ('kpcompare.plots.tornado_chart', 'measure_dtype'): ('ComplexWarning', 'TypeError', 'UFuncTypeError'),
    # found by the long run after the hardening branches merged (5 December)
    ('kpcompare.plots.bed_days_bars', 'inf'): ('RuntimeWarning',),
    # found by h17b's long runs (5 December), for the plots rewrite
    # IndexError: nan nan in 0['confidence'] row 1 -> 'single positional indexer is out-of-bounds'
    ('kpcompare.plots.bed_days_bars', 'nan'): ('IndexError',),
}
