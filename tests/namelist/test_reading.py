"""Lists read as units make them: files written here by hand (openpyxl, xlsxwriter) and converted to .xls by
LibreOffice, never by our template writer. Each test says what a person reads in the file."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import openpyxl
import xlsxwriter
from system_tools import require_tool

from wennuan_xl.core.findings import Severity
from wennuan_xl.core.idnumber import mask
from wennuan_xl.files.namelist_source import load_any
from wennuan_xl.namelist_samples import fill

from .lists import HEADERS, KEYS, person, write_list

RNG_SEED = 16


def people(n: int, seed: int = RNG_SEED, **kwargs) -> list[dict]:
    rng = random.Random(seed)
    return [person(rng, **kwargs) for _ in range(n)]


def rules_of(report) -> list[str]:
    """The rules of the list's 错误 and 提示 (its 注意, how it was read, are ``notes_of``)."""
    return [f.rule for f in report.findings if f.severity is not Severity.NOTE]


def notes_of(report) -> list[str]:
    """The list's 注意: how a column was read, or why it was not, each a finding of its own (L-READ)."""
    return [f.message for f in report.findings if f.severity is Severity.NOTE and f.rule == "L-READ"]


def test_a_list_as_the_template_lays_it_out_reads_whole_and_clean(tmp_path, campaign):
    rows = people(6)
    data, lst = load_any(write_list(tmp_path / "市中区-实名制.xlsx", "市中区总工会", rows), campaign)
    assert data.forms == ()  # no annex in a list: the annex locator never saw the list's sheet
    assert lst is not None and rules_of(lst) == []
    assert [p.id for p in lst.people] == [r["ID"] for r in rows]
    assert [p.name for p in lst.people] == [r["NAME"] for r in rows]
    assert lst.unit == "市中区总工会"
    assert lst.cover["PERSON"] == "李华" and lst.cover["PHONE"] == "0833-2133419"
    assert lst.totals["L_AMOUNT"] == 3000


def test_columns_in_another_order_with_the_units_own_words_and_a_header_low_down(tmp_path, campaign):
    rows = people(5)
    order = ("NAME", "AMOUNT", "CATEGORY", "ID", "SEQ", "SEX", "DATE", "ADDRESS")
    headers = ("慰问对象姓名", "慰问金额（元）", "人员类别", "身份证号", "编号", "性别", "慰问日期", "所在单位")
    path = write_list(tmp_path / "l.xlsx", "沙湾区总工会", rows, headers=headers, keys=order, first_row=9)
    _, lst = load_any(path, campaign)
    assert lst is not None and rules_of(lst) == []
    assert [p.id for p in lst.people] == [r["ID"] for r in rows]
    assert [p.amount for p in lst.people] == [500.0] * 5


def test_an_id_column_with_an_odd_header_is_known_by_its_check_digits(tmp_path, campaign):
    rows = people(4)
    headers = ("序号", "姓名", "号码", "类别", "金额")
    keys = ("SEQ", "NAME", "ID", "CATEGORY", "AMOUNT")
    _, lst = load_any(write_list(tmp_path / "l.xlsx", "夹江县总工会", rows, headers=headers, keys=keys), campaign)
    assert lst is not None
    assert [p.id for p in lst.people] == [r["ID"] for r in rows]
    assert any("按内容认作“公民身份号码”列" in n for n in notes_of(lst))
    assert "L-COLUMN" not in rules_of(lst)


def test_ids_typed_as_numbers_are_refused_never_taken_rounded(tmp_path, campaign):
    rows = people(3)
    _, lst = load_any(write_list(tmp_path / "l.xlsx", "犍为县总工会", rows, ids_as_numbers=True), campaign)
    assert lst is not None
    assert rules_of(lst) == ["L-ID-NUMBER"] * 3
    assert all(p.id == "" for p in lst.people)  # no rounded number is ever an ID
    finding = lst.findings[0]
    assert finding.cells == ("Sheet1!D5",)
    assert "000" in finding.message and "5.1" not in finding.message  # shown as Excel keeps it, masked


def test_full_width_digits_spaces_dashes_and_small_x_are_read(tmp_path, campaign):
    rows = people(3)
    typed = [dict(rows[0]), dict(rows[1]), dict(rows[2])]
    width = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
    typed[0]["ID"] = rows[0]["ID"].translate(width)
    typed[1]["ID"] = f"{rows[1]['ID'][:6]} {rows[1]['ID'][6:14]} {rows[1]['ID'][14:]}"
    typed[2]["ID"] = f"{rows[2]['ID'][:6]}-{rows[2]['ID'][6:]}".lower() + "\u3000"
    _, lst = load_any(write_list(tmp_path / "l.xlsx", "井研县总工会", typed), campaign)
    assert lst is not None and rules_of(lst) == []
    assert [p.id for p in lst.people] == [r["ID"] for r in rows]


