"""kpcompare.errors: every error is a KpcompareError and a ValueError; messages name column, rule, rows, example."""

from __future__ import annotations

from kpcompare import errors


def test_error_hierarchy_is_value_error():
    for cls in (errors.KpcompareError, errors.MissingColumnError, errors.InvalidValueError,
                errors.InvalidArgumentError, errors.UnknownNameError, errors.BandMismatchError,
                errors.SourceReadError):
        assert issubclass(cls, ValueError), cls
        assert issubclass(cls, errors.KpcompareError), cls
    assert issubclass(errors.SmallCountWarning, errors.KpcompareWarning)


def test_row_problem_message_shape():
    err = errors.row_problem("pop", "non-negative", 3, -5, hint="Fix the population.")
    assert str(err) == "column 'pop': rule 'non-negative' broken by 3 rows (e.g. -5). Fix the population."
    assert (err.column, err.rule, err.n_rows, err.example) == ("pop", "non-negative", 3, -5)
