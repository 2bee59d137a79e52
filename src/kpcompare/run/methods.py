"""The method notes a run hands over: what each analysis does, its reference and the peer it was checked
against (the same statements as the functions' docstrings; the long discussion is in docs/methods.md)."""

from __future__ import annotations

from ..report.bundle import MethodNote

__all__ = ["COMPARISON_METHODS", "DECOMPOSITION_METHODS", "COST_METHODS", "SENSITIVITY_METHODS",
           "AGGREGATION_METHODS"]

AGGREGATION_METHODS = (
    MethodNote("Aggregation of episode extracts",
               "kpcompare.aggregate streams each record-level extract into admissions, bed days and episodes per "
               "stratum; every row read is counted or listed in the exclusions table with its reason "
               "(rows read = counted + excluded).",
               "docs/extracts.md", "hand-computed strata and the published NHDS 2010 totals (tests/engine)"),
)

COMPARISON_METHODS = (
    MethodNote("Directly standardised rates",
               "y = sum_i w_i x_i / n_i over the age bands i, standard weights w_i = s_i / sum s; variance "
               "sum_i (w_i / n_i)^2 x_i; ALOS = standardised bed days / standardised admissions with a "
               "delta-method interval on the log scale.",
               "Dobson AJ et al. Stat Med 1991;10:457-62, doi:10.1002/sim.4780100317; Ham C et al. BMJ "
               "2003;327:1257, doi:10.1136/bmj.327.7426.1257",
               "hand-computed two-band comparisons (tests/comparison) and the delta-method variance of a mean "
               "of stays (Cochran 1977, section 6.4)"),
    MethodNote("Rate ratios",
               "ratio = system / reference of the standardised rates, interval and z test by the log method.",
               "SAS PROC STDRATE (log method); docs/methods.md",
               "SAS PROC STDRATE and R epitools (tests/rates)"),
)

DECOMPOSITION_METHODS = (
    MethodNote("Decomposition of bed-day gaps",
               "per band A1 L1 - A2 L2 = (L1 + L2)/2 (A1 - A2) + (A1 + A2)/2 (L1 - L2), an exact split into "
               "an admission-rate and a length-of-stay part; the standardised row sums the bands with the "
               "standard weights.",
               "Kitagawa EM. J Am Stat Assoc 1955;50:1168-94, doi:10.1080/01621459.1955.10501299",
               "hand calculation of the identity; the standardised gap equals the difference of the dsr "
               "bed-day rates (tests/comparison)"),
)

COST_METHODS = (
    MethodNote("Cost cascade",
               "T = S + sum_j sigma_j a_j (gross expenditure and signed adjustment lines), per head v = 10^6 "
               "T / N x exchange rate x cost environment x age/need factor; no rounding.",
               "Feachem RGA et al. BMJ 2002;324:135-41, doi:10.1136/bmj.324.7330.135; Talbot-Smith A et al. "
               "Br J Gen Pract 2004;54:415-21",
               "the printed NHS and Kaiser cascades of Talbot-Smith et al 2004 Table 1 and Feachem's "
               "per-capita chain (tests/costs)"),
)

SENSITIVITY_METHODS = (
    MethodNote("One-at-a-time sensitivity",
               "each contested line switched off (each contested factor set to 1) and each declared range "
               "evaluated at its ends, one at a time; the outcome is the reference's cost per head minus the "
               "system's.",
               "Talbot-Smith A et al. Br J Gen Pract 2004;54:415-21 (the contested lines and ranges)",
               "the full cascade recomputed for every scenario (tests/costs)"),
)