def test_several_sheets_are_one_list(tmp_path, campaign):
    workers, migrants = people(3, seed=1), people(2, seed=2, category="困难农民工")
    book = openpyxl.Workbook()
    write_list(tmp_path / "l.xlsx", "沐川县总工会", workers, sheet="困难职工")
    book = openpyxl.load_workbook(tmp_path / "l.xlsx")
    path = write_list(tmp_path / "l.xlsx", "沐川县总工会", migrants, sheet="农民工", book=book)
    _, lst = load_any(path, campaign)
    assert lst is not None and rules_of(lst) == []
    assert lst.sheets == ("困难职工", "农民工")
    assert lst.totals["L_PEOPLE"] == 5 and lst.totals["L_MIGRANTS"] == 2 and lst.totals["L_WORKERS"] == 5


def test_a_two_row_header_a_total_row_and_a_signature_line(tmp_path, campaign):
    rows = people(3)
    rows[1].update(FORM="现金和物资", AMOUNT=800, GOODS=300)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["“送温暖”资金发放实名制汇总表"])
    ws.append(["填报单位：峨眉山市总工会", None, None, None, "2017年1月18日"])
    ws.append(["序号", "姓名", "身份证号码", "困难类别", "金额（元）", None, "备注"])
    ws.append([None, None, None, None, "合计", "其中：物资折款", None])
    ws.merge_cells("E3:F3")
    for i, p in enumerate(rows, start=1):
        ws.append([i, p["NAME"], p["ID"], p["CATEGORY"], p["AMOUNT"], p["GOODS"], None])
    ws.append(["合计", None, None, None, 1800, 300])
    ws.append([])
    ws.append(["单位负责人：王某", None, "填表人：赵某", None, "联系电话：13812345678"])
    wb.save(tmp_path / "l.xlsx")
    _, lst = load_any(tmp_path / "l.xlsx", campaign)
    assert lst is not None
    assert len(lst.people) == 3
    assert [p.goods for p in lst.people] == [0.0, 300.0, 0.0]
    assert rules_of(lst) == []  # the 合计 row agrees: 500 + 800 + 500 - no L-TOTAL
    assert lst.cover["PERSON"] == "赵某"


def test_a_total_row_that_disagrees_is_an_error(tmp_path, campaign):
    rows = people(2)
    path = write_list(tmp_path / "l.xlsx", "马边彝族自治县总工会", rows, total=True)
    wb = openpyxl.load_workbook(path)
    wb.active.cell(7, 8, 999)  # the unit's 合计 row, typed by hand
    wb.save(path)
    _, lst = load_any(path, campaign)
    assert lst is not None and rules_of(lst) == ["L-TOTAL"]
    assert lst.findings[0].cells == ("Sheet1!H7",)


def test_an_old_15_digit_number_is_converted(tmp_path, campaign):
    rows = people(1)
    full = rows[0]["ID"]
    rows[0]["ID"] = full[:6] + full[8:17]  # the first-generation number of the same person
    _, lst = load_any(write_list(tmp_path / "l.xlsx", "市中区总工会", rows), campaign)
    assert lst is not None and rules_of(lst) == ["L-ID-OLD"]
    assert lst.people[0].id == full


def test_two_columns_of_ids_are_not_guessed_between(tmp_path, campaign):
    rows = people(3)
    for r in rows:
        r["OTHER"] = people(1, seed=hash(r["ID"]) % 1000)[0]["ID"]
    headers = ("序号", "姓名", "号码A", "号码B", "困难类别", "金额")
    keys = ("SEQ", "NAME", "ID", "OTHER", "CATEGORY", "AMOUNT")
    _, lst = load_any(write_list(tmp_path / "l.xlsx", "市中区总工会", rows, headers=headers, keys=keys), campaign)
    assert lst is not None
    assert "L-COLUMN-TWICE" in rules_of(lst)
    assert all(p.id == "" for p in lst.people)


