"""`kpcompare aggregate` (and the first commands): hand-built extract, hand-computed strata, and the error exit."""

from __future__ import annotations

import pandas as pd
import pytest

from kpcompare.cli import main

# These tests check the exact counts of hand-built extracts, so they run `kpcompare aggregate` with
# --no-disclosure (appended by _main); disclosure control on by default is tested in tests/disclosure.
pytestmark = pytest.mark.filterwarnings("ignore::kpcompare.disclosure.DisclosureOffWarning")
_cli_main = main


def main(argv):  # noqa: F811 - the command with disclosure control off for aggregate
    return _cli_main([*argv, "--no-disclosure"] if argv and argv[0] == "aggregate" else argv)

# Three episodes: two stroke admissions of women aged 70 and 72 (2 and 0 midnights), and one row whose
# discharge precedes its admission (excluded as discharge_before_admission).
EXTRACT = """person_id,episode_id,system,sex,age,admission_date,discharge_date,primary_diagnosis
1,1,NHS,F,70,2020-01-01,2020-01-03,I63.9
2,2,NHS,F,72,2020-02-01,2020-02-01,I61.0
3,3,NHS,M,80,2020-03-05,2020-03-01,J44.1
"""


def test_aggregate_writes_strata_and_exclusions(tmp_path, capsys):
    src = tmp_path / "extract.csv"
    src.write_text(EXTRACT)
    out = tmp_path / "out" / "strata.csv"
    code = main(["aggregate", str(src), "--out", str(out), "--age-bands", "0,65,75",
                 "--conditions", "ham2003_leading_causes"])
    assert code == 0
    strata = pd.read_csv(out)
    assert strata[["admissions", "bed_days", "episodes"]].sum().tolist() == [2, 2, 2]
    assert set(strata["condition"]) == {"stroke"}
    assert set(strata["age_band"]) == {"65-74"}
    exclusions = pd.read_csv(out.with_name("strata.exclusions.csv")).set_index("reason")["rows"]
    assert exclusions["discharge_before_admission"] == 1
    assert exclusions.sum() == 1
    assert "rows read 3 = counted 2 + excluded 1" in capsys.readouterr().out


def test_aggregate_bed_days_squared(tmp_path):
    src = tmp_path / "extract.csv"
    src.write_text(EXTRACT)  # one row per stay (no episode_order): stays of 2 and 0 midnights
    out = tmp_path / "strata.csv"
    assert main(["aggregate", str(src), "--out", str(out), "--by", "system", "--bed-days-squared"]) == 0
    assert pd.read_csv(out)[["admissions", "bed_days", "bed_days_squared"]].values.tolist() == [[2, 2, 4]]


def test_persons_by_default_and_no_persons(tmp_path):
    """The extract has person ids, so persons are counted (2: person 3's only row is excluded), unless
    ``--no-persons``."""
    src = tmp_path / "extract.csv"
    src.write_text(EXTRACT)
    out = tmp_path / "strata.csv"
    assert main(["aggregate", str(src), "--out", str(out), "--by", "system"]) == 0
    assert pd.read_csv(out)[["admissions", "episodes", "persons"]].values.tolist() == [[2, 2, 2]]
    assert main(["aggregate", str(src), "--out", str(out), "--by", "system", "--no-persons"]) == 0
    assert list(pd.read_csv(out).columns) == ["system", "admissions", "bed_days", "episodes"]


def test_spell_diagnosis_last(tmp_path):
    """One spell of two episodes, admitted with abdominal pain (R10.4), discharged with appendicitis (K35.8);
    the condition set comes from a user's CSV file (``--conditions`` takes a bundled name or a file)."""
    src = tmp_path / "spells.csv"
    src.write_text("person_id,provider,system,sex,age,admission_date,discharge_date,episode_order,"
                   "primary_diagnosis\n"
                   "1,P,NHS,F,30,2020-01-01,,1,R10.4\n"
                   "1,P,NHS,F,30,2020-01-01,2020-01-04,2,K35.8\n")
    out = tmp_path / "strata.csv"
    groups = tmp_path / "groups.csv"
    groups.write_text("group,coding,codes,source\nappendicitis,icd10,K35,a user-defined set\n")
    for choice, condition in (("first", "other"), ("last", "appendicitis")):
        assert main(["aggregate", str(src), "--out", str(out), "--by", "condition", "--unit", "spell",
                     "--conditions", str(groups), "--spell-diagnosis", choice]) == 0
        assert pd.read_csv(out)[["condition", "admissions", "episodes"]].values.tolist() == [[condition, 1, 2]]


