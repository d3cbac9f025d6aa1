"""Which unit a return belongs to: 填报单位 matched against the roster (exact, normalised, close), the file
name as fallback, units off the roster listed but never summed; a roster file given with --roster."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.core.consolidate import MISSING, OFF_ROSTER, REPORTED

from .conftest import (
    DETAIL_SHEET,
    assert_totals,
    consolidate_dir,
    findings_table,
    load,
    one_row,
    rows_for,
    status_table,
    total_sheet_value,
    unit_values,
    write_return,
)

ROSTER_UNIT = "市中区总工会"


@pytest.mark.parametrize(
    "typed, how",
    [
        ("市中区总工会", "exact"),
        ("乐山市 市中区工会", "normalised"),
        ("乐山市　市中区总工会", "normalised"),  # ideographic (full-width) space
        ("（乐山市）市中区总工会", "normalised"),  # full-width brackets
        ("市中区工会", "normalised"),
        ("四川省乐山市市中区总工会", "normalised"),
        ("市中区总公会", "close"),  # 公 for 工: a typo
    ],
)
def test_typed_unit_is_matched_to_the_roster(folder, out_dir, campaign, rules, typed, how):
    values = unit_values(60)
    write_return(campaign, folder, "报表.xlsx", typed, values)
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    [row] = [r for r in result.rows if r.file == "报表.xlsx"]
    assert (row.unit, row.status, row.match, row.included) == (ROSTER_UNIT, REPORTED, how, True)
    for form in ("A1", "A2"):
        assert_totals(result, campaign, form, [values])
    sheet_row = one_row(status_table(load(out)), 单位=ROSTER_UNIT)
    assert sheet_row["表内填报单位"] == typed.strip()
    if how == "close":
        assert "请确认" in sheet_row["备注"] and typed in sheet_row["备注"]
    else:
        assert sheet_row["备注"] == ""
    assert not [r for r in result.rows if r.status == OFF_ROSTER]


def test_close_match_also_gets_a_roster_warning_naming_the_suggestion(folder, out_dir, campaign, rules):
    write_return(campaign, folder, "报表.xlsx", "市中区总公会", unit_values(61))
    _, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    findings = rows_for(findings_table(load(out)), 规则="H-ROSTER")
    assert {f["单位"] for f in findings} == {ROSTER_UNIT}
    assert {f["附件"] for f in findings} == {"附件1", "附件2"}
    assert all(ROSTER_UNIT in f["问题说明"] and f["级别"] == "提示" for f in findings)


@pytest.mark.parametrize(
    "names",
    [
        ("沙湾区总工会.xlsx",),
        ("沙湾区-送温暖统计表.xlsx",),
        ("沙湾区-附件1.xlsx", "沙湾区-附件2.xlsx"),  # how the bundled samples are named
        ("乐山市沙湾区总工会-附件1(修改).xlsx", "乐山市沙湾区总工会-附件2(修改).xlsx"),
    ],
)
def test_file_name_is_the_fallback_when_the_unit_is_blank(folder, out_dir, campaign, rules, names):
    values = unit_values(62)
    for name, forms in zip(names, (("A1", "A2"),) if len(names) == 1 else (("A1",), ("A2",))):
        write_return(campaign, folder, name, "", values, forms=forms)
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    [row] = [r for r in result.rows if r.unit == "沙湾区总工会"]
    assert (row.status, row.match, row.included, row.forms) == (REPORTED, "file", True, ("A1", "A2"))
    assert "文件名" in row.remark and "请确认" in row.remark
    assert result.unit_counts == {"A1": 1, "A2": 1}
    for form in ("A1", "A2"):
        assert_totals(result, campaign, form, [values])
    # The missing 填报单位 is still an 错误 of that unit's return, reported under its roster name.
    h_unit = rows_for(findings_table(load(out)), 规则="H-UNIT")
    assert {f["单位"] for f in h_unit} == {"沙湾区总工会"} and len(h_unit) == 2


def test_unit_off_the_roster_is_listed_but_not_summed(folder, out_dir, campaign, rules):
    member, stranger = unit_values(63), unit_values(64)
    write_return(campaign, folder, "市中区-送温暖统计表.xlsx", ROSTER_UNIT, member)
    write_return(campaign, folder, "某某公司-送温暖统计表.xlsx", "某某公司工会", stranger)
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    assert result.unit_counts == {"A1": 1, "A2": 1}
    for form in ("A1", "A2"):
        assert_totals(result, campaign, form, [member])
    book = load(out)
    assert total_sheet_value(book, campaign, "A1.01A") == member["A1.01A"]
    row = one_row(status_table(book), 单位="某某公司工会")
    assert row["上报情况"] == OFF_ROSTER and row["计入汇总"] == "否"
    assert row["文件"] == "某某公司-送温暖统计表.xlsx" and "名单" in row["备注"]
    assert len(status_table(book)) == len(campaign.roster) + 1
    detail = {r[0]: r for r in book[DETAIL_SHEET].iter_rows(min_row=4, values_only=True)}
    assert detail["某某公司工会"][1:3] == (OFF_ROSTER, "否")
    assert detail[ROSTER_UNIT][1:3] == (REPORTED, "是")
    assert {f["单位"] for f in rows_for(findings_table(book), 规则="H-ROSTER")} == {"某某公司工会"}


# --- a roster file ---------------------------------------------------------------------------------------

ROSTER = [("单位名称", "选择汇总"), ("市中区总工会", "是"), ("沙湾区总工会", "否"), ("新设区总工会", "是")]


def write_roster(path, kind: str) -> None:
    if kind == "xlsx":
        book = openpyxl.Workbook()
        for row in ROSTER:
            book.active.append(row)
        book.save(path)
    else:
        encoding = "utf-8-sig" if kind == "csv" else "gb18030"
        with open(path, "w", encoding=encoding, newline="") as fh:
            csv.writer(fh).writerows(ROSTER)


@pytest.mark.parametrize("kind", ["csv", "csv-gbk", "xlsx"])
def test_roster_file_from_the_command_line(tmp_path, folder, out_dir, campaign, capsys, kind):
    roster = tmp_path / ("名单.xlsx" if kind == "xlsx" else "名单.csv")
    write_roster(roster, kind)
    chosen, not_chosen, stranger = unit_values(65), unit_values(66), unit_values(67)
    write_return(campaign, folder, "市中区-送温暖统计表.xlsx", "市中区总工会", chosen)
    write_return(campaign, folder, "沙湾区-送温暖统计表.xlsx", "沙湾区总工会", not_chosen)
    write_return(campaign, folder, "五通桥区-送温暖统计表.xlsx", "五通桥区总工会", stranger)  # not on this roster
    out = out_dir / "汇总.xlsx"
    code = main(["consolidate", str(folder), "-o", str(out), "--roster", str(roster), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["unit_counts"] == {"A1": 1, "A2": 1}
    for code_, total in data["totals"].items():
        if isinstance(total, dict):
            assert total == {"是": int(chosen[code_] == "是"), "否": int(chosen[code_] == "否")}, code_
        else:
            assert total == pytest.approx(chosen[code_], abs=1e-6), code_
    statuses = {u["unit"]: u["status"] for u in data["units"]}
    assert statuses == {"市中区总工会": REPORTED, "沙湾区总工会": REPORTED, "新设区总工会": MISSING, "五通桥区总工会": OFF_ROSTER}
    book = load(out)
    rows = status_table(book)
    assert one_row(rows, 单位="市中区总工会")["计入汇总"] == "是"
    skipped = one_row(rows, 单位="沙湾区总工会")
    assert skipped["计入汇总"] == "否" and "未选择汇总" in skipped["备注"]
    assert total_sheet_value(book, campaign, "A1.05") == pytest.approx(chosen["A1.05"])
    assert "应报 3 个单位" in book["上报情况"]["A2"].value
    last = book["汇总-附件1"].max_row
    assert "本表汇总 1 个单位" in book["汇总-附件1"].cell(last, 1).value
    assert "应报 2 个" in book["汇总-附件1"].cell(last, 1).value


def test_unknown_typed_unit_in_a_unit_named_file_is_attributed_by_file_name(folder, out_dir, campaign, rules):
    values = unit_values(68)
    write_return(campaign, folder, "沙湾区-送温暖统计表.xlsx", "某某公司工会", values)
    result, _ = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    [row] = [r for r in result.rows if r.file == "沙湾区-送温暖统计表.xlsx"]
    assert (row.unit, row.status, row.match, row.typed) == ("沙湾区总工会", REPORTED, "file", "某某公司工会")
    # The remark says what happened: the unit was written, but is not on the roster.
    assert "某某公司工会" in row.remark and "未写明" not in row.remark and "请确认" in row.remark


@pytest.mark.parametrize(
    "stem, unit",
    [
        ("市中区总工会-附件1(修改)", "市中区总工会"),
        ("沙湾区-附件1", "沙湾区总工会"),
        ("乐山市 五通桥区工会 附件2", "五通桥区总工会"),
        ("峨眉山景区管委会-附件1", "峨眉山景区管委会工会"),
        ("峨眉山市-附件1", "峨眉山市总工会"),
        ("乐山高新区－送温暖统计表", "乐山高新区工会"),
        ("附件1", None),
        ("市中区与沙湾区合并", None),  # two units named: no guess
        ("汇总表", None),
    ],
)
def test_unit_named_in_a_file_name(campaign, stem, unit):
    from wennuan_xl.core.consolidate import unit_in_file_name

    found = unit_in_file_name(stem, campaign)
    assert (found.name if found else None) == unit


def test_roster_reaches_the_worker_processes(folder, campaign, rules):
    """Read in parallel, each file is checked against the roster given, not the built-in one."""
    from dataclasses import replace

    from wennuan_xl.core.forms import RosterUnit
    from wennuan_xl.files.bulk import read_folder
    from wennuan_xl.files.campaign_files import load_rules

    small = replace(campaign, roster=(RosterUnit("市中区总工会"), RosterUnit("新设区总工会")))
    small_rules = load_rules(small)
    names = [u.name for u in campaign.roster][:8]
    for i, unit in enumerate(names):
        write_return(campaign, folder, f"{i:02d}.xlsx", unit, unit_values(200 + i))
    serial = read_folder(folder, small, small_rules, workers=1)
    parallel = read_folder(folder, small, small_rules, workers=2)
    assert len(parallel) == 8 and [r.findings for r in parallel] == [r.findings for r in serial]
    off = {r.unit_typed for r in parallel if any(f.rule == "H-ROSTER" for f in r.findings)}
    assert off == set(names) - {"市中区总工会"}


def test_a_unit_matched_against_another_roster_is_matched_again(folder, campaign, rules):
    """Returns read and checked against one roster, consolidated with another: each 填报单位 is matched
    against the roster of the consolidation, and a unit on it is 已报, not 名单外."""
    from dataclasses import replace

    from wennuan_xl.core.consolidate import consolidate
    from wennuan_xl.core.forms import RosterUnit
    from wennuan_xl.files.bulk import read_folder
    from wennuan_xl.files.campaign_files import load_rules

    small = replace(campaign, roster=(RosterUnit("市中区总工会"),))
    write_return(campaign, folder, "a.xlsx", "沙湾区总工会", unit_values(90))
    write_return(campaign, folder, "b.xlsx", "市中区总公会", unit_values(91))
    returns = read_folder(folder, small, load_rules(small), workers=1)
    result = consolidate(returns, campaign, rules)
    rows = {r.file: (r.unit, r.status, r.match) for r in result.rows if r.file}
    assert rows == {"a.xlsx": ("沙湾区总工会", REPORTED, "exact"), "b.xlsx": ("市中区总工会", REPORTED, "close")}


def test_each_unit_name_is_matched_once_per_file(folder, campaign, rules, monkeypatch):
    """The worker that checks a file matches its 填报单位 (once for both annexes); the consolidation takes
    that match over and matches no 填报单位 again (a file name is only looked up)."""
    from wennuan_xl.core import roster
    from wennuan_xl.core.consolidate import consolidate
    from wennuan_xl.files.bulk import read_folder

    typed = {"a.xlsx": "市中区总工会", "b.xlsx": "乐山市沙湾区工会", "c.xlsx": "五通桥区总公会", "d.xlsx": "某某公司工会"}
    for i, (name, unit) in enumerate(typed.items()):
        write_return(campaign, folder, name, unit, unit_values(92 + i))
    returns = read_folder(folder, campaign, rules, workers=1)
    assert {r.file: r.unit_match.how for r in returns} == {"a.xlsx": "exact", "b.xlsx": "normalised",
                                                          "c.xlsx": "close", "d.xlsx": "none"}
    matched = []
    monkeypatch.setattr(roster.RosterIndex, "_match", lambda self, text: matched.append(text))
    result = consolidate(returns, campaign, rules)
    assert matched == []
    status = {r.file: (r.unit, r.status) for r in result.rows if r.file}
    assert status == {"a.xlsx": ("市中区总工会", REPORTED), "b.xlsx": ("沙湾区总工会", REPORTED),
                      "c.xlsx": ("五通桥区总工会", REPORTED), "d.xlsx": ("某某公司工会", OFF_ROSTER)}
