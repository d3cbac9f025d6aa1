"""Finding the fields of a return that has lost its defined names: by printed code, label and header.

Each return here is a NEW workbook built with openpyxl from the cell values of a filled template (no
names, no styles, no validation), then reshaped the way units reshape forms. The oracle is the filled
template itself: the same values, the same findings, at the shifted cells.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.core.forms import Campaign
from wennuan_xl.core.layout import HEADERS, VALUE_HEADERS
from wennuan_xl.core.rules import RuleSet
from wennuan_xl.core.workbook import CellRef, column_index, column_letter, parse_a1

from .conftest import (
    COVER,
    FORM_IDS,
    UNIT,
    assert_values_exact,
    fill_template,
    form_values,
    rule_ids,
    run_file,
)

Grid = list[list[object]]
CODE_COL = HEADERS.index("代码")  # 0-based index into a grid row


def grid_of(path: Path) -> Grid:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def write_book(path: Path, sheets: list[tuple[str, Grid]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, grid in sheets:
        ws = book.create_sheet(title)
        for r, row in enumerate(grid, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
    book.save(path)
    assert not openpyxl.load_workbook(path).defined_names  # the point of this module
    return path


def insert_rows(grid: Grid, count: int, lead: list[object] | None = None) -> Grid:
    width = len(grid[0])
    blank = [[None] * width for _ in range(count)]
    if lead:
        blank[0][: len(lead)] = lead
    return blank + [list(row) for row in grid]


def drop_code_column(grid: Grid, form_id: str) -> Grid:
    """Delete column C. The cover labels 填报日期/联系电话 sit in C, merged over C:D: as in Excel, the
    label survives in what is left of the merge (the new C), so only the codes disappear."""
    out = []
    for row in grid:
        row = list(row)
        code_cell = row[CODE_COL]
        is_code = isinstance(code_cell, str) and code_cell.startswith(form_id + ".")
        if code_cell is not None and not is_code and code_cell != "代码" and row[CODE_COL + 1] is None:
            row[CODE_COL + 1] = code_cell
        out.append(row[:CODE_COL] + row[CODE_COL + 1 :])
    return out


def delete_row_of(grid: Grid, code: str) -> tuple[Grid, int]:
    rows = [i for i, row in enumerate(grid) if row[CODE_COL] == code]
    assert len(rows) == 1, code
    return grid[: rows[0]] + grid[rows[0] + 1 :], rows[0] + 1


@pytest.fixture(scope="module")
def originals(campaign: Campaign, rules: RuleSet, filled: dict[str, Path]):
    """form id -> (grid, ReturnData, Report) of the filled template (found by its names)."""
    out = {}
    for form_id in FORM_IDS:
        _, ret, report = run_file(filled[form_id], campaign, rules)
        assert ret.forms[0].method == "names"
        out[form_id] = (grid_of(filled[form_id]), ret, report)
    return out


def shifted(ref: CellRef, sheet: str, rows: int = 0, cols: int = 0) -> CellRef:
    return CellRef(sheet, ref.row + rows, ref.col + cols)


def shifted_text(cell: str, sheet: str, rows: int, cols: int, original_sheet: str) -> str:
    sheet_part, _, a1 = cell.rpartition("!")
    assert sheet_part == original_sheet, cell
    col = "".join(ch for ch in a1 if ch.isalpha())
    row = int(a1[len(col) :])
    return f"{sheet}!{column_letter(column_index(col) + cols)}{row + rows}"


def assert_same_return(campaign, original, ret, report, sheet: str, rows: int = 0, cols: int = 0) -> None:
    """Values, findings and cells equal the original's, with every cell moved by (rows, cols)."""
    _, o_ret, o_report = original
    form_id = o_ret.forms[0].form_id
    assert [f.form_id for f in ret.forms] == [form_id]
    located = ret.forms[0]
    assert located.method == "labels" and located.sheet == sheet
    o_located = o_ret.forms[0]
    expected_cells = {code: shifted(ref, sheet, rows, cols) for code, ref in o_located.cells.items()}
    wrong = {c: (str(located.cells[c]), str(expected_cells[c])) for c in expected_cells
             if located.cells[c] != expected_cells[c]}
    assert not wrong, wrong
    assert_values_exact(report.values, form_values(form_id))
    assert report.unit == UNIT
    assert rule_ids(report) == rule_ids(o_report)
    moved = sorted(
        (f.rule, f.codes, tuple(shifted_text(c, sheet, rows, cols, o_located.sheet) for c in f.cells))
        for f in o_report.findings
    )
    assert sorted((f.rule, f.codes, f.cells) for f in report.findings) == moved
    assert report.cover == {form_id: o_report.cover[form_id]}


