"""A formula's saved result in a workbook that asks Excel to recalculate on opening is checked, not trusted.

xlsxwriter (and export scripts, and hand edits of the XML) write ``<calcPr fullCalcOnLoad="1">`` and save 0, or an
old figure, as every formula's result: Excel shows the computed figure, calamine reads the saved one. The
workbooks here are written with xlsxwriter (not our return writer); LibreOffice, told to recalculate on load,
is the independent engine the computation is held to.
"""

from __future__ import annotations

import re
import xml.dom.minidom
import zipfile
from pathlib import Path

import pytest
import python_calamine as pc
import xlsxwriter
from system_tools import recalculated_by_libreoffice

from wennuan_xl.core.cell_formulas import compute
from wennuan_xl.files.read import read_workbook

from .test_display_formats import ROWS, report_of

# (cell, formula) on sheet 附件1; the inputs below. Each is computed as LibreOffice computes it.
KNOWN = [
    ("F1", "=SUM(B1:B6)"), ("F2", "=B1+B2-B3*2/4"), ("F3", "=SUM('明细 表'!A1:A4)+明细2!A1"), ("F4", "=-B1+(B2-B3)*3"),
    ("F5", "=ROUND(B4/3,2)"), ("F6", "=ROUND(2.5,0)+ROUND(-2.5,0)"), ("F7", "=MAX(B1:B6,7)-MIN(B1:B3)"),
    ("F8", "=AVERAGE(B1:B3)"), ("F9", "=ABS(B3-B1)"), ("F10", "=SUM(B1,B2,5)+B5"), ("F11", "=$B$1*2+B$2"),
    ("F12", "=F1+F2"), ("F13", "=SUM(F1:F2)*1.5"), ("F14", "=1.005*100"), ("F15", "=B6+1"), ("F16", "=SUM(C1:C2)"),
    ("F17", '=IF(B5="",B1,B2)'), ("F18", '=IF(SUM(B1:B3)=0,"",SUM(B1:B3))'), ("F19", '=IF(B1>B2,"多","少")&"了"'),
    ("F20", "=职工数+1"), ("F21", "=IF(B5=0,0,B1/B5)"), ("F22", '=IF(C1>5,1,2)'), ("F23", '=IF(B1<>120,"",B2)'),
    ("F24", '=SUM(职工数,B2)'), ("F25", '=B1>=120'),
]
# Not computed here: the answer is not known (never a guess); G8 sums a TRUE, which Excel skips and LibreOffice counts.
UNKNOWN = [("G1", "=IFERROR(B1,0)"), ("G2", "=VLOOKUP(1,A1:B3,2,0)"), ("G3", "=B1&B2"), ("G4", "=[1]Sheet1!A1"),
           ("G5", "=B1/0"), ("G6", "=C1+1"), ("G7", "=SUM(Other!A1:A2)"), ("G8", "=SUM(C1:C3)"), ("G9", "=B2&B1"),
           ("G10", "=未定义的名称+1"), ("G11", "=IF(C1,1,2)")]


def _inputs(ws, wb):
    for row, value in enumerate([120, 30.5, 8, 100, None, "15"], start=1):
        if value is not None:
            ws.write(f"B{row}", value)
    ws.write_string("C1", "三十")
    ws.write_number("C2", 4)
    ws.write_boolean("C3", True)
    other = wb.add_worksheet("明细 表")
    for i, v in enumerate([1, 2, 3.25, 4], start=1):
        other.write(f"A{i}", v)
    wb.add_worksheet("明细2").write("A1", 1000)


