"""设置's 上年同期数据 (WN_PREVIOUS): 审核退回表 and 汇总 compare each unit with its last year, as the command
line's --previous does; a source that cannot be used is the clerk's message, naming it."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl

from wennuan_xl.core.tables import FINDINGS_HEADERS, FINDINGS_SHEET
from wennuan_xl.excel import buttons
from wennuan_xl.samples import consistent_values

from .conftest import alerts, open_book, open_master, payload_for, write_unit_return
from .replay import book_model, shown

GREW = "01(A) 当地职工总数 182,000 人，比上年 121,500 人增加 49.8 %，请核实或在“说明”栏写明原因"


def last_year(path: Path, campaign) -> Path:
    """Last year's consolidated workbook as a clerk kept it: 明细 with 市中区's figures, 职工 121,500."""
    values = consistent_values(random.Random(4), 0.3)  # what write_unit_return writes this year
    codes = [f.code for f in campaign.fields() if isinstance(values.get(f.code), (int, float))]
    book = openpyxl.Workbook()
    book.active.title = "明细"
    book.active.append(["单位", "上报情况", "附件1计入汇总", "附件2计入汇总", *codes])
    book.active.append(["市中区总工会", "已报", "是", "是", *[121_500 if c == "A1.01A" else values[c] for c in codes]])
    book.save(path)
    return path


def test_validate_compares_with_last_year_on_settings(tmp_path, campaign):
    previous = last_year(tmp_path / "上年汇总.xlsx", campaign)
    unit = open_book(payload_for(write_unit_return(campaign, tmp_path / "市中区.xlsx", changes={"A1.01A": 182_000})))
    master = open_master(tmp_path, {"WN_PREVIOUS": "上年汇总.xlsx"})  # beside the master: relative is fine
    buttons.validate()
    assert alerts(master) == ["市中区.xlsx：发现 1 个提示，已在表中标出，详见该工作簿的“审核结果”表"]
    results = book_model(unit).sheet("审核结果")
    assert GREW in {shown(v) for v in results.values.values()}
    assert previous.exists()


def test_consolidate_compares_units_and_totals_with_last_year(tmp_path, campaign):
    last_year(tmp_path / "上年汇总.xlsx", campaign)
    folder = tmp_path / "退回表"
    folder.mkdir()
    write_unit_return(campaign, folder / "市中区.xlsx", changes={"A1.01A": 182_000})
    master = open_master(tmp_path, {"WN_FOLDER": str(folder), "WN_PREVIOUS": str(tmp_path / "上年汇总.xlsx")})
    buttons.consolidate()
    sheet = book_model(master).sheet(FINDINGS_SHEET)
    rule, message, unit = (FINDINGS_HEADERS.index(h) + 1 for h in ("规则", "问题说明", "单位"))
    rows = {r: {c: shown(v) for (rr, c), v in sheet.values.items() if rr == r} for (r, _c) in sheet.values}
    compared = {(cells.get(unit), cells.get(rule)) for cells in rows.values() if str(cells.get(rule)).startswith("PY-")}
    assert compared == {("市中区总工会", "PY-A1-01A-UP"), ("汇总", "PY-A1-01A-UP")}
    assert any(cells.get(message) == GREW for cells in rows.values())
    assert str(rows[2][1]).startswith("上年同期数据：上年汇总工作簿")
    (text,) = alerts(master)
    assert "上年同期数据：上年汇总工作簿" in text and "上年同期提示 2 个" in text


def test_a_source_that_cannot_be_used_is_the_clerks_message(tmp_path, campaign):
    open_book(payload_for(write_unit_return(campaign, tmp_path / "市中区.xlsx")))
    master = open_master(tmp_path, {"WN_PREVIOUS": str(tmp_path / "市中区.xlsx")})  # a return, not last year's
    buttons.validate()
    (text,) = alerts(master)
    assert "中没有本程序写出的“明细”表" in text and str(tmp_path / "市中区.xlsx") in text
    assert "“设置”工作表中的“上年同期数据”" in text


def test_this_years_folder_is_not_last_year(tmp_path, campaign):
    folder = tmp_path / "退回表"
    folder.mkdir()
    write_unit_return(campaign, folder / "市中区.xlsx")
    master = open_master(tmp_path, {"WN_FOLDER": str(folder), "WN_PREVIOUS": str(folder)})
    buttons.consolidate()
    (text,) = alerts(master)
    assert "就是今年退回表所在的文件夹" in text
