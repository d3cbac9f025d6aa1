"""Every declared check carries an example where it fires and one where it holds; both are run here.

The examples live beside the rules in the campaign's YAML files, so a rule a clerk adds next year is
tested the same way without touching this file. An example of a rule reading last year's figures gives
them as ``PREV(A1_01A): 121500``: they become the unit's figures in a previous year, looked up by its
填报单位 as a real run looks them up.
"""

from dataclasses import replace

import pytest

from wennuan_xl.core.check import check_return
from wennuan_xl.core.previous import PreviousYear
from wennuan_xl.files.campaign_files import load_campaign, load_rules
from wennuan_xl.samples import return_from_values

CAMPAIGN = load_campaign()
RULES = load_rules(CAMPAIGN)
GOOD_COVER = {"UNIT": "市中区总工会", "PERSON": "张三", "PHONE": "0833-2133419", "DATE": "2017-01-15"}


def split_previous(example: dict) -> tuple[dict, dict]:
    """An example's this year's values by name, and its last year's (``PREV(name)`` keys) by code."""
    now = {k: v for k, v in example.items() if not k.upper().startswith("PREV(")}
    before = {CAMPAIGN.field(k[5:-1].strip().upper()).code: v for k, v in example.items() if k.upper().startswith("PREV(")}
    return now, before


def run(values, cover=GOOD_COVER, forms=None, cover_formulas=()):
    values, before = split_previous(values)
    data = return_from_values(CAMPAIGN, values, cover=cover, forms=forms, cover_formulas=tuple(cover_formulas))
    rules = RULES
    if before:
        rules = replace(RULES, previous=PreviousYear("上年示例", {GOOD_COVER["UNIT"]: before}, {}))
    return check_return(data, CAMPAIGN, rules)


def ids(report):
    return {f.rule for f in report.findings}


def all_checks():
    for rule in RULES.rules:
        yield pytest.param("rule", rule, id=rule.id)
    for check in RULES.field_checks:
        if check.check != "located":  # needs a missing cell, not values: tested in tests/files
            yield pytest.param("field", check, id=check.id)
    for check in RULES.cover_checks:
        yield pytest.param("cover", check, id=check.id)
    for check in RULES.form_checks:
        if check.examples:  # the locator's checks need a sheet laid out oddly, not values: tests/foreign
            yield pytest.param("form", check, id=check.id)


def example_report(kind, check, example):
    if kind == "cover":
        example = dict(example)
        formulas = example.pop("formulas", ())  # cover cells holding a formula saved without its result
        return run({}, cover={**GOOD_COVER, **example}, forms=("A1",), cover_formulas=formulas)
    if kind == "form":
        # ``"*": 0`` stands for every other field of the annexes the example names.
        forms = tuple(sorted({CAMPAIGN.field(k).form_id for k in example if k != "*"}))
        values = {k: v for k, v in example.items() if k != "*"}
        if "*" in example:
            for form in forms:
                for f in CAMPAIGN.form(form).fields:
                    values.setdefault(f.name, example["*"])
        return run(values, forms=forms)
    forms = tuple(sorted(check.forms)) if kind == "rule" else None
    return run(example, forms=forms)


@pytest.mark.parametrize("kind,check", list(all_checks()))
def test_check_fires_on_its_example(kind, check):
    assert "fires" in check.examples, f"{check.id} 缺少 fires 示例"
    report = example_report(kind, check, check.examples["fires"])
    assert check.id in ids(report)
    finding = next(f for f in report.findings if f.rule == check.id)
    assert finding.severity is check.severity
    assert finding.message and "{" not in finding.message


@pytest.mark.parametrize("kind,check", list(all_checks()))
def test_check_holds_on_its_example(kind, check):
    assert "holds" in check.examples, f"{check.id} 缺少 holds 示例"
    report = example_report(kind, check, check.examples["holds"])
    assert check.id not in ids(report)
    assert check.id not in {s.rule for s in report.skipped}
    if kind == "rule":
        # The rule was really evaluated: at least one of its fields is filled in the example, and every last
        # year's figure it reads is given.
        assert any(report.values.get(CAMPAIGN.field(n).code) is not None for n in check.names)
        assert set(check.previous) <= set(split_previous(check.examples["holds"])[1])


@pytest.mark.parametrize("rule", [r for r in RULES.rules if r.previous], ids=lambda r: r.id)
def test_a_rule_reading_last_year_does_not_fire_without_it(rule):
    now, _ = split_previous(rule.examples["fires"])
    report = check_return(return_from_values(CAMPAIGN, now, cover=GOOD_COVER, forms=tuple(sorted(rule.forms))),
                          CAMPAIGN, RULES)
    assert rule.id not in ids(report) and rule.id not in {s.rule for s in report.skipped}
    other_unit = replace(RULES, previous=PreviousYear("上年示例", {"沙湾区总工会": split_previous(rule.examples["fires"])[1]}, {}))
    report = check_return(return_from_values(CAMPAIGN, now, cover=GOOD_COVER, forms=tuple(sorted(rule.forms))),
                          CAMPAIGN, other_unit)
    assert rule.id not in ids(report)


def test_last_year_is_quoted_beside_this_year():
    report = run({"A1_01A": 182000, "PREV(A1_01A)": 121500})
    finding = next(f for f in report.findings if f.rule == "PY-A1-01A-UP")
    assert finding.message == "01(A) 当地职工总数 182,000 人，比上年 121,500 人增加 49.8 %，请核实或在“说明”栏写明原因"
    assert finding.codes == ("A1.01A",) and finding.cells == ("附件1!E7",)
    assert finding.values == {"A1.01A": 182000} and finding.previous == {"A1.01A": 121500}
    assert finding.to_dict()["previous"] == {"A1.01A": 121500}
    money = run({"A1_05": 125000, "PREV(A1_05)": 12.5})
    assert next(f.message for f in money.findings if f.rule == "PY-A1-05-X10") == (
        "05 筹集款物总额 125,000.00 万元，是上年 12.50 万元的 10,000.0 倍，是否按“元”而不是“万元”填写？请核实或在“说明”栏写明原因")


def test_every_rule_quotes_the_values_found():
    report = run({"A1_02A": 1200, "A1_02B": 1250})
    finding = next(f for f in report.findings if f.rule == "A1-02")
    assert finding.codes == ("A1.02B", "A1.02A")
    assert finding.values == {"A1.02B": 1250, "A1.02A": 1200}
    assert finding.cells == ("附件1!E10", "附件1!E9")
    assert finding.message == "02(B) 其中困难农民工 1,250 人 大于 02(A) 当地困难职工总数 1,200 人"


def test_rule_over_blank_cells_only_does_not_fire():
    report = run({"A2_14A": 1}, forms=("A1", "A2"))
    assert not [f for f in report.findings if f.rule.startswith(("A1-", "A2-", "X-"))]


def test_cross_form_rule_needs_both_annexes():
    only_a1 = run({"A1_10L": 20})
    assert "X-10L" not in ids(only_a1)
    both = run({"A1_10L": 20, "A2_01": 2, "A2_04A": 3})
    assert "X-10L" in ids(both)
