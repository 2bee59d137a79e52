"""Escapes known today: (function, fault class) -> the exception types that still escape.

Found by the fuzz runs of issue 17 while h17rates (rates, refdata, comparison, costs, profiles, concentration,
conditions, _checks) and h17files (extract, engine, cli, datasets) harden their code on their own branches.
The fuzz tests tolerate ONLY these pairs and only these types ("silent NaN", "count mismatch" and warning
categories count as types); a pair that no longer escapes fails its test (strict), so this list must shrink
to empty as the fixes land.  Each entry shows one example fault and message (fault class "valid": the valid
call itself).
"""

from __future__ import annotations

KNOWN: dict[tuple[str, str], tuple[str, ...]] = {
    # --- h17rates --------------------------------------------------------------------------------
    # ValueError: argument 'reference' = Empty DataFrame Columns: [] Index: [] -> 'The truth value of a DataFrame is a
    ('kpcompare.age_need_factor', 'argument_type'): ('ValueError',),
    # MergeError: 0: MultiIndex columns -> 'Not allowed to merge between different levels. (2 levels on the left, '
    # KeyError: 'need': MultiIndex columns -> "Index(['age_band'], dtype='str')"
    ('kpcompare.age_need_factor', 'column_names'): ('KeyError', 'MergeError'),
    # ValueError: column 'age_band' of 'need' twice -> "The column label 'age_band' is not unique."
    # TypeError: column 'weight' of 'need' twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.age_need_factor', 'duplicate_column'): ('TypeError', 'ValueError'),
    # RuntimeWarning: huge 1.7e+308 in 'need'['weight'] row 1 -> 'invalid value encountered in divide'
    ('kpcompare.age_need_factor', 'huge'): ('RuntimeWarning',),
    # TypeError: list [1, 2] in 0['system'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.age_need_factor', 'list_cell'): ('TypeError',),
    # TypeError: 'need'['weight'] as period -> 'Cannot cast PeriodArray to dtype float64'
    # ComplexWarning: 'need'['weight'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.age_need_factor', 'measure_dtype'): ('ComplexWarning', 'TypeError'),
    # TypeError: 0['population'] as category -> 'category type does not support sum operations'
    ('kpcompare.age_need_factor', 'odd_dtype'): ('TypeError',),
    # TypeError: argument 0 = None -> 'len() of unsized object'
    ('kpcompare.age_to_band', 'argument_type'): ('TypeError',),
    # OverflowError: 1[1] = -inf -> 'cannot convert float infinity to integer'
    ('kpcompare.age_to_band', 'element'): ('OverflowError',),
    # OverflowError: 0[1] = -inf -> 'cannot convert float infinity to integer'
    ('kpcompare.band_table', 'element'): ('OverflowError',),
    # KeyError: 0: MultiIndex columns -> "Index(['assumption_set', 'item', 'system'], dtype='str')"
    ('kpcompare.cascade', 'column_names'): ('KeyError',),
    # ValueError: column 'assumption_set' of 0 twice -> "Grouper for '<class 'pandas.DataFrame'>' not 1-dimensional"
    # AttributeError: column 'contested' of 'factors' twice -> "'DataFrame' object has no attribute 'dtype'"
    # InvalidIndexError: column 'category' of 0 twice -> 'Reindexing only valid with uniquely valued Index objects'
    # TypeError: column 'rounding' of 'factors' twice -> 'arg must be a list, tuple, 1-d array, or Series'
    # KeyError: column 'factor' of 'factors' twice -> "'Level factor not found'"
    ('kpcompare.cascade', 'duplicate_column'): ('AttributeError', 'InvalidIndexError', 'KeyError', 'TypeError', 'ValueError'),
    # TypeError: list [1, 2] in 0['assumption_set'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.cascade', 'list_cell'): ('TypeError',),
    # ComplexWarning: 'factors'['rounding'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.cascade', 'measure_dtype'): ('ComplexWarning',),
    # TypeError: 'factors'['source'] as all-null category -> 'Cannot setitem on a Categorical with a new category (), 
    ('kpcompare.cascade', 'odd_dtype'): ('TypeError',),
    # ValueError: argument 'reference' = Empty DataFrame Columns: [] Index: [] -> 'The truth value of a DataFrame is a
    ('kpcompare.compare', 'argument_type'): ('ValueError',),
    # TypeError: 0: MultiIndex columns -> 'other must be a MultiIndex or a list of tuples'
    # KeyError: 'population': MultiIndex columns -> "Index(['age_band', 'system'], dtype='str')"
    ('kpcompare.compare', 'column_names'): ('KeyError', 'TypeError'),
    # TypeError: column 'population' of 'population' twice -> 'arg must be a list, tuple, 1-d array, or Series'
    # ValueError: column 'age_band' of 'population' twice -> "Grouper for 'age_band' not 1-dimensional"
    # AttributeError: column 'age_band' of 0 twice -> "'DataFrame' object has no attribute 'unique'"
    ('kpcompare.compare', 'duplicate_column'): ('AttributeError', 'TypeError', 'ValueError'),
    # RuntimeWarning: huge 9223372036854775807 in 0['admissions'] row 0 -> 'invalid value encountered in cast'
    ('kpcompare.compare', 'huge'): ('RuntimeWarning',),
    # TypeError: list [1, 2] in 0['system'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.compare', 'list_cell'): ('TypeError',),
    # TypeError: 'population'['population'] as text -> "'<=' not supported between instances of 'str' and 'int'"
    # ComplexWarning: 'population'['population'] as complex -> 'Casting complex values to real discards the imaginary 
    ('kpcompare.compare', 'measure_dtype'): ('ComplexWarning', 'TypeError'),
    # TypeError: 'population'['population'] as category -> 'category type does not support sum operations'
    # RuntimeWarning: 0['admissions'] as uint64 -> 'invalid value encountered in cast'
    ('kpcompare.compare', 'odd_dtype'): ('RuntimeWarning', 'TypeError'),
    # TypeError: argument 'reference' = <NA> -> 'boolean value of NA is ambiguous'
    ('kpcompare.compare_assumptions', 'argument_type'): ('TypeError',),
    # KeyError: 0: MultiIndex columns -> "Index(['assumption_set', 'item', 'system'], dtype='str')"
    ('kpcompare.compare_assumptions', 'column_names'): ('KeyError',),
    # ValueError: column 'assumption_set' of 0 twice -> "Grouper for '<class 'pandas.DataFrame'>' not 1-dimensional"
    # AttributeError: column 'contested' of 'factors' twice -> "'DataFrame' object has no attribute 'dtype'"
    # InvalidIndexError: column 'category' of 0 twice -> 'Reindexing only valid with uniquely valued Index objects'
    # TypeError: column 'rounding' of 'factors' twice -> 'arg must be a list, tuple, 1-d array, or Series'
    # KeyError: column 'factor' of 'factors' twice -> "'Level factor not found'"
    ('kpcompare.compare_assumptions', 'duplicate_column'): ('AttributeError', 'InvalidIndexError', 'KeyError', 'TypeError', 'ValueError'),
    # TypeError: list [1, 2] in 0['assumption_set'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.compare_assumptions', 'list_cell'): ('TypeError',),
    # ComplexWarning: 'factors'['rounding'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.compare_assumptions', 'measure_dtype'): ('ComplexWarning',),
    # TypeError: 'factors'['source'] as all-null category -> 'Cannot setitem on a Categorical with a new category (), 
    ('kpcompare.compare_assumptions', 'odd_dtype'): ('TypeError',),
    # TypeError: argument 'between' = array([1, 2]) -> "unhashable type: 'numpy.ndarray'"
    # NotImplementedError: argument 'reference' = ('a', None) -> "eq not implemented for <class 'tuple'>"
    # OverflowError: argument 'reference' = 1000000000000000000000000000000 -> 'Python int too large to convert to C l
    # ValueError: argument 'reference' = [] -> "('Lengths must match to compare', (2,), (0,))"
    ('kpcompare.compare_rates', 'argument_type'): ('NotImplementedError', 'OverflowError', 'TypeError', 'ValueError'),
    # ValueError: column 'system' of 0 twice -> 'operands could not be broadcast together with shapes (2,4) () (2,) '
    # TypeError: column 'statistic' of 0 twice -> 'unique requires a Series, Index, ExtensionArray, np.ndarray or Nump
    ('kpcompare.compare_rates', 'duplicate_column'): ('TypeError', 'ValueError'),
    # RuntimeWarning: huge 4611686018427387904 in 0['variance'] row 1 -> 'overflow encountered in exp'
    ('kpcompare.compare_rates', 'huge'): ('RuntimeWarning',),
    # silent NaN: inf -inf in 0['variance'] row 1 -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.
    ('kpcompare.compare_rates', 'inf'): ('silent NaN',),
    # TypeError: list [1, 2] in 0['system'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.compare_rates', 'list_cell'): ('TypeError',),
    # TypeError: 0['value'] as period -> "float() argument must be a string or a real number, not 'Period'"
    # ComplexWarning: 0['variance'] as complex -> 'Casting complex values to real discards the imaginary part'
    # RuntimeWarning: 0['variance'] as datetime -> 'overflow encountered in exp'
    ('kpcompare.compare_rates', 'measure_dtype'): ('ComplexWarning', 'RuntimeWarning', 'TypeError'),
    # silent NaN: nan nan in 0['variance'] row 1 -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g
    ('kpcompare.compare_rates', 'nan'): ('silent NaN',),
    # silent NaN: negative -1000000000.0 in 0['variance'] row 0 -> "1 row(s) with NaN in ['value', 'lower', 'upper'] a
    ('kpcompare.compare_rates', 'negative'): ('silent NaN',),
    # silent NaN: 0['variance'] as all-null category -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note,
    ('kpcompare.compare_rates', 'odd_dtype'): ('silent NaN',),
    # TypeError: argument 'value' = {'a': 1} -> "unhashable type: 'dict'"
    ('kpcompare.concentration.check_concentration', 'argument_type'): ('TypeError',),
    # ValueError: column 'group' of 0 twice -> "Grouper for 'group' not 1-dimensional"
    # TypeError: column 'cost' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.concentration.check_concentration', 'duplicate_column'): ('TypeError', 'ValueError'),
    # ValueError: 0 empty -> 'operands could not be broadcast together with shape (1,) (0,)'
    ('kpcompare.concentration.check_concentration', 'empty_frame'): ('ValueError',),
    # TypeError: list [1, 2] in 0['group'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.concentration.check_concentration', 'list_cell'): ('TypeError',),
    # TypeError: 0['cost'] as datetime -> 'Cannot cast DatetimeArray to dtype float64'
    # ComplexWarning: 0['cost'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.concentration.check_concentration', 'measure_dtype'): ('ComplexWarning', 'TypeError'),
    # AttributeError: argument 0 = None -> "'NoneType' object has no attribute 'endswith'"
    # ValueError: argument 'coding' = array([1, 2]) -> 'The truth value of an array with more than one element is ambi
    # TypeError: argument 0 = b'x' -> 'endswith first arg must be bytes or a tuple of bytes, not str'
    ('kpcompare.condition_set', 'argument_type'): ('AttributeError', 'TypeError', 'ValueError'),
    # AttributeError: argument 'assumptions' = None -> "'NoneType' object has no attribute 'lines'"
    # ValueError: argument 'name' = Empty DataFrame Columns: [] Index: [] -> 'The truth value of a DataFrame is ambigu
    # TypeError: argument 'base' = <NA> -> 'boolean value of NA is ambiguous'
    ('kpcompare.costs.alternative', 'argument_type'): ('AttributeError', 'TypeError', 'ValueError'),
    # ValueError: 0: MultiIndex columns -> 'The truth value of a Series is ambiguous. Use a.empty, a.item(), a.any'
    ('kpcompare.costs.alternative', 'column_names'): ('ValueError',),
    # ValueError: column 'item' of 0 twice -> 'The truth value of a Series is ambiguous. Use a.empty, a.item(), a.any'
    # TypeError: column 'value' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.costs.alternative', 'duplicate_column'): ('TypeError', 'ValueError'),
    # ValueError: list [1, 2] in 0['system'] row 0 -> 'Lengths must be equal'
    ('kpcompare.costs.alternative', 'list_cell'): ('ValueError',),
    # TypeError: 0['value'] as datetime -> "float() argument must be a string or a real number, not 'Timestamp'"
    ('kpcompare.costs.alternative', 'measure_dtype'): ('TypeError',),
    # ValueError: argument 0 = array([1, 2]) -> 'The truth value of an array with more than one element is ambiguous. 
    # TypeError: argument 0 = <NA> -> 'boolean value of NA is ambiguous'
    ('kpcompare.costs.assumptions', 'argument_type'): ('TypeError', 'ValueError'),
    # KeyError: 0: MultiIndex columns -> "Index(['assumption_set', 'factor', 'system'], dtype='str')"
    ('kpcompare.costs.exchange_rates', 'column_names'): ('KeyError',),
    # ValueError: column 'assumption_set' of 0 twice -> 'Per-column arrays must each be 1-dimensional'
    # AttributeError: column 'contested' of 0 twice -> "'DataFrame' object has no attribute 'dtype'"
    # TypeError: column 'rounding' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.costs.exchange_rates', 'duplicate_column'): ('AttributeError', 'TypeError', 'ValueError'),
    # TypeError: list [1, 2] in 0['assumption_set'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.costs.exchange_rates', 'list_cell'): ('TypeError',),
    # ComplexWarning: 0['rounding'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.costs.exchange_rates', 'measure_dtype'): ('ComplexWarning',),
    # TypeError: 0['source'] as all-null category -> 'Cannot setitem on a Categorical with a new category (), set the 
    ('kpcompare.costs.exchange_rates', 'odd_dtype'): ('TypeError',),
    # ValueError: argument 'reference' = Empty DataFrame Columns: [] Index: [] -> 'The truth value of a DataFrame is a
    # TypeError: argument 'assumption_set' = <NA> -> 'boolean value of NA is ambiguous'
    ('kpcompare.costs.sensitivity', 'argument_type'): ('TypeError', 'ValueError'),
    # KeyError: 0: MultiIndex columns -> "Index(['assumption_set', 'item', 'system'], dtype='str')"
    ('kpcompare.costs.sensitivity', 'column_names'): ('KeyError',),
    # ValueError: column 'assumption_set' of 0 twice -> "Grouper for '<class 'pandas.DataFrame'>' not 1-dimensional"
    # AttributeError: column 'contested' of 'factors' twice -> "'DataFrame' object has no attribute 'dtype'"
    # InvalidIndexError: column 'category' of 0 twice -> 'Reindexing only valid with uniquely valued Index objects'
    # TypeError: column 'rounding' of 'factors' twice -> 'arg must be a list, tuple, 1-d array, or Series'
    # KeyError: column 'factor' of 'factors' twice -> "'Level factor not found'"
    ('kpcompare.costs.sensitivity', 'duplicate_column'): ('AttributeError', 'InvalidIndexError', 'KeyError', 'TypeError', 'ValueError'),
    # RuntimeWarning: huge 1.7e+308 in 0['amount'] row 17 -> 'overflow encountered in multiply'
    ('kpcompare.costs.sensitivity', 'huge'): ('RuntimeWarning',),
    # TypeError: list [1, 2] in 0['assumption_set'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.costs.sensitivity', 'list_cell'): ('TypeError',),
    # ComplexWarning: 'factors'['rounding'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.costs.sensitivity', 'measure_dtype'): ('ComplexWarning',),
    # TypeError: 'factors'['source'] as all-null category -> 'Cannot setitem on a Categorical with a new category (), 
    ('kpcompare.costs.sensitivity', 'odd_dtype'): ('TypeError',),
    # ValueError: argument 'on' = array([1, 2]) -> 'The truth value of an array with more than one element is ambiguou
    # TypeError: argument 'on' = <NA> -> 'boolean value of NA is ambiguous'
    ('kpcompare.costs.toggle', 'argument_type'): ('TypeError', 'ValueError'),
    # KeyError: 0: MultiIndex columns -> "Index(['assumption_set', 'item', 'system'], dtype='str')"
    ('kpcompare.costs.toggle', 'column_names'): ('KeyError',),
    # ValueError: column 'assumption_set' of 0 twice -> "Grouper for '<class 'pandas.DataFrame'>' not 1-dimensional"
    # TypeError: column 'sign' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    # AttributeError: column 'included' of 0 twice -> "'DataFrame' object has no attribute 'dtype'"
    ('kpcompare.costs.toggle', 'duplicate_column'): ('AttributeError', 'TypeError', 'ValueError'),
    # TypeError: list [1, 2] in 0['assumption_set'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.costs.toggle', 'list_cell'): ('TypeError',),
    # ComplexWarning: 0['amount'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.costs.toggle', 'measure_dtype'): ('ComplexWarning',),
    # TypeError: 0['source'] as all-null category -> 'Cannot setitem on a Categorical with a new category (), set the 
    ('kpcompare.costs.toggle', 'odd_dtype'): ('TypeError',),
    # KeyError: 0: MultiIndex columns -> "Index(['assumption_set', 'factor', 'system'], dtype='str')"
    ('kpcompare.costs.validate_factors', 'column_names'): ('KeyError',),
    # AttributeError: column 'contested' of 0 twice -> "'DataFrame' object has no attribute 'dtype'"
    # TypeError: column 'rounding' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.costs.validate_factors', 'duplicate_column'): ('AttributeError', 'TypeError'),
    # TypeError: list [1, 2] in 0['assumption_set'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.costs.validate_factors', 'list_cell'): ('TypeError',),
    # ComplexWarning: 0['rounding'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.costs.validate_factors', 'measure_dtype'): ('ComplexWarning',),
    # TypeError: 0['source'] as all-null category -> 'Cannot setitem on a Categorical with a new category (), set the 
    ('kpcompare.costs.validate_factors', 'odd_dtype'): ('TypeError',),
    # KeyError: 0: MultiIndex columns -> "Index(['assumption_set', 'item', 'system'], dtype='str')"
    ('kpcompare.costs.validate_lines', 'column_names'): ('KeyError',),
    # ValueError: column 'assumption_set' of 0 twice -> "Grouper for '<class 'pandas.DataFrame'>' not 1-dimensional"
    # TypeError: column 'sign' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    # AttributeError: column 'included' of 0 twice -> "'DataFrame' object has no attribute 'dtype'"
    ('kpcompare.costs.validate_lines', 'duplicate_column'): ('AttributeError', 'TypeError', 'ValueError'),
    # TypeError: list [1, 2] in 0['assumption_set'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.costs.validate_lines', 'list_cell'): ('TypeError',),
    # ComplexWarning: 0['amount'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.costs.validate_lines', 'measure_dtype'): ('ComplexWarning',),
    # TypeError: 0['source'] as all-null category -> 'Cannot setitem on a Categorical with a new category (), set the 
    ('kpcompare.costs.validate_lines', 'odd_dtype'): ('TypeError',),
    # TypeError: argument 'count' = {'a': 1} -> "unhashable type: 'dict'"
    ('kpcompare.crude_rate', 'argument_type'): ('TypeError',),
    # PerformanceWarning: 0: MultiIndex columns -> 'dropping on a non-lexsorted multi-index without a level parameter 
    ('kpcompare.crude_rate', 'column_names'): ('PerformanceWarning',),
    # ValueError: column 'system' of 0 twice -> "Grouper for 'system' not 1-dimensional"
    # TypeError: column 'deaths' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.crude_rate', 'duplicate_column'): ('TypeError', 'ValueError'),
    # RuntimeWarning: huge 9223372036854775807 in 0['deaths'] row 0 -> 'invalid value encountered in cast'
    ('kpcompare.crude_rate', 'huge'): ('RuntimeWarning',),
    # TypeError: list [1, 2] in 0['system'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.crude_rate', 'list_cell'): ('TypeError',),
    # ComplexWarning: 0['population'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.crude_rate', 'measure_dtype'): ('ComplexWarning',),
    # RuntimeWarning: 0['deaths'] as uint64 -> 'invalid value encountered in cast'
    ('kpcompare.crude_rate', 'odd_dtype'): ('RuntimeWarning',),
    # ValueError: argument 'reference' = Empty DataFrame Columns: [] Index: [] -> 'The truth value of a DataFrame is a
    ('kpcompare.decompose', 'argument_type'): ('ValueError',),
    # TypeError: 0: MultiIndex columns -> 'other must be a MultiIndex or a list of tuples'
    # KeyError: 'population': MultiIndex columns -> "Index(['age_band', 'system'], dtype='str')"
    ('kpcompare.decompose', 'column_names'): ('KeyError', 'TypeError'),
    # ValueError: column 'system' of 0 twice -> 'cannot reindex on an axis with duplicate labels'
    # TypeError: column 'population' of 'population' twice -> 'arg must be a list, tuple, 1-d array, or Series'
    # AttributeError: column 'age_band' of 0 twice -> "'DataFrame' object has no attribute 'unique'"
    ('kpcompare.decompose', 'duplicate_column'): ('AttributeError', 'TypeError', 'ValueError'),
    # RuntimeWarning: huge 1e+300 in 0['bed_days'] row 6 -> 'overflow encountered in square'
    ('kpcompare.decompose', 'huge'): ('RuntimeWarning',),
    # TypeError: list [1, 2] in 0['system'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.decompose', 'list_cell'): ('TypeError',),
    # TypeError: 'population'['population'] as text -> "'<=' not supported between instances of 'str' and 'int'"
    # ComplexWarning: 'population'['population'] as complex -> 'Casting complex values to real discards the imaginary 
    ('kpcompare.decompose', 'measure_dtype'): ('ComplexWarning', 'TypeError'),
    # TypeError: 'population'['population'] as category -> 'category type does not support sum operations'
    ('kpcompare.decompose', 'odd_dtype'): ('TypeError',),
    # TypeError: argument 'count' = {'a': 1} -> "unhashable type: 'dict'"
    ('kpcompare.dsr', 'argument_type'): ('TypeError',),
    # PerformanceWarning: 0: MultiIndex columns -> 'dropping on a non-lexsorted multi-index without a level parameter 
    # KeyError: 'standard': MultiIndex columns -> "Index(['age_band'], dtype='str')"
    ('kpcompare.dsr', 'column_names'): ('KeyError', 'PerformanceWarning'),
    # ValueError: column 'system' of 0 twice -> "Grouper for 'system' not 1-dimensional"
    # TypeError: column 'population' of 'standard' twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.dsr', 'duplicate_column'): ('TypeError', 'ValueError'),
    # RuntimeWarning: huge 9223372036854775807 in 0['deaths'] row 0 -> 'invalid value encountered in cast'
    ('kpcompare.dsr', 'huge'): ('RuntimeWarning',),
    # TypeError: list [1, 2] in 0['system'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.dsr', 'list_cell'): ('TypeError',),
    # ComplexWarning: 'standard'['population'] as complex -> 'Casting complex values to real discards the imaginary pa
    ('kpcompare.dsr', 'measure_dtype'): ('ComplexWarning',),
    # RuntimeWarning: 0['deaths'] as uint64 -> 'invalid value encountered in cast'
    ('kpcompare.dsr', 'odd_dtype'): ('RuntimeWarning',),
    # TypeError: argument 'value' = {'a': 1} -> "unhashable type: 'dict'"
    # silent NaN: argument 'n_boot' = {} -> "2 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {'g"
    # ValueError: argument 'random_state' = -1 -> 'expected non-negative integer'
    ('kpcompare.gini', 'argument_type'): ('TypeError', 'ValueError', 'silent NaN'),
    # ValueError: column 'group' of 0 twice -> "Grouper for 'group' not 1-dimensional"
    # TypeError: column 'cost' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.gini', 'duplicate_column'): ('TypeError', 'ValueError'),
    # ValueError: 0 empty -> 'operands could not be broadcast together with shape (1,) (0,)'
    ('kpcompare.gini', 'empty_frame'): ('ValueError',),
    # RuntimeWarning: huge 1.7e+308 in 0['cost'] row 5 -> 'overflow encountered in multiply'
    ('kpcompare.gini', 'huge'): ('RuntimeWarning',),
    # TypeError: list [1, 2] in 0['group'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.gini', 'list_cell'): ('TypeError',),
    # TypeError: 0['cost'] as datetime -> 'Cannot cast DatetimeArray to dtype float64'
    # ComplexWarning: 0['cost'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.gini', 'measure_dtype'): ('ComplexWarning', 'TypeError'),
    # TypeError: argument 'count' = {'a': 1} -> "unhashable type: 'dict'"
    ('kpcompare.isr', 'argument_type'): ('TypeError',),
    # PerformanceWarning: 0: MultiIndex columns -> 'dropping on a non-lexsorted multi-index without a level parameter 
    # KeyError: 'standard': MultiIndex columns -> "Index(['age_band'], dtype='str')"
    ('kpcompare.isr', 'column_names'): ('KeyError', 'PerformanceWarning'),
    # ValueError: column 'system' of 0 twice -> "Grouper for 'system' not 1-dimensional"
    # TypeError: column 'deaths' of 'standard' twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.isr', 'duplicate_column'): ('TypeError', 'ValueError'),
    # RuntimeWarning: huge 9223372036854775807 in 0['deaths'] row 0 -> 'invalid value encountered in cast'
    ('kpcompare.isr', 'huge'): ('RuntimeWarning',),
    # TypeError: list [1, 2] in 0['system'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.isr', 'list_cell'): ('TypeError',),
    # ComplexWarning: 'standard'['deaths'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.isr', 'measure_dtype'): ('ComplexWarning',),
    # TypeError: argument 0 = None -> 'expected str, bytes or os.PathLike object, not NoneType'
    # ValueError: argument 'coding' = array([1, 2]) -> 'The truth value of an array with more than one element is ambi
    ('kpcompare.load_condition_set', 'argument_type'): ('TypeError', 'ValueError'),
    # TypeError: argument 'value' = array([1, 2]) -> "unhashable type: 'numpy.ndarray'"
    # silent NaN: argument 'by' = None -> "1 row(s) with NaN in ['value'] and no note, e.g. {'value': nan, 'perso"
    ('kpcompare.lorenz', 'argument_type'): ('TypeError', 'silent NaN'),
    # silent NaN: 0 as a pyarrow Table -> "2 row(s) with NaN in ['value'] and no note, e.g. {'group': 'x', 'value"
    ('kpcompare.lorenz', 'arrow_table'): ('silent NaN',),
    # silent NaN: 0: MultiIndex columns -> "2 row(s) with NaN in ['value'] and no note, e.g. {'group': 'x', 'value"
    ('kpcompare.lorenz', 'column_names'): ('silent NaN',),
    # ValueError: column 'group' of 0 twice -> "Grouper for 'group' not 1-dimensional"
    # TypeError: column 'cost' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.lorenz', 'duplicate_column'): ('TypeError', 'ValueError'),
    # silent NaN: huge 4611686018427387904 in 0['cost'] row 0 -> "2 row(s) with NaN in ['value'] and no note, e.g. {'g
    ('kpcompare.lorenz', 'huge'): ('silent NaN',),
    # TypeError: list [1, 2] in 0['group'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.lorenz', 'list_cell'): ('TypeError',),
    # silent NaN: 0['cost'] as bool -> "2 row(s) with NaN in ['value'] and no note, e.g. {'group': 'x', 'value"
    # TypeError: 0['cost'] as datetime -> 'Cannot cast DatetimeArray to dtype float64'
    # ComplexWarning: 0['cost'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.lorenz', 'measure_dtype'): ('ComplexWarning', 'TypeError', 'silent NaN'),
    # silent NaN: missing key '' in 0['group'] row 5 -> "3 row(s) with NaN in ['value'] and no note, e.g. {'group': ''
    ('kpcompare.lorenz', 'null_key'): ('silent NaN',),
    # silent NaN: 0['group'] as category -> "2 row(s) with NaN in ['value'] and no note, e.g. {'group': 'x', 'value"
    ('kpcompare.lorenz', 'odd_dtype'): ('silent NaN',),
    # silent NaN: the valid call -> "value NaN at the curve's origin (persons 0), no note column"
    ('kpcompare.lorenz', 'valid'): ('silent NaN',),
    # TypeError: argument 'confidence' = None -> "'NoneType' object is not iterable"
    ('kpcompare.poisson_ci', 'argument_type'): ('TypeError',),
    # ValueError: 1: MultiIndex columns -> 'The truth value of a Series is ambiguous. Use a.empty, a.item(), a.any'
    ('kpcompare.profiles.check_claims', 'column_names'): ('ValueError',),
    # ValueError: column 'wording' of 1 twice -> 'The truth value of a Series is ambiguous. Use a.empty, a.item(), a.a
    # TypeError: column 'claimed' of 1 twice -> "float() argument must be a string or a real number, not 'Series'"
    ('kpcompare.profiles.check_claims', 'duplicate_column'): ('TypeError', 'ValueError'),
    # TypeError: list [1, 2] in 0['measure'] row 0 -> "unhashable type: 'list'"
    # ValueError: list [1, 2] in 0['upper'] row 0 -> 'setting an array element with a sequence.'
    ('kpcompare.profiles.check_claims', 'list_cell'): ('TypeError', 'ValueError'),
    # TypeError: 1['claimed'] as period -> "float() argument must be a string or a real number, not 'Period'"
    # ArrowNotImplementedError: 0['value'] as complex -> 'Unsupported numpy type 15'
    ('kpcompare.profiles.check_claims', 'measure_dtype'): ('ArrowNotImplementedError', 'TypeError'),
    # TypeError: missing key <NA> in 1['wording'] row 0 -> 'boolean value of NA is ambiguous'
    ('kpcompare.profiles.check_claims', 'null_key'): ('TypeError',),
    # KeyError: 0: MultiIndex columns -> "Index(['system', 'measure'], dtype='str')"
    ('kpcompare.profiles.densities', 'column_names'): ('KeyError',),
    # ValueError: column 'system' of 0 twice -> "The column label 'system' is not unique."
    # TypeError: column 'value' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.profiles.densities', 'duplicate_column'): ('TypeError', 'ValueError'),
    # TypeError: list [1, 2] in 0['system'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.profiles.densities', 'list_cell'): ('TypeError',),
    # TypeError: 0['value'] as datetime -> 'Cannot cast DatetimeArray to dtype float64'
    # ComplexWarning: 0['value'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.profiles.densities', 'measure_dtype'): ('ComplexWarning', 'TypeError'),
    # silent NaN: nan nan in 0['value'] row 0 -> "1 row(s) with NaN in ['value'] and no note, e.g. {'system': 'A', 'me
    ('kpcompare.profiles.densities', 'nan'): ('silent NaN',),
    # ValueError: argument 0 = array([1, 2]) -> 'The truth value of an array with more than one element is ambiguous. 
    # TypeError: argument 0 = <NA> -> 'boolean value of NA is ambiguous'
    ('kpcompare.profiles.profile_table', 'argument_type'): ('TypeError', 'ValueError'),
    # TypeError: argument 'numerator' = array([1, 2]) -> "unhashable type: 'numpy.ndarray'"
    ('kpcompare.profiles.ratios', 'argument_type'): ('TypeError',),
    # silent NaN: 0 as a pyarrow Table -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {'m"
    ('kpcompare.profiles.ratios', 'arrow_table'): ('silent NaN',),
    # KeyError: 0: MultiIndex columns -> "Index(['system', 'measure'], dtype='str')"
    # silent NaN: 0: column 'count' named 0 -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {'m
    ('kpcompare.profiles.ratios', 'column_names'): ('KeyError', 'silent NaN'),
    # silent NaN: column 'count' of 0 twice -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {'m
    # TypeError: column 'value' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.profiles.ratios', 'duplicate_column'): ('TypeError', 'silent NaN'),
    # silent NaN: huge 4611686018427387904 in 0['count'] row 0 -> "1 row(s) with NaN in ['value', 'lower', 'upper'] an
    ('kpcompare.profiles.ratios', 'huge'): ('silent NaN',),
    # silent NaN: inf inf in 0['count'] row 0 -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {
    ('kpcompare.profiles.ratios', 'inf'): ('silent NaN',),
    # TypeError: list [1, 2] in 0['system'] row 0 -> "unhashable type: 'list'"
    # silent NaN: list [1, 2] in 0['count'] row 0 -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.
    ('kpcompare.profiles.ratios', 'list_cell'): ('TypeError', 'silent NaN'),
    # silent NaN: 0['count'] as bool -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {'m"
    # ComplexWarning: 0['value'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.profiles.ratios', 'measure_dtype'): ('ComplexWarning', 'silent NaN'),
    # silent NaN: column 'count' of 0 dropped -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {
    ('kpcompare.profiles.ratios', 'missing_column'): ('silent NaN',),
    # silent NaN: nan nan in 0['count'] row 0 -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {
    ('kpcompare.profiles.ratios', 'nan'): ('silent NaN',),
    # silent NaN: negative -1 in 0['count'] row 0 -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.
    ('kpcompare.profiles.ratios', 'negative'): ('silent NaN',),
    # silent NaN: missing key nan in 0['statistic'] row 1 -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no 
    ('kpcompare.profiles.ratios', 'null_key'): ('silent NaN',),
    # silent NaN: 0['system'] as category -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {'m"
    ('kpcompare.profiles.ratios', 'odd_dtype'): ('silent NaN',),
    # silent NaN: the valid call (precision=None) -> 'lower/upper NaN without precision, note empty'
    ('kpcompare.profiles.ratios', 'valid'): ('silent NaN',),
    # TypeError: argument 'by' = NaT -> "'NaTType' object is not iterable"
    ('kpcompare.rate_model', 'argument_type'): ('TypeError',),
    # KeyError: 'population': MultiIndex columns -> "Index(['age_band', 'system'], dtype='str')"
    ('kpcompare.rate_model', 'column_names'): ('KeyError',),
    # ValueError: column 'system' of 0 twice -> "Grouper for 'system' not 1-dimensional"
    # TypeError: column 'population' of 'population' twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.rate_model', 'duplicate_column'): ('TypeError', 'ValueError'),
    # IndexError: 0 empty -> 'list index out of range'
    ('kpcompare.rate_model', 'empty_frame'): ('IndexError',),
    # ValueError: huge 9223372036854775807 in 'population'['population'] row 3 -> 'NaN, inf or invalid value detected 
    ('kpcompare.rate_model', 'huge'): ('ValueError',),
    # TypeError: list [1, 2] in 0['system'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.rate_model', 'list_cell'): ('TypeError',),
    # TypeError: 'population'['population'] as period -> 'Cannot cast PeriodArray to dtype float64'
    # ComplexWarning: 'population'['population'] as complex -> 'Casting complex values to real discards the imaginary 
    ('kpcompare.rate_model', 'measure_dtype'): ('ComplexWarning', 'TypeError'),
    # ValueError: 'population'['population'] as uint64 -> 'NaN, inf or invalid value detected in weights, estimation i
    # TypeError: 0['admissions'] as category -> 'category type does not support sum operations'
    ('kpcompare.rate_model', 'odd_dtype'): ('TypeError', 'ValueError'),
    # KeyError: 0: MultiIndex columns -> "Index(['age_band'], dtype='str')"
    ('kpcompare.reband', 'column_names'): ('KeyError',),
    # TypeError: column 'age_band' of 0 twice -> 'unique requires a Series, Index, ExtensionArray, np.ndarray or Numpy
    ('kpcompare.reband', 'duplicate_column'): ('TypeError',),
    # OverflowError: 'bands'[1] = -inf -> 'cannot convert float infinity to integer'
    ('kpcompare.reband', 'element'): ('OverflowError',),
    # TypeError: argument 'count' = {'a': 1} -> "unhashable type: 'dict'"
    ('kpcompare.smr', 'argument_type'): ('TypeError',),
    # PerformanceWarning: 0: MultiIndex columns -> 'dropping on a non-lexsorted multi-index without a level parameter 
    # KeyError: 'standard': MultiIndex columns -> "Index(['age_band'], dtype='str')"
    ('kpcompare.smr', 'column_names'): ('KeyError', 'PerformanceWarning'),
    # ValueError: column 'system' of 0 twice -> "Grouper for 'system' not 1-dimensional"
    # TypeError: column 'deaths' of 'standard' twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.smr', 'duplicate_column'): ('TypeError', 'ValueError'),
    # RuntimeWarning: huge 9223372036854775807 in 0['deaths'] row 0 -> 'invalid value encountered in cast'
    ('kpcompare.smr', 'huge'): ('RuntimeWarning',),
    # TypeError: list [1, 2] in 0['system'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.smr', 'list_cell'): ('TypeError',),
    # ComplexWarning: 'standard'['deaths'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.smr', 'measure_dtype'): ('ComplexWarning',),
    # TypeError: argument 'strata' = NaT -> "'NaTType' object is not iterable"
    ('kpcompare.standard_from_population', 'argument_type'): ('TypeError',),
    # ValueError: column 'age_band' of 0 twice -> "Grouper for 'age_band' not 1-dimensional"
    # TypeError: column 'population' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.standard_from_population', 'duplicate_column'): ('TypeError', 'ValueError'),
    # TypeError: list [1, 2] in 0['age_band'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.standard_from_population', 'list_cell'): ('TypeError',),
    # ComplexWarning: 0['population'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.standard_from_population', 'measure_dtype'): ('ComplexWarning',),
    # TypeError: argument 0 = {'a': 1} -> "unhashable type: 'dict'"
    ('kpcompare.standard_population', 'argument_type'): ('TypeError',),
    # TypeError: argument 'value' = {'a': 1} -> "unhashable type: 'dict'"
    # silent NaN: argument 'by' = [] -> "1 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {'p"
    ('kpcompare.top_share', 'argument_type'): ('TypeError', 'silent NaN'),
    # silent NaN: 0 as a pyarrow Table -> "2 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {'g"
    ('kpcompare.top_share', 'arrow_table'): ('silent NaN',),
    # silent NaN: 0: MultiIndex columns -> "2 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {'g"
    ('kpcompare.top_share', 'column_names'): ('silent NaN',),
    # ValueError: column 'group' of 0 twice -> "Grouper for 'group' not 1-dimensional"
    # TypeError: column 'cost' of 0 twice -> 'arg must be a list, tuple, 1-d array, or Series'
    ('kpcompare.top_share', 'duplicate_column'): ('TypeError', 'ValueError'),
    # ValueError: 0 empty -> 'operands could not be broadcast together with shape (1,) (0,)'
    ('kpcompare.top_share', 'empty_frame'): ('ValueError',),
    # silent NaN: huge 4611686018427387904 in 0['cost'] row 0 -> "2 row(s) with NaN in ['value', 'lower', 'upper'] and
    ('kpcompare.top_share', 'huge'): ('silent NaN',),
    # TypeError: list [1, 2] in 0['group'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.top_share', 'list_cell'): ('TypeError',),
    # silent NaN: 0['cost'] as bool -> "2 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {'g"
    # TypeError: 0['cost'] as datetime -> 'Cannot cast DatetimeArray to dtype float64'
    # ComplexWarning: 0['cost'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.top_share', 'measure_dtype'): ('ComplexWarning', 'TypeError', 'silent NaN'),
    # silent NaN: missing key '' in 0['group'] row 5 -> "2 row(s) with NaN in ['value', 'lower', 'upper'] and no note,
    ('kpcompare.top_share', 'null_key'): ('silent NaN',),
    # silent NaN: 0['group'] as category -> "2 row(s) with NaN in ['value', 'lower', 'upper'] and no note, e.g. {'g"
    ('kpcompare.top_share', 'odd_dtype'): ('silent NaN',),
    # --- h17files --------------------------------------------------------------------------------
    # TypeError: argument 'by' = -1e+308 -> "'float' object is not iterable"
    # ValueError: argument 'progress' = Empty DataFrame Columns: [] Index: [] -> 'The truth value of a DataFrame is am
    ('kpcompare.aggregate', 'argument_type'): ('TypeError', 'ValueError'),
    # ValueError: column 'person_id' of 0 twice -> "Duplicate column names found: ['person_id', 'episode_id', 'system'
    ('kpcompare.aggregate', 'duplicate_column'): ('ValueError',),
    # OverflowError: 'age_bands'[1] = -inf -> 'cannot convert float infinity to integer'
    ('kpcompare.aggregate', 'element'): ('OverflowError',),
    # ArrowNotImplementedError: 0['episode_id'] as complex -> 'Unsupported numpy type 15'
    ('kpcompare.aggregate', 'measure_dtype'): ('ArrowNotImplementedError',),
    # ArrowNotImplementedError: 0['admission_date'] as all-null category -> 'DictionaryArray converter for type dictio
    # ArrowInvalid: 0['person_id'] as uint64 -> 'Integer value 9223372036854775813 not in range: 0 to 9223372036854775
    ('kpcompare.aggregate', 'odd_dtype'): ('ArrowInvalid', 'ArrowNotImplementedError'),
    # ValueError: column 'person_id' of 0 twice -> "Duplicate column names found: ['person_id', 'episode_id', 'system'
    ('kpcompare.read_episodes', 'duplicate_column'): ('ValueError',),
    # ArrowNotImplementedError: 0['episode_id'] as complex -> 'Unsupported numpy type 15'
    ('kpcompare.read_episodes', 'measure_dtype'): ('ArrowNotImplementedError',),
    # ArrowNotImplementedError: 0['admission_date'] as all-null category -> 'DictionaryArray converter for type dictio
    ('kpcompare.read_episodes', 'odd_dtype'): ('ArrowNotImplementedError',),
    # --- h17fuzz (figures, plots) ----------------------------------------------------------------
    # TypeError: argument 1 = None -> "float() argument must be a string or a real number, not 'NoneType'"
    # ValueError: argument 0 = [] -> 'Lengths must be equal'
    ('kpcompare.figures.assert_figure', 'argument_type'): ('TypeError', 'ValueError'),
    # TypeError: argument 0 = None -> "float() argument must be a string or a real number, not 'NoneType'"
    # ValueError: argument 'wording' = array([1, 2]) -> 'The truth value of an array with more than one element is amb
    ('kpcompare.figures.bounds', 'argument_type'): ('TypeError', 'ValueError'),
    # TypeError: argument 'ids' = NaT -> "'NaTType' object is not iterable"
    ('kpcompare.figures.check', 'argument_type'): ('TypeError',),
    # KeyError: 0: MultiIndex columns -> '"[(\'id\', \'\') (\'statement\', \'\') (\'printed\', \'\') (\'value\', \'\')
    ('kpcompare.figures.check', 'column_names'): ('KeyError',),
    # AttributeError: column 'compute' of 0 twice -> "'Series' object has no attribute 'strip'"
    # ValueError: column 'wording' of 0 twice -> 'The truth value of a Series is ambiguous. Use a.empty, a.item(), a.a
    # TypeError: column 'value' of 0 twice -> "float() argument must be a string or a real number, not 'Series'"
    ('kpcompare.figures.check', 'duplicate_column'): ('AttributeError', 'TypeError', 'ValueError'),
    # TypeError: 'ids'[0] = [1] -> "unhashable type: 'list'"
    ('kpcompare.figures.check', 'element'): ('TypeError',),
    # TypeError: list [1, 2] in 0['id'] row 0 -> "unhashable type: 'list'"
    ('kpcompare.figures.check', 'list_cell'): ('TypeError',),
    # TypeError: 0['precision'] as period -> "float() argument must be a string or a real number, not 'Period'"
    ('kpcompare.figures.check', 'measure_dtype'): ('TypeError',),
    # TypeError: column 'inputs' of 0 dropped -> "cost_net_total() missing 2 required keyword-only arguments: 'assumpt
    ('kpcompare.figures.check', 'missing_column'): ('TypeError',),
    # TypeError: 0['unit'] as all-null category -> 'Cannot setitem on a Categorical with a new category (), set the ca
    ('kpcompare.figures.check', 'odd_dtype'): ('TypeError',),
    # FileNotFoundError: argument 0 = 'x' -> "[Errno 2] No such file or directory: 'x'"
    # TypeError: argument 0 = {'a': 1} -> 'expected str, bytes or os.PathLike object, not dict'
    # IsADirectoryError: argument 0 = '' -> "[Errno 21] Is a directory: '.'"
    ('kpcompare.figures.load_registry', 'argument_type'): ('FileNotFoundError', 'IsADirectoryError', 'TypeError'),
    # KeyError: 0: MultiIndex columns -> '"[(\'id\', \'\') (\'statement\', \'\') (\'printed\', \'\') (\'value\', \'\')
    ('kpcompare.figures.validate_registry', 'column_names'): ('KeyError',),
    # TypeError: 0['unit'] as all-null category -> 'Cannot setitem on a Categorical with a new category (), set the ca
    ('kpcompare.figures.validate_registry', 'odd_dtype'): ('TypeError',),
    # TypeError: 0: MultiIndex columns -> 'other must be a MultiIndex or a list of tuples'
    ('kpcompare.plots.bed_days_bars', 'column_names'): ('TypeError',),
    # ValueError: column 'system' of 0 twice -> "Grouper for 'system' not 1-dimensional"
    ('kpcompare.plots.bed_days_bars', 'duplicate_column'): ('ValueError',),
    # TypeError: list [1, 2] in 0['lower'] row 16 -> 'agg function failed [how->mean,dtype->object]'
    ('kpcompare.plots.bed_days_bars', 'list_cell'): ('TypeError',),
    # TypeError: 0['value'] as period -> "float() argument must be a string or a real number, not 'Period'"
    # DTypePromotionError: 0['confidence'] as text -> "The DType <class 'numpy.dtypes.StrDType'> could not be promoted
    # ComplexWarning: 0['value'] as complex -> 'Casting complex values to real discards the imaginary part'
    ('kpcompare.plots.bed_days_bars', 'measure_dtype'): ('ComplexWarning', 'DTypePromotionError', 'TypeError'),
    # KeyError: missing key None in 0['system'] row 1 -> 'None'
    ('kpcompare.plots.bed_days_bars', 'null_key'): ('KeyError',),
    # TypeError: 0['value'] as category -> "category dtype does not support aggregation 'mean'"
    ('kpcompare.plots.bed_days_bars', 'odd_dtype'): ('TypeError',),
    # PerformanceWarning: 0: MultiIndex columns -> 'dropping on a non-lexsorted multi-index without a level parameter 
    # KeyError: 0: column 'measure' named 0 -> "'measure'"
    ('kpcompare.plots.ratio_forest', 'column_names'): ('KeyError', 'PerformanceWarning'),
    # ValueError: column 'system' of 0 twice -> 'cannot reindex on an axis with duplicate labels'
    ('kpcompare.plots.ratio_forest', 'duplicate_column'): ('ValueError',),
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
    # KeyError: column 'value' of 0 twice -> "'min'"
    # TypeError: column 'baseline' of 0 twice -> "float() argument must be a string or a real number, not 'Series'"
    # ValueError: column 'system' of 0 twice -> 'cannot reindex on an axis with duplicate labels'
    ('kpcompare.plots.tornado_chart', 'duplicate_column'): ('KeyError', 'TypeError', 'ValueError'),
    # IndexError: 0 empty -> 'single positional indexer is out-of-bounds'
    ('kpcompare.plots.tornado_chart', 'empty_frame'): ('IndexError',),
    # OverflowError: huge 1.7e+308 in 0['value'] row 11 -> 'cannot convert float infinity to integer'
    ('kpcompare.plots.tornado_chart', 'huge'): ('OverflowError',),
    # RuntimeWarning: inf -inf in 0['value'] row 6 -> 'invalid value encountered in dot'
    ('kpcompare.plots.tornado_chart', 'inf'): ('RuntimeWarning',),
    # TypeError: list [1, 2] in 0['value'] row 8 -> "'<=' not supported between instances of 'list' and 'float'"
    ('kpcompare.plots.tornado_chart', 'list_cell'): ('TypeError',),
    # TypeError: 0['baseline'] as datetime -> "float() argument must be a string or a real number, not 'Timestamp'"
    # UFuncTypeError: 0['value'] as datetime -> "ufunc 'minimum' did not contain a loop with signature matching types 
    ('kpcompare.plots.tornado_chart', 'measure_dtype'): ('TypeError', 'UFuncTypeError'),
    # TypeError: 0['value'] as all-null category -> 'Cannot perform min with non-ordered Categorical'
    ('kpcompare.plots.tornado_chart', 'odd_dtype'): ('TypeError',),
}
