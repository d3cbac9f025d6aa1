"""Every rule of the campaign in words (core.rule_words): what the templates' 审核 sheet shows beside each
rule before anything fires. Built from the AST and the captions, so nothing of the formula language is left."""

from __future__ import annotations

import re

import pytest

from wennuan_xl.core import formula
from wennuan_xl.core.forms import Campaign
from wennuan_xl.core.namelist.spec import namelist_spec
from wennuan_xl.core.rule_words import (
    Term,
    campaign_terms,
    cell_checks_words,
    field_check_words,
    formula_words,
    rule_words,
)
from wennuan_xl.core.rules import RuleSet

# What must not be left: a field's name (A1_02B) or code (A1.02B), a list total (L_AMOUNT), a constant, a
# function of the formula language, an operator of it, a quote of Excel's.
_LEFT_OVER = re.compile(r"A\d[_.]\d\d|L_[A-Z]|TOLERANCE|\b(?:SUM|ABS|ROUND|AND|OR|NOT|IF|MIN|MAX|ISBLANK)\b|[<>=*/^&\"]")


def _readable(text: str) -> None:
    assert text.strip(), "no words"
    assert not _LEFT_OVER.search(text), text
    assert re.search(r"[\u4e00-\u9fff]", text), text  # said in Chinese
    assert "  " not in text and text == text.strip(), repr(text)


def test_every_rule_of_the_campaign_reads_in_words(campaign: Campaign, rules: RuleSet) -> None:
    seen = set()
    for rule in rules.rules:
        words = rule_words(rule, campaign, rules.constants)
        _readable(words)
        for name in rule.names:  # each field is named, by its number or (in a long sum) its letter
            f = campaign.field(name)
            assert (f"({f.letter})" if f.letter else f.item) in words, (rule.id, f.code, words)
        seen.add(words)
    assert len(seen) == len(rules.rules)  # no two rules say the same


def test_every_reconciliation_of_the_list_reads_in_words(campaign: Campaign, rules: RuleSet) -> None:
    spec = namelist_spec(campaign)
    assert spec is not None and spec.reconcile
    totals = {name: Term(t.label, t.unit) for name, t in spec.totals.items()}
    terms = campaign_terms(campaign, rules.constants, totals)
    for check in spec.reconcile:
        words = formula_words(formula.parse(check.text), None, terms)
        _readable(words)
    amount = next(c for c in spec.reconcile if c.id == "L-X-06")
    assert formula_words(formula.parse(amount.text), None, terms) == (
        "名单金额合计 不得大于 06 发放款物 × 10,000（允许误差 0.01 万元）")


def test_every_field_check_reads_in_words(campaign: Campaign, rules: RuleSet) -> None:
    for f in campaign.fields():
        mine = [c for c in rules.field_checks if c.kinds is None or f.kind in c.kinds]
        for check in mine:
            _readable(field_check_words(check, f))
        _readable(cell_checks_words(mine, f))
    a1 = campaign.field("A1.01A")
    checks = [c for c in rules.field_checks if c.id in ("F-NUMBER", "F-NEGATIVE", "F-INTEGER")]
    assert cell_checks_words(checks, a1) == "01(A) 当地职工总数 应填写数字，不得小于 0 人，应为整数"
    yuan = next(c for c in rules.field_checks if c.id == "F-YUAN")
    assert field_check_words(yuan, campaign.field("A1.05")) == "05 筹集款物总额 不得大于 10,000 万元"


@pytest.mark.parametrize(("rule_id", "words"), [
    ("A1-02", "02(B) 其中困难农民工 不得大于 02(A) 当地困难职工总数"),
    ("A1-05-SUM", "05 筹集款物总额 应等于 05(A)、(B)、(C)、(D)、(E) 之和（允许误差 0.01 万元）"),
    ("A1-06-AB", "06(A) 向困难劳模发放 与 06(B) 向困难农民工发放 之和 不得大于 06 发放款物（允许误差 0.01 万元）"),
    ("A1-07-IJ", "07(I) 提供过冬取暖补贴的困难职工家庭 与 07(J) 过冬取暖补贴金额 应同时大于 0 或同时为 0"),
    ("A1-07-PER", ("07(I) 提供过冬取暖补贴的困难职工家庭 大于 0 且 07(J) 过冬取暖补贴金额 大于 0 时，"
                  "07(J) 过冬取暖补贴金额 × 10,000 ÷ 07(I) 提供过冬取暖补贴的困难职工家庭 应在 100～10,000 之间")),
    ("A1-10-SUM", "10(B)、(D)、(F)、(H)、(J) 之和 不得大于 10 帮助农民工平安返乡"),
    ("A2-02-NOCENTRE-A", "01(A) 省级 为 0 时，02(A) 省级 不得大于 0"),
    ("A2-06-YES", "06(B) 资金是否纳入财政预算 为 “是” 时，06(A) 省级财政建立专项帮扶资金 不得为 0"),
    ("A2-12-CASES", "12(A) 协调解决跨地区维权和帮扶案件 为 0 时，12(B) 涉及农民工 不得大于 0，且 12(C) 涉及金额 不得大于 0"),
])
def test_a_rule_reads_as_a_clerk_says_it(campaign: Campaign, rules: RuleSet, rule_id: str, words: str) -> None:
    assert rule_words(rules.rule(rule_id), campaign, rules.constants) == words


@pytest.mark.parametrize(("text", "words"), [
    ("A1_02B<A1_02A", "02(B) 其中困难农民工 应小于 02(A) 当地困难职工总数"),
    ("A1_02B<>0", "02(B) 其中困难农民工 不得为 0"),
    ("OR(A1_02B>0,ISBLANK(A1_02A))", "02(B) 其中困难农民工 应大于 0，或 应满足：02(A) 当地困难职工总数 未填"),
    ("MAX(A1_05A,A1_05B)<=A1_05", "05(A) 中央财政、05(B) 地方财政 中的较大者 不得大于 05 筹集款物总额"),
    ("A1_05-A1_05A>=A1_05B", "05 筹集款物总额 减去 05(A) 中央财政 不得小于 05(B) 地方财政"),
    ("IF(A1_05>0,A1_06/A1_05,0)<=2", "（05 筹集款物总额 大于 0 时为 06 发放款物 ÷ 05 筹集款物总额，否则为 0） 不得大于 2"),
    ("NOT(A1_05=0)", "05 筹集款物总额 不得为 0"),
])
def test_other_formulas_read_in_words_too(campaign: Campaign, rules: RuleSet, text: str, words: str) -> None:
    said = formula_words(formula.parse(text), None, campaign_terms(campaign, rules.constants))
    assert said == words
    _readable(said)


def test_a_function_without_words_is_said_so(campaign: Campaign, rules: RuleSet) -> None:
    """A function added to the formula language needs its words here before a template can show it."""
    node = formula.Call("PREV", (formula.Ref("A1_02A"),))
    with pytest.raises(ValueError, match="PREV"):
        formula_words(formula.Binary("<=", formula.Ref("A1_02B"), node), None, campaign_terms(campaign, rules.constants))