def test_formulas_are_computed_as_libreoffice_computes_them_or_not_at_all(tmp_path):
    path = tmp_path / "formulas.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("附件1")
    _inputs(ws, wb)
    for cell, formula in KNOWN + UNKNOWN:
        ws.write_formula(cell, formula)  # saved result: 0
    wb.define_name("职工数", "=附件1!$B$1")
    wb.close()
    book = read_workbook(path)
    sheet = book.sheet("附件1")
    formulas = {(s.name, r, c): f for s in book.sheets for r, c, f in s.recalc}
    assert len(sheet.recalc) == len(KNOWN) + len(UNKNOWN)
    lo = pc.CalamineWorkbook.from_path(str(recalculated_by_libreoffice([path], tmp_path)[path]))
    computed = lo.get_sheet_by_name("附件1").to_python(skip_empty_area=False)
    assert computed[0][5] == pytest.approx(120 + 30.5 + 8 + 100)  # LibreOffice did recalculate
    for cell, formula in KNOWN:
        row, col = int(cell[1:]), ord(cell[0]) - 64
        ours, theirs = compute(book, "附件1", formula, formulas.get), computed[row - 1][col - 1]
        if isinstance(theirs, (str, bool)) or isinstance(ours, (str, bool)):
            assert ours == theirs, (cell, formula, ours, theirs)
        else:
            assert ours == pytest.approx(theirs, rel=1e-12), (cell, formula, ours)
    for cell, formula in UNKNOWN:
        assert compute(book, "附件1", formula, formulas.get) is None, (cell, formula)


