"""The findings table (core/findings_table.py): its fixed columns, one label per level, what each row asks
the reader to do, the field's name beside its code's item number, and 填写值 as a number."""

import pytest

from wennuan_xl.core.consolidate import TOTAL_UNIT
from wennuan_xl.core.findings import Finding, Severity
from wennuan_xl.core.findings_table import HEADINGS, KEYS, by_level, columns, finding_row, json_finding


def finding(severity=Severity.ERROR, codes=("A1.02B", "A1.02A"), values=None, explanation="", rule="A1-02",
            caused_by=()):
    values = {"A1.02B": 1250, "A1.02A": 1200} if values is None else values
    cells = tuple(f"附件1!E{9 + i}" for i, _ in enumerate(codes))
    return Finding(rule, severity, codes, cells, values, "02(B) 其中困难农民工 1,250 人 大于 …", explanation,
                   caused_by)


def test_the_columns_are_fixed_in_this_order():
    assert HEADINGS == ("单位", "文件", "附件", "单元格", "指标", "规则", "级别", "填写值", "问题说明", "单位说明", "处理要求")
    assert KEYS == ("unit", "file", "annex", "cell", "field", "rule", "level", "value", "message", "explanation",
                    "action")
    # A surface leaves out what is constant for it; the rest keep their order.
    assert [c.heading for c in columns("unit", "file", "rule")] == [
        "附件", "单元格", "指标", "级别", "填写值", "问题说明", "单位说明", "处理要求"]
    with pytest.raises(ValueError):
        columns("类别")


def test_one_label_and_one_request_per_level(campaign):
    rows = [finding_row(campaign, f, "市中区总工会", "市中区.xlsx") for f in (
        finding(),
        finding(explanation="看错了行"),
        finding(Severity.WARNING),
        finding(Severity.WARNING, explanation="今年新增包机一架"),
        finding(Severity.NOTE, codes=("A1.07K",), values={"A1.07K": "—"}, rule="F-PLACEHOLDER"),
    )]
    assert [r.level for r in rows] == ["错误", "错误", "提示", "已说明", "注意"]
    assert [r.action for r in rows] == [
        "改正后重新报送", "改正后重新报送（错误不能以说明代替改正）", "核实，或在“说明”栏写明原因", "已说明，无需处理",
        "无需处理；如与本意不符，请改正后重新报送"]
    assert [r.level for r in by_level(reversed(rows))] == ["错误", "错误", "提示", "已说明", "注意"]


def test_the_totals_are_summed_again_not_resubmitted(campaign):
    caused = finding_row(campaign, finding(caused_by=("犍为县总工会", "沐川县总工会")), TOTAL_UNIT)
    own = finding_row(campaign, finding(), TOTAL_UNIT)
    hint = finding_row(campaign, finding(Severity.WARNING), TOTAL_UNIT)
    assert caused.action == "待犍为县总工会、沐川县总工会改正后重新汇总"
    assert (own.action, hint.action) == ("核实各单位的数，改正后重新汇总", "核实各单位的数")


def test_the_field_is_named_with_its_item_number(campaign):
    row = finding_row(campaign, finding())
    assert (row.annex, row.cell, row.field, row.rule) == ("附件1", "附件1!E9", "02(B) 其中困难农民工", "A1-02")
    cover = finding_row(campaign, finding(codes=("A2.UNIT",), values={"A2.UNIT": ""}, rule="H-UNIT"))
    assert (cover.annex, cover.field, cover.value) == ("附件2", "填报单位", "")
    listed = finding_row(campaign, finding(codes=("L.ID", "L.R7"), values={"L.ID": "511102********1234"},
                                           rule="L-ID-CHECK"))
    assert (listed.annex, listed.field, listed.value) == ("实名制", "公民身份号码", "511102********1234")
    amount = finding_row(campaign, finding(Severity.WARNING, codes=("L.AMOUNT", "L.R7"), values={"L.AMOUNT": 6000.0},
                                           rule="L-AMOUNT-HIGH"))
    assert (amount.field, amount.value, amount.kind, amount.action) == ("金额（元）", 6000, "money",
                                                                       "核实；确属实情的，在“备注”栏写明")


@pytest.mark.parametrize("typed, shown, kind", [
    (1250, 1250, "count"), (3752.0, 3752, "count"), (12.5, 12.5, "count"), (None, "未填", ""),
    (float("nan"), "未填", ""), ("约30", "约30", ""), (True, "True", ""),
])
def test_the_value_is_a_number_where_it_is_one_and_a_blank_is_未填(campaign, typed, shown, kind):
    row = finding_row(campaign, finding(values={"A1.02B": typed}))
    assert row.value == shown and type(row.value) is type(shown) and row.kind == kind


def test_a_money_value_says_so_for_its_number_format(campaign):
    row = finding_row(campaign, finding(codes=("A1.05",), values={"A1.05": 12.5}, rule="A1-05-SUM"))
    assert (row.value, row.kind) == (12.5, "money")


def test_json_is_the_row_under_english_keys_then_what_programs_need(campaign):
    f = finding(caused_by=("犍为县总工会",))
    out = json_finding(finding_row(campaign, f, TOTAL_UNIT, ""))
    assert list(out)[:len(KEYS)] == list(KEYS)
    assert out["level"] == "错误" and out["value"] == 1250 and out["field"] == "02(B) 其中困难农民工"
    assert (out["severity"], out["codes"], out["cells"], out["values"], out["explained"], out["caused_by"]) == (
        "error", ["A1.02B", "A1.02A"], ["附件1!E9", "附件1!E10"], {"A1.02B": 1250, "A1.02A": 1200}, False,
        ["犍为县总工会"])


def test_no_rule_file_may_declare_a_note():
    with pytest.raises(ValueError, match=r"错误.*提示"):
        Severity.parse("注意")
    assert Severity.NOTE.label == "注意"