def test_a_list_written_by_xlsxwriter(tmp_path, campaign):
    rows = people(4)
    path = tmp_path / "l.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("名单")
    ws.write_string(0, 0, "2017年送温暖慰问花名册")
    ws.write_string(1, 0, "填报单位：五通桥区总工会")
    for c, h in enumerate(HEADERS):
        ws.write_string(3, c, h)
    for r, p in enumerate(rows, start=4):
        for c, key in enumerate(KEYS):
            v = r - 3 if key == "SEQ" else p.get(key)
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), wb.add_format({"num_format": "yyyy-mm-dd"}))
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            elif v is not None:
                ws.write_number(r, c, v)
    wb.close()
    _, lst = load_any(path, campaign)
    assert lst is not None and rules_of(lst) == []
    assert [p.date for p in lst.people] == ["2017-01-10"] * 4


def test_a_list_saved_as_xls_by_libreoffice(tmp_path, campaign):
    exe = require_tool("soffice")
    rows = people(5)
    source = write_list(tmp_path / "市中区-实名制.xlsx", "市中区总工会", rows)
    profile = Path(tempfile.gettempdir()) / f"lo_profile_{os.getpid()}_{uuid.uuid4().hex}"
    out = tmp_path / "xls"
    try:
        subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "xls", "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    _, lst = load_any(out / "市中区-实名制.xls", campaign)
    assert lst is not None and rules_of(lst) == []
    assert [p.id for p in lst.people] == [r["ID"] for r in rows]


def test_a_list_beside_annex1_in_one_workbook(tmp_path, campaign):
    from wennuan_xl.samples import consistent_values, write_plain_return

    values = consistent_values(random.Random(4), 0.3)
    path = write_plain_return(tmp_path / "市中区.xlsx", campaign, values,
                              {"UNIT": "市中区总工会", "DATE": "2017-01-15", "PERSON": "张三", "PHONE": "0833-2133419"}, ("A1",))
    book = openpyxl.load_workbook(path)
    rows = people(3)
    wb_path = write_list(path, "", rows, sheet="实名制", book=book, title="送温暖资金发放实名制汇总表")
    data, lst = load_any(wb_path, campaign)
    assert [f.form_id for f in data.forms] == ["A1"]
    assert lst is not None and lst.unit == "市中区总工会"  # from 附件1's 填报单位 when the list sheet has none
    assert "L-UNIT" not in rules_of(lst)


def test_messages_and_values_show_ids_masked(tmp_path, campaign):
    rows = people(2)
    rows[1] = dict(rows[0])  # the same person twice
    _, lst = load_any(write_list(tmp_path / "l.xlsx", "市中区总工会", rows), campaign)
    assert lst is not None and rules_of(lst) == ["L-DUP-ID"]
    finding = lst.findings[0]
    assert rows[0]["ID"] not in finding.message and mask(rows[0]["ID"]) in finding.message
    assert finding.values == {"L.ID": mask(rows[0]["ID"])}
    assert finding.cells == ("Sheet1!D5", "Sheet1!D6")


def test_a_list_without_a_unit_line_takes_the_unit_its_title_starts_with(tmp_path, campaign):
    rows = people(2)
    path = write_list(tmp_path / "l.xlsx", "", rows, title="乐山市五通桥区总工会2017年送温暖资金发放实名制名单")
    _, lst = load_any(path, campaign)
    assert lst is not None and lst.unit == "乐山市五通桥区总工会" and "L-UNIT" not in rules_of(lst)
    untitled = write_list(tmp_path / "m.xlsx", "", rows, title="2017年工会送温暖资金发放实名制汇总表")
    _, lst = load_any(untitled, campaign)
    assert lst is not None and lst.unit == "" and "L-UNIT" in rules_of(lst)


def test_a_first_person_whose_address_has_a_header_word_is_a_person(tmp_path, campaign):
    rows = people(3)
    rows[0].update(ID="", ADDRESS="市中区某单位宿舍", REMARK="说明见附件")  # words of the 单位 and 备注 headers
    _, lst = load_any(write_list(tmp_path / "l.xlsx", "市中区总工会", rows), campaign)
    assert lst is not None and len(lst.people) == 3
    assert rules_of(lst) == ["L-ID-MISSING"]


def test_a_person_whose_row_reads_like_a_note_is_kept(tmp_path, campaign):
    rows = people(2)
    rows[1].update(ID="", AMOUNT="伍佰元", REMARK="说明：补发")  # no ID, no number: still a person with a name
    _, lst = load_any(write_list(tmp_path / "l.xlsx", "市中区总工会", rows), campaign)
    assert lst is not None and [p.name for p in lst.people] == [r["NAME"] for r in rows]
    assert sorted(rules_of(lst)) == ["L-AMOUNT-NUMBER", "L-ID-MISSING"]


