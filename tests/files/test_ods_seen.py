"""An .ods shows what python-calamine does not report: refused as in an .xlsx (F-LOCATE-SHOWN), never read as stored.

The workbooks are the retyped table of ``test_display_formats``, dressed with openpyxl as a clerk dresses a cell and
saved as .ods by LibreOffice (its own styles, data styles and displayed texts: nothing of our writers), and two
written as a script writes an .ods (values without the text a spreadsheet program displays).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font

from wennuan_xl.core.findings import Severity
from wennuan_xl.files.ods_seen import excel_formula
from wennuan_xl.files.read import read_workbook

from .test_display_formats import CELLS, report_of, retyped
from .test_uncached_formulas import saved_by_libreoffice
from .test_xls_names import SAMPLES


def _as_ods(tmp_path: Path, dress) -> Path:
    return saved_by_libreoffice(retyped(tmp_path / "seen.xlsx", dress), tmp_path / "lo", "ods")


def _percent(ws):
    ws["D7"].value, ws["D7"].number_format = 0.4707, "0.00%"


def _thousands(ws):
    ws["D8"].value, ws["D8"].number_format = 73600, "#,##0.00,"  # 73,600 shown as 73.60


def _nothing(ws):
    ws["D5"].number_format = ";;;"


def _sign_dropped(ws):
    ws["D6"].value, ws["D6"].number_format = -12000, "0;0"


def _escaped_point(ws):
    ws["D8"].value, ws["D8"].number_format = 470700, "0!.0000"  # Excel shows 47.0700; LibreOffice "470700!.0000"


def _struck(ws):
    ws["D6"].font = Font(strike=True)


def _white(ws):
    ws["D5"].font = Font(color="FFFFFF")


def _white_format(ws):
    ws["D5"].number_format = "[White]0"


def _struck_run(ws):
    ws["D6"] = CellRichText([TextBlock(InlineFont(strike=True), "12000"), " 12500"])


def _footnote(ws):
    ws["D5"] = CellRichText(["52340", TextBlock(InlineFont(vertAlign="superscript"), "1")])


def _white_run(ws):
    ws["D5"] = CellRichText([TextBlock(InlineFont(color="FFFFFF"), "1"), "52340"])


@pytest.mark.parametrize(("dress", "code", "why"), [
    (_percent, "A1.05", "单元格格式按百分比显示（显示为“47.07%”）"),
    (_thousands, "A1.11", "单元格显示为“73.60”，存储的数却是 73600"),
    (_nothing, "A1.01A", "单元格格式不显示任何内容"),
    (_sign_dropped, "A1.01B", "单元格显示为“12000”，存储的数却是 -12000"),
    (_escaped_point, "A1.11", "单元格显示为“470700!.0000”，除存储的数 470700 外还显示了别的数字"),
    (_struck, "A1.01B", "数字加了删除线"),
    (_white, "A1.01A", "数字是白色，看不见"),
    (_white_format, "A1.01A", "数字是白色，看不见"),
    (_struck_run, "A1.01B", "部分文字加了删除线"),
    (_footnote, "A1.01A", "部分文字是上标或下标（如注释序号）"),
    (_white_run, "A1.01A", "部分文字是白色，看不见"),
])
def test_a_cell_of_an_ods_that_shows_another_figure_than_it_stores_is_refused(tmp_path, campaign, rules, dress, code, why):
    report = report_of(_as_ods(tmp_path, dress), campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-SHOWN"]
    assert refusal.severity is Severity.ERROR and refusal.codes == (code,) and refusal.cells == (f"Sheet1!{CELLS[code]}",)
    assert why in refusal.message and CELLS[code] in refusal.message
    assert report.values.get(code) is None
    others = {c for c in CELLS if c != code}
    assert {"A1.01A", "A1.11"} & others <= set(report.values)


def test_plain_formats_of_an_ods_read_as_stored(tmp_path, campaign, rules):
    """Rounded to the shown decimals, grouped, with a unit after it, in scientific notation: the same figure."""
    def dress(ws):
        ws["D5"].number_format = "#,##0"
        ws["D6"].value, ws["D6"].number_format = 12000, "0.00E+00"
        ws["D7"].value, ws["D7"].number_format = 47.0712, '0.00"万元"'
        ws["D8"].number_format = "0.00_ "

    path = _as_ods(tmp_path, dress)
    with zipfile.ZipFile(path) as zf:
        content = zf.read("content.xml").decode()
    assert "<text:p>52,340</text:p>" in content and "<text:p>47.07万元</text:p>" in content  # as LibreOffice shows them
    report = report_of(path, campaign, rules)
    assert not [f for f in report.findings if f.rule == "F-LOCATE-SHOWN"]
    assert [report.values[c] for c in CELLS] == [52340, 12000, 47.0712, 7.36]


_SCRIPT_ODS = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:n="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" office:version="1.2">
<office:automatic-styles>
<n:percentage-style style:name="P1"><n:number n:decimal-places="2" n:min-integer-digits="1"/><n:text>%</n:text></n:percentage-style>
<style:style style:name="pct" style:family="table-cell" style:data-style-name="P1"/>
{styles}
</office:automatic-styles>
<office:body><office:spreadsheet><table:table table:name="Sheet1">
{columns}
<table:table-row><table:table-cell office:value-type="string"><text:p>附件1</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>2017年工会送温暖活动统计表</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>填报单位：市中区总工会</text:p></table:table-cell></table:table-row>
<table:table-row>{head}</table:table-row>
{rows}
</table:table></office:spreadsheet></office:body></office:document-content>
"""


