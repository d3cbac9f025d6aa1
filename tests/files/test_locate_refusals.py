"""What the locator says when it cannot be sure, on small sheets laid out the ways that defeat it.

Each workbook here is built cell by cell (not from our template): the point is what a clerk reads in the
report — a 错误 that names the sheet, the columns or cells and the fields, never a guess and never
"未发现问题" with values missing.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import ReturnUnusable, Severity
from wennuan_xl.files.source import load_return

A1_ROWS = [  # item, label, unit, this year's figure, another figure
    ("01", "（A）当地职工总数", "人", 52340, 50110),
    ("", "（B）其中农民工总数", "人", 12000, 11800),
    ("02", "（A）当地困难职工总数", "人", 1200, 1150),
    ("", "（B）其中困难农民工", "人", 300, 290),
]


def book(path: Path, rows: list[list[object]], title: str = "2017年工会送温暖活动统计表") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["附件1"])
    ws.append([title])
    ws.append(["填报单位：市中区总工会"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def report_of(path: Path, campaign, rules):
    return check_return(load_return(path, campaign), campaign, rules)


def test_two_numeric_columns_without_headers_are_refused_naming_both(tmp_path, campaign, rules):
    path = book(tmp_path / "two.xlsx", [[i, label, unit, a, b] for i, label, unit, a, b in A1_ROWS])
    report = report_of(path, campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-COLUMN"]
    assert refusal.severity is Severity.ERROR
    assert {"A1.01A", "A1.01B", "A1.02A", "A1.02B"} <= set(refusal.codes)
    assert "工作表“Sheet1”中 D、E 列都填有数字，无法判断哪一列是本期的数值" in refusal.message
    assert "01(A) 当地职工总数" in refusal.message
    for code in ("A1.01A", "A1.01B", "A1.02A", "A1.02B"):
        assert code not in report.values or report.values[code] is None  # nothing read from either column


def test_headers_that_name_this_year_and_last_year_pick_this_year(tmp_path, campaign, rules):
    rows = [["项目", "指标名称", "计量单位", "上年同期", "本年"]]
    rows += [[i, label, unit, b, a] for i, label, unit, a, b in A1_ROWS]
    report = report_of(book(tmp_path / "years.xlsx", rows), campaign, rules)
    assert {c: report.values[c] for c in ("A1.01A", "A1.01B", "A1.02A", "A1.02B")} == {
        "A1.01A": 52340, "A1.01B": 12000, "A1.02A": 1200, "A1.02B": 300,
    }
    assert not [f for f in report.findings if f.rule.startswith("F-LOCATE-")]


def test_a_number_typed_into_the_unit_column_is_named(tmp_path, campaign, rules):
    rows = [["项目", "指标名称", "计量单位", "数值"]]
    rows += [[i, label, unit, a] for i, label, unit, a, _ in A1_ROWS]
    rows[2][2] = 12000  # 01(B): the figure went into 计量单位, 数值 left empty
    rows[2][3] = None
    report = report_of(book(tmp_path / "stray.xlsx", rows), campaign, rules)
    [stray] = [f for f in report.findings if f.rule == "F-LOCATE-STRAY"]
    assert stray.severity is Severity.ERROR
    assert stray.codes == ("A1.01B",)
    assert stray.cells == ("Sheet1!C6",)
    assert "C6 填有数字，但不在数值列（D 列）" in stray.message


def test_a_found_form_with_nothing_readable_is_an_error_not_a_clean_report(tmp_path, campaign, rules):
    rows = [["一、职工情况（详见附表）"], ["二、帮扶情况（另附材料）"]]
    path = book(tmp_path / "nothing.xlsx", rows)
    try:
        report = report_of(path, campaign, rules)
    except ReturnUnusable as exc:  # refused as a whole file: also an answer, never a clean report
        assert "未找到" in exc.reason
        return
    assert report.errors, "a form with no value at all must not pass as 未发现问题"
    assert {f.rule for f in report.errors} & {"F-LOCATE-FORM", "F-LOCATE"}


def test_stale_defined_names_are_set_aside_with_a_note(tmp_path, campaign, rules):
    rows = [["项目", "指标名称", "计量单位", "数值"]]
    rows += [[i, label, unit, a] for i, label, unit, a, _ in A1_ROWS]
    path = book(tmp_path / "names.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    # Names as our template defines them, but two rows too high (rows were inserted above later).
    for offset, code in enumerate(("A1_01A", "A1_01B", "A1_02A", "A1_02B")):
        wb.defined_names[code] = openpyxl.workbook.defined_name.DefinedName(code, attr_text=f"Sheet1!$D${3 + offset}")
    wb.save(path)
    report = report_of(path, campaign, rules)
    assert report.values["A1.01A"] == 52340 and report.values["A1.02B"] == 300
    # A 注意 of its own (F-NAMES), naming the fields whose names were set aside, where they were read.
    [note] = report.notices
    assert note.rule == "F-NAMES" and "单元格名称与表上项目不符" in note.message and "已按表上印的项目读取" in note.message
    assert note.codes[0] == "A1.01A" and note.cells[0].startswith("Sheet1!")


@pytest.mark.parametrize(
    "line, expected",
    [
        ("01 （A）当地职工总数　219977人,（B）其中农民工总数 61038 人。", {"A1.01A": 219977, "A1.01B": 61038}),
        ("（A） 当地职工总数　      人,（B）其中农民工总数        人。", {"A1.01A": None, "A1.01B": None}),
    ],
)
def test_a_prose_line_gives_each_of_its_fields(tmp_path, campaign, rules, line, expected):
    report = report_of(book(tmp_path / "prose.xlsx", [[line]]), campaign, rules)
    for code, value in expected.items():
        assert code in report.values and report.values[code] == value, code
    assert report.located_by["A1.01A"] == "prose"


def _twice(path: Path, hide_first: bool) -> Path:
    header = ["项目", "指标名称", "计量单位", "数值"]
    old = [[i, label, unit, b] for i, label, unit, _a, b in A1_ROWS]
    new = [[i, label, unit, a] for i, label, unit, a, _b in A1_ROWS]
    book(path, [header, *old, [], header, *new])
    if hide_first:
        wb = openpyxl.load_workbook(path)
        for r in range(4, 9):  # the first header and table rows
            wb.active.row_dimensions[r].hidden = True
        wb.save(path)
    return path


def test_the_table_pasted_twice_with_other_figures_is_refused(tmp_path, campaign, rules):
    report = report_of(_twice(tmp_path / "twice.xlsx", hide_first=False), campaign, rules)
    [twice] = [f for f in report.findings if f.rule == "F-LOCATE-TWICE"]
    assert twice.severity is Severity.ERROR
    assert set(twice.codes) == {"A1.01A", "A1.01B", "A1.02A", "A1.02B"}
    assert "出现了两次，数值不同" in twice.message and "D5 与 D11" in twice.message
    assert all(report.values.get(c) is None for c in twice.codes)


def test_a_hidden_old_copy_gives_way_to_the_visible_table(tmp_path, campaign, rules):
    report = report_of(_twice(tmp_path / "hidden.xlsx", hide_first=True), campaign, rules)
    assert {c: report.values[c] for c in ("A1.01A", "A1.02B")} == {"A1.01A": 52340, "A1.02B": 300}
    assert "F-LOCATE-TWICE" not in {f.rule for f in report.findings}