def test_a_hidden_column_is_not_read_and_said(tmp_path, campaign):
    rows = people(3)
    for r in rows:
        r["OLD"] = 300  # last year's amount, hidden by the unit
    headers = ("序号", "姓名", "公民身份号码", "困难类别", "上年金额", "金额（元）")
    keys = ("SEQ", "NAME", "ID", "CATEGORY", "OLD", "AMOUNT")
    path = write_list(tmp_path / "l.xlsx", "市中区总工会", rows, headers=headers, keys=keys)
    book = openpyxl.load_workbook(path)
    book.active.column_dimensions["F"].hidden = True  # the unit hid this year's 金额 column, showing last year's
    book.save(path)
    _, lst = load_any(path, campaign)
    assert lst is not None
    assert all(p.amount is None for p in lst.people)  # never last year's 300 read as this year's 金额
    assert "L-COLUMN" in rules_of(lst)
    assert any("已隐藏，未读取：F 列“金额（元）”" in n for n in notes_of(lst))


def test_last_years_amount_is_never_this_years(tmp_path, campaign):
    rows = people(2)
    for r in rows:
        r["OLD"] = 300
    headers = ("序号", "姓名", "公民身份号码", "困难类别", "上年金额", "慰问标准（元）", "金额（元）")
    keys = ("SEQ", "NAME", "ID", "CATEGORY", "OLD", "OLD", "AMOUNT")
    _, lst = load_any(write_list(tmp_path / "l.xlsx", "市中区总工会", rows, headers=headers, keys=keys), campaign)
    assert lst is not None and rules_of(lst) == []
    assert [p.amount for p in lst.people] == [500.0, 500.0]
    assert any("未能识别" in n and "上年金额" in n for n in notes_of(lst))


def _list_with(tmp_path: Path, amount, writer: str = "openpyxl", fmt: str | None = None) -> Path:
    """A two-person list whose first 金额 is ``amount`` (a formula with ``=``), with the number format ``fmt``."""
    head = ["序号", "姓名", "性别", "公民身份号码", "困难类别", "慰问形式", "金额（元）", "其中物资折款（元）", "发放日期"]
    rows = [[1, "李四", "男", fill("51112319700512013?"), "困难职工", "现金", amount, 0, "2017-01-05"],
            [2, "王芳", "女", fill("51118119850704002?"), "困难职工", "现金", 600, 0, "2017-01-05"]]
    path = tmp_path / f"名单-{writer}.xlsx"
    if writer == "openpyxl":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "名单"
        for line in (["2017年元旦春节“送温暖”资金发放实名制汇总表"], ["填报单位：市中区总工会"], head, *rows):
            ws.append(line)
        if fmt:
            ws["G4"].number_format = fmt
        wb.save(path)
    else:
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("名单")
        for r, line in enumerate([["2017年元旦春节“送温暖”资金发放实名制汇总表"], ["填报单位：市中区总工会"], head, *rows]):
            sheet.write_row(r, 0, line)  # a "=…" string becomes a formula, its saved result 0
        book.close()
    return path


def test_a_list_amount_under_a_percent_format_is_refused_not_counted_as_stored(tmp_path, campaign):
    """800 typed into a 0.00% cell is stored 8 and shown 800.00%: never 8 元 in the totals."""
    _, lst = load_any(_list_with(tmp_path, 8, fmt="0.00%"), campaign)
    [refusal] = [f for f in lst.findings if f.rule == "L-SHOWN"]
    assert refusal.severity is Severity.ERROR and refusal.cells == ("名单!G4",)
    assert "按百分比显示" in refusal.message and "存的是“8”" in refusal.message
    assert lst.totals["L_AMOUNT"] == 600
    assert not [f for f in lst.findings if "名单!G4" in f.cells and f.rule != "L-SHOWN"]  # not 未填写金额


def test_a_list_amount_whose_saved_result_is_not_its_formulas_is_refused(tmp_path, campaign):
    """xlsxwriter saves 0 for =500+300 and asks Excel to recalculate: never 0 元 in the totals."""
    _, lst = load_any(_list_with(tmp_path, "=500+300", writer="xlsxwriter"), campaign)
    [refusal] = [f for f in lst.findings if f.rule == "L-RECALC"]
    assert refusal.cells == ("名单!G4",) and "保存的结果是 0，按公式算得 800" in refusal.message
    assert lst.totals["L_AMOUNT"] == 600
    assert not [f for f in lst.findings if "名单!G4" in f.cells and f.rule != "L-RECALC"]


def test_a_list_amount_in_plain_formats_reads(tmp_path, campaign):
    _, lst = load_any(_list_with(tmp_path, 800, fmt='#,##0.00"元"'), campaign)
    assert rules_of(lst) == [] and lst.totals["L_AMOUNT"] == 1400
