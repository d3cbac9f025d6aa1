"""说明 for 提示, end to end: typed beside a row of the template, read by the engine, shown everywhere.

An explained 提示 is no longer open (text report, JSON, 上报情况, 审核结果); a 错误 with a 说明 stays
a 错误. A 说明 on the row of any field of a finding explains it — the form colours every field of a rule
that fires, and the clerk writes beside the one that caught the eye — in the engine and in the live form
alike (LibreOffice recalculates the form).
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.core.check import check_return
from wennuan_xl.core.locate import locate
from wennuan_xl.files.read import read_workbook

from .conftest import (
    ERROR_NOTE,
    NOTE_ON,
    OTHER_UNIT,
    PLANE_NOTE,
    UNIT,
    Filler,
    annex1_with_findings,
    consistent,
    cover,
    live_results,
    live_summary,
    needs_soffice,
    sheet_table,
    summary_counts,
)
from .lo import convert_batch


@pytest.fixture
def explained_return(campaign, templates, tmp_path: Path) -> Path:
    return Filler(campaign, "A1", templates["A1"]).save(
        tmp_path / "市中区-附件1.xlsx", annex1_with_findings(), NOTE_ON, cover()
    )


def test_engine_reads_the_note_beside_the_row(campaign, rules, explained_return: Path) -> None:
    data = locate(read_workbook(explained_return), campaign)
    assert data.explanations == NOTE_ON
    report = check_return(data, campaign, rules)
    by_rule = {f.rule: f for f in report.findings}
    assert set(by_rule) == {"A1-02", "A1-03-SUM", "A1-10-PER-I"}
    assert by_rule["A1-10-PER-I"].explanation == PLANE_NOTE and by_rule["A1-10-PER-I"].explained
    assert by_rule["A1-02"].explanation == ERROR_NOTE and not by_rule["A1-02"].explained  # 错误 stays open
    assert by_rule["A1-03-SUM"].explanation == "" and not by_rule["A1-03-SUM"].explained
    assert [f.rule for f in report.open_warnings] == ["A1-03-SUM"]
    assert [f.rule for f in report.explained] == ["A1-10-PER-I"]
    assert len(report.errors) == 1 and not report.valid


# The 提示 of 03(A) against (C)+(D)+(E) explained on the row of 03(D), not of 03(A) where its message shows;
# the 2,000 people on one plane explained on 10(I)'s row, not 10(J)'s; and the same words on 10(J) too.
ELSEWHERE = {"A1.03D": "含上年结转家庭", "A1.10I": PLANE_NOTE, "A1.10J": PLANE_NOTE}


@pytest.fixture
def explained_elsewhere(campaign, templates, tmp_path: Path) -> Path:
    return Filler(campaign, "A1", templates["A1"]).save(
        tmp_path / "市中区-附件1.xlsx", annex1_with_findings(), ELSEWHERE, cover())


def test_engine_takes_a_note_on_any_row_of_the_findings_fields(campaign, rules, explained_elsewhere: Path) -> None:
    report = check_return(locate(read_workbook(explained_elsewhere), campaign), campaign, rules)
    by_rule = {f.rule: f for f in report.findings}
    assert by_rule["A1-03-SUM"].explanation == "含上年结转家庭" and by_rule["A1-03-SUM"].explained
    assert by_rule["A1-10-PER-I"].explanation == PLANE_NOTE  # the same words on two rows: once
    assert by_rule["A1-02"].explanation == "" and not by_rule["A1-02"].explained
    assert [f.rule for f in report.explained] == ["A1-03-SUM", "A1-10-PER-I"] and not report.open_warnings


@needs_soffice
def test_the_live_form_takes_it_the_same_way(campaign, rules, explained_elsewhere: Path, tmp_path: Path) -> None:
    report = check_return(locate(read_workbook(explained_elsewhere), campaign), campaign, rules)
    recalculated = convert_batch([explained_elsewhere], tmp_path / "lo", "xlsx", 300)[explained_elsewhere]
    live = live_results(recalculated)
    assert (live["A1-03-SUM"][0], live["A1-10-PER-I"][0], live["A1-02"][0]) == ("已说明", "已说明", "错误")
    assert summary_counts(live_summary(recalculated)) == (
        len(report.errors), len(report.open_warnings), len(report.explained)) == (1, 0, 2)
    import python_calamine as pc

    rows = pc.CalamineWorkbook.from_path(str(recalculated)).get_sheet_by_name("审核").to_python()
    said = {r[0]: r[6] for r in rows if r and r[0] in ("A1-03-SUM", "A1-10-PER-I")}
    assert said == {"A1-03-SUM": "含上年结转家庭", "A1-10-PER-I": PLANE_NOTE}


def test_check_text_report_shows_the_warning_as_explained(explained_return: Path, capsys) -> None:
    assert main(["check", str(explained_return)]) == 1  # the 错误 still counts
    out = capsys.readouterr().out
    assert "结果：发现 1 个错误、1 个提示、1 个已说明的提示" in out
    lines = out.splitlines()
    plane = next(i for i, line in enumerate(lines) if "规则：A1-10-PER-I" in line)
    assert "级别：已说明" in lines[plane] and "10(J) 包机运送 2,000 人次" in lines[plane + 1]
    assert lines[plane + 2].strip() == f"单位说明：{PLANE_NOTE}" and lines[plane + 3].strip() == "处理要求：已说明，无需处理"
    error = next(i for i, line in enumerate(lines) if "规则：A1-02" in line)
    assert "级别：错误" in lines[error] and lines[error + 2].strip() == f"单位说明：{ERROR_NOTE}"
    assert lines[error + 3].strip() == "处理要求：改正后重新报送（错误不能以说明代替改正）"
    open_line = next(line for line in lines if "规则：A1-03-SUM" in line)
    assert "级别：提示" in open_line


def test_check_json_carries_the_explanation(explained_return: Path, capsys) -> None:
    main(["check", str(explained_return), "--json"])
    findings = {f["rule"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
    assert findings["A1-10-PER-I"]["explanation"] == PLANE_NOTE and findings["A1-10-PER-I"]["explained"] is True
    assert findings["A1-10-PER-I"]["level"] == "已说明" and findings["A1-10-PER-I"]["action"] == "已说明，无需处理"
    assert findings["A1-02"]["explanation"] == ERROR_NOTE and findings["A1-02"]["explained"] is False
    assert findings["A1-02"]["level"] == "错误"
    assert findings["A1-03-SUM"]["explanation"] == "" and findings["A1-03-SUM"]["level"] == "提示"


def test_note_found_by_its_column_header_when_names_are_gone(campaign, rules, explained_return: Path, tmp_path: Path) -> None:
    """A unit pasted the form into a new workbook: no names, but the 说明 column keeps its header."""
    source = openpyxl.load_workbook(explained_return).worksheets[0]
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    for row in source.iter_rows():
        for c in row:
            if c.value is not None and not (isinstance(c.value, str) and c.value.startswith("=")):
                ws.cell(c.row + 2, c.column, c.value)  # two rows inserted above, formulas dropped
    path = tmp_path / "retyped.xlsx"
    book.save(path)
    data = locate(read_workbook(path), campaign)
    assert data.forms[0].method == "labels"
    assert data.explanations == NOTE_ON
    explained = [f.rule for f in check_return(data, campaign, rules).explained]
    assert explained == ["A1-10-PER-I"]


def test_consolidation_counts_open_and_explained_warnings(campaign, templates, explained_return: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    explained_return.rename(folder / explained_return.name)
    a2 = Filler(campaign, "A2", templates["A2"])
    a2.save(folder / "市中区-附件2.xlsx", consistent("A2", 7), {}, cover())
    Filler(campaign, "A1", templates["A1"]).save(folder / "沙湾区-附件1.xlsx", consistent("A1", 8), {}, cover(OTHER_UNIT))
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(folder), "-o", str(out), "--json"]) == 1
    units = {u["unit"]: u for u in json.loads(capsys.readouterr().out)["units"]}
    assert (units[UNIT]["errors"], units[UNIT]["warnings"], units[UNIT]["explained"]) == (1, 1, 1)
    assert (units[OTHER_UNIT]["errors"], units[OTHER_UNIT]["warnings"], units[OTHER_UNIT]["explained"]) == (0, 0, 0)

    status = {r["单位"]: r for r in sheet_table(out, "上报情况", 4)}
    assert (status[UNIT]["错误"], status[UNIT]["提示"], status[UNIT]["已说明"]) == (1, 1, 1)
    assert (status[OTHER_UNIT]["错误"], status[OTHER_UNIT]["提示"], status[OTHER_UNIT]["已说明"]) == (0, 0, 0)
    findings = {r["规则"]: r for r in sheet_table(out, "审核结果", 3) if r["单位"] == UNIT}
    assert findings["A1-10-PER-I"]["单位说明"] == PLANE_NOTE and findings["A1-10-PER-I"]["级别"] == "已说明"
    assert findings["A1-02"]["单位说明"] == ERROR_NOTE and findings["A1-02"]["级别"] == "错误"
    assert findings["A1-03-SUM"]["单位说明"] in (None, "")
    heading = openpyxl.load_workbook(out)["审核结果"]["A1"].value
    assert heading.endswith("提示 4 个（其中 1 个提示已由单位说明）")
