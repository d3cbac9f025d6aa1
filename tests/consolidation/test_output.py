"""The consolidated workbook, read back as a clerk's Excel shows it (openpyxl, formulas as text) and as
another reader sees it (python-calamine, cached values)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
import python_calamine as pc

from wennuan_xl.core.consolidate import MISSING, OFF_ROSTER, REPORTED, SUPERSEDED, TOTAL_UNIT, UNREADABLE
from wennuan_xl.core.forms import Kind
from wennuan_xl.core.layout import CODE_COL, VALUE_COL, layout_for
from wennuan_xl.core.workbook import column_letter

from .conftest import (
    DETAIL_SHEET,
    FINDINGS_SHEET,
    STATUS_SHEET,
    consolidate_dir,
    expected_totals,
    findings_table,
    load,
    one_row,
    rows_for,
    sources_table,
    status_table,
    unit_values,
    write_return,
)

FORMULA_TEXT = '=HYPERLINK("http://example.com","点我")'
PHONE_TEXT = "=1+1"


@pytest.fixture(scope="module")
def run(tmp_path_factory, campaign, rules):
    base = tmp_path_factory.mktemp("output")
    folder = base / "returns"
    folder.mkdir()
    units = {"市中区总工会": unit_values(80), "沙湾区总工会": unit_values(86), "犍为县总工会": unit_values(81)}
    assert [v["A2.06B"] for v in units.values()] == ["是", "否", "是"]  # both answers occur
    # 05 no longer the sum of its sources: A1-05-SUM, an 错误 that the totals carry too.
    units["犍为县总工会"]["A1.05"] = round(units["犍为县总工会"]["A1.05"] + 3.2, 2)
    stranger = unit_values(82)
    write_return(campaign, folder, "市中区-送温暖统计表.xlsx", "市中区总工会", units["市中区总工会"], styled=True,
                 person="李四", phone="13912345678", date=dt.date(2017, 1, 16))
    # 沙湾区 sent 附件1 twice, and typed a formula-looking 填报人 and 联系电话.
    write_return(campaign, folder, "沙湾区-附件1（旧）.xlsx", "沙湾区总工会", unit_values(87), forms=("A1",),
                 date=dt.date(2017, 1, 8))
    for form in ("A1", "A2"):
        write_return(campaign, folder, f"沙湾区-附件{form[1]}.xlsx", "沙湾区总工会", units["沙湾区总工会"], forms=(form,),
                     person=FORMULA_TEXT, phone=PHONE_TEXT, date=dt.date(2017, 1, 12))
    write_return(campaign, folder, "犍为县-送温暖统计表.xlsx", "犍为县总工会", units["犍为县总工会"], phone="12345")
    write_return(campaign, folder, "某某公司-送温暖统计表.xlsx", "某某公司工会", stranger)
    (folder / "五通桥区-附件1.xlsx").write_bytes(b"")
    result, out = consolidate_dir(folder, base / "汇总.xlsx", campaign, rules)
    return result, out, units, load(out), load(out, data_only=True)


@pytest.mark.parametrize("form_id", ["A1", "A2"])
def test_total_sheets_hold_the_field_by_field_sums(run, campaign, form_id):
    _result, _out, units, book, _ = run
    form = campaign.form(form_id)
    ws = book[f"汇总-{form.annex}"]
    expected = expected_totals(campaign, form_id, units.values())
    layout = layout_for(form)
    for f in form.fields:
        row, col = layout.field_cell(f.code)
        assert col == VALUE_COL
        assert ws.cell(row, CODE_COL).value == f.code  # the row is the field's row
        got = ws.cell(row, col).value
        if f.kind is Kind.YESNO:
            assert got == expected[f.code], f.code
        else:
            assert isinstance(got, (int, float)) and not isinstance(got, bool), (f.code, got)
            assert got == pytest.approx(expected[f.code], abs=1e-6), f.code
            if f.kind is Kind.COUNT:
                assert got == int(got)
    count_row = layout.rows[-1].row + 2
    assert ws.cell(count_row, 1).value == f"单位个数：本表汇总 3 个单位（名单中应报 {len(campaign.roster)} 个）。"
    assert ws.cell(3, 2).value == campaign.issuer


def test_yes_no_total_counts_answers(run, campaign):
    _result, _out, _units, book, _ = run
    row, col = layout_for(campaign.form("A2")).field_cell("A2.06B")
    assert book["汇总-附件2"].cell(row, col).value == "是 2 个，否 1 个"


def test_calamine_reads_the_same_totals(run, campaign):
    result, out, _units, _book, _ = run
    with open(out, "rb") as fh:
        wb = pc.CalamineWorkbook.from_filelike(fh)
        sheets = {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
        wb.close()
    for form in campaign.forms:
        rows = sheets[f"汇总-{form.annex}"]
        layout = layout_for(form)
        for f in form.fields:
            row, col = layout.field_cell(f.code)
            got, want = rows[row - 1][col - 1], result.totals[f.code]
            if isinstance(want, dict):
                assert got == f"是 {want['是']} 个，否 {want['否']} 个"
            else:
                assert got == pytest.approx(want, abs=1e-6), f.code
    # 明细's total row: calamine sees the formulas' cached values.
    detail = sheets[DETAIL_SHEET]
    codes = detail[0]
    total_row = next(r for r in detail if r and str(r[0]).startswith("合计"))
    for i, code in enumerate(codes):
        if code in result.totals and not isinstance(result.totals[code], dict):
            assert total_row[i] == pytest.approx(result.totals[code], abs=1e-6), code


def test_detail_has_one_row_per_unit_and_a_formula_total(run, campaign):
    result, _out, units, book, cached = run
    ws, wc = book[DETAIL_SHEET], cached[DETAIL_SHEET]
    header = [c.value for c in ws[1]]
    codes = [f.code for f in campaign.fields()]
    fixed = header[: header.index(codes[0])]
    assert fixed[:2] == ["单位", "上报情况"] and header[len(fixed):] == codes
    assert all([c.value for c in ws[2]][len(fixed):]), "every field column has its label"
    template_cells = [c.value for c in ws[3]][len(fixed):]
    for code, where in zip(codes, template_cells):
        form = campaign.form(campaign.field(code).form_id)
        row, _ = layout_for(form).field_cell(code)
        assert where == f"{form.sheet}!E{row}"
    body = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    names = [r[0] for r in body]
    assert names == ["市中区总工会", "沙湾区总工会", "犍为县总工会", "某某公司工会", "合计（计入汇总的单位）"]
    for row in body[:3]:
        values = units[row[0]]
        assert row[1] == REPORTED and set(row[2:len(fixed)]) == {"是"}
        for code, got in zip(codes, row[len(fixed):]):
            assert got == values[code], (row[0], code)
    assert body[3][1] == OFF_ROSTER and set(body[3][2:len(fixed)]) == {"否"}
    total_row = len(body) + 3
    for i, code in enumerate(codes, start=len(fixed) + 1):
        formula, value = ws.cell(total_row, i).value, wc.cell(total_row, i).value
        if campaign.field(code).kind is Kind.YESNO:
            assert value == "是 2 个，否 1 个"
            continue
        assert isinstance(formula, str) and formula.startswith("=SUMIFS("), (code, formula)
        assert value == pytest.approx(result.totals[code], abs=1e-6), code


def test_status_sheet_lists_every_roster_unit_and_every_other_file(run, campaign):
    _result, _out, _units, book, _ = run
    rows = status_table(book)
    assert [r["序号"] for r in rows] == list(range(1, len(rows) + 1))
    n = len(campaign.roster)
    assert [r["单位"] for r in rows[:n]] == [u.name for u in campaign.roster]  # one line per roster unit, in order
    assert [(r["单位"], r["上报情况"]) for r in rows[n:]] == [("某某公司工会", OFF_ROSTER), ("沙湾区总工会", SUPERSEDED)]
    assert sorted(r["上报情况"] for r in rows) == sorted(
        [REPORTED] * 3 + [UNREADABLE] + [MISSING] * (len(campaign.roster) - 4) + [SUPERSEDED, OFF_ROSTER]
    )
    a = one_row(rows, 单位="市中区总工会")
    assert (a["填报人"], a["联系电话"], a["填报日期"], a["错误"], a["提示"], a["计入汇总"]) == \
        ("李四", "13912345678", "2017-01-16", 0, 0, "是")
    assert a["附件"] == "附件1、附件2" and a["文件"] == "市中区-送温暖统计表.xlsx"
    c = one_row(rows, 单位="犍为县总工会")
    # A1-05-SUM in 附件1; the phone "12345" is a 提示 in each annex.
    assert (c["错误"], c["提示"], c["计入汇总"]) == (1, 2, "是")
    assert one_row(rows, 上报情况=SUPERSEDED)["文件"] == "沙湾区-附件1（旧）.xlsx"
    assert one_row(rows, 单位="五通桥区总工会")["上报情况"] == UNREADABLE
    summary = book[STATUS_SHEET]["A2"].value
    assert f"应报 {len(campaign.roster)} 个单位：已报 3 个" in summary
    assert "无法读取的文件 1 个" in summary and "被替代的文件 1 个" in summary and "名单外 1 个" in summary


def test_text_starting_with_equals_stays_text(run):
    _result, _out, _units, book, _ = run
    ws = book[STATUS_SHEET]
    [row] = [r for r in ws.iter_rows(min_row=5) if r[1].value == "沙湾区总工会" and r[2].value == REPORTED]
    person, phone = row[6], row[7]
    assert (person.value, person.data_type) == (FORMULA_TEXT, "s")
    assert (phone.value, phone.data_type) == (PHONE_TEXT, "s")
    # The only formulas anywhere are 明细's totals and 审核结果's links to each unit's file, whose name
    # is a quoted string inside HYPERLINK.
    from .conftest import link_of

    for ws in book.worksheets:
        for r in ws.iter_rows():
            for cell in r:
                if cell.data_type == "f":
                    ok = (ws.title == DETAIL_SHEET and str(cell.value).startswith("=SUMIFS(")) or (
                        ws.title == FINDINGS_SHEET and link_of(cell.value) is not None)
                    assert ok, (ws.title, cell.coordinate, cell.value)


def test_findings_sheet_lists_every_finding_with_unit_and_cell(run, campaign):
    result, _out, _units, book, _ = run
    rows = findings_table(book)
    items = result.findings()
    assert len(rows) == len(items) > 0
    # The findings table's columns, every one of them, in its order, 序号 in front.
    assert [c.value for c in book[FINDINGS_SHEET][3]] == [
        "序号", "单位", "文件", "附件", "单元格", "指标", "规则", "级别", "填写值", "问题说明", "单位说明", "处理要求"]
    expected = [(u, file, f.rule, f.severity.label, f.message) for u, file, f in items]
    assert [(r["单位"], r["文件"], r["规则"], r["级别"], r["问题说明"]) for r in rows] == expected
    wrong = one_row(rows, 单位="犍为县总工会", 规则="A1-05-SUM")
    row, _ = layout_for(campaign.form("A1")).field_cell("A1.05")
    assert (wrong["单元格"], wrong["附件"], wrong["级别"], wrong["文件"], wrong["指标"], wrong["处理要求"]) == \
        (f"附件1!E{row}", "附件1", "错误", "犍为县-送温暖统计表.xlsx", "05 筹集款物总额", "改正后重新报送")
    # 填写值 is the number the unit typed, in a number cell.
    shown = next(f for u, _, f in items if u == "犍为县总工会" and f.rule == "A1-05-SUM").values["A1.05"]
    assert wrong["填写值"] == shown and isinstance(wrong["填写值"], (int, float))
    assert {r["单元格"].split("!")[0] for r in rows_for(rows, 规则="H-PHONE")} == {"附件1", "附件2"}
    # The totals carry the same mistake, checked with the same rule, pointing at the 汇总 sheet.
    total = one_row(rows, 单位=TOTAL_UNIT, 规则="A1-05-SUM")
    assert total["单元格"] == f"汇总-附件1!E{row}"
    # The totals' 错误 that a unit's own error causes are counted apart and say whose error it is.
    assert "犍为县总工会报表中的同一错误引起" in total["问题说明"]
    assert total["处理要求"] == "待犍为县总工会改正后重新汇总"
    unit_errors = sum(1 for r in rows if r["级别"] == "错误" and r["单位"] != TOTAL_UNIT)
    caused = sum(1 for r in rows if r["级别"] == "错误" and r["单位"] == TOTAL_UNIT and "引起" in r["问题说明"])
    own = sum(1 for r in rows if r["级别"] == "错误" and r["单位"] == TOTAL_UNIT) - caused
    warnings = sum(1 for r in rows if r["级别"] == "提示")
    assert caused > 0
    assert book[FINDINGS_SHEET]["A1"].value == (
        f"审核结果：单位错误 {unit_errors} 个；由此引起的汇总数错误 {caused} 个；"
        + (f"汇总数本身的错误 {own} 个；" if own else "") + f"提示 {warnings} 个")


def test_each_finding_links_to_the_units_file(run):
    from .conftest import FINDINGS_HEADER_ROW, link_of

    _result, _out, _units, book, _ = run
    ws = book[FINDINGS_SHEET]
    headers = [c.value for c in ws[FINDINGS_HEADER_ROW]]
    column = headers.index("文件") + 1
    links = [link_of(ws.cell(r, column).value) for r in range(FINDINGS_HEADER_ROW + 1, ws.max_row + 1)
             if ws.cell(r, column).value]
    assert links and all(links)
    for target, shown in links:
        assert Path(target).is_file() and Path(target).name == Path(shown).name


def test_sources_sheet_names_the_file_behind_every_annex(run):
    result, _out, _units, book, _ = run
    rows = sources_table(book)
    assert sorted((r["单位"], r["附件"], r["文件"]) for r in rows) == sorted(
        (u.unit, f"附件{u.form[1]}", u.returned.file) for u in result.used
    )
    assert one_row(rows, 单位="沙湾区总工会", 附件="附件1")["文件"] == "沙湾区-附件1.xlsx"
    assert {r["读取方式"] for r in rows} == {"单元格名称"}


def _charts(out: Path) -> list[str]:
    with zipfile.ZipFile(out) as z:
        names = sorted((n for n in z.namelist() if n.startswith("xl/charts/chart")), key=lambda n: int(n[15:-4]))
        return [z.read(n).decode("utf-8") for n in names]


def test_workbook_holds_the_three_native_charts(run, campaign):
    _result, out, _units, book, _ = run
    progress, annex1, annex2 = _charts(out)
    # 上报进度: a stacked bar per annex over its own table on 图表, the four states in their colours.
    assert '<c:barDir val="bar"/>' in progress and '<c:grouping val="stacked"/>' in progress
    assert progress.count("<c:ser>") == 4 and "图表!$A$" in progress
    for colour in ("00B050", "C00000", "FFC000", "BFBFBF"):
        assert f'<a:srgbClr val="{colour}"/>' in progress
    # 05 by source per unit, for each annex, over the unit rows of 明细.
    fields = [f.code for f in campaign.fields()]
    first = 4  # 单位, 上报情况, 附件1计入汇总, 附件2计入汇总
    for chart, codes in ((annex1, ("A1.05A", "A1.05E")), (annex2, ("A2.05B", "A2.05F"))):
        assert '<c:barDir val="col"/>' in chart and chart.count("<c:ser>") == 5 and "明细!$A$4" in chart
        for code in codes:
            assert f"明细!${column_letter(first + fields.index(code) + 1)}$4" in chart, code
    assert "图表" in book.sheetnames


def test_the_progress_table_under_its_chart(run):
    _result, _out, _units, book, _ = run
    sheet = book["图表"]
    cells = {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row if c.value not in (None, "")}
    header = next(r for (r, c), v in cells.items() if v == "已报，无错误")
    assert [cells.get((header, c)) for c in range(2, 7)] == ["已报，无错误", "已报，有错误", "文件无法读取", "未报", "应报"]
    # 市中区 and 沙湾区 clean, 犍为县 with 错误 in 附件1; 五通桥区's only file unreadable; 12 units sent nothing.
    assert [cells.get((header + 1, c)) for c in range(1, 7)] == ["附件1", 2, 1, 1, 12, 16]
    assert [cells.get((header + 2, c)) for c in range(1, 7)] == ["附件2", 3, 0, 1, 12, 16]
    lines = [v for (r, c), v in cells.items() if c == 1 and isinstance(v, str) and "（" in v and r > header + 2]
    assert "附件1已报，有错误（1 个）：犍为县总工会" in lines and "附件1文件无法读取（1 个）：五通桥区总工会" in lines


def test_every_table_gives_the_same_rows_each_time_it_is_read(run, campaign):
    """The long sheets are made row by row as a writer asks (a 10,000-unit folder is never held as cells); a
    writer that reads a table twice (the live Excel writer reads 明细 for its sheet and for the charts) must
    get the same rows the second time, not an exhausted generator."""
    from wennuan_xl.core.tables import consolidation_tables

    result = run[0]
    tables = list(consolidation_tables(result, campaign, dt.date(2017, 1, 20)))
    assert [t.name for t in tables][:5] == ["汇总-附件1", "汇总-附件2", STATUS_SHEET, "催报清单", FINDINGS_SHEET]
    for table in tables:
        first, second = list(table.rows), list(table.rows)
        assert first and first == second, table.name
    status = next(t for t in tables if t.name == STATUS_SHEET)
    assert len(list(status.rows)) == 4 + len(result.rows)  # heading, summary, hint, header, a line per unit
