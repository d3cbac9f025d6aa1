"""A unit that sends an annex twice: the newer file counts, the older is 已被替代, nothing is summed twice."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from wennuan_xl.core.consolidate import REPORTED, SUPERSEDED

from .conftest import (
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

UNIT = "夹江县总工会"
OTHER = "沙湾区总工会"


def used_file(result, unit: str, form: str) -> str:
    [u] = [u for u in result.used if u.unit == unit and u.form == form]
    return u.returned.file


def set_mtime(path, when: dt.datetime) -> None:
    t = when.timestamp()
    os.utime(path, (t, t))


def test_newer_report_date_wins_over_newer_file_time(folder, out_dir, campaign, rules):
    old, new, other = unit_values(10), unit_values(11), unit_values(12)
    old_path = write_return(campaign, folder, "夹江县-附件1（1月10日）.xlsx", UNIT, old, forms=("A1",), date=dt.date(2017, 1, 10))
    new_path = write_return(campaign, folder, "夹江县-附件1.xlsx", UNIT, new, forms=("A1",), date=dt.date(2017, 1, 18))
    write_return(campaign, folder, "夹江县-附件2.xlsx", UNIT, new, forms=("A2",))
    write_return(campaign, folder, "沙湾区-送温暖统计表.xlsx", OTHER, other)
    # The old file was copied into the folder last: its file time is the newest. The date inside decides.
    set_mtime(new_path, dt.datetime(2017, 1, 18, 9))
    set_mtime(old_path, dt.datetime(2017, 1, 25, 9))
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)

    assert used_file(result, UNIT, "A1") == "夹江县-附件1.xlsx"
    assert result.unit_counts == {"A1": 2, "A2": 2}
    assert_totals(result, campaign, "A1", [new, other])
    assert_totals(result, campaign, "A2", [new, other])
    book = load(out)
    assert total_sheet_value(book, campaign, "A1.04A") == new["A1.04A"] + other["A1.04A"]
    rows = status_table(book)
    old_row = one_row(rows, 文件="夹江县-附件1（1月10日）.xlsx")
    assert old_row["上报情况"] == SUPERSEDED and old_row["单位"] == UNIT
    assert old_row["附件"] == "附件1" and old_row["计入汇总"] == "否"
    assert old_row["填报日期"] == "2017-01-10"
    # It says which file counts instead, and why.
    assert old_row["备注"] == ("本文件未使用：同一单位的附件1以“夹江县-附件1.xlsx”为准：其填报日期 2017-01-18 "
                             "晚于本文件的填报日期 2017-01-10")
    current = one_row(rows, 单位=UNIT, 上报情况=REPORTED)
    assert current["文件"] == "夹江县-附件1.xlsx；夹江县-附件2.xlsx"
    assert current["填报日期"] == "2017-01-18"
    assert len(rows_for(rows, 上报情况=SUPERSEDED)) == 1


def test_report_date_typed_as_text_is_compared_as_a_date(folder, out_dir, campaign, rules):
    old, new = unit_values(13), unit_values(14)
    write_return(campaign, folder, "b.xlsx", UNIT, old, forms=("A1",), date=dt.date(2017, 1, 9))
    write_return(campaign, folder, "a.xlsx", UNIT, new, forms=("A1",), date="2017年1月12日")
    set_mtime(folder / "a.xlsx", dt.datetime(2017, 1, 1))
    result, _ = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    assert used_file(result, UNIT, "A1") == "a.xlsx"
    assert [r.file for r in result.rows if r.status == SUPERSEDED] == ["b.xlsx"]
    assert_totals(result, campaign, "A1", [new])


@pytest.mark.parametrize("newer", ["a.xlsx", "b.xlsx"])
def test_equal_dates_newer_file_time_wins(folder, out_dir, campaign, rules, newer):
    values = {"a.xlsx": unit_values(20), "b.xlsx": unit_values(21)}
    for name, v in values.items():
        write_return(campaign, folder, name, UNIT, v, forms=("A1",), date=dt.date(2017, 1, 15))
    older = "b.xlsx" if newer == "a.xlsx" else "a.xlsx"
    set_mtime(folder / older, dt.datetime(2017, 1, 15, 9))
    set_mtime(folder / newer, dt.datetime(2017, 1, 16, 9))
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    assert used_file(result, UNIT, "A1") == newer
    assert_totals(result, campaign, "A1", [values[newer]])
    assert result.unit_counts["A1"] == 1
    rows = status_table(load(out))
    assert one_row(rows, 文件=older)["上报情况"] == SUPERSEDED
    assert one_row(rows, 文件=older)["备注"] == f"本文件未使用：同一单位的附件1以“{newer}”为准：两份的填报日期相同，其文件修改时间较晚"
    assert one_row(rows, 单位=UNIT, 上报情况=REPORTED)["文件"] == newer


def test_separate_annex_files_and_one_combined_workbook_count_once_per_annex(folder, out_dir, campaign, rules):
    sep, comb = unit_values(30), unit_values(31)
    write_return(campaign, folder, "夹江县-附件1.xlsx", UNIT, sep, forms=("A1",))
    write_return(campaign, folder, "夹江县-附件2.xlsx", UNIT, sep, forms=("A2",))
    write_return(campaign, folder, "沙湾区-送温暖统计表.xlsx", OTHER, comb, styled=True)
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    assert result.unit_counts == {"A1": 2, "A2": 2}
    assert sorted((u.unit, u.form) for u in result.used) == sorted(
        [(UNIT, "A1"), (UNIT, "A2"), (OTHER, "A1"), (OTHER, "A2")]
    )
    for form in ("A1", "A2"):
        assert_totals(result, campaign, form, [sep, comb])
    rows = status_table(load(out))
    a = one_row(rows, 单位=UNIT)
    b = one_row(rows, 单位=OTHER)
    assert a["上报情况"] == b["上报情况"] == REPORTED
    assert a["附件"] == b["附件"] == "附件1、附件2"
    assert a["文件"] == "夹江县-附件1.xlsx；夹江县-附件2.xlsx"
    assert b["文件"] == "沙湾区-送温暖统计表.xlsx"
    assert not rows_for(rows, 上报情况=SUPERSEDED)


def test_a_correction_of_one_annex_replaces_only_that_annex_of_a_combined_workbook(folder, out_dir, campaign, rules):
    first, corrected = unit_values(40), unit_values(41)
    write_return(campaign, folder, "夹江县-送温暖统计表.xlsx", UNIT, first, date=dt.date(2017, 1, 10))
    write_return(campaign, folder, "夹江县-附件1（更正）.xlsx", UNIT, corrected, forms=("A1",), date=dt.date(2017, 1, 12))
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    assert used_file(result, UNIT, "A1") == "夹江县-附件1（更正）.xlsx"
    assert used_file(result, UNIT, "A2") == "夹江县-送温暖统计表.xlsx"
    assert_totals(result, campaign, "A1", [corrected])
    assert_totals(result, campaign, "A2", [first])
    rows = status_table(load(out))
    old = one_row(rows, 上报情况=SUPERSEDED)
    assert old["文件"] == "夹江县-送温暖统计表.xlsx" and old["附件"] == "附件1"
    assert one_row(rows, 单位=UNIT, 上报情况=REPORTED)["附件"] == "附件1、附件2"


def test_three_copies_only_the_newest_counts(folder, out_dir, campaign, rules):
    copies = {f"v{i}.xlsx": unit_values(50 + i) for i in range(3)}
    for i, (name, v) in enumerate(copies.items()):
        write_return(campaign, folder, name, UNIT, v, date=dt.date(2017, 1, 10 + i))
    result, _ = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    assert result.unit_counts == {"A1": 1, "A2": 1}
    for form in ("A1", "A2"):
        assert_totals(result, campaign, form, [copies["v2.xlsx"]])
    assert sorted(r.file for r in result.rows if r.status == SUPERSEDED) == ["v0.xlsx", "v1.xlsx"]


def test_a_unit_that_sent_one_annex_counts_for_that_annex_only(folder, out_dir, campaign, rules):
    a1_only, both = unit_values(60), unit_values(61)
    write_return(campaign, folder, "夹江县-附件1.xlsx", UNIT, a1_only, forms=("A1",))
    write_return(campaign, folder, "沙湾区-送温暖统计表.xlsx", OTHER, both)
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    assert result.unit_counts == {"A1": 2, "A2": 1}
    assert_totals(result, campaign, "A1", [a1_only, both])
    assert_totals(result, campaign, "A2", [both])
    row = one_row(status_table(load(out)), 单位=UNIT)
    assert (row["上报情况"], row["附件"], row["计入汇总"]) == (REPORTED, "附件1", "是")
    assert "缺附件2" in row["备注"]


def test_mistakes_of_a_replaced_file_are_not_reported_any_more(folder, out_dir, campaign, rules):
    wrong, right = unit_values(20), unit_values(20)
    wrong["A1.02B"] = wrong["A1.02A"] + 5  # the mistake the unit corrected
    write_return(campaign, folder, "夹江县-附件1（旧）.xlsx", UNIT, wrong, forms=("A1",), date=dt.date(2017, 1, 10))
    write_return(campaign, folder, "夹江县-附件1.xlsx", UNIT, right, forms=("A1",), date=dt.date(2017, 1, 18))
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    assert [(u, f.rule) for u, _, f in result.findings() if f.severity.value == "error"] == []
    assert not rows_for(findings_table(load(out)), 文件="夹江县-附件1（旧）.xlsx")
    assert one_row(status_table(load(out)), 文件="夹江县-附件1（旧）.xlsx")["错误"] == 1  # still visible in 上报情况
