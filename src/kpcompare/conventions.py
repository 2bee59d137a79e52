"""The vocabulary of kpcompare's public API: one meaning per keyword and per output column.

``docs/conventions.md`` shows these tables (``tests/test_conventions.py`` checks that it shows exactly these,
and that every public signature and output keeps to them).  A keyword used by one function only and not in
the shared vocabulary is listed, with its reason, in :data:`FUNCTION_KEYWORDS`; a word used by two functions
belongs in :data:`KEYWORDS`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Term", "KEYWORDS", "FUNCTION_KEYWORDS", "RETIRED", "OUTPUT_COLUMNS", "FUNCTION_OUTPUTS",
           "OUTPUT_DEPARTURES", "DEFAULT_MULTIPLIER", "EXCEPTIONS", "keyword", "markdown_tables"]

#: the default of ``multiplier`` wherever a rate per population is given
DEFAULT_MULTIPLIER = 100_000


@dataclass(frozen=True)
class Term:
    """A word of the vocabulary: its ``kind`` (what a value looks like, checked by the tests) and meaning.

    Kinds: ``columns`` (a column name or a sequence of them), ``column`` (one column name), ``table``
    (a DataFrame or Arrow table), ``population`` (a column, or a table where ``data`` holds counts only),
    ``standard`` (a registered name, a table or a column), ``level`` (a value of a column), ``levels``
    (values of a column), ``choice`` (a name from a fixed set), ``number``, ``confidence``, ``flag``
    (True/False), ``filter``, ``text``, ``path``, ``other``.
    """

    name: str
    kind: str
    meaning: str


KEYWORDS: tuple[Term, ...] = (
    Term("by", "columns", "Group columns: a column name or a sequence of them; one result per level (combination "
         "of levels). In compare/decompose the first column holds the causes (with their 'all selected' total) "
         "and further columns split the analysis, as if run on each level's rows."),
    Term("strata", "columns", "The standardisation key columns of dsr/smr/isr (e.g. ['age_band', 'sex']): the "
         "standard is joined to the data on them."),
    Term("age", "column", "Column of age-band labels."),
    Term("count", "column", "Column of event counts (admissions, bed days, deaths) that is rated or modelled."),
    Term("population", "population", "The populations (person-years) the counts arise from: a column of "
         "`data` (rates; age_need_factor), or, where `data` holds counts only, a table keyed like it with a "
         "column `population` (compare, decompose, rate_model, profiles.densities; densities also takes the "
         "name of the measure holding it)."),
    Term("standard", "standard", "The standard of a standardisation: its population (dsr, compare, decompose) "
         "or its counts and population, i.e. rates (smr, isr): a registered standard name, a table keyed like "
         "the strata, or a column of `data`; in compare/decompose also a system of `population`."),
    Term("reference", "level", "The level (of `between`; the system) every other level is compared with: "
         "ratio = level / reference, difference = reference minus level (costs) or level minus reference (rates)."),
    Term("between", "column", "The column whose levels are compared with `reference`."),
    Term("systems", "levels", "Systems (levels of the column `system`) to include or compare."),
    Term("levels", "levels", "Levels of the (first) `by` column to include, in this order."),
    Term("multiplier", "number", "Rates per `multiplier` population: 100,000 wherever a rate per population is "
         "given (smr: a ratio, default 1)."),
    Term("confidence", "confidence", "Confidence level(s) strictly between 0 and 1 (default 0.95); several "
         "levels give several rows (plots: the level of the rows drawn)."),
    Term("method", "choice", "The interval method, a name from the function's documented set."),
    Term("kind", "choice", "Which contrast with `reference`: 'ratio' or 'difference' (costs.sensitivity also "
         "'value': the system's own value); funnel/funnel_limits: which kind of value is set against the "
         "target ('ratio' O/E, 'rate', 'proportion')."),
    Term("weights", "column", "Column of each row's weight: survey weights (aggregate) or need weights per head "
         "(costs.age_need_factor)."),
    Term("weighted", "flag", "True: the counts are weighted estimates (survey weights; may be fractional), so "
         "the Poisson limits are approximate and `note` says so. Never a column name."),
    Term("frequency", "column", "Column counting the units (persons) each row stands for: whole numbers, an "
         "aggregated input (not survey weights: see `weights`)."),
    Term("event_frequency", "column", "Column of the number of events f of the persons counted on the row "
         "(repeat events; one row per stratum and f)."),
    Term("person", "column", "Column of person ids (one row per person and stratum)."),
    Term("where", "filter", "Rows kept: before counting (aggregate; the others are reported as excluded under "
         "their own reason) or before building a standard (standard_from_population)."),
    Term("measures", "choice", "Which measures to report ('admissions', 'bed_days', 'alos')."),
    Term("age_range", "other", "Ages included, inclusive, on band edges: (lowest, highest), None = open."),
    Term("min_count", "number", "Below this total count a rate is suppressed (NaN, reason in `note`)."),
    Term("value", "column", "Column of each unit's value (use or cost) whose concentration is measured."),
    Term("top", "number", "The top fraction of units (0.15 = the top 15%)."),
    Term("n_boot", "number", "Bootstrap replicates (0: point estimate only)."),
    Term("random_state", "other", "Seed of the random generator (None: fresh)."),
    Term("factors", "table", "The cost cascade's factor table (exchange rate, cost environment, age/need, "
         "population per system)."),
    Term("currency", "choice", "Currency of the per-capita results (ISO code)."),
    Term("coding", "choice", "The diagnosis coding of the codes (e.g. 'icd10', 'icd9cm')."),
    Term("bands", "other", "Age bands: a registered band scheme name, a list of lower edges, or a band table."),
    Term("precision", "number", "The rounding of printed values (0.1 for one decimal); None: exact."),
    Term("tolerance", "number", "How far a computed value may lie from a claimed (printed) one and still match it."),
    Term("name", "text", "The name given to what is built (a condition set, an assumption set)."),
    Term("title", "text", "Figure title."),
    Term("path", "path", "File to write (None: return only)."),
    Term("measure", "choice", "The measure drawn ('admissions', 'bed_days', 'alos')."),
    Term("rule", "choice", "The disclosure-control rule: 'hes', 'midpoint6' or a kpcompare.disclosure.Rule "
         "(for_release: False turns it off, warned and recorded)."),
    Term("counts", "columns", "The count columns (events, persons, bed days) a disclosure rule suppresses and "
         "rounds."),
    Term("derived", "other", "{derived column: count column(s) it rests on}: means, medians, rates suppressed "
         "with their counts."),
    Term("totals", "other", "{key column: total label}: the rows so labelled are margins (sums of the rows "
         "beside them), protected by secondary suppression."),
    Term("denominator", "other", "What is below the line of a ratio: the system divided by (profiles.ratios), "
         "or the column of each unit's denominator, the funnel's x-axis: population (rate) or cases (proportion)."),
    Term("target", "number", "The value a funnel is centred on, in the units of `value` (None: 1 for ratios, "
         "the pooled value for rates and proportions)."),
    Term("overdispersion", "other", "How a funnel's limits allow for overdispersion: None, or a method name "
         "('shmi', 'shmi-unrounded', 'cqc', 'spiegelhalter'; funnel_limits: funnel()'s table or "
         "{'method', 'tau2'})."),
    Term("test", "choice", "The significance test reported in `p_value`, a name from the function's documented "
         "set (smr/isr: 'exact', 'midp', 'chisq', 'byar')."),
    Term("caption", "text", "Figure caption, kept on the figure (figure.kpcompare_notes) for a report; default: a "
         "description of the figure."),
    Term("source", "text", "Source line of a figure, drawn at its foot."),
    Term("warning", "text", "A warning drawn on a figure (e.g. intervals known to be too narrow), besides those "
         "the figure draws itself from the table's notes."),
    Term("unit", "choice", "The counting unit of an episode extract: 'episode', 'spell' (provider spell) or "
         "'cips' (continuous inpatient spell); person_totals takes the last two."),
    Term("period", "other", "(first_day, last_day), inclusive dates of an episode extract's period: stays "
         "overlapping it, bed days clipped to it, admissions admitted in it; None an open end."),
    Term("progress", "other", "Show progress bars: True, False or None (when stderr is a terminal)."),
    Term("cips_rules", "other", "The rules joining provider spells into CIPS (kpcompare.engine.spells.CipsRules; "
         "None: NHS Digital's)."),
)

#: keyword -> its term
_BY_NAME = {t.name: t for t in KEYWORDS}


def keyword(name: str) -> Term:
    """The vocabulary term ``name`` (KeyError if it is not one)."""
    return _BY_NAME[name]


#: keywords that must not appear in any public signature: old spelling -> the word to use
RETIRED: dict[str, str] = {
    "per": "multiplier",
    "weight": "weights",
    "outcome": "count (rate_model) / kind (costs.sensitivity)",
}

#: public function -> {keyword used by that function only: why it is not a vocabulary word}
FUNCTION_KEYWORDS: dict[str, dict[str, str]] = {
    "kpcompare.rate_model": {
        "family": "distribution of the model ('poisson', 'negbin')",
        "adjust": "model terms adjusted for (stratum columns)",
        "scale": "variance scaling of the Poisson model ('pearson')",
        "coefficients": "which coefficients are reported ('systems'; 'all': also the adjustment terms)",
        "contrasts": "pairs of systems compared from the same fit, e.g. [('B', 'C')]",
    },
    "kpcompare.aggregate": {
        "age_bands": "the age-band scheme the engine assigns (as `bands` of reband)",
        "conditions": "the condition set classifying diagnoses",
        "bed_days": "bed-day counting rule",
        "newborns": "treatment of newborn episodes",
        "admissions_by": "which episode of a spell dates the admission",
        "persons": "whether to count distinct persons (flag)",
        "check_duplicates": "duplicate episode-id check",
        "threads": "worker threads",
        "bed_days_squared": "whether to add the sum of squared stays (flag)",
        "spell_diagnosis": "which episode's diagnosis classifies a spell",
        "readmissions": "emergency readmission window in days (adds numerator and denominator)",
        "person_totals": "per-person totals in the same pass (True, or their directory)",
    },
    "kpcompare.person_totals": {"out": "directory the per-person Parquet partitions are written to"},
    "kpcompare.read_episodes": {
        "mapping": "registered column mapping of the extract",
        "constants": "columns given one value for every row",
        "batch_rows": "rows per Arrow batch",
        "columns": "extra or changed columns of the mapping",
        "encoding": "text encoding of a CSV extract",
        "delimiter": "field delimiter of a CSV extract",
        "date_format": "strptime format(s) of dates held as text",
        "engine": "where the extract is read and aggregated ('arrow', 'spark')",
    },
    "kpcompare.load_condition_set": {
        "allow_overlap": "what to do with codes in two conditions",
        "other": "label of codes outside every condition",
        "missing": "label of missing codes",
    },
    "kpcompare.reband": {"value_columns": "columns summed when bands are merged"},
    "kpcompare.costs.sensitivity": {
        "assumption_set": "the assumption set varied",
        "system": "the system whose per-capita cost is the outcome",
        "ranges": "table of low/high values of inputs",
    },
    "kpcompare.costs.toggle": {
        "on": "switch the lines on (True) or off (False)",
        "items": "line items switched",
        "contested_only": "switch contested lines only (flag)",
    },
    "kpcompare.costs.alternative": {
        "assumptions": "the assumption sets extended",
        "base": "the set the alternative starts from",
    },
    "kpcompare.costs.age_need_factor": {"need": "table of need weights per head by age band"},
    "kpcompare.plots.tornado_chart": {"ax": "matplotlib axes to draw on", "threshold": "reference line drawn"},
    "kpcompare.profiles.ratios": {"numerator": "system on top of the ratio"},
    "kpcompare.concentration.gini": {"correction": "small-sample N/(N-1) correction (flag)"},
    "kpcompare.concentration.check_concentration": {
        "claimed": "the published share checked",
    },
    "kpcompare.figures.check": {"ids": "figure ids checked"},
    "kpcompare.figures.assert_figure": {"registry": "the figure registry (default: bundled)"},
    "kpcompare.disclosure.suppress": {
        "secondary": "whether to protect suppressed cells from the margins (flag)",
        "resum": "whether margins are re-summed from the released cells (flag)",
    },
    "kpcompare.disclosure.for_release": {"record_level": "whether the table was built from record-level data "
                                                          "(flag)"},
    "kpcompare.disclosure.present": {"symbol": "text shown for a suppressed cell"},
    "kpcompare.figures.bounds": {
        "wording": "the claim's wording ('about', 'more than', ...)",
        "printed": "the value as printed",
        "lower": "explicit lower bound",
        "upper": "explicit upper bound",
    },    "kpcompare.funnel": {
        "observed": "column of observed events O (the numerator)",
        "expected": "column of expected counts E (kind 'ratio')",
        "rate": "column of directly standardised rates (kind 'rate'; PHE's effective population)",
    },
    "kpcompare.spell_diagnostics": {
        "examples": "how many example source rows per kind and stratum",
    },
}

#: (function, rule) -> why the function departs from a general rule
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("kpcompare.poisson_ci", "first"): "takes counts (an array), returns limits: a building block, not a table",
    ("kpcompare.standard_population", "first"): "loader: takes a registered name",
    ("kpcompare.list_standard_populations", "first"): "lists the registry: no input",
    ("kpcompare.age_to_band", "first"): "maps ages (an array) to band labels",
    ("kpcompare.age_to_band", "keyword-only"): "bands is the second operand of the mapping",
    ("kpcompare.band_table", "first"): "builds a band table from a scheme name or edges",
    ("kpcompare.read_episodes", "first"): "reads a file or directory path",
    ("kpcompare.condition_set", "first"): "loader: takes a registered name",
    ("kpcompare.load_condition_set", "first"): "loader: takes a file path",
    ("kpcompare.list_condition_sets", "first"): "lists the registry: no input",
    ("kpcompare.costs.assumptions", "first"): "loader: takes registered assumption-set names",
    ("kpcompare.costs.list_assumption_sets", "first"): "lists the registry: no input",
    ("kpcompare.profiles.profile_table", "first"): "loader: takes a registered name",
    ("kpcompare.profiles.check_claims", "keyword-only"): "two tables: the ratios and the claims checked",
    ("kpcompare.figures.load_registry", "first"): "loader: takes a path",
    ("kpcompare.figures.register", "first"): "decorator factory: takes a computation name",
    ("kpcompare.figures.computations", "first"): "lists the registry: no input",
    ("kpcompare.figures.check", "first"): "the registry is optional (default: bundled)",
    ("kpcompare.figures.assert_figure", "first"): "checks one number against one registered figure",
    ("kpcompare.figures.assert_figure", "keyword-only"): "figure id and computed value are the two operands",
    ("kpcompare.figures.bounds", "first"): "bounds of one printed number",
    ("kpcompare.figures.printed_precision", "first"): "precision of one printed number",
    ("kpcompare.smr", "multiplier"): "a ratio O/E: multiplier 1 (x 100 on request), not a rate per population",
    ("kpcompare.plots.bed_days_bars", "by"): "one column: the level axis of compare's output drawn",
    ("kpcompare.plots.ratio_forest", "by"): "one column: the level axis of compare's output drawn",    ("kpcompare.funnel", "confidence"): "funnels are drawn at 95% and 99.8% (PHE, NHS Digital, FunnelPlotR)",
    ("kpcompare.funnel_limits", "confidence"): "as funnel: 95% and 99.8%",
    ("kpcompare.funnel", "multiplier"): "None: 100,000 for rates, 1 for ratios and proportions",
    ("kpcompare.funnel_limits", "multiplier"): "as funnel",
    ("kpcompare.funnel_limits", "first"): "takes the x-axis grid (expected counts or denominators)",
    ("kpcompare.plots.ratio_forest", "by"): "one column: the level axis of compare's output drawn",
    ("kpcompare.plots.decomposition_bars", "by"): "one column: the cause axis of decompose's output drawn",
}

#: output column -> meaning, shared by every function that has it
OUTPUT_COLUMNS: dict[str, str] = {
    "value": "the estimate (rate, ratio, share, factor, per-capita cost ...); `statistic` says which",
    "lower": "lower confidence (or uncertainty) limit of `value`",
    "upper": "upper confidence (or uncertainty) limit of `value`",
    "variance": "variance of `value`, on its scale",
    "confidence": "confidence level of `lower`/`upper` (one row per level)",
    "method": "the interval or estimation method, as text",
    "statistic": "the label of what `value` is (text, e.g. 'dsr per 100000', 'rate ratio'); never a number",
    "note": "why a value is missing, suppressed or approximate (text; '' if nothing to say)",
    "z": "the z test statistic (of log ratio, difference or model coefficient)",
    "chi2": "a chi-square test statistic",
    "p_value": "two-sided p-value of `z` (or `chi2`)",
    "count": "the (summed) count: events, admissions, bed days",
    "population": "the (summed) population",
    "observed": "observed count (indirect standardisation)",
    "expected": "expected count at the standard's rates",
    "crude": "crude rate per `multiplier` (compare)",
    "ratio": "ratio of `value` to the reference's",
    "ratio_lower": "lower limit of `ratio`",
    "ratio_upper": "upper limit of `ratio`",
    "difference": "difference of `value` and the reference's",
    "system": "the health system",
    "reference": "the system (level) compared with",
    "reference_value": "the reference's `value`",
    "measure": "what is counted or modelled ('admissions', 'bed_days', 'alos', a profile measure)",
    "persons": "number of persons (units)",
    "total": "total of the values (concentration)",
    "currency": "currency of the per-capita values",
    "assumption_set": "the cost assumption set",
    "item": "a cost line item or factor",
    "kind": "the kind of a cascade step or varied input ('line', 'factor', 'net' ...)",
}

#: public function -> output columns of that function only (their meanings are in its docstring)
FUNCTION_OUTPUTS: dict[str, tuple[str, ...]] = {
    "kpcompare.decompose": ("age_band", "weight", "admission_rate", "reference_admission_rate", "alos",
                            "reference_alos", "bed_day_rate", "reference_bed_day_rate", "gap",
                            "admission_component", "los_component"),
    "kpcompare.rate_model": ("dispersion", "alpha", "n_strata", "term", "alpha_se"),
    "kpcompare.costs.cascade": ("step", "category", "sign", "amount", "factor", "contested", "included",
                                "total_local", "currency_local", "total", "value_local", "source"),
    "kpcompare.costs.compare_assumptions": ("relative_difference",),
    "kpcompare.costs.sensitivity": ("setting", "input_value", "baseline_input", "baseline", "change"),
    "kpcompare.costs.age_need_factor": ("reference_population", "expected_system", "expected_reference"),
    "kpcompare.profiles.densities": (),
    "kpcompare.profiles.ratios": ("numerator", "denominator", "numerator_value", "denominator_value"),
    "kpcompare.concentration.lorenz": ("person_share", "total_share"),
    "kpcompare.concentration.check_concentration": ("top", "claimed", "computed", "computed_lower",
                                                    "computed_upper", "holds", "holds_throughout"),
    "kpcompare.costs.exchange_rates": ("from_currency", "to_currency", "rate"),
    "kpcompare.figures.check": ("id", "published", "computed", "computed_lower", "computed_upper", "bounds", "ok",
                                "unit", "source", "status"),
    "kpcompare.profiles.check_claims": ("statement", "claimed", "wording", "computed", "computed_lower",
                                        "computed_upper", "holds", "holds_throughout"),
    "kpcompare.funnel": ("denominator", "target", "position", "overdispersion", "phi", "tau2"),
    "kpcompare.funnel_limits": ("denominator", "target", "overdispersion", "tau2"),
    "kpcompare.spell_diagnostics": ("spells", "share", "example_rows"),
}

#: (function, output column) -> how the column departs from :data:`OUTPUT_COLUMNS` (kept for this release)
OUTPUT_DEPARTURES: dict[tuple[str, str], str] = {
    ("kpcompare.concentration.lorenz", "value"): "a point of the curve: the unit value there (the `value=` "
                                                  "column), not an estimate",
    ("kpcompare.concentration.check_concentration", "lower"): "the claim's bounds (the estimate's limits are "
                                                               "`computed_lower`/`computed_upper`)",
    ("kpcompare.profiles.check_claims", "lower"): "the claim's bounds (as check_concentration)",
    ("kpcompare.figures.check", "lower"): "the published figure's bounds (as check_concentration)",
    ("kpcompare.costs.compare_assumptions", "difference"): "reference minus system (what the reference costs "
                                                           "more per head, Feachem's reading); rates: level "
                                                           "minus reference",
}


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown_tables() -> dict[str, str]:
    """The tables shown in docs/conventions.md: ``keywords``, ``function_keywords``, ``outputs``."""
    keywords = [_row("keyword", "kind", "meaning"), _row("---", "---", "---")]
    keywords += [_row(f"`{t.name}`", t.kind, t.meaning) for t in KEYWORDS]
    own = [_row("function", "keyword", "why not a vocabulary word"), _row("---", "---", "---")]
    own += [_row(f"`{func}`", f"`{kw}`", why) for func, kws in FUNCTION_KEYWORDS.items() for kw, why in kws.items()]
    outputs = [_row("column", "meaning"), _row("---", "---")]
    outputs += [_row(f"`{name}`", meaning) for name, meaning in OUTPUT_COLUMNS.items()]
    own_out = [_row("function", "its own output columns"), _row("---", "---")]
    own_out += [_row(f"`{func}`", ", ".join(f"`{c}`" for c in cols)) for func, cols in FUNCTION_OUTPUTS.items()
                 if cols]
    departures = [_row("function", "column", "departure"), _row("---", "---", "---")]
    departures += [_row(f"`{func}`", f"`{col}`", why) for (func, col), why in OUTPUT_DEPARTURES.items()]
    exceptions = [_row("function", "rule", "why"), _row("---", "---", "---")]
    exceptions += [_row(f"`{func}`", rule, why) for (func, rule), why in EXCEPTIONS.items()]
    retired = [_row("retired keyword", "use"), _row("---", "---")]
    retired += [_row(f"`{old}`", new) for old, new in RETIRED.items()]
    return {"keywords": "\n".join(keywords), "function_keywords": "\n".join(own),
            "exceptions": "\n".join(exceptions), "retired": "\n".join(retired), "outputs": "\n".join(outputs),
            "function_outputs": "\n".join(own_out), "output_departures": "\n".join(departures)}
