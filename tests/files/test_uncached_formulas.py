"""A figure typed as a formula in a workbook that holds no result for it (written by a program that computes
nothing, here openpyxl) reads as an empty cell; Excel shows the figure. The field is refused, naming the cell
and the formula (F-LOCATE-FORMULA), never read as 未填 or as 0 in the totals; the same workbook saved by
LibreOffice, which stores each formula's result, reads the figures.

Every workbook is built here cell by cell or XML by XML, not by our writers.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
from system_tools import require_tool

from wennuan_xl import jobs
from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import Severity
from wennuan_xl.files.source import load_return
from wennuan_xl.files.uncached import uncached_xlsx, unreadable_xlsx

ROWS = [  # item, label, unit, figure
    ("01", "（A）当地职工总数", "人", "=50000+2340"),
    ("", "（B）其中农民工总数", "人", 12000),
    ("02", "（A）当地困难职工总数", "人", 1200),
    ("", "（B）其中困难农民工", "人", '=IF(1>2,1,"")'),  # its result is an empty text
]


def retyped_sheet():
    """A new workbook whose Sheet1 carries 附件1's title, a 填报单位 line and a retyped header (项目 … 数值)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in (["附件1"], ["2017年工会送温暖活动统计表"], ["填报单位：市中区总工会"], ["项目", "指标名称", "计量单位", "数值"]):
        ws.append(row)
    return wb, ws


def retyped(path: Path) -> Path:
    wb, ws = retyped_sheet()
    for row in ROWS:
        ws.append(list(row))
    wb.save(path)
    return path


def saved_by_libreoffice(source: Path, out_dir: Path, fmt: str = "xlsx") -> Path:
    exe = require_tool("soffice")
    profile = Path(tempfile.gettempdir()) / f"lo_profile_{os.getpid()}_{uuid.uuid4().hex}"
    try:
        subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", {"xlsx": "xlsx", "xls": "xls:MS Excel 97", "ods": "ods"}[fmt], "--outdir", str(out_dir), str(source)],
                       check=False, capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = out_dir / f"{source.stem}.{fmt}"
    assert out.is_file(), "LibreOffice wrote nothing"
    return out


def report_of(path: Path, campaign, rules):
    return check_return(load_return(path, campaign), campaign, rules)


