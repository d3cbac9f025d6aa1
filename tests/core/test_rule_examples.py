"""Every declared check carries an example where it fires and one where it holds; both are run here.

The examples live beside the rules in the campaign's YAML files, so a rule a clerk adds next year is
tested the same way without touching this file.
"""

import pytest

from wennuan_xl.core.check import check_return
from wennuan_xl.files.campaign_files import load_campaign, load_rules
from wennuan_xl.samples import return_from_values

CAMPAIGN = load_campaign()
RULES = load_rules(CAMPAIGN)
GOOD_COVER = {"UNIT": "市中区总工会", "PERSON": "张三", "PHONE": "0833-2133419", "DATE": "2017-01-15"}


def run(values, cover=GOOD_COVER, forms=None):
    data = return_from_values(CAMPAIGN, values, cover=cover, forms=forms)
    return check_return(data, CAMPAIGN, RULES)


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
        return run({}, cover={**GOOD_COVER, **example}, forms=("A1",))
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
        # The rule was really evaluated: at least one of its fields is filled in the example.
        assert any(report.values.get(CAMPAIGN.field(n).code) is not None for n in check.names)


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
