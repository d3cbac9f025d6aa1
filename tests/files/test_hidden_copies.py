"""What a person sees wins over what the file hides, also where our defined names point into the hidden part.

Each workbook is a unit's return reshaped with openpyxl the way a clerk reshapes it (not by our writers): our
sheet copied, the copy filled and the original hidden; last year's filled template reused with its value column
hidden or narrowed to nothing and this year's figures typed in a new column; an old draft kept in rows of height
0. In each the visible figures are read, never the hidden ones.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.core.check import check_return
from wennuan_xl.files.source import load_return

from .test_uncached_formulas import retyped_sheet

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "workbooks" / "samples" / "returns" / "五通桥区-附件1.xlsx"
FIELDS = ("A1.01A", "A1.04D", "A1.05", "A1.07K")


def _value_rows(ws) -> dict[str, int]:
    """Field code -> its row, from the codes the sheet prints in column C."""
    return {str(ws.cell(r, 3).value): r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 3).value or "").startswith("A1.")}


MARK = 0.25  # openpyxl leaves a size of 0 out: this one is written, then made 0 in the XML, as other programs write it


def _zero_sizes(path: Path) -> Path:
    """Every row height and column width of ``MARK`` made 0 in the saved workbook's sheets."""
    with zipfile.ZipFile(path) as z:
        parts = {i: z.read(i) for i in z.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(f'ht="{MARK}"'.encode(), b'ht="0"').replace(f'width="{MARK}"'.encode(), b'width="0"')
            z.writestr(info, data)
    return path


def _report(path: Path, campaign, rules):
    return check_return(load_return(path, campaign), campaign, rules)


def _scaled(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(value * 0.9) if isinstance(value, int) or float(value).is_integer() else round(value * 0.9, 2)
    return value


@pytest.fixture
def shown(campaign, rules) -> dict[str, object]:
    """The sample's own figures, as its clean read gives them."""
    report = _report(SAMPLE, campaign, rules)
    assert all(isinstance(report.values[c], (int, float)) for c in FIELDS)
    return {c: report.values[c] for c in FIELDS}


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_filled_copy_is_read_not_the_hidden_original_the_names_point_at(tmp_path, campaign, rules, shown, state):
    wb = openpyxl.load_workbook(SAMPLE)
    original = wb["附件1"]
    original.protection.sheet = False
    copy = wb.copy_worksheet(original)  # "附件1 Copy": values and styles, not the names
    rows = _value_rows(original)
    for r in rows.values():  # the original keeps an earlier draft
        original.cell(r, 5).value = _scaled(original.cell(r, 5).value)
    original.sheet_state = state
    wb.active = wb.index(copy)
    path = tmp_path / f"copy-{state}.xlsx"
    wb.save(path)
    report = _report(path, campaign, rules)
    assert {c: report.values[c] for c in FIELDS} == shown
    assert not [f for f in report.findings if f.rule.startswith("F-LOCATE")]


@pytest.mark.parametrize("how", ["hidden", "width 0"])
def test_last_years_value_column_hidden_this_years_beside_it(tmp_path, campaign, rules, shown, how):
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["附件1"]
    ws.protection.sheet = False
    rows = _value_rows(ws)
    header = next(r for r in range(1, 10) if ws.cell(r, 5).value == "数值")
    ws.cell(header, 6).value = "数值"
    ws.cell(header, 5).value = "上年数值"
    for r in rows.values():  # this year's figures move to F; E (where the names point) holds last year's
        ws.cell(r, 6).value = ws.cell(r, 5).value
        ws.cell(r, 5).value = _scaled(ws.cell(r, 5).value)
    if how == "hidden":
        ws.column_dimensions["E"].hidden = True
    else:
        ws.column_dimensions["E"].width = MARK
    path = tmp_path / f"column-{how}.xlsx"
    wb.save(path)
    _zero_sizes(path)
    report = _report(path, campaign, rules)
    assert {c: report.values[c] for c in FIELDS} == shown
    [note] = [f for f in report.findings if f.rule == "F-NAMES"]
    assert note.message.startswith("附件1：单元格名称指向隐藏的行或列（") and "已按表上看得见的数值读取" in note.message


def test_an_old_draft_in_rows_of_no_height_is_not_read(tmp_path, campaign, rules):
    rows = [("01", "（A）当地职工总数", "人", 52340), ("", "（B）其中农民工总数", "人", 12000),
            ("05", "筹集款物总额", "万元", 137.62), ("11", "为农民工返乡争取经济补贴", "万元", 38.34)]
    wb, ws = retyped_sheet()
    for item, label, unit, value in rows:  # the draft: a row height of 0, not marked hidden
        ws.append([item, label, unit, _scaled(value)])
        ws.row_dimensions[ws.max_row].height = MARK
    ws.append(["项目", "指标名称", "计量单位", "数值"])
    for item, label, unit, value in rows:
        ws.append([item, label, unit, value])
    path = tmp_path / "draft.xlsx"
    wb.save(path)
    _zero_sizes(path)
    report = _report(path, campaign, rules)
    assert {c: report.values[c] for c in ("A1.01A", "A1.01B", "A1.05", "A1.11")} == {
        "A1.01A": 52340, "A1.01B": 12000, "A1.05": 137.62, "A1.11": 38.34}


def _merge(path: Path, ref: str) -> Path:
    """The range merged in the saved sheet's XML, every value kept (openpyxl drops those under a merge; a
    program writing the XML itself keeps them, and Excel shows only the top-left one)."""
    with zipfile.ZipFile(path) as z:
        parts = {i: z.read(i) for i in z.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'
                                    .encode())
            z.writestr(info, data)
    return path


def test_a_figure_under_a_merge_is_refused_not_read(tmp_path, campaign, rules):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in (["附件1"], ["2017年工会送温暖活动统计表"], ["填报单位：市中区总工会"], ["项目", "指标名称", "计量单位", "数值"],
                ["01", "（A）当地职工总数", "人", 52340], ["", "（B）其中农民工总数", "人", 12000],
                ["02", "（A）当地困难职工总数", "人", 1200]):
        ws.append(row)
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    report = _report(_merge(path, "C6:D6"), campaign, rules)  # row 6 shows only 人 across C:D
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-MERGED"]
    assert refusal.codes == ("A1.01B",) and refusal.cells == ("Sheet1!D6",)
    assert "D6 在合并单元格 C6:D6 中，显示的是 C6 的“人”，D6 里的“12000”看不见" in refusal.message
    assert report.values.get("A1.01B") is None
    assert report.values["A1.01A"] == 52340 and report.values["A1.02A"] == 1200