def test_input_error_exits_2_with_a_message(tmp_path, capsys):
    src = tmp_path / "extract.csv"
    src.write_text(EXTRACT)
    code = main(["aggregate", str(src), "--out", str(tmp_path / "s.csv"), "--unit", "spell"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("kpcompare aggregate: ") and "provider" in err


def test_standards_lists_the_registry(capsys):
    assert main(["standards", "--csv"]) == 0
    listing = capsys.readouterr().out
    for name in ("esp2013", "esp2013_21", "us2000", "us2000_11", "who2000", "segi1960", "esp1976"):
        assert f"\n{name}," in listing


def test_demo_runs_the_report_demo_with_its_sections(monkeypatch, tmp_path):
    # `kpcompare demo` is `python -m kpcompare.report.demo` (what `make demo` runs), options forwarded
    from kpcompare.report import demo

    seen = []
    monkeypatch.setattr(demo, "main", lambda argv: seen.append(argv) or 0)
    assert main(["demo", "--out", str(tmp_path), "--section", "ham", "--section", "england_chapters"]) == 0
    assert seen == [["--out", str(tmp_path), "--section", "ham", "--section", "england_chapters"]]


def test_aggregate_cips_gap_days(tmp_path):
    # one person transferred (DISDEST 51) on 2020-01-03 and readmitted elsewhere 2 days later
    src = tmp_path / "transfer.csv"
    src.write_text("person_id,episode_id,provider,system,sex,age,admission_date,discharge_date,"
                   "discharge_destination,primary_diagnosis\n"
                   "1,1,A,NHS,F,70,2020-01-01,2020-01-03,51,I63.9\n"
                   "1,2,B,NHS,F,70,2020-01-05,2020-01-09,19,I63.9\n")
    counts = {}
    for gap in (None, "2", "1"):
        out = tmp_path / f"strata_{gap}.csv"
        extra = [] if gap is None else ["--cips-gap-days", gap]
        assert main(["aggregate", str(src), "--out", str(out), "--by", "system", "--unit", "cips", *extra]) == 0
        counts[gap] = pd.read_csv(out)[["admissions", "bed_days"]].values.tolist()
    # NHS Digital's 3 days (and 2) link them into one CIPS of 8 nights; a 1-day gap rule leaves two spells
    assert counts == {None: [[1, 8]], "2": [[1, 8]], "1": [[2, 6]]}


def test_cips_gap_days_needs_unit_cips(tmp_path, capsys):
    src = tmp_path / "extract.csv"
    src.write_text(EXTRACT)
    assert main(["aggregate", str(src), "--out", str(tmp_path / "s.csv"), "--cips-gap-days", "0"]) == 2
    assert "argument 'cips_rules': only used with unit='cips', not unit='episode'." in capsys.readouterr().err


# The same three stays, with an admission method, a region column and person 1's episode repeated (a
# duplicated EPIKEY, the 4th row): 21 = emergency via A&E, 11 = elective waiting list (HES ADMIMETH).
EXTRACT_HES = """person,epikey,region,sex,age,admitted,discharged,method,diagnosis
1,1,North,F,70,2020-01-01,2020-01-03,21,I63.9
2,2,South,F,72,2020-02-01,2020-02-01,11,I61.0
3,3,North,M,80,2020-03-05,2020-03-07,22,J44.1
1,1,North,F,70,2020-01-01,2020-01-03,21,I63.9
"""
COLUMNS = ["--column", "person_id=person", "--column", "episode_id=epikey", "--column", "system=region",
           "--column", "sex=sex", "--column", "age=age", "--column", "admission_date=admitted",
           "--column", "discharge_date=discharged", "--column", "admission_method=method",
           "--column", "primary_diagnosis=diagnosis"]


def _run_hes(tmp_path, *options):
    src = tmp_path / "extract.csv"
    src.write_text(EXTRACT_HES)
    out = tmp_path / "strata.csv"
    code = main(["aggregate", str(src), "--out", str(out), "--by", "system", "--no-persons", *COLUMNS, *options])
    return code, out


def test_column_where_and_duplicates(tmp_path, capsys):
    """--column maps the source's columns, duplicates are excluded by default, --where keeps emergencies:
    person 1 (North, 2 nights) and person 3 (North, 2 nights); person 2's elective stay is filtered out."""
    code, out = _run_hes(tmp_path, "--where", "admission_method=21,22,23,24,28")
    assert code == 0
    assert pd.read_csv(out).values.tolist() == [["North", 2, 4, 2]]
    exclusions = pd.read_csv(out.with_name("strata.exclusions.csv")).set_index("reason")["rows"]
    assert exclusions[exclusions > 0].to_dict() == {"duplicate_episode_id": 1, "filtered_out_by_where": 1}
    assert "rows read 4 = counted 2 + excluded 2" in capsys.readouterr().out


def test_where_repeated_and_no_check_duplicates(tmp_path):
    """Two --where options must both hold; --no-check-duplicates counts the repeated episode."""
    code, out = _run_hes(tmp_path, "--where", "admission_method=21", "--where", "sex=F", "--no-check-duplicates")
    assert code == 0
    assert pd.read_csv(out).values.tolist() == [["North", 2, 4, 2]]  # person 1's episode twice
    exclusions = pd.read_csv(out.with_name("strata.exclusions.csv")).set_index("reason")["rows"]
    assert exclusions[exclusions > 0].to_dict() == {"filtered_out_by_where": 2}


def test_column_and_where_errors(tmp_path, capsys):
    code, _ = _run_hes(tmp_path, "--column", "system=REGION")
    assert code == 2
    assert "MissingColumnError: columns: canonical column 'system' is mapped to source column 'REGION'" in \
        capsys.readouterr().err
    code, _ = _run_hes(tmp_path, "--where", "method=21")
    assert code == 2
    assert "UnknownNameError: argument 'where': 'method' is not a canonical episode column" in capsys.readouterr().err
    code, _ = _run_hes(tmp_path, "--where", "admission_method")
    assert code == 2
    assert "option --where: expected NAME=VALUE,VALUE..., got 'admission_method'." in capsys.readouterr().err


def test_text_file_options_and_open_period(tmp_path, capsys):
    """Issue 17: --delimiter, --date-format and an open --period end ('-'); a ';' file without --delimiter is
    a one-line error naming the option."""
    path = tmp_path / "uk.csv"
    path.write_text("system;sex;age;admission_date;discharge_date;primary_diagnosis\n"
                    "A;M;30;30/12/2019;03/01/2020;I21\nA;F;40;01/02/2020;04/02/2020;J44\n")
    out = tmp_path / "strata.csv"
    assert main(["aggregate", str(path), "--out", str(out), "--by", "system", "--delimiter", ";",
                 "--date-format", "%d/%m/%Y", "--period", "2020-01-01", "-"]) == 0
    strata = pd.read_csv(out)
    assert strata[["admissions", "bed_days"]].values.tolist() == [[1, 2 + 3]]  # 1-3 Jan, 1-4 Feb
    assert main(["aggregate", str(path), "--out", str(out), "--by", "system"]) == 2
    assert "delimiter=';'" in capsys.readouterr().err


def test_aggregate_cips_rules_preset_is_applied_and_printed(tmp_path, capsys):
    # discharged 2020-01-03 to DISDEST 51, readmitted elsewhere a day later: NHS Digital links (gap <= 3 days),
    # epidm's rules (in effect a gap of 0 days) do not
    src = tmp_path / "transfer.csv"
    src.write_text("person_id,episode_id,provider,system,sex,age,admission_date,discharge_date,"
                   "discharge_destination,primary_diagnosis\n"
                   "1,1,A,NHS,F,70,2020-01-01,2020-01-03,51,I63.9\n"
                   "1,2,B,NHS,F,70,2020-01-04,2020-01-09,19,I63.9\n")
    admissions = {}
    for preset in ("nhs_digital", "epidm"):
        out = tmp_path / f"strata_{preset}.csv"
        assert main(["aggregate", str(src), "--out", str(out), "--by", "system", "--unit", "cips",
                     "--cips-rules", preset]) == 0
        assert f"CIPS rules: {preset}" in capsys.readouterr().out
        admissions[preset] = int(pd.read_csv(out)["admissions"].sum())
    assert admissions == {"nhs_digital": 1, "epidm": 2}
    assert main(["aggregate", str(src), "--out", str(tmp_path / "g.csv"), "--by", "system", "--unit", "cips",
                 "--cips-rules", "epidm", "--cips-gap-days", "1"]) == 0
    assert "CIPS rules: custom(gap_days=1, transfer_destinations=" in capsys.readouterr().out
