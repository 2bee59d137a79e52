"""kpcompare.report.html: the self-contained HTML report of a ReportBundle (structure, escaping, rounding for
presentation only, caveats beside their table, every row accounted for, provenance)."""

from __future__ import annotations

import re
from html import escape

import pandas as pd
import pytest

from kpcompare.errors import InvalidArgumentError
from kpcompare.report.bundle import MethodNote, ReportBundle, ReportFigure, ReportSection
from kpcompare.report.html import accounting, render_html, write_html
from report_bundles import combined_bundle  # tests/_support


@pytest.fixture(scope="module")
def bundle():
    return combined_bundle()


@pytest.fixture(scope="module")
def page(bundle):
    return render_html(bundle)


def _small(**changes) -> ReportBundle:
    table = pd.DataFrame({"system": ["A", "B"], "measure": ["bed_days", "alos"], "value": [1234.5678, 0.012345],
                          "count": [1500, 20]})
    base = dict(title="T", sections=(ReportSection("s1", "First", table, caveats=("Main. Detail.", "Minor.")),),
                exclusions=pd.DataFrame({"system": ["A"], "reason": ["age unknown"], "rows": [3]}),
                provenance={"rows": {"A": {"read": 10, "counted": 7}}})
    base.update(changes)
    return ReportBundle(**base)


def test_one_table_and_caption_per_section_and_every_figure_embedded(bundle, page):
    for number, section in enumerate(bundle.sections, start=1):
        assert f'<table id="table-{section.name}" class="data"><caption>Table {number}. ' in page
        for fig in section.figures:
            match = re.search(rf'<figure id="figure-{fig.name}"><img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" '
                              r'alt="([^"]+)">', page)
            assert match and len(match.group(1)) > 20
    assert page.count("<figure ") == sum(len(s.figures) for s in bundle.sections) == 5
    assert page.count('<th scope="col"') >= sum(s.table.shape[1] for s in bundle.sections)


def test_nothing_refers_outside_the_file(page):
    targets = re.findall(r'\b(?:src|href)="([^"]*)"', page)
    assert targets and all(t.startswith(("data:", "#")) for t in targets)
    assert "<script" not in page and "@import" not in page and "url(" not in page
    assert "default-src 'none'; img-src data:;" in page


def test_text_is_escaped(page):
    assert "<title>Ham and Feachem &lt;comparisons&gt; &amp; costs</title>" in page
    assert "<comparisons>" not in page


def test_numbers_rounded_per_digits_only_for_presentation():
    bundle = _small(sections=(ReportSection("s1", "First", pd.DataFrame({"value": [1234.5678, -0.5], "n": [1500, 2]}),
                                            digits={"value": 2}),))
    page = render_html(bundle)
    assert '<td class="num">1,234.57</td>' in page and '<td class="num">−0.50</td>' in page
    assert '<td class="num">1,500</td>' in page
    assert bundle.sections[0].table["value"].iloc[0] == 1234.5678  # the bundle keeps full precision


def test_floats_without_digits_three_significant_digits_and_names_as_labels():
    page = render_html(_small())
    assert '<td class="num">1,235</td>' in page and '<td class="num">0.0123</td>' in page
    assert ">Bed days</td>" in page and ">Average length of stay</td>" in page  # snake_case names: labels


def test_caveats_beside_their_table_most_important_first(bundle, page):
    first, second = bundle.sections[0], bundle.sections[1]
    table_at = page.index(f'id="table-{first.name}"')
    caveat_at = [page.index(escape(c[-60:])) for c in first.caveats]
    assert table_at < caveat_at[0] < caveat_at[1] < caveat_at[2] < page.index(f'id="table-{second.name}"')
    pair = page[page.index('<div class="pair">', page.index(f'id="section-{first.name}"')):caveat_at[0]]
    assert f'id="table-{first.name}"' in pair and '<aside class="caveats"' in pair
    assert '<li class="first">NHDS counts are survey-weighted national estimates.' in page


def test_every_row_accounted_for():
    page = render_html(_small())
    assert "A: read 10 = counted 7 + excluded 3" in page and "✓ every row accounted for" in page
    broken = render_html(_small(provenance={"rows": {"A": {"read": 11, "counted": 7}}}))
    assert "A: read 11 = counted 7 + excluded 3" in broken and "✗ rows unaccounted for" in broken
    table = accounting(_small(provenance={"inputs": [{"path": "a.csv", "rows_read": 5, "rows_counted": 5,
                                                      "rows_excluded": 0, "sha256": "0" * 64}]}))
    assert table.to_dict("records") == [{"source": "a.csv", "read": 5, "counted": 5, "excluded": 0,
                                         "balanced": True}]


def test_accounting_not_stated_is_said():
    page = render_html(_small(provenance={}))
    assert "Rows excluded: 3 in all (by reason below). The bundle does not state the rows read and counted" in page


def test_provenance_and_methods(page):
    assert "<li>Disclosure control: not applied</li>" in page and "<li>Date: 2026-12-05</li>" in page
    assert re.search(r"<li>Input files: 1 \(1 with SHA-256\)</li>", page)
    assert re.search(r"<code>[0-9a-f]{64}</code>", page)
    assert "<strong>Validated against:</strong> R epitools::ageadjust.direct" in page
    assert "<h3>Resolved configuration</h3><pre>{" in page
    applied = render_html(_small(provenance={"disclosure": {"applied": True, "rule": "counts below 10 suppressed"}}))
    assert "<li>Disclosure control: applied (counts below 10 suppressed)</li>" in applied
    none = render_html(_small(methods=(MethodNote("DSR", "weighted rates"),)))
    assert "<strong>Validated against:</strong> not stated" in none


def test_the_same_bundle_gives_the_same_bytes(bundle, page):
    assert render_html(bundle) == page


def test_write_html_returns_the_path(tmp_path):
    path = write_html(_small(), tmp_path / "sub" / "report.html")
    assert path == tmp_path / "sub" / "report.html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_errors_name_the_argument():
    with pytest.raises(InvalidArgumentError, match="argument 'bundle': expected a kpcompare.report.bundle.ReportBundle, "
                                                   "got dict"):
        render_html({"title": "x"})
    with pytest.raises(InvalidArgumentError, match="argument 'bundle': the table of section 's1' is a list"):
        render_html(_small(sections=(ReportSection("s1", "x", [1, 2]),)))
    with pytest.raises(InvalidArgumentError, match="the figures of section 's1' must be ReportFigure objects holding "
                                                   "a matplotlib Figure; got str"):
        render_html(_small(sections=(ReportSection("s1", "x", pd.DataFrame(), figures=(ReportFigure("f", "png"),)),)))
    with pytest.raises(InvalidArgumentError, match="argument 'path': give a file name"):
        write_html(_small(), None)