def _return(path: Path, figure: str, saved: float | None) -> Path:
    """The retyped 附件1 (ROWS) written with xlsxwriter: 05 筹集款物总额 as ``figure`` (over a sheet 明细 holding 40 and
    7.07) with the result ``saved``."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    for r, row in enumerate([["附件1"], ["2017年工会送温暖活动统计表"], ["填报单位：市中区总工会"], ["项目", "指标名称", "计量单位", "数值"],
                              *ROWS]):
        ws.write_row(r, 0, list(row))
    ws.write_formula("D7", figure, None, saved if saved is not None else 0)
    inputs = wb.add_worksheet("明细")
    inputs.write("A1", 40)
    inputs.write("A2", 7.07)
    wb.close()
    return path


@pytest.mark.parametrize(("figure", "saved", "said"), [
    ("=明细!A1+明细!A2", None, "保存的结果是 0，按公式算得 47.07"),
    ("=SUM(明细!A1:A2)", 45.0, "保存的结果是 45，按公式算得 47.07"),
    ('=VLOOKUP(1,明细!A1:A2,1,0)+明细!A2', 47.07, "保存的结果是 47.07，文件要求打开时重新计算，本程序无法按公式核算"),
])
def test_a_saved_result_that_is_not_the_formulas_is_refused(tmp_path, campaign, rules, figure, saved, said):
    report = report_of(_return(tmp_path / "export.xlsx", figure, saved), campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-RECALC"]
    assert refusal.codes == ("A1.05",) and "D7" in refusal.message and said in refusal.message
    assert report.values.get("A1.05") is None and report.values["A1.01A"] == 52340


def test_a_saved_result_the_formula_gives_is_read(tmp_path, campaign, rules):
    report = report_of(_return(tmp_path / "export.xlsx", "=明细!A1+明细!A2", 47.07), campaign, rules)
    assert not [f for f in report.findings if f.rule.startswith("F-LOCATE") and "A1.05" in f.codes]
    assert report.values["A1.05"] == pytest.approx(47.07)


def test_the_same_export_once_libreoffice_has_recalculated_and_saved_it_is_read(tmp_path, campaign, rules):
    """LibreOffice, Excel and WPS save what they computed and do not ask for a recalculation: read as saved."""
    path = _return(tmp_path / "export.xlsx", '=VLOOKUP(40,明细!A1:A2,1,0)+明细!A2', 0)
    saved = recalculated_by_libreoffice([path], tmp_path)[path]
    report = report_of(saved, campaign, rules)
    assert not [f for f in report.findings if f.rule.startswith("F-LOCATE") and "A1.05" in f.codes]
    assert report.values["A1.05"] == pytest.approx(47.07)


def _random_formula(rng, depth: int = 0) -> str:
    """A formula of what ``compute`` follows, over the inputs B1:B8 (numbers, a blank, text, a text number)."""
    cell = lambda: f"B{rng.randint(1, 8)}"  # noqa: E731
    if depth > 2 or rng.random() < 0.3:
        return rng.choice([cell(), cell(), str(rng.choice([0, 1, 2.5, 10, 0.1, 3])), '""', '"x"'])
    kind = rng.choice(["op", "op", "cmp", "sum", "round", "if", "minmax", "neg", "amp"])
    a, b = _random_formula(rng, depth + 1), _random_formula(rng, depth + 1)
    if kind == "op":
        return f"({a}{rng.choice('+-*/')}{b})"
    if kind == "cmp":
        return f"({a}{rng.choice(['=', '<>', '<', '>', '<=', '>='])}{b})"
    if kind == "sum":
        first = rng.randint(1, 7)
        return f"SUM(B{first}:B{rng.randint(first, 8)},{a})"
    if kind == "round":
        return f"ROUND({a},{rng.randint(0, 2)})"
    if kind == "if":
        return f"IF({a},{b},{_random_formula(rng, depth + 1)})"
    if kind == "minmax":
        return f"{rng.choice(['MIN', 'MAX', 'AVERAGE'])}(B1:B{rng.randint(2, 8)},{a})"
    if kind == "neg":
        return f"-{a}"
    return f"({a}&{b})"


def test_random_formulas_computed_here_agree_with_libreoffice(tmp_path):
    """Where ``compute`` gives an answer it is LibreOffice's (numbers, texts, TRUE/FALSE); elsewhere it says it
    does not know. 300 formulas drawn from the grammar it follows, over numbers, a blank, a text and a text number."""
    import random

    rng = random.Random(20261202)
    formulas = [f"={_random_formula(rng)}" for _ in range(300)]
    path = tmp_path / "random.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("附件1")
    for row, value in enumerate([120, 30.5, 8, None, "15", "元", 0, 2.25], start=1):
        if value is not None:
            ws.write(f"B{row}", value)
    for i, formula in enumerate(formulas, start=1):
        ws.write_formula(f"D{i}", formula)
    wb.close()
    book = read_workbook(path)
    formulas_at = {(s.name, r, c): f for s in book.sheets for r, c, f in s.recalc}
    lo = pc.CalamineWorkbook.from_path(str(recalculated_by_libreoffice([path], tmp_path)[path]))
    theirs = lo.get_sheet_by_name("附件1").to_python(skip_empty_area=False)
    known = disagree = 0
    for i, formula in enumerate(formulas, start=1):
        ours = compute(book, "附件1", formula, formulas_at.get)
        if ours is None:
            continue
        known += 1
        value = theirs[i - 1][3] if i - 1 < len(theirs) and len(theirs[i - 1]) > 3 else ""
        same = (ours == value if isinstance(ours, (str, bool)) or isinstance(value, (str, bool))
                else abs(ours - value) <= 1e-9 * max(1.0, abs(value)))
        disagree += not same
        assert same, (formula, ours, value)
    assert known >= 120, known  # most of them are computed: the test says something


def test_a_workbook_libreoffice_saved_with_a_negated_comparison_is_read(tmp_path):
    """LibreOffice saves =-(B1>9) as the boolean "-0", which python-calamine refuses: read as FALSE, not refused whole."""
    path = tmp_path / "negated.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("附件1")
    ws.write("B1", 5)
    ws.write_formula("D1", "=-(B1>9)")
    ws.write_formula("D2", "=-(B1<9)")
    wb.close()
    saved = recalculated_by_libreoffice([path], tmp_path)[path]
    with zipfile.ZipFile(saved) as zf:
        assert b"<v>-0</v>" in zf.read("xl/worksheets/sheet1.xml")  # what LibreOffice wrote
    rows = read_workbook(saved).sheet("附件1").rows
    assert rows[0][3] is False and rows[1][3] == -1 and rows[0][1] == 5  # -(TRUE): LibreOffice saves the number -1


def _pretty_printed(path: Path, out: Path) -> Path:
    """The workbook with its worksheets indented, as a script's XML library writes them (white space between a
    formula's </f> and its <v>)."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = xml.dom.minidom.parseString(data).toprettyxml(indent="  ", encoding="UTF-8")
            dst.writestr(info.filename, data)
    return out