# --- (a) rows inserted above the form, sheet renamed -----------------------------------------------


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_rows_inserted_and_sheet_renamed(campaign, rules, originals, tmp_path, form_id) -> None:
    grid = insert_rows(originals[form_id][0], 3)
    path = write_book(tmp_path / "inserted.xlsx", [("Sheet1", grid)])
    _, ret, report = run_file(path, campaign, rules)
    assert_same_return(campaign, originals[form_id], ret, report, "Sheet1", rows=3)
    first = campaign.form(form_id).fields[0].code
    code_in_02 = {"A1": "A1.02B", "A2": "A2.02B"}[form_id]
    for code in (first, code_in_02):
        assert ret.forms[0].cells[code].row == originals[form_id][1].forms[0].cells[code].row + 3


# --- (b) the code column removed: labels, item numbers and the 数值 header remain --------------------


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_code_column_removed(campaign, rules, originals, tmp_path, form_id) -> None:
    grid = drop_code_column(originals[form_id][0], form_id)
    header = next(row for row in grid if row[0] == HEADERS[0])
    assert header[:4] == ["项目", "指标名称", "计量单位", "数值"] and header[3] in VALUE_HEADERS  # then 审核, 说明
    assert not any(isinstance(v, str) and v.startswith(form_id + ".") for row in grid for v in row)
    sheet = campaign.form(form_id).sheet
    path = write_book(tmp_path / "nocodes.xlsx", [(sheet, grid)])
    _, ret, report = run_file(path, campaign, rules)
    assert_same_return(campaign, originals[form_id], ret, report, sheet, cols=-1)
    assert {ref.col for ref in ret.forms[0].cells.values()} == {4}  # column D, found by the header


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_code_column_removed_and_rows_inserted(campaign, rules, originals, tmp_path, form_id) -> None:
    grid = insert_rows(drop_code_column(originals[form_id][0], form_id), 2, ["乐山市总工会 报送"])
    path = write_book(tmp_path / "nocodes2.xlsx", [("Sheet1", grid)])
    _, ret, report = run_file(path, campaign, rules)
    assert_same_return(campaign, originals[form_id], ret, report, "Sheet1", rows=2, cols=-1)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_serial_numbers_in_the_item_column_are_not_taken_for_item_numbers(
    campaign, rules, originals, tmp_path, form_id
) -> None:
    """Retyped with 1, 2, 3 … a row under 项目 instead of the item numbers: labels still find every field."""
    grid = drop_code_column(originals[form_id][0], form_id)
    header = next(i for i, row in enumerate(grid) if row[0] == HEADERS[0])
    for serial, row in enumerate(grid[header + 1 :], start=1):
        row[0] = serial
    path = write_book(tmp_path / "serials.xlsx", [("Sheet1", grid)])
    _, ret, report = run_file(path, campaign, rules)
    assert_same_return(campaign, originals[form_id], ret, report, "Sheet1", cols=-1)


# --- (c) renamed sheet with rows inserted, behind an unrelated sheet ---------------------------------


UNRELATED: Grid = [
    ["填表须知", None, None],
    ["序号", "事项", "数量"],
    [1, "报送份数", 2],
    [2, "附件", "附件1、附件2"],
    [3, "联系人", "李四"],
]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_renamed_sheet_behind_an_unrelated_sheet(campaign, rules, originals, tmp_path, form_id) -> None:
    grid = insert_rows(originals[form_id][0], 4, ["乐山市市中区总工会文件"])
    path = write_book(tmp_path / "two_sheets.xlsx", [("填表须知", UNRELATED), ("送温暖统计", grid)])
    book, ret, report = run_file(path, campaign, rules)
    assert [s.name for s in book.sheets] == ["填表须知", "送温暖统计"]
    assert_same_return(campaign, originals[form_id], ret, report, "送温暖统计", rows=4)


def test_both_annexes_pasted_into_one_workbook(campaign, rules, originals, tmp_path) -> None:
    """One unit, one workbook: 附件2 on the first sheet under another name, 附件1 on the second."""
    path = write_book(tmp_path / "both.xlsx", [
        ("Sheet1", insert_rows(originals["A2"][0], 1)),
        ("Sheet2", originals["A1"][0]),
    ])
    _, ret, report = run_file(path, campaign, rules)
    assert {f.form_id: f.sheet for f in ret.forms} == {"A1": "Sheet2", "A2": "Sheet1"}
    assert_values_exact(report.values, {**form_values("A1"), **form_values("A2")})
    assert sorted(rule_ids(report)) == sorted(rule_ids(originals["A1"][2]) + rule_ids(originals["A2"][2]))
    original_cell = originals["A2"][1].form("A2").cells["A2.02"]
    assert ret.form("A2").cells["A2.02"] == shifted(original_cell, "Sheet1", rows=1)


# --- (d) a deleted row is reported, never read as 0 or from a neighbour ------------------------------

# Chosen where the label recurs further down the form (其中困难农民工 in 02 and 03, 生活救助 in 09 and
# 10, 省级 in 01 and 02), and one total that carries the item number.
DELETED = ["A1.02B", "A1.05", "A2.01A", "A2.09C", "A2.10B"]


