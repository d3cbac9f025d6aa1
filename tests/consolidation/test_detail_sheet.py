"""明细 as the clerk and every other program sees it: the streamed sheet (files/sheet_stream.py) read back by
openpyxl, python-calamine and LibreOffice (which recalculates every formula on load here), on the bundled
sample returns and on a generated consolidation of a few hundred units, some of them typing texts meant
to break an XML writer."""

from __future__ import annotations

import math
import re
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
import xlsxwriter
from system_tools import recalculated_by_libreoffice

from wennuan_xl.core.consolidate import MISSING, OFF_ROSTER, TOTAL_UNIT, consolidate
from wennuan_xl.core.findings import Severity
from wennuan_xl.core.forms import Kind
from wennuan_xl.core.tables import DETAIL_SHEET, detail_sheet
from wennuan_xl.files import consolidated
from wennuan_xl.files.consolidated import write_consolidated
from wennuan_xl.files.sheet_stream import StreamedWorksheet, shown_text, write_detail
from wennuan_xl.files.style import FLAG_FILLS
from wennuan_xl.generated import many_returns

from .conftest import SAMPLES, consolidate_dir, load, one_row, status_table

UNITS = 260  # with the roster's 16, 244 made-up units; every 11th return of them 附件1 only
INJECTED = '<r><t>A</t></r></is></c><c r="B1"><f>HYPERLINK("http://evil","点我")</f><v>0</v></c><c r="C1" t="inlineStr"><is><r><t>B</t></r>'
# 填报单位 as typed by off-roster senders, and what they typed into number cells (each an 错误 F-NUMBER).
ODD = [
    ("<b>工会</b> & 合作社", {"A1.03A": "<r><t>9</t></r>", "A1.03B": "a < b && c > d"}),
    ('=HYPERLINK("http://example.com","点我")', {"A1.03A": "=1+1", "A1.03B": "+约1", "A1.03C": "-约1", "A1.03D": "@SUM(E4)"}),
    ("\x1b[2K\x1b[1A结果：未发现问题", {"A1.03A": "a\x00b\x07c", "A1.03B": "tab\there", "A2.01A": "行一\r\n行二"}),
    ("_x0041_工会_x005F_", {"A1.03A": "x_x0041_y", "A1.03B": "_x000D_", "A1.03C": "ax005F_b"}),
    ("  前后有空格的工会  ", {"A1.03A": " 前导空格", "A1.03B": "末尾空格 "}),
    ("\u202e反向\u0085工会\ufffe", {"A1.03A": "]]>", "A1.03B": "&amp;&#13;"}),
    (INJECTED, {"A1.03A": INJECTED}),
    ("长" * 40_000, {"A1.03A": "值" * 40_000}),
]
ODD_ROWS = len(ODD)

