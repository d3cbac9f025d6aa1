"""溯源 on the master (remote engine): after 汇总 of a folder holding two county unions' roll-ups (层层汇总) and
a return sent straight to the city, the clerk selects a total on 汇总-附件1 and clicks 溯源, with a return open
beside the master. The 溯源 sheet lists every unit, file and cell behind the total at both levels, with its
value, as the core traces it from the CLI's own workbook; what the clerk did wrong gets a message."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from wennuan_xl.core.layout import layout_for
from wennuan_xl.core.provenance import (
    LOWER_HINT,
    LOWER_SHEET,
    TRACE_HEADERS,
    TRACE_HINT,
    TRACE_SHEET,
    trace,
    trace_message,
    trace_table,
)
from wennuan_xl.core.rollup_read import read_record
from wennuan_xl.core.tables import DETAIL_SHEET, grid
from wennuan_xl.excel import buttons
from wennuan_xl.files.read import read_workbook
from wennuan_xl.jobs import consolidate_folder, settings

from .conftest import alerts, open_book, open_master, payload_for, write_unit_return
from .replay import as_saved, book_model, shown

SAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "samples" / "returns"
COUNTIES = {
    "犍为县总工会": ("沙湾区-附件1.xlsx", "沙湾区-附件2.xlsx", "五通桥区-附件1.xlsx", "五通桥区-附件2.xlsx"),
    "井研县总工会": ("夹江县-附件1.xlsx", "夹江县-附件2.xlsx", "峨眉山市-附件1.xlsx", "峨眉山市-附件2.xlsx"),
}
BASE_UNITS = {"犍为县总工会": ("沙湾区总工会", "五通桥区总工会"), "井研县总工会": ("夹江县总工会", "峨眉山市总工会")}
DIRECT = ("市属基层-附件1.xlsx", "市属基层-附件2.xlsx")
DAY = dt.date(2017, 1, 16)


def dated(job):
    """The run's settings with the 汇总 sheets dated DAY (Settings.feedback_day dates them)."""
    return dataclasses.replace(job, feedback_day=DAY)


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    """The city's returns folder: the two counties' roll-ups (each made by this program from sample returns)
    and 市属基层工会's own two files."""
    root = tmp_path_factory.mktemp("溯源")
    folder = root / "退回表"
    folder.mkdir()
    for county, files in COUNTIES.items():
        own = root / county
        own.mkdir()
        for name in files:
            shutil.copyfile(SAMPLES / name, own / name)
        roster = root / f"{county}.csv"
        with open(roster, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([["单位名称", "选择汇总"], *([u, "是"] for u in BASE_UNITS[county])])
        consolidate_folder(own, folder / f"{county}-汇总.xlsx", dated(settings(roster=roster, unit=county, workers=1)))
    for name in DIRECT:
        shutil.copyfile(SAMPLES / name, folder / name)
    return folder


def hold(book) -> None:
    """What Excel now shows becomes what the next click reads (the remote engine keeps no cell state)."""
    saved = as_saved(book)
    for api, held in zip(book.impl.api["sheets"], saved["sheets"]):
        api["values"] = held["values"]


def select(book, sheet: str, a1: str) -> None:
    """The clerk clicks cell ``a1`` of ``sheet`` in the master."""
    names = [s["name"] for s in book.impl.api["sheets"]]
    book.impl.api["book"]["active_sheet_index"] = names.index(sheet)
    book.impl.api["book"]["selection"] = a1


def consolidated_master(tmp_path, campaign, folder: Path):
    """A return open beside the master, the master active: 汇总, then what Excel shows is held."""
    other = write_unit_return(campaign, tmp_path / "另开的退回表.xlsx")
    open_book(payload_for(other))
    master = open_master(tmp_path, {"WN_FOLDER": str(folder)})
    buttons.consolidate()
    assert alerts(master)[-1].startswith("汇总完成")
    hold(master)
    return master


def test_the_consolidations_message_counts_the_base_returns_inside_the_rollups(tmp_path, campaign, city):
    master = consolidated_master(tmp_path, campaign, city)
    assert alerts(master)[-1].startswith("汇总完成：附件1 3 个单位、附件2 3 个单位。\n其中 2 个单位报送的是下级汇总表，"
                                         "按最基层的报表计：附件1 5 个单位、附件2 5 个单位。\n")


def a1_of(campaign, code: str) -> str:
    row, col = layout_for(campaign.form(campaign.field(code).form_id)).field_cell(code)
    return f"{chr(64 + col)}{row}"


def shown_rows(book, sheet: str) -> list[list[object]]:
    model = book_model(book).sheet(sheet)
    height, width = max(r for r, _ in model.values), max(c for _, c in model.values)
    return [[shown(model.values.get((r, c))) for c in range(1, width + 1)] for r in range(1, height + 1)]


@pytest.mark.parametrize("code", ["A1.01A", "A1.05", "A2.06B"])
def test_trace_lists_every_unit_file_and_cell_behind_the_selected_total(tmp_path, campaign, city, code):
    master = consolidated_master(tmp_path, campaign, city)
    select(master, f"汇总-{campaign.form(code[:2]).annex}", a1_of(campaign, code))
    buttons.trace()
    message = alerts(master)[-1]
    # what the core traces from the command line's workbook of the same folder
    _, cli = consolidate_folder(city, tmp_path / "cli.xlsx", settings(workers=1))
    record = read_record(read_workbook(cli), campaign, statuses=False)
    lines = trace(record.origins, code, campaign)
    expected = [[blank(c.value if c is not None else None) for c in row] for row in grid(trace_table(lines, code, record.totals[code], campaign))]
    assert [[blank(v) for v in row] for row in shown_rows(master, TRACE_SHEET)] == expected
    assert message == trace_message(lines, code, record.totals[code], campaign)
    assert "其中 2 个是下级汇总表，共含 4 个下级单位的报表" in message and f"已列在“{TRACE_SHEET}”表中" in message
    rows = shown_rows(master, TRACE_SHEET)
    header = rows[2]
    assert header == list(TRACE_HEADERS)
    listed = [dict(zip(header, r)) for r in rows[3:] if isinstance(r[0], int)]
    files = {(r["层级"], r["文件"]) for r in listed}
    for county, names in COUNTIES.items():
        assert (1, f"{county}-汇总.xlsx") in files
        assert {(2, n) for n in names if ("附件1" in n) == code.startswith("A1")} <= files
    assert (1, DIRECT[0] if code.startswith("A1") else DIRECT[1]) in files
    for r in listed:  # every line names a cell of its file, on the sheet it was read from
        assert "!" in r["单元格"], r


def blank(value):
    return None if value == "" else value


def test_a_retyped_base_return_is_traced_to_its_own_cell(tmp_path, campaign, city):
    # 峨眉山市-附件1 was retyped on a sheet of its own (located by the labels): its cell is not the template's.
    master = consolidated_master(tmp_path, campaign, city)
    select(master, "汇总-附件1", a1_of(campaign, "A1.02A"))
    buttons.trace()
    rows = shown_rows(master, TRACE_SHEET)
    line = next(dict(zip(rows[2], r)) for r in rows[3:] if r[4] == "峨眉山市-附件1.xlsx")
    assert line["单元格"].startswith("Sheet1!") and line["单元格"] != f"Sheet1!{a1_of(campaign, 'A1.02A')}"
    assert line["经由"] == "井研县总工会" and line["层级"] == 2


def test_a_selection_that_is_no_total_is_answered_with_what_to_do(tmp_path, campaign, city):
    master = consolidated_master(tmp_path, campaign, city)
    select(master, DETAIL_SHEET, "E4")
    buttons.trace()
    assert alerts(master)[-1].startswith("现在选中的是“明细”表的单元格。请先在“汇总-附件1”或“汇总-附件2”表中点选一个汇总数")
    select(master, "汇总-附件1", "A2")
    buttons.trace()
    assert alerts(master)[-1].startswith("“汇总-附件1”表第 2 行不是某一项的汇总数。")


def test_before_any_consolidation_the_clerk_is_told_to_consolidate_first(tmp_path, campaign):
    master = open_master(tmp_path, {})
    select(master, "汇总-附件1", "E7")
    buttons.trace()
    assert alerts(master) == ["本工作簿还没有汇总结果：请先点“汇总”，再在“汇总-附件1”表中选中汇总数点“溯源”。"]


def test_a_total_typed_over_after_the_consolidation_is_not_traced(tmp_path, campaign, city):
    master = consolidated_master(tmp_path, campaign, city)
    sheet = next(s for s in master.impl.api["sheets"] if s["name"] == "汇总-附件1")
    sheet["values"][6][4] = 1  # E7, 01(A), typed over by hand
    select(master, "汇总-附件1", "E7")
    position = [s["name"] for s in master.impl.api["sheets"]].index(TRACE_SHEET)
    before = sum(1 for a in master.json()["actions"] if a["func"] == "setValues" and a["sheet_position"] == position)
    buttons.trace()
    message = alerts(master)[-1]
    assert message.startswith("无法溯源01(A) 当地职工总数：本工作簿的汇总结果中工作表“汇总-附件1”的 E7（01(A) 当地职工总数）是 1")
    assert "请重新点“汇总”后再试" in message
    after = sum(1 for a in master.json()["actions"] if a["func"] == "setValues" and a["sheet_position"] == position)
    assert after == before, "nothing is written to 溯源"


def test_a_second_consolidation_without_rollups_leaves_no_stale_lower_sheet(tmp_path, campaign, city):
    master = consolidated_master(tmp_path, campaign, city)
    plain = tmp_path / "只有基层"
    plain.mkdir()
    write_unit_return(campaign, plain / "市中区.xlsx")
    entry = next(n for n in master.impl.api["names"] if n["name"] == "WN_FOLDER")
    master.impl.api["sheets"][entry["sheet_index"]]["values"][1][1] = str(plain)
    buttons.consolidate()
    assert alerts(master)[-1].startswith("汇总完成"), alerts(master)[-1]
    hold(master)
    assert shown_rows(master, LOWER_SHEET) == [[LOWER_HINT]]
    assert shown_rows(master, TRACE_SHEET) == [[TRACE_HINT]]
    select(master, "汇总-附件1", "E7")
    buttons.trace()
    assert "其中" not in alerts(master)[-1] and alerts(master)[-1].startswith("01(A) 当地职工总数：汇总数")


def test_the_master_after_its_consolidation_can_itself_be_sent_up_as_a_rollup(tmp_path, campaign, city):
    # A county clerk consolidating in Excel (本单位名称 set on 设置) may send the master itself: its sheets, as Excel
    # shows them after 汇总, are read by the city as that county's return, the chain under it included.
    import openpyxl

    from wennuan_xl.core.rollup_read import read_rollup

    master = open_master(tmp_path, {"WN_FOLDER": str(city), "WN_UNIT": "峨边彝族自治县总工会", "WN_PERSON": "李红",
                                    "WN_PHONE": "0833-5123456"})
    buttons.consolidate()
    saved = openpyxl.Workbook()
    saved.remove(saved.worksheets[0])
    for sheet in as_saved(master)["sheets"]:
        ws = saved.create_sheet(sheet["name"])
        for row in sheet["values"]:
            ws.append([v for v in row])
    path = tmp_path / "峨边县-主工作簿.xlsx"
    saved.save(path)
    data, rollup = read_rollup(read_workbook(path), campaign)
    assert rollup.unit == "峨边彝族自治县总工会" and rollup.base_count("A1") == 5
    _, cli = consolidate_folder(city, tmp_path / "cli.xlsx", settings(workers=1))
    record = read_record(read_workbook(cli), campaign, statuses=False)
    form = data.form("A1")
    assert form is not None and form.cover_raw["PERSON"] == "李红"
    for code in ("A1.01A", "A1.05", "A1.10H"):
        assert form.raw[code] == record.totals[code]
    deepest = {o.file for o in rollup.origins if o.level == 2 and o.form == "A1"}
    assert deepest == {n for names in COUNTIES.values() for n in names if "附件1" in n}
