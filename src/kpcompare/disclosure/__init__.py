"""Disclosure control of tables built from record-level data (docs/disclosure.md).

``suppress(table, rule="hes", counts=..., derived=..., totals=...)`` applies a rule: ``"hes"`` (NHS Digital's
HES rules), ``"midpoint6"`` (OpenSAFELY) or a user-defined :class:`Rule`; ``present`` prints the result as
published (``*``).  The rules are specified in ``rules.py``, applied in ``suppress.py``; secondary suppression
is ``secondary.py``.  ``for_release`` (``release.py``) is what every writer of output calls: on by default for
output built from record-level data, off only explicitly (warned and recorded).
"""

from .release import for_release, strata_for_release
from .rules import RULES, DisclosureOffWarning, Rule
from .suppress import present, suppress

__all__ = ["suppress", "present", "for_release", "strata_for_release", "Rule", "RULES", "DisclosureOffWarning"]