def test_a_stale_result_in_a_pretty_printed_worksheet_is_refused(tmp_path, campaign, rules):
    path = _pretty_printed(_return(tmp_path / "export.xlsx", "=SUM(明细!A1:A2)", 45.0), tmp_path / "pretty.xlsx")
    with zipfile.ZipFile(path) as zf:
        assert re.search(rb"</f>\s+<v>45.0</v>", zf.read("xl/worksheets/sheet1.xml"))
    report = report_of(path, campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-RECALC"]
    assert refusal.codes == ("A1.05",) and "保存的结果是 45，按公式算得 47.07" in refusal.message
    assert report.values.get("A1.05") is None and report.values["A1.01A"] == 52340


def test_an_xls_libreoffice_saved_has_its_formulas_read_back_and_computed_as_it_computed_them(tmp_path):
    """An .xls keeps its formulas as tokens; those turned back into formulas and computed here give what LibreOffice
    saved for each number (so a legitimate .xls is not refused), over the 300 random formulas above, on the sheet
    and over another sheet."""
    import random

    from wennuan_xl.core.cell_formulas import not_as_saved

    from .test_uncached_formulas import saved_by_libreoffice

    rng = random.Random(20261203)
    formulas = [f"={_random_formula(rng)}" for _ in range(300)]
    path = tmp_path / "random.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("附件1")
    other = wb.add_worksheet("明细")
    for row, value in enumerate([120, 30.5, 8, None, "15", "元", 0, 2.25], start=1):
        if value is not None:
            ws.write(f"B{row}", value)
            other.write(f"B{row}", value)
    for i, formula in enumerate(formulas, start=1):
        ws.write_formula(f"D{i}", formula)
        ws.write_formula(f"E{i}", formula.replace("B", "明细!B"))  # the same over another sheet
    wb.close()
    xls = saved_by_libreoffice(recalculated_by_libreoffice([path], tmp_path)[path], tmp_path / "xls", "xls")
    book = read_workbook(xls)
    sheet = book.sheet("附件1")
    # of 600 formulas, ~260 give an error or TRUE/FALSE (not values a return holds) and a few are shared (kept once)
    assert sheet is not None and len(sheet.recalc) >= 300, len(sheet.recalc)
    assert any("'明细'!" in f for _r, _c, f in sheet.recalc)
    formulas_at = {(s.name, r, c): f for s in book.sheets for r, c, f in s.recalc}
    known = sum(compute(book, "附件1", f, formulas_at.get) is not None for _r, _c, f in sheet.recalc)
    assert known >= 240, known
    refused = not_as_saved(book, sheet, [(r, c) for r, c, _f in sheet.recalc])
    # LibreOffice's .xls export saves 0 for a formula whose result is a text (="x", =B5 of the text "15"); Excel,
    # recalculating the file another program saved, shows the text: refused, rightly. Every number agrees.
    texts = [(r, c) for r, c, f in sheet.recalc if isinstance(compute(book, "附件1", f, formulas_at.get), str)]
    assert {(r, c) for r, c, _why in refused} <= set(texts)
    assert all("保存的结果是 0，按公式算得 “" in why for _r, _c, why in refused)
    assert known - len(texts) >= 150  # numbers computed and held to what LibreOffice saved


def test_an_xls_whose_saved_result_is_not_its_formulas_is_refused(tmp_path, campaign, rules):
    """The export of the tests above (xlsxwriter's 45 saved for =SUM(明细!A1:A2)), kept as an .xls by LibreOffice
    without recalculating, as an old program would leave it: Excel shows 47.07 when it opens the file."""
    from .test_uncached_formulas import saved_by_libreoffice

    xls = saved_by_libreoffice(_return(tmp_path / "export.xlsx", "=SUM(明细!A1:A2)", 45.0), tmp_path / "xls", "xls")
    assert pc.CalamineWorkbook.from_path(str(xls)).get_sheet_by_name("Sheet1").to_python()[6][3] == 45  # as saved
    report = report_of(xls, campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-RECALC"]
    assert refusal.codes == ("A1.05",) and "保存的结果是 45，按公式算得 47.07" in refusal.message
    assert report.values.get("A1.05") is None and report.values["A1.01A"] == 52340