def _expect_after_deletion(original, code: str) -> list[tuple[str, tuple[str, ...]]]:
    _, _, o_report = original
    kept = [(f.rule, f.codes) for f in o_report.findings if code not in f.codes]
    return sorted(kept + [("F-LOCATE", (code,))])


def _assert_reported_missing(original, ret, report, code: str, form_id: str) -> None:
    assert ret.forms[0].cells[code] is None
    assert code not in report.values
    expected_values = {k: v for k, v in form_values(form_id).items() if k != code}
    assert_values_exact(report.values, expected_values)  # every other field still from its own row
    locate_findings = [f for f in report.findings if f.rule == "F-LOCATE"]
    assert [f.codes for f in locate_findings] == [(code,)]
    assert sorted((f.rule, f.codes) for f in report.findings) == _expect_after_deletion(original, code)
    # the rules over the missing field are skipped with a reason, not evaluated with a 0
    for f in original[2].findings:
        if code in f.codes and f.rule != "F-LOCATE":
            assert f.rule in {s.rule for s in report.skipped}, f.rule


@pytest.mark.parametrize("code", DELETED)
def test_deleted_row_with_codes_is_reported(campaign, rules, originals, tmp_path, code) -> None:
    form_id = code[:2]
    grid, _ = delete_row_of(originals[form_id][0], code)
    path = write_book(tmp_path / "deleted.xlsx", [(campaign.form(form_id).sheet, grid)])
    _, ret, report = run_file(path, campaign, rules)
    assert ret.forms[0].method == "labels"
    _assert_reported_missing(originals[form_id], ret, report, code, form_id)


@pytest.mark.parametrize("code", DELETED)
def test_deleted_row_without_codes_is_reported(campaign, rules, originals, tmp_path, code) -> None:
    form_id = code[:2]
    grid, _ = delete_row_of(originals[form_id][0], code)
    path = write_book(tmp_path / "deleted.xlsx", [("Sheet1", drop_code_column(grid, form_id))])
    _, ret, report = run_file(path, campaign, rules)
    _assert_reported_missing(originals[form_id], ret, report, code, form_id)


@pytest.mark.parametrize("code", DELETED)
def test_deleted_row_in_a_named_template_is_reported(campaign, rules, tmp_path, originals, code) -> None:
    """The template itself, a row deleted in Excel: that row's name becomes #REF!, the others move up."""
    form_id = code[:2]
    path = fill_template(campaign, form_id, tmp_path / "filled.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == code)
    ws.delete_rows(row)
    for _name, defined in list(book.defined_names.items()):
        ((sheet, coord),) = list(defined.destinations)
        r, c = parse_a1(coord)
        if r == row:
            defined.attr_text = f"'{sheet}'!#REF!"  # what Excel writes for a deleted cell
        elif r > row:
            defined.attr_text = f"'{sheet}'!${column_letter(c)}${r - 1}"
    book.save(path)
    _, ret, report = run_file(path, campaign, rules)
    assert ret.forms[0].method == "names"
    _assert_reported_missing(originals[form_id], ret, report, code, form_id)


# --- (e) the cover typed into one cell --------------------------------------------------------------


def _cover_in_one_cell(grid: Grid) -> tuple[Grid, int]:
    grid = [list(row) for row in grid]
    r = next(i for i, row in enumerate(grid) if row[0] == "填报单位：")
    assert grid[r][1] == UNIT
    grid[r][0], grid[r][1] = f"填报单位：{UNIT}", None
    return grid, r + 1


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_cover_typed_in_one_cell(campaign, rules, originals, tmp_path, form_id) -> None:
    grid, row = _cover_in_one_cell(originals[form_id][0])
    path = write_book(tmp_path / "cover.xlsx", [("Sheet1", grid)])
    _, ret, report = run_file(path, campaign, rules)
    assert report.unit == UNIT
    assert ret.forms[0].cover_cells["UNIT"] == CellRef("Sheet1", row, 1)
    assert report.cover[form_id] == originals[form_id][2].cover[form_id]
    assert rule_ids(report) == rule_ids(originals[form_id][2])
    assert_values_exact(report.values, form_values(form_id))


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_cover_typed_over_the_label_of_a_named_template(
    campaign, rules, originals, tmp_path, form_id
) -> None:
    """The sheet unprotected and "填报单位：…" typed over the label, the named input cell left empty."""
    cover = {**COVER, "UNIT": None}
    path = fill_template(campaign, form_id, tmp_path / "cover.xlsx", cover=cover)
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    ws["A3"] = f"填报单位：{UNIT}"
    book.save(path)
    _, ret, report = run_file(path, campaign, rules)
    assert ret.forms[0].method == "names"
    assert report.unit == UNIT
    assert ret.forms[0].cover_cells["UNIT"] == CellRef(campaign.form(form_id).sheet, 3, 1)
    assert rule_ids(report) == rule_ids(originals[form_id][2])
