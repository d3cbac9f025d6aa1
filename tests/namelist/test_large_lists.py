"""Lists of thousands of people, as a county union sends them: one sheet, written here with xlsxwriter (never
with our template writer). The hostile-input guard admits them (limits.MAX_CELLS, MAX_TEXT_BYTES are set for
a list of 10,000 people); the annex locator's own limit on text counts only the sheets it is given, so a
sheet where 附件1 is looked for is still refused when it holds more text than the locator can compare."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
import xlsxwriter

from wennuan_xl.cli.main import main
from wennuan_xl.core.findings import ReturnUnusable
from wennuan_xl.files import limits
from wennuan_xl.files.namelist_source import load_any

from .lists import HEADERS, KEYS, person

STREETS = ("嘉州大道", "白塔街", "土桥街", "致江路", "柏杨路", "肖坝路", "滨河路", "春华路")


def big_list(path: Path, n: int, remark: str = "", seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    seen: set[object] = set()  # no one twice: neither the same ID nor the same name and birth date
    while len(rows) < n:
        p = person(rng, category=rng.choice(("困难职工", "困难职工", "困难农民工", "一线职工")))
        if p["ID"] in seen or (p["NAME"], p["ID"][6:14]) in seen:
            continue
        seen.update((p["ID"], (p["NAME"], p["ID"][6:14])))
        p["ADDRESS"] = f"乐山市市中区{rng.choice(STREETS)}{rng.randrange(1, 400)}号"
        p["REMARK"] = remark
        rows.append(p)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("实名制名单")
    ws.write_string(0, 0, "2017年送温暖资金发放实名制汇总表")
    ws.write_string(1, 0, "填报单位：市中区总工会")
    for c, h in enumerate(HEADERS):
        ws.write_string(3, c, h)
    for r, p in enumerate(rows, start=4):
        for c, key in enumerate(KEYS):
            v = r - 3 if key == "SEQ" else p[key]
            if isinstance(v, dt.date):
                ws.write_string(r, c, f"{v.year}年{v.month}月{v.day}日")
            elif isinstance(v, str):
                if v:
                    ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
    wb.close()
    return rows


def test_a_list_of_8000_people_in_one_sheet_is_read_whole(tmp_path, capsys, campaign):
    """Before: the guard refused any workbook of more than 512 KB of text, about 1,200 people."""
    path = tmp_path / "市中区-实名制.xlsx"
    rows = big_list(path, 8000)
    data, lst = load_any(path, campaign)
    assert data.forms == ()
    assert lst is not None and len(lst.people) == 8000
    assert [p.id for p in lst.people[:3]] == [r["ID"] for r in rows[:3]] and lst.people[-1].id == rows[-1]["ID"]
    assert lst.totals["L_AMOUNT"] == 500 * 8000
    assert [f.rule for f in lst.findings if f.rule.startswith("L-DUP")] == []
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "无法读取" not in out and "不予读取" not in out
    assert "8,000 人，金额合计 4,000,000.00 元（400.0000 万元）" in out


def test_a_list_with_long_remarks_is_read_but_as_much_where_annex1_is_sought_is_refused(tmp_path, campaign):
    remark = "家庭困难，" * 40  # 200 characters, 600 bytes a person: 1,000 people hold ~600 KB of remarks
    listed = tmp_path / "list.xlsx"
    big_list(listed, 1000, remark=remark)
    _, lst = load_any(listed, campaign)
    assert lst is not None and len(lst.people) == 1000

    sheet = tmp_path / "附件1.xlsx"
    wb = xlsxwriter.Workbook(str(sheet))
    ws = wb.add_worksheet("附件1")
    ws.write_string(0, 0, "附件1")
    ws.write_string(1, 0, "送温暖活动统计表")
    for r in range(2, 1002):
        ws.write_string(r, 1, f"{r} {remark}")
    wb.close()
    with pytest.raises(ReturnUnusable) as caught:
        load_any(sheet, campaign)
    reason = caught.value.reason
    assert f"文字内容合计超过 {limits.LOCATOR_TEXT_BYTES // 1024} KB" in reason and "“附件1”" in reason
    assert "实名制名单" in reason  # it says how a list sheet gets read


def test_as_many_numbers_as_a_list_holds_where_annex1_is_sought_are_refused(tmp_path, campaign):
    path = tmp_path / "附件1.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("附件1")
    ws.write_string(0, 0, "送温暖活动统计表")
    for r in range(1, 6001):
        for c in range(10):
            ws.write_number(r, c, r * c)
    wb.close()
    with pytest.raises(ReturnUnusable) as caught:
        load_any(path, campaign)
    assert f"有超过 {limits.LOCATOR_CELLS:,} 个填有内容的单元格" in caught.value.reason
