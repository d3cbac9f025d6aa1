"""Lists in a consolidation: a person paid by two units, each list against its unit's 附件1, the city's sheets."""

from __future__ import annotations

import random

import openpyxl
import pytest

from wennuan_xl.core.idnumber import mask
from wennuan_xl.jobs import consolidate_folder, write_feedback
from wennuan_xl.samples import write_plain_return
from wennuan_xl.settings import Settings

from .lists import COVER, annex_values, build_city, person, write_list


@pytest.fixture
def city(tmp_path, campaign, rules):
    folder = tmp_path / "returns"
    folder.mkdir()
    people = build_city(folder, campaign)
    result, out = consolidate_folder(folder, tmp_path / "汇总.xlsx", Settings(campaign, rules, workers=1))
    return result, out, folder, people



def list_findings(result, rule):
    return [(unit, file, f) for unit, file, f in result.findings() if f.rule == rule]


def test_a_person_paid_by_two_units_is_an_error_for_both_naming_units_and_rows(city):
    result, _, _, people = city
    twice = people["市中区总工会"][1]
    found = list_findings(result, "L-DUP-UNITS")
    assert sorted((unit, file) for unit, file, _ in found) == [("五通桥区总工会", "五通桥区-实名制名单.xlsx"),
                                                              ("市中区总工会", "市中区-实名制.xlsx")]
    by_unit = {unit: f for unit, _, f in found}
    assert by_unit["市中区总工会"].cells == ("Sheet1!D6",)
    assert by_unit["五通桥区总工会"].cells == ("Sheet1!D7",)
    message = by_unit["市中区总工会"].message
    assert "市中区总工会" in message and "五通桥区总工会" in message
    assert "Sheet1!D6" in message and "Sheet1!D7" in message
    assert mask(twice["ID"]) in message and twice["ID"] not in message
    assert [d.id for d in result.lists.duplicates] == [twice["ID"]]


def test_each_list_is_held_against_its_units_annex1(city):
    result, *_ = city
    rules = {(unit, f.rule) for unit, _, f in result.findings() if f.rule.startswith("L-X-")}
    # 市中区: 2,800 元 against 0.2 万元 paid — an 错误; and 800 元 to a 困难农民工 while 06(B) says 0 — a 提示.
    # Heads agree (5 困难职工 including the 农民工).
    assert {r for u, r in rules if u == "市中区总工会"} == {"L-X-06", "L-X-06B"}
    assert next(f for u, _, f in result.findings() if f.rule == "L-X-06").severity.label == "错误"
    # 沙湾区 (the list a sheet of its annex workbook): 2,500 元 = 0.25 万元 as 06 says; 3 困难职工 in the list
    # against 4 households in 04(E): a 提示; 1 劳模 as in 04(G).
    assert {r for u, r in rules if u == "沙湾区总工会"} == {"L-X-04E"}
    recon = {r.unit: r for r in result.lists.recon}
    assert recon["五通桥区总工会"].remark == "未报附件1，未与统计表核对"
    assert recon["市中区总工会"].annex["A1.06"] == 0.2
    assert recon["金口河区总工会"].status == "未报"


def test_money_within_the_tolerance_is_no_finding(tmp_path, campaign, rules):
    folder = tmp_path / "r"
    folder.mkdir()
    rng = random.Random(3)
    rows = [person(rng, amount=1234.5) for _ in range(2)]  # 2,469 元 = 0.2469 万元; 06 says 0.25
    write_plain_return(folder / "井研县.xlsx", campaign, annex_values(5, 0.25, 2, 0, 0, 0), {"UNIT": "井研县总工会", **COVER}, ("A1",))
    write_list(folder / "井研县-名单.xlsx", "井研县总工会", rows)
    result, _ = consolidate_folder(folder, tmp_path / "o.xlsx", Settings(campaign, rules, workers=1))
    assert not [f for _, _, f in result.findings() if f.rule.startswith("L-X-")]


def test_the_consolidated_workbook_has_the_city_list_duplicates_and_reconciliation(city):
    _, out, _, people = city
    wb = openpyxl.load_workbook(out, read_only=True)
    assert {"实名制汇总", "实名制重复", "实名制核对"} <= set(wb.sheetnames)
    rows = list(wb["实名制汇总"].iter_rows(min_row=4, values_only=True))
    everyone = people["市中区总工会"] + people["五通桥区总工会"] + people["沙湾区总工会"]  # roster order
    assert [r[4] for r in rows[:-1]] == [p["ID"] for p in everyone]  # the clerk's own list: IDs whole
    assert rows[-1][0] == "合计" and rows[-1][8] == sum(p["AMOUNT"] for p in everyone)
    assert rows[0][1] == "市中区总工会"
    dup = [r for r in wb["实名制重复"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [(r[3], r[5]) for r in dup] == [("市中区总工会", "Sheet1!D6"), ("五通桥区总工会", "Sheet1!D7")]
    assert dup[0][2] == mask(people["市中区总工会"][1]["ID"])
    headers = next(wb["审核结果"].iter_rows(min_row=3, max_row=3, values_only=True))
    rows = [dict(zip(headers, r)) for r in wb["审核结果"].iter_rows(min_row=4, values_only=True)]
    findings = [r for r in rows if r["规则"] == "L-DUP-UNITS"]
    assert len(findings) == 2 and {r["附件"] for r in findings} == {"实名制"}
    assert {r["指标"] for r in findings} == {"公民身份号码"} and {r["级别"] for r in findings} == {"错误"}


def test_feedback_goes_to_each_unit_with_a_problem_in_its_list(city, tmp_path, campaign, rules):
    import datetime as dt

    result, _, folder, _ = city
    job = Settings(campaign, rules, feedback_dir=tmp_path / "feedback", feedback_day=dt.date(2017, 1, 21))
    done = write_feedback(result, job, folder)
    names = sorted(p.name for p in done.written if "实名制" in p.name)
    assert names == ["五通桥区总工会-实名制-审核意见-2017-01-21.xlsx", "市中区总工会-实名制-审核意见-2017-01-21.xlsx",
                     "沙湾区总工会-实名制-审核意见-2017-01-21.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "feedback" / names[1])
    assert book.sheetnames[0] == "审核意见"
    flagged = book["Sheet1"]["D6"]
    assert flagged.fill.fgColor.rgb.endswith("FFC7CE") and "L-DUP-UNITS" in flagged.comment.text
