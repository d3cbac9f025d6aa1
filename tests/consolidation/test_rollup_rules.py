"""Every 层层汇总 check of the campaign (rules_rollup.yaml) fires on its ``fires`` example and holds on its
``holds`` example, run through the consolidation's core on in-memory roll-ups and returns; and a double
count is never summed twice, whichever rule says so."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from wennuan_xl.core.consolidate import consolidate
from wennuan_xl.core.forms import RosterUnit
from wennuan_xl.files.campaign_files import load_campaign, load_rules

from .rollups import plain_return, rollup_return, values_of

CAMPAIGN = load_campaign()
RULES = load_rules(CAMPAIGN)


def run(example: dict, campaign=CAMPAIGN, rules=RULES):
    returns = [rollup_return(campaign, unit, list(units)) for unit, units in example["rollups"].items()]
    returns += [plain_return(campaign, unit, f"{unit}-直接报送.xlsx") for unit in example.get("direct", [])]
    names = list(example["rollups"]) + list(example.get("direct", []))
    roster = replace(campaign, roster=tuple(RosterUnit(n) for n in dict.fromkeys(names)))
    return consolidate(returns, roster, rules)


def checks():
    assert RULES.rollup_checks, "rules_rollup.yaml declares the 层层汇总 checks"
    return [pytest.param(c, id=c.id) for c in RULES.rollup_checks]


@pytest.mark.parametrize("check", checks())
def test_check_fires_on_its_example(check):
    assert "fires" in check.examples, f"{check.id} 缺少 fires 示例"
    found = [f for _, _, f in run(check.examples["fires"]).findings() if f.rule == check.id]
    assert found and all(f.severity is check.severity for f in found)
    assert all(f.message and "{" not in f.message for f in found)


@pytest.mark.parametrize("check", checks())
def test_check_holds_on_its_example(check):
    assert "holds" in check.examples, f"{check.id} 缺少 holds 示例"
    assert check.id not in {f.rule for _, _, f in run(check.examples["holds"]).findings()}


def test_a_return_inside_a_rollup_is_not_counted_again():
    alone = run({"rollups": {"犍为县总工会": ["清溪镇工会", "罗城镇工会"]}})
    both = run({"rollups": {"犍为县总工会": ["清溪镇工会", "罗城镇工会"]}, "direct": ["清溪镇工会"]})
    for code, total in alone.totals.items():
        got = both.totals[code]
        assert got == total or math.isclose(float(got), float(total)), code  # type: ignore[arg-type]
    direct = [u for u in both.used if u.returned.file == "清溪镇工会-直接报送.xlsx"]
    assert direct and all(not u.included and u.covered_by == "犍为县总工会" for u in direct)
    assert both.base_counts == {"A1": 2, "A2": 2} and both.unit_counts == {"A1": 1, "A2": 1}
    row = next(r for r in both.rows if r.unit == "清溪镇工会")
    assert not row.included and "附件1、附件2已含在犍为县总工会的汇总表“犍为县总工会汇总.xlsx”中，为免重复计算未计入汇总" in row.remark
    (finding,) = [f for _, _, f in both.findings() if f.rule == "R-DOUBLE"]
    assert "汇总只计入犍为县总工会的汇总表，本文件的数未计入" in finding.message
    assert "清溪镇工会-直接报送.xlsx" in finding.message and "两份的数完全相同" in finding.message


def test_the_finding_says_where_the_two_copies_differ():
    changed = dict(values_of("清溪镇工会"), **{"A1.01A": 1})
    returns = [rollup_return(CAMPAIGN, "犍为县总工会", ["清溪镇工会", "罗城镇工会"]),
               plain_return(CAMPAIGN, "清溪镇工会", "清溪镇-改过.xlsx", changed)]
    roster = replace(CAMPAIGN, roster=(RosterUnit("犍为县总工会"), RosterUnit("清溪镇工会")))
    result = consolidate(returns, roster, RULES)
    (finding,) = [f for _, _, f in result.findings() if f.rule == "R-DOUBLE"]
    was = values_of("清溪镇工会")["A1.01A"]
    assert f"两份的数有 1 项不同（如 01(A) 当地职工总数：本文件 1 人，汇总表中 {was:,} 人）" in finding.message


def test_a_return_with_the_figures_of_a_unit_inside_a_rollup_is_held_the_same_under_another_name():
    # The base union typed its name otherwise ("犍为县清溪镇工会"): its figures are those the roll-up counted.
    returns = [rollup_return(CAMPAIGN, "犍为县总工会", ["清溪镇工会", "罗城镇工会"]),
               plain_return(CAMPAIGN, "犍为县清溪镇工会", "清溪.xlsx", values_of("清溪镇工会"))]
    roster = replace(CAMPAIGN, roster=(RosterUnit("犍为县总工会"), RosterUnit("犍为县清溪镇工会")))
    result = consolidate(returns, roster, RULES)
    assert result.unit_counts == {"A1": 1, "A2": 1}
    (finding,) = [f for _, _, f in result.findings() if f.rule == "R-DOUBLE"]
    assert "其中记录的数与本文件完全相同" in finding.message


def test_a_towns_rollup_sent_beside_its_countys_is_the_one_left_out():
    returns = [rollup_return(CAMPAIGN, "犍为县总工会", ["清溪镇工会", "罗城镇工会", "孝姑镇工会"]),
               rollup_return(CAMPAIGN, "清溪镇工会", ["甲村工会", "乙村工会"])]
    # The county's roll-up holds the town as one unit; the town's own roll-up has other figures, under its name.
    roster = replace(CAMPAIGN, roster=(RosterUnit("犍为县总工会"), RosterUnit("清溪镇工会")))
    result = consolidate(returns, roster, RULES)
    kept = {u.unit for u in result.used if u.included}
    assert kept == {"犍为县总工会"}
    assert {f.rule for _, _, f in result.findings()} >= {"R-DOUBLE"}


def test_without_the_rule_the_double_count_is_still_not_summed_and_the_roster_row_says_why():
    bare = replace(RULES, rollup_checks=())
    result = run({"rollups": {"犍为县总工会": ["清溪镇工会", "罗城镇工会"]}, "direct": ["清溪镇工会"]}, rules=bare)
    assert result.unit_counts == {"A1": 1, "A2": 1}
    assert not [f for _, _, f in result.findings() if f.rule.startswith("R-")]
    assert "为免重复计算未计入汇总" in next(r for r in result.rows if r.unit == "清溪镇工会").remark


def test_a_rollup_message_may_not_quote_a_field():
    from wennuan_xl.core.rules import RuleError, rules_from_data

    bad = {"rollup_checks": [{"id": "R-X", "check": "double", "severity": "提示", "message": "{A1_01A} 重复"}]}
    with pytest.raises(RuleError, match=r"R-X.*不能引用指标"):
        rules_from_data(CAMPAIGN, [("rules_rollup.yaml", bad)])


def test_a_unit_that_sent_its_rollup_and_a_plain_return_counts_its_rollup():
    from wennuan_xl.core.consolidate import SUPERSEDED

    returns = [plain_return(CAMPAIGN, "犍为县总工会", "犍为县-附件.xlsx"),
               rollup_return(CAMPAIGN, "犍为县总工会", ["清溪镇工会", "罗城镇工会"])]
    result = consolidate(returns, replace(CAMPAIGN, roster=(RosterUnit("犍为县总工会"),)), RULES)
    assert {u.returned.file for u in result.used} == {"犍为县总工会汇总.xlsx"}
    (old,) = [r for r in result.rows if r.status == SUPERSEDED]
    assert old.file == "犍为县-附件.xlsx"
    assert "以“犍为县总工会汇总.xlsx”为准：那是本单位用本程序生成的汇总表，同一单位既报送汇总表又报送单独的报表时以汇总表为准" in old.remark