def test_a_formula_without_its_result_is_refused_naming_the_cell_and_the_formula(tmp_path, campaign, rules):
    report = report_of(retyped(tmp_path / "script.xlsx"), campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-FORMULA"]
    assert refusal.severity is Severity.ERROR
    # Both formulas: without a saved result nothing says that the second one's is an empty text
    assert refusal.codes == ("A1.01A", "A1.02B") and refusal.cells == ("Sheet1!D5", "Sheet1!D8")
    assert ("Sheet1!D5、Sheet1!D8 填的是公式，但文件里没有保存公式的计算结果（D5 的公式 =50000+2340"
            in refusal.message)
    assert "01(A) 当地职工总数、02(B) 其中困难农民工" in refusal.message
    assert "用 Excel 或 WPS 打开此文件、保存后重新报送" in refusal.message
    assert report.values.get("A1.01A") is None  # not read, so not counted
    assert report.values["A1.01B"] == 12000 and report.values["A1.02A"] == 1200
    # Refused, so not also called 未填 (which would say it counts as 0)
    assert not [f for f in report.findings if f.rule == "F-BLANKS" and "A1.01A" in f.codes]


def test_the_same_workbook_saved_by_libreoffice_reads_the_results(tmp_path, campaign, rules):
    saved = saved_by_libreoffice(retyped(tmp_path / "script.xlsx"), tmp_path / "lo")
    report = report_of(saved, campaign, rules)
    assert not [f for f in report.findings if f.rule == "F-LOCATE-FORMULA"]
    assert report.values["A1.01A"] == 52340
    assert report.values.get("A1.02B") is None  # its saved result is an empty text: a blank field


def test_the_consolidation_leaves_the_figure_out_and_says_so(tmp_path, campaign, rules):
    folder = tmp_path / "returns"
    folder.mkdir()
    retyped(folder / "市中区-附件1.xlsx")
    result = jobs.read_and_consolidate(jobs.settings(workers=1), folder)
    [row] = [r for r in result.rows if r.unit == "市中区总工会"]
    assert "部分读取：58 项未能从表中读出（01(A)、02(B)、03(A)" in row.remark  # the sheet holds four fields
    assert result.totals["A1.01B"] == 12000
    [line] = [(unit, f) for unit, _file, f in result.findings() if f.rule == "F-LOCATE-FORMULA"]
    assert line[0] == "市中区总工会" and line[1].codes == ("A1.01A", "A1.02B")


def test_the_worker_path_reports_it_too(tmp_path, capsys):
    from wennuan_xl.cli.main import main

    path = retyped(tmp_path / "script.xlsx")
    main(["check", str(path)])
    out = capsys.readouterr().out
    assert "规则：F-LOCATE-FORMULA" in out and "=50000+2340" in out


def _xlsx(sheet_data: bytes) -> bytes:
    """A minimal workbook around one sheetData, prefixes and all, as another program might write it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", b'<x:workbook xmlns:x="urn:s" xmlns:r="urn:r"><x:sheets>'
                                      b'<x:sheet name="\xe8\xa1\xa8" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", b'<Relationships><Relationship Id="rId1" Target="worksheets/s.xml"/>'
                                                 b"</Relationships>")
        z.writestr("xl/worksheets/s.xml", b'<x:worksheet xmlns:x="urn:s"><x:sheetData>' + sheet_data
                   + b"</x:sheetData></x:worksheet>")
    return out.getvalue()


@pytest.mark.parametrize(("cells", "expected"), [
    # addresses given
    (b'<x:row r="3"><x:c r="E3"><x:f>1+2</x:f><x:v/></x:c><x:c r="F3"><x:f>1+2</x:f><x:v>3</x:v></x:c></x:row>',
     [(3, 5, "=1+2")]),
    # no <v> at all; a shared formula's other cells carry no text of their own
    ((b'<x:row r="2"><x:c r="B2"><x:f t="shared" ref="B2:B3" si="0">A2*2</x:f></x:c></x:row>'
      b'<x:row r="3"><x:c r="B3"><x:f t="shared" si="0"/></x:c></x:row>'),
     [(2, 2, "=A2*2"), (3, 2, "（共享公式）")]),
    # rows and cells without addresses: the next row, the next column
    (b'<x:row><x:c><x:v>1</x:v></x:c><x:c><x:f>A1</x:f></x:c></x:row><x:row><x:c><x:f>B1</x:f><x:v> </x:v></x:c></x:row>',
     [(1, 2, "=A1"), (2, 1, "=B1")]),
    # results that are saved: a number, an error, an empty text, an inline text
    ((b'<x:row r="1"><x:c r="A1" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c><x:c r="B1" t="str"><x:f>""</x:f>'
      b'<x:v></x:v></x:c><x:c r="C1" t="inlineStr"><x:f>"a"</x:f><x:is><x:t>a</x:t></x:is></x:c><x:c r="D1"><x:v>4</x:v>'
      b"</x:c></x:row>"),
     []),
])
def test_formula_cells_without_a_result_as_calamine_places_them(cells, expected):
    found = uncached_xlsx(_xlsx(cells))
    assert list(found.get("表", ())) == expected


def test_a_list_amount_typed_as_a_formula_without_its_result_is_named_not_called_unfilled(tmp_path, campaign):
    """The 实名制 list, retyped by a script: 金额 as a formula, no result saved."""
    from wennuan_xl.core.namelist.spec import namelist_spec
    from wennuan_xl.files.namelist_source import load_any

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["2017年元旦春节“送温暖”资金发放实名制汇总表"])
    ws.append(["填报单位：市中区总工会"])
    ws.append(["序号", "姓名", "性别", "公民身份号码", "困难类别", "慰问形式", "金额（元）", "其中物资折款（元）", "发放日期"])
    ws.append([1, "李四", "男", "110101199003074970", "困难职工", "现金", "=500+300", 300, "2017-01-05"])
    ws.append([2, "王芳", "女", "110101199003072813", "困难职工", "现金", 600, 0, "2017-01-05"])
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    assert namelist_spec(campaign) is not None
    _data, report = load_any(path, campaign)
    assert report is not None and len(report.people) == 2
    [refusal] = [f for f in report.findings if f.rule == "L-FORMULA"]
    assert refusal.severity is Severity.ERROR and refusal.cells == ("名单!G4",)
    assert "名单!G4 填的是公式，但文件里没有保存公式的计算结果（G4 的公式 =500+300" in refusal.message
    assert not [f for f in report.findings if "名单!G4" in f.cells and f.rule != "L-FORMULA"]  # not 未填写金额


@pytest.mark.parametrize(("cells", "expected"), [
    # an error a formula gives, saved with it; one typed as a value; a plain number beside
    ((b'<x:row r="4"><x:c r="D4" s="2" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c><x:c r="E4" t="e"><x:v>#N/A</x:v></x:c>'
      b'<x:c r="F4"><x:v>4</x:v></x:c></x:row>'),
     [(4, 4, "#DIV/0!，公式 =1/0"), (4, 5, "#N/A")]),
    ((b'<row r="2"><c r="B2" t="e"><f>#REF!*1</f><v>#REF!</v></c></row>'
      b'<row r="3"><c r="B3" s="1" t="e"><v>#VALUE!</v></c><c r="C3"><f>1</f><v>1</v></c></row>'),
     [(2, 2, "#REF!，公式 =#REF!*1"), (3, 2, "#VALUE!")]),
])
def test_cells_showing_an_error_value(cells, expected):
    [(formulas, errors)] = unreadable_xlsx(_xlsx(cells)).values()
    assert formulas == () and list(errors) == expected


def test_a_field_showing_an_error_value_is_refused_naming_it(tmp_path, campaign, rules):
    """LibreOffice computes =1/0 and saves #DIV/0! as the result (t="e"), which calamine reads as empty."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in (["附件1"], ["2017年工会送温暖活动统计表"], ["填报单位：市中区总工会"], ["项目", "指标名称", "计量单位", "数值"],
                ["01", "（A）当地职工总数", "人", 52340], ["", "（B）其中农民工总数", "人", "=1/0"]):
        ws.append(row)
    wb.save(tmp_path / "div0.xlsx")
    report = report_of(saved_by_libreoffice(tmp_path / "div0.xlsx", tmp_path / "lo"), campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-ERROR"]
    assert refusal.severity is Severity.ERROR and refusal.codes == ("A1.01B",) and refusal.cells == ("Sheet1!D6",)
    assert "Sheet1!D6 显示的是错误值（D6 显示 #DIV/0!，公式 =1/0），不是数字" in refusal.message
    assert report.values["A1.01A"] == 52340 and report.values.get("A1.01B") is None
    assert not [f for f in report.findings if f.rule == "F-BLANKS" and "A1.01B" in f.codes]


def test_a_cover_cell_holding_a_formula_without_its_result_is_not_called_unfilled(tmp_path, campaign, rules):
    """A sample return whose 填报日期 a script set to =TODAY() and whose 填报人 points at another cell (openpyxl
    saves neither result): each said to hold a formula, not 未填."""
    source = Path(__file__).resolve().parents[2] / "workbooks" / "samples" / "returns" / "五通桥区-附件1.xlsx"
    wb = openpyxl.load_workbook(source)
    for name, formula in (("A1_DATE", "=TODAY()"), ("A1_PERSON", "=Z1")):
        (sheet, a1), = wb.defined_names[name].destinations
        wb[sheet][a1.replace("$", "")] = formula
    path = tmp_path / "五通桥区-附件1.xlsx"
    wb.save(path)
    report = report_of(path, campaign, rules)
    rules_found = {f.rule: f for f in report.findings}
    assert "H-DATE-MISSING" not in rules_found and "H-PERSON" not in rules_found
    assert "=TODAY()" in rules_found["H-DATE-FORMULA"].message and "读不到" in rules_found["H-DATE-FORMULA"].message
    assert "=Z1" in rules_found["H-PERSON-FORMULA"].message