def _cell(text):
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def _number(figure, style: str = "") -> str:
    return f'<table:table-cell{style} office:value-type="float" office:value="{figure}"/>'


def _script_ods(path: Path, percent_style: bool) -> Path:
    """An .ods as a script writes it (prefixes of its own, numbers without their displayed text)."""
    rows = []
    for item, label, unit, figure in (("01", "（A）当地职工总数", "人", 52340), ("", "（B）其中农民工总数", "人", 12000),
                                      ("05", "筹集款物总额", "万元", 0.4707), ("11", "为农民工返乡争取经济补贴", "万元", 7.36)):
        style = ' table:style-name="pct"' if percent_style and item == "05" else ""
        rows.append(f"<table:table-row>{_cell(item) if item else '<table:table-cell/>'}{_cell(label)}{_cell(unit)}"
                    f"{_number(figure, style)}</table:table-row>")
    return _write_script_ods(path, "".join(_cell(t) for t in ("项目", "指标名称", "计量单位", "数值")), rows)


def _write_script_ods(path: Path, head: str, rows: list[str], styles: str = "", columns: str = "") -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                    'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
        zf.writestr("content.xml", _SCRIPT_ODS.format(head=head, rows="\n".join(rows), styles=styles, columns=columns))
    return path


def test_an_ods_written_by_a_script_is_judged_by_its_data_styles(tmp_path, campaign, rules):
    """No displayed text to compare: a percentage data style is refused, a plain number read."""
    plain = report_of(_script_ods(tmp_path / "plain.ods", False), campaign, rules)
    assert not [f for f in plain.findings if f.rule == "F-LOCATE-SHOWN"]
    assert plain.values["A1.05"] == 0.4707 and plain.values["A1.01A"] == 52340
    styled = report_of(_script_ods(tmp_path / "pct.ods", True), campaign, rules)
    [refusal] = [f for f in styled.findings if f.rule == "F-LOCATE-SHOWN"]
    assert refusal.codes == ("A1.05",) and "单元格格式按百分比显示" in refusal.message
    assert styled.values.get("A1.05") is None


def test_repeated_rows_and_columns_are_counted_as_calamine_counts_them(tmp_path):
    """A struck cell after a run of repeated empty rows and columns is named at its own address."""
    def dress(ws):
        ws["F40"] = 5
        ws["F40"].font = Font(strike=True)

    book = read_workbook(_as_ods(tmp_path, dress))
    [sheet] = book.sheets
    assert (40, 6, "数字加了删除线") in sheet.shown and sheet.value(40, 6) == 5


_NO_SIZE = ('<style:style style:name="flat" style:family="table-row"><style:table-row-properties style:row-height="0in"/>'
            '</style:style><style:style style:name="thin" style:family="table-column">'
            '<style:table-column-properties style:column-width="0cm"/></style:style>')


@pytest.mark.parametrize("hides", ['table:visibility="collapse"', 'table:visibility="filter"', 'table:style-name="flat"'])
def test_a_row_the_unit_hid_in_an_ods_is_not_read(tmp_path, campaign, rules, hides):
    """Last year's row kept, hidden, above this year's: a person sees this year's (as in an .xlsx)."""
    rows = [f"<table:table-row {hides}>{_cell('01')}{_cell('（A）当地职工总数')}{_cell('人')}{_number(11111)}</table:table-row>",
            f"<table:table-row>{_cell('01')}{_cell('（A）当地职工总数')}{_cell('人')}{_number(52340)}</table:table-row>",
            f"<table:table-row><table:table-cell/>{_cell('（B）其中农民工总数')}{_cell('人')}{_number(12000)}</table:table-row>"]
    path = _write_script_ods(tmp_path / "rows.ods", "".join(_cell(t) for t in ("项目", "指标名称", "计量单位", "数值")),
                             rows, styles=_NO_SIZE)
    [sheet] = read_workbook(path).sheets
    assert sheet.hidden_rows == frozenset({5})
    report = report_of(path, campaign, rules)
    assert report.values["A1.01A"] == 52340 and report.values["A1.01B"] == 12000


