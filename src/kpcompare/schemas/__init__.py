"""pandera schemas for kpcompare's inputs (specifications only).

Each domain has its own submodule, imported explicitly so that importing
:mod:`kpcompare.schemas` stays cheap and the submodules do not depend on one
another: :mod:`kpcompare.schemas.rates` (rate inputs), and others as they are
added.
"""
