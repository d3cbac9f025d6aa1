"""Blank returns and blank fields: a returned form with nothing filled is a 错误, and the fields left
blank in a filled one are named in one 提示 (汇总时按 0 计), never one finding per cell, never silently."""

from __future__ import annotations

from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import Severity
from wennuan_xl.core.layout import layout_for
from wennuan_xl.core.workbook import column_letter
from wennuan_xl.samples import return_from_values

COVER = {"UNIT": "市中区总工会", "PERSON": "张三", "PHONE": "0833-2133419", "DATE": "2017-01-15"}


def run(campaign, rules, values, forms=("A1",)):
    return check_return(return_from_values(campaign, values, cover=COVER, forms=forms), campaign, rules)


def test_a_returned_form_with_nothing_filled_is_an_error(campaign, rules):
    report = run(campaign, rules, {})
    [finding] = [f for f in report.findings if f.rule == "F-BLANKFORM"]
    assert finding.severity is Severity.ERROR
    assert finding.message == f"附件1是空表：{len(campaign.form('A1').fields)} 项都没有填写，请填写后重新报送"
    assert not [f for f in report.findings if f.rule == "F-BLANKS"]  # the form is blank, not "some blanks"


def test_blank_fields_of_a_filled_form_are_named_in_one_warning(campaign, rules):
    values = {f.code: 0 for f in campaign.form("A1").fields}
    values.update({"A1.10G": None, "A1.10H": None, "A1.11": None})
    report = run(campaign, rules, values)
    [finding] = [f for f in report.findings if f.rule == "F-BLANKS"]
    assert finding.severity is Severity.WARNING
    assert finding.codes == ("A1.10G", "A1.10H", "A1.11")
    layout = layout_for(campaign.form("A1"))
    assert finding.cells == tuple(
        f"附件1!{column_letter(layout.field_cell(c)[1])}{layout.field_cell(c)[0]}" for c in finding.codes
    )
    assert finding.message == (
        "以下 3 项未填写，汇总时按 0 计；没有的请填 0：10(G) 共包船、10(H) 船运送、11 为农民工返乡争取经济补贴"
    )
    assert "F-BLANKFORM" not in {f.rule for f in report.findings}


def test_zero_is_not_blank(campaign, rules):
    report = run(campaign, rules, {f.code: 0 for f in campaign.form("A1").fields})
    assert not {"F-BLANKS", "F-BLANKFORM"} & {f.rule for f in report.findings}


def test_many_blank_fields_are_counted_not_all_listed(campaign, rules):
    report = run(campaign, rules, {"A1.01A": 5000})
    [finding] = [f for f in report.findings if f.rule == "F-BLANKS"]
    blank = len(campaign.form("A1").fields) - 1
    assert len(finding.codes) == blank
    assert finding.message.endswith(f"等 {blank} 项")


def test_each_annex_is_judged_on_its_own(campaign, rules):
    values = {f.code: 1 for f in campaign.form("A1").fields}
    report = run(campaign, rules, values, forms=("A1", "A2"))
    blank_forms = [f for f in report.findings if f.rule == "F-BLANKFORM"]
    assert [f.codes[0].split(".")[0] for f in blank_forms] == ["A2"]