@pytest.mark.parametrize("hides", ['table:visibility="collapse"', 'table:style-name="thin"'])
def test_a_column_the_unit_hid_in_an_ods_is_not_read(tmp_path, campaign, rules, hides):
    """Last year's 数值 column kept, hidden, before this year's."""
    rows = [f"<table:table-row>{_cell(item)}{_cell(label)}{_cell('人')}{_number(old)}{_number(new)}</table:table-row>"
            for item, label, old, new in (("01", "（A）当地职工总数", 11111, 52340), ("", "（B）其中农民工总数", 2222, 12000))]
    columns = f"<table:table-column table:number-columns-repeated=\"3\"/><table:table-column {hides}/><table:table-column/>"
    path = _write_script_ods(tmp_path / "cols.ods", "".join(_cell(t) for t in ("项目", "指标名称", "计量单位", "数值", "数值")),
                             rows, styles=_NO_SIZE, columns=columns)
    [sheet] = read_workbook(path).sheets
    assert sheet.hidden_cols == frozenset({4})
    report = report_of(path, campaign, rules)
    assert report.values["A1.01A"] == 52340 and report.values["A1.01B"] == 12000


def test_our_return_with_last_years_column_hidden_reads_as_its_xlsx(tmp_path, campaign, rules):
    """A sample return, this year's figures typed in a new column and the old value column (where the names
    point) hidden, saved by LibreOffice as .xlsx and as .ods: the same visible figures, the same note."""
    source = tmp_path / "五通桥区-附件1.xlsx"
    wb = openpyxl.load_workbook(SAMPLES / source.name)
    ws = wb["附件1"]
    for row in ws.iter_rows(min_col=5, max_col=5):
        old = row[0]
        new = ws.cell(row=old.row, column=6)
        new.value = round(old.value * 2 + 1, 2) if isinstance(old.value, (int, float)) else old.value
        new.number_format = old.number_format
    ws.column_dimensions["E"].hidden = True
    wb.save(source)
    as_ods = saved_by_libreoffice(source, tmp_path / "ods", "ods")
    as_xlsx = saved_by_libreoffice(source, tmp_path / "xlsx")
    ods, xlsx = report_of(as_ods, campaign, rules), report_of(as_xlsx, campaign, rules)
    assert ods.values == xlsx.values and ods.values["A1.01A"] == 2 * report_of(SAMPLES / source.name, campaign, rules).values["A1.01A"] + 1
    assert sorted(f.message for f in ods.findings) == sorted(f.message for f in xlsx.findings)
    assert any(f.rule == "F-NAMES" and "隐藏的行或列" in f.message for f in ods.findings)


@pytest.mark.parametrize(("odf", "excel"), [
    ("of:=SUM([$明细.B2:.B11])", "=SUM('明细'!B2:B11)"),
    ("of:=[.E8]+[.$E$9]*2", "=E8+E9*2"),
    ('of:=IF([.A1]=0;"a;[b]";ROUND([.B2]/3;2))', '=IF(A1=0,"a;[b]",ROUND(B2/3,2))'),
    ("of:=[$'表 1'.A1:$'表 1'.B2]", "='表 1'!A1:B2"),
    ("of:=[$'O''Neil'.c3]", "='O''Neil'!C3"),
    ("of:=[$S1.A1:$S2.B2]", None),  # a range across sheets
    ("of:=['file:///D:/上年.ods'#$附件1.E7]", None),  # another workbook
    ("of:=SUM([.A:.A])", None),  # a whole column
    ("msoxl:=A1+1", None),  # not OpenFormula
])
def test_openformula_turns_into_excel_syntax_or_is_left_out(odf, excel):
    assert excel_formula(odf) == excel


def test_a_formula_whose_saved_result_it_does_not_give_is_refused_in_an_ods(tmp_path, campaign, rules):
    """A script's .ods: 01(A) = [.D6]+100 saved as 1 (stale), 01(B) = 12000 typed: the formula gives 12100."""
    rows = [(f"<table:table-row>{_cell('01')}{_cell('（A）当地职工总数')}{_cell('人')}"
            '<table:table-cell table:formula="of:=[.D6]+100" office:value-type="float" office:value="1">'
            "<text:p>1</text:p></table:table-cell></table:table-row>"),
            f"<table:table-row><table:table-cell/>{_cell('（B）其中农民工总数')}{_cell('人')}{_number(12000)}</table:table-row>"]
    path = _write_script_ods(tmp_path / "stale.ods", "".join(_cell(t) for t in ("项目", "指标名称", "计量单位", "数值")), rows)
    report = report_of(path, campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-RECALC"]
    assert refusal.codes == ("A1.01A",) and "按公式算得 12,100" in refusal.message
    assert report.values.get("A1.01A") is None and report.values["A1.01B"] == 12000
