"""Cells that show something else than they store are refused (F-LOCATE-SHOWN), never read as stored.

A person reads what Excel shows: 87.55% where 0.8755 is stored, 47.0700 where 470700 (元) is stored under
``0!.0000`` (元 shown as 万元), a figure struck out. Each workbook is built here with openpyxl (formats and fonts
as a clerk sets them), one passed through LibreOffice so that its rich text sits in the shared strings as Excel
and LibreOffice keep it.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font
from system_tools import require_tool

from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import ReturnUnusable, Severity
from wennuan_xl.files.source import load_return

from .test_uncached_formulas import saved_by_libreoffice

ROWS = [  # item, label, unit, figure
    ("01", "（A）当地职工总数", "人", 52340),
    ("", "（B）其中农民工总数", "人", 12000),
    ("05", "筹集款物总额", "万元", 47.07),
    ("11", "为农民工返乡争取经济补贴", "万元", 7.36),
]
CELLS = {"A1.01A": "D5", "A1.01B": "D6", "A1.05": "D7", "A1.11": "D8"}


def retyped(path: Path, dress=None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in (["附件1"], ["2017年工会送温暖活动统计表"], ["填报单位：市中区总工会"], ["项目", "指标名称", "计量单位", "数值"], *ROWS):
        ws.append(list(row))
    if dress is not None:
        dress(ws)
    wb.save(path)
    return path


def report_of(path: Path, campaign, rules):
    return check_return(load_return(path, campaign), campaign, rules)


def _percent(ws):
    ws["D7"].value, ws["D7"].number_format = 0.4707, "0.00%"  # 47.07 typed into a %-formatted cell


def _yuan_as_wan(ws):
    ws["D8"].value, ws["D8"].number_format = 73600, "0!.0000"  # 73,600 元 shown as 7.3600


def _struck(ws):
    ws["D6"].font = Font(strike=True)
    ws["E6"] = 12500  # the correction typed beside it


@pytest.mark.parametrize(("dress", "code", "why", "stored"), [
    (_percent, "A1.05", "单元格格式按百分比显示", "0.4707"),
    (_yuan_as_wan, "A1.11", "单元格格式“0!.0000”移动了小数点显示（如把元显示为万元）", "73600"),
    (_struck, "A1.01B", "数字加了删除线", "12000"),
])
def test_a_cell_that_shows_another_figure_than_it_stores_is_refused(tmp_path, campaign, rules, dress, code, why, stored):
    report = report_of(retyped(tmp_path / "shown.xlsx", dress), campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-SHOWN"]
    assert refusal.severity is Severity.ERROR and refusal.codes == (code,) and refusal.cells == (f"Sheet1!{CELLS[code]}",)
    assert f"显示的与存的数不同（{CELLS[code]} 的 {why}，存的是“{stored}”）" in refusal.message
    assert report.values.get(code) is None
    assert report.values["A1.01A"] == 52340


def test_plain_number_formats_read_as_stored(tmp_path, campaign, rules):
    def dress(ws):
        ws["D5"].number_format = "#,##0"
        ws["D7"].number_format = '0.00"万元"'
        ws["D8"].number_format = "0.00_ "

    report = report_of(retyped(tmp_path / "plain.xlsx", dress), campaign, rules)
    assert not [f for f in report.findings if f.rule == "F-LOCATE-SHOWN"]
    assert [report.values[c] for c in CELLS] == [52340, 12000, 47.07, 7.36]


def test_a_figure_struck_out_inside_its_cell_is_refused(tmp_path, campaign, rules):
    """~~70~~ 76 in one cell: calamine reads the text "70 76" (7076 once the space goes)."""
    def dress(ws):
        ws["D6"] = CellRichText([TextBlock(InlineFont(strike=True), "12000"), " 12500"])

    saved = saved_by_libreoffice(retyped(tmp_path / "runs.xlsx", dress), tmp_path / "lo")  # runs into sharedStrings
    report = report_of(saved, campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-SHOWN"]
    assert refusal.codes == ("A1.01B",) and "部分文字加了删除线" in refusal.message
    assert report.values.get("A1.01B") is None and report.values["A1.01A"] == 52340


def _struck_run(ws):
    ws["D6"] = CellRichText([TextBlock(InlineFont(strike=True), "12000"), " 12500"])


def _footnote_run(ws):
    ws["D5"] = CellRichText(["52340", TextBlock(InlineFont(vertAlign="superscript"), "1")])


def _bold_run(ws):
    ws["D6"] = CellRichText([TextBlock(InlineFont(b=True), "120"), "00"])


@pytest.mark.parametrize(("dress", "code", "why"), [
    (_struck_run, "A1.01B", "部分文字加了删除线"), (_footnote_run, "A1.01A", "上标或下标"),
])
def test_rich_text_written_inline_by_a_script_is_looked_into(tmp_path, campaign, rules, dress, code, why):
    """openpyxl writes rich text inline in the cell (t="inlineStr"), not in the shared strings: the same refusal."""
    path = retyped(tmp_path / "inline.xlsx", dress)
    with zipfile.ZipFile(path) as zf:
        assert b'<c r="' + CELLS[code].encode() + b'" t="inlineStr"><is><r>' in zf.read("xl/worksheets/sheet1.xml")
    report = report_of(path, campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-SHOWN"]
    assert refusal.codes == (code,) and why in refusal.message and CELLS[code] in refusal.message
    assert report.values.get(code) is None


def test_inline_rich_text_that_shows_all_its_digits_reads(tmp_path, campaign, rules):
    """A bold run and the word "strike" in a plain text cell hide nothing: read, no refusal."""
    def dress(ws):
        _bold_run(ws)
        ws["B8"] = CellRichText(["为农民工返乡争取经济补贴（strike、vertAlign 字样）"])

    report = report_of(retyped(tmp_path / "bold.xlsx", dress), campaign, rules)
    assert not [f for f in report.findings if f.rule == "F-LOCATE-SHOWN"]
    assert report.values["A1.01B"] == 12000


@pytest.mark.parametrize(("dress", "code", "why"), [
    (_percent, "A1.05", "按百分比显示"), (_yuan_as_wan, "A1.11", "移动了小数点显示"), (_struck, "A1.01B", "数字加了删除线"),
    (_struck_run, "A1.01B", "删除线"), (_footnote_run, "A1.01A", "上标或下标"),
])
def test_the_same_saved_as_xls_by_libreoffice(tmp_path, campaign, rules, dress, code, why):
    """An .xls keeps formats and fonts in its XF records, rich text's runs in its SST record: read from them, the
    same refusal."""
    saved = saved_by_libreoffice(retyped(tmp_path / "shown.xlsx", dress), tmp_path / "lo", "xls")
    report = report_of(saved, campaign, rules)
    refusals = [f for f in report.findings if f.rule in ("F-LOCATE-SHOWN", "F-LOCATE-STRAY") and code in f.codes]
    assert refusals and (refusals[0].rule == "F-LOCATE-STRAY" or why in refusals[0].message)
    assert report.values.get(code) is None


NEW_REFUSALS = {"F-LOCATE-SHOWN", "F-LOCATE-FORMULA", "F-LOCATE-ERROR", "F-LOCATE-MERGED"}


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_no_corpus_return_resaved_by_libreoffice_is_refused_for_how_it_is_saved(tmp_path, campaign, rules, fmt):
    """False refusals cost a clerk a resubmission: every return of the corpora (units' own layouts, made by other
    programs) and every sample, saved again by LibreOffice (its styles, shared strings and formulas' results),
    gets none of these refusals, and the .xlsx copies read the same values as the originals."""
    root = Path(__file__).resolve().parents[1]
    sources = sorted([*(root / "foreign" / "returns").glob("*.xlsx"), *(root / "foreign_attack" / "returns").glob("*.xlsx"),
                      *(root.parent / "workbooks" / "samples" / "returns").glob("*.xlsx")])
    assert len(sources) > 100
    exe = require_tool("soffice")
    profile = tmp_path / "profile"
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to",
                    {"xlsx": "xlsx", "xls": "xls:MS Excel 97"}[fmt], "--outdir", str(tmp_path / "lo"), *map(str, sources)],
                   check=False, capture_output=True, timeout=600)
    refused, differ = [], []
    for source in sources:
        saved = tmp_path / "lo" / f"{source.stem}.{fmt}"
        assert saved.is_file(), f"LibreOffice wrote no {saved.name}"
        try:
            report = report_of(saved, campaign, rules)
        except ReturnUnusable:
            continue  # the corpora's own refusals (a picture of a table)
        refused += [(saved.name, f.rule, f.message) for f in report.findings if f.rule in NEW_REFUSALS]
        if fmt == "xlsx":
            try:
                original = report_of(source, campaign, rules)
            except ReturnUnusable:
                continue
            if original.values != report.values:
                differ.append(saved.name)
    assert not refused
    assert not differ


def test_a_workbook_too_big_for_the_guard_to_keep_its_parts_is_looked_at_too(tmp_path, campaign, rules, monkeypatch):
    """Past MAX_KEPT_BYTES the guard hands the parts on as sent (styles and shared strings not kept): they are
    read from the workbook, and the percent cell is still refused."""
    from wennuan_xl.files import limits

    monkeypatch.setattr(limits, "MAX_KEPT_BYTES", 0)
    report = report_of(retyped(tmp_path / "big.xlsx", _percent), campaign, rules)
    assert [f.codes for f in report.findings if f.rule == "F-LOCATE-SHOWN"] == [("A1.05",)]


def test_a_percent_cell_written_with_its_attributes_in_another_order_is_refused(tmp_path, campaign, rules):
    """<c s="3" r="D7"> (a writer that puts the style first) is the same cell to Excel."""
    path = retyped(tmp_path / "order.xlsx", _percent)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb'<c r="(D7)" s="(\d+)"', rb'<c s="\2" r="\1"', sheet)
    assert parts["xl/worksheets/sheet1.xml"] != sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    report = report_of(path, campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-SHOWN"]
    assert refusal.codes == ("A1.05",) and "按百分比显示" in refusal.message
