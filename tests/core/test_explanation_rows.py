"""The 说明 of a finding (check.explanation_of): what the unit wrote on the row of any of its fields, the
distinct texts in the fields' order. The templates join them the same way (tests/live/test_explanations.py)."""

from __future__ import annotations

from wennuan_xl.core.check import check_return, explanation_of
from wennuan_xl.core.forms import Campaign
from wennuan_xl.core.locate import ReturnData
from wennuan_xl.core.rules import RuleSet
from wennuan_xl.samples import consistent_values, return_from_values


def test_a_note_on_any_row_of_a_findings_fields_explains_it() -> None:
    notes = {"A1.03C": "含去年建档家庭", "A1.03A": "以民政数据为准", "A1.03E": "以民政数据为准"}
    assert explanation_of(("A1.03A", "A1.03C", "A1.03D", "A1.03E"), notes) == "以民政数据为准；含去年建档家庭"
    assert explanation_of(("A1.02B", "A1.02A"), notes) == ""
    assert explanation_of(("A1.03D", "A1.03C"), notes) == "含去年建档家庭"


def test_the_engine_explains_a_warning_from_another_row_of_its_fields(campaign: Campaign, rules: RuleSet) -> None:
    import dataclasses
    import random

    values = {k: v for k, v in consistent_values(random.Random(7)).items() if k.startswith("A1.")}
    values["A1.03A"] += 1  # A1-03-SUM: 03(A) is not (C)+(D)+(E), a 提示 whose message shows on 03(A)'s row
    data = return_from_values(campaign, values, forms=("A1",))
    located = dataclasses.replace(data.forms[0], explanations={"A1.03D": "含上年结转家庭"})
    report = check_return(ReturnData(data.source, (located,)), campaign, rules)
    (finding,) = [f for f in report.findings if f.rule == "A1-03-SUM"]
    assert finding.explanation == "含上年结转家庭" and finding.explained
    assert "A1-03-SUM" not in {f.rule for f in report.open_warnings}