def canary(path: Path) -> Path:
    """A streamed sheet whose one formula, =1+1, carries a wrong cached result (5): LibreOffice must say 2."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    ws = wb.add_worksheet("S", worksheet_class=StreamedWorksheet)
    ws.open_rows(path.parent).write('<row r="1"><c r="A1"><f>1+1</f><v>5</v></c></row>')
    ws.set_extent(0, 0)
    wb.close()
    return path


@pytest.fixture(scope="module")
def books(tmp_path_factory, campaign, rules, soffice_path):
    """name -> (consolidation, campaign, our workbook, LibreOffice's recalculated copy)."""
    base = tmp_path_factory.mktemp("detail")
    samples, samples_out = consolidate_dir(SAMPLES, base / "samples.xlsx", campaign, rules)
    many_campaign, returns = many_returns(campaign, rules, UNITS, seed=7, odd=ODD)
    many = consolidate(returns, many_campaign, rules)
    many_out = write_consolidated(many, many_campaign, base / "many.xlsx")
    check = canary(base / "canary.xlsx")
    converted = recalculated_by_libreoffice([samples_out, many_out, check], base)
    recalculated = openpyxl.load_workbook(converted[check], data_only=True)
    assert recalculated["S"]["A1"].value == 2, "LibreOffice kept a cached result: the profile did not force recalculation"
    return {
        "samples": (samples, campaign, samples_out, converted[samples_out]),
        "many": (many, many_campaign, many_out, converted[many_out]),
    }


BOOKS = ["samples", "many"]


def grid_openpyxl(path: Path, data_only: bool = True) -> list[list[object]]:
    ws = openpyxl.load_workbook(path, data_only=data_only)[DETAIL_SHEET]
    return [[_norm(v) for v in row] for row in ws.iter_rows(values_only=True)]


def grid_calamine(path: Path) -> list[list[object]]:
    with open(path, "rb") as fh:
        wb = pc.CalamineWorkbook.from_filelike(fh)
        rows = wb.get_sheet_by_name(DETAIL_SHEET).to_python(skip_empty_area=False)
        wb.close()
    return [[_norm(v) for v in row] for row in rows]


def _norm(value: object) -> object:
    """What the clerk sees, across readers: an empty text is a blank; a number is a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def _trim(grid: list[list[object]]) -> list[list[object]]:
    rows = [list(r) for r in grid]
    width = max((max((i + 1 for i, v in enumerate(r) if v is not None), default=0) for r in rows), default=0)
    rows = [(r + [None] * width)[:width] for r in rows]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    return a == b


def _differences(a: list[list[object]], b: list[list[object]]) -> list[tuple[int, int, object, object]]:
    assert len(a) == len(b), (len(a), len(b))
    return [(r + 1, c + 1, x, y) for r, (ra, rb) in enumerate(zip(a, b)) for c, (x, y) in enumerate(zip(ra, rb)) if not _same(x, y)][:10]


@pytest.mark.parametrize("name", BOOKS)
def test_every_reader_reads_the_same_cells(books, name):
    """openpyxl (cached results), python-calamine and LibreOffice (recalculated) agree on every cell."""
    _result, _campaign, ours, theirs = books[name]
    opx, cal, lo = _trim(grid_openpyxl(ours)), _trim(grid_calamine(ours)), _trim(grid_openpyxl(theirs))
    assert not _differences(opx, cal)
    assert not _differences(opx, lo)


@pytest.mark.parametrize("name", BOOKS)
def test_sumifs_totals_carry_the_results_libreoffice_computes(books, name):
    result, campaign, ours, theirs = books[name]
    formulas = openpyxl.load_workbook(ours)[DETAIL_SHEET]
    cached = openpyxl.load_workbook(ours, data_only=True)[DETAIL_SHEET]
    recalculated = openpyxl.load_workbook(theirs, data_only=True)[DETAIL_SHEET]
    last = formulas.max_row
    assert formulas.cell(last, 1).value == "合计（计入汇总的单位）"
    codes = [c.value for c in formulas[1]]
    checked = 0
    for col, code in enumerate(codes, start=1):
        formula = formulas.cell(last, col).value
        if not (isinstance(formula, str) and formula.startswith("=SUMIFS(")):
            continue
        want = result.totals[code]
        assert cached.cell(last, col).value == pytest.approx(want or 0, abs=1e-9), code
        assert recalculated.cell(last, col).value == pytest.approx(cached.cell(last, col).value, rel=1e-12, abs=1e-9), code
        checked += 1
    assert checked == sum(1 for f in campaign.fields() if f.kind is not Kind.YESNO)


@pytest.mark.parametrize("name", BOOKS)
def test_two_header_rows_name_each_field_by_code_and_short_label(books, name):
    _result, campaign, ours, _ = books[name]
    ws = load(ours)[DETAIL_SHEET]
    fields = list(campaign.fields())
    header, labels = [c.value for c in ws[1]], [c.value for c in ws[2]]
    fixed = 2 + len(campaign.forms)
    assert header[:fixed] == ["单位", "上报情况", "附件1计入汇总", "附件2计入汇总"]
    assert header[fixed:] == [f.code for f in fields]
    assert labels[fixed:] == [f"{f.number} {f.short or f.label}（{f.unit}）" for f in fields]
    assert labels[fixed + 1] == "01(B) 其中农民工总数（人）"
    # Every label fits its cell: the row is as tall as the longest label needs at the column's width
    # (a CJK character is two units of Excel's column width).
    width = ws.column_dimensions["E"].width
    for row, texts in ((1, header[1:fixed]), (2, labels[fixed:])):
        col_width = ws.column_dimensions["B"].width if row == 1 else width
        need = max(math.ceil(sum(2 if ord(ch) > 0x2E7F else 1 for ch in t) / (col_width - 1.5)) for t in texts) * 14.25
        assert ws.row_dimensions[row].height >= need, (row, ws.row_dimensions[row].height, need)
    assert ws.freeze_panes == "B4"
    assert (ws.print_title_rows, ws.print_title_cols) == ("$1:$3", "$A:$A")
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9


def _fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else ""


@pytest.mark.parametrize("name", BOOKS)
def test_cells_of_values_with_findings_are_coloured_as_in_a_flagged_copy(books, name):
    """错误 red, open 提示 yellow (the flagged copy's fills), a number keeping its number format; no other
    field cell is filled."""
    result, campaign, ours, _ = books[name]
    ws = load(ours)[DETAIL_SHEET]
    fields = list(campaign.fields())
    col_of = {f.code: 5 + i for i, f in enumerate(fields)}
    row_of = {ws.cell(r, 1).value: r for r in range(4, ws.max_row)}
    want: dict[tuple[int, int], str] = {}
    for unit, _file, finding in result.findings():
        if unit == TOTAL_UNIT or finding.explained or finding.severity is Severity.NOTE:
            continue  # an explained 提示 and a 注意 colour nothing
        for code in finding.codes:
            if code in col_of:
                where = (row_of[shown_text(unit)], col_of[code])
                if want.get(where) != FLAG_FILLS[Severity.ERROR]:
                    want[where] = FLAG_FILLS[finding.severity]
    got = {(r, c): _fill(ws.cell(r, c)) for r in range(4, ws.max_row) for c in range(5, 5 + len(fields))}
    assert {k: v for k, v in got.items() if v} == want
    assert FLAG_FILLS[Severity.ERROR] in want.values()
    red_numbers = [ws.cell(*k) for k, v in want.items() if v == FLAG_FILLS[Severity.ERROR] and isinstance(ws.cell(*k).value, (int, float))]
    assert red_numbers
    for cell in red_numbers:
        kind = campaign.field(fields[cell.column - 5].code).kind
        assert cell.number_format == ("#,##0.00##" if kind is Kind.MONEY else "#,##0"), cell.coordinate


def test_an_annex_not_sent_is_blank_not_zero(books):
    result, campaign, ours, theirs = books["many"]
    a2 = [i for i, f in enumerate(campaign.fields()) if f.form_id == "A2"]
    only_a1 = {u.unit for u in result.used if u.form == "A1"} - {u.unit for u in result.used if u.form == "A2"}
    assert len(only_a1) >= 10
    for grid in (grid_openpyxl(ours), grid_calamine(ours), grid_openpyxl(theirs)):
        rows = {r[0]: r for r in grid[3:]}
        for unit in only_a1:
            assert rows[unit][3] is None  # 附件2计入汇总
            assert all(rows[unit][4 + i] is None for i in a2), unit


def test_status_sheet_leaves_counts_blank_for_units_that_sent_nothing(books):
    _result, _campaign, ours, _ = books["samples"]
    row = one_row(status_table(load(ours)), 单位="金口河区总工会")
    assert row["上报情况"] == MISSING
    assert (row["错误"], row["提示"], row["已说明"]) == (None, None, None)


def test_odd_texts_read_back_as_text_in_every_reader(books):
    _result, campaign, ours, theirs = books["many"]
    grids = {"openpyxl": grid_openpyxl(ours), "calamine": grid_calamine(ours), "LibreOffice": grid_openpyxl(theirs)}
    fields = [f.code for f in campaign.fields()]
    for typed, changes in ODD:
        for reader, grid in grids.items():
            [row] = [r for r in grid[3:] if r[0] == shown_text(typed)]
            assert row[1] == OFF_ROSTER, reader
            for code, text in changes.items():
                assert row[4 + fields.index(code)] == shown_text(text), (reader, typed[:20], code)
    assert shown_text("\x1b[2K") == "\\x1b[2K" and shown_text("_x0041_") == "\\x5fx0041_"
    assert len(shown_text("长" * 40_000)) == 32_767
    # Only the totals are formulas; a text starting with = is a text.
    ws = load(ours)[DETAIL_SHEET]
    formulas = [c for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas and all(c.row == ws.max_row and str(c.value).startswith("=SUMIFS(") for c in formulas)
    with zipfile.ZipFile(ours) as z:
        names = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        sheets = [z.read(n).decode("utf-8") for n in names]
    assert sum(len(re.findall(r"<f>", x)) for x in sheets) == len(formulas)


def test_texts_that_xlsxwriter_would_copy_raw_stay_text_on_the_other_sheets(books):
    """上报情况 is written by xlsxwriter: a 填报单位 of "<r>…</r>" is no rich text and no formula there either."""
    _result, _campaign, ours, theirs = books["many"]
    for path in (ours, theirs):
        book = load(path)
        rows = status_table(book)
        assert one_row(rows, 单位=INJECTED)["上报情况"] == OFF_ROSTER
        assert not [c.coordinate for c in book["上报情况"]["B"] + book["上报情况"]["C"] if c.data_type == "f"]


def test_detail_writer_memory_does_not_grow_with_the_units(tmp_path, campaign, rules):
    """Constant memory: no row is kept once written. Writing 明细 for 2,000 units instead of 200 may grow
    the peak only by the index over the units (name, 上报情况, which return: a few hundred bytes each),
    never by their cells (145 a unit, over 4 KB of XML and objects if rows were held)."""
    peaks = []
    for n in (200, 2000):
        camp, returns = many_returns(campaign, rules, n, distinct=12)
        result = consolidate(returns, camp, rules)
        wb = xlsxwriter.Workbook(str(tmp_path / f"{n}.xlsx"), {"constant_memory": True, "tmpdir": str(tmp_path)})
        styles = consolidated._Styles(wb)
        sheet = detail_sheet(result, camp)
        tracemalloc.start()
        try:
            write_detail(wb, styles, sheet, tmp_path)
            wb.close()
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    per_unit = (peaks[1] - peaks[0]) / 1800
    assert peaks[1] < 3 * 2**20 and per_unit < 1024, (peaks, per_unit)
