"""The 审核结果 sheet's rows, shared by the Excel button and flagged / feedback copies: the findings table's
columns without 单位 and 文件 (said above the table), 序号 in front."""

from wennuan_xl.core.findings import Finding, Report, Severity
from wennuan_xl.core.tables import CHECK_HEADERS, check_result_table


def finding(rule, severity, explanation="", value=900):
    return Finding(rule, severity, ("A1.10J",), ("附件1!E66",), {"A1.10J": value}, f"{rule} 的说明文字", explanation)


def test_rows_show_level_cell_link_rule_value_and_the_units_explanation(campaign):
    report = Report(
        "市中区.xlsx", "市中区总工会", ("A1",), {}, (
            finding("A1-10-SUM", Severity.ERROR, "看错了行"),
            finding("A1-10-PER-I", Severity.WARNING, "今年新增包机一架"),
            finding("A1-03-SUM", Severity.WARNING, value=None),
            finding("F-PLACEHOLDER", Severity.NOTE, value="—"),
        ),
    )
    rows = dict(check_result_table(report, "市中区.xlsx", campaign).rows)
    assert CHECK_HEADERS == ("序号", "附件", "单元格", "指标", "规则", "级别", "填写值", "问题说明", "单位说明", "处理要求")
    assert [c.value for _, c in sorted(rows[3].items())] == list(CHECK_HEADERS)
    lines = [{CHECK_HEADERS[c]: cell for c, cell in rows[r].items()} for r in (4, 5, 6, 7)]
    assert [line["级别"].value for line in lines] == ["错误", "已说明", "提示", "注意"]
    assert [line["级别"].style for line in lines] == ["error", "explained", "warning", "center"]
    assert [line["单位说明"].value for line in lines] == ["看错了行", "今年新增包机一架", "", ""]
    assert [line["填写值"].value for line in lines] == [900, 900, "未填", "—"]
    assert lines[0]["填写值"].style == "count"  # a number cell with the count format, not text
    assert lines[0]["指标"].value == "10(J) 包机运送"
    assert lines[0]["单元格"].link == "'附件1'!E66" and lines[0]["规则"].value == "A1-10-SUM"
    assert [line["处理要求"].value for line in lines] == [
        "改正后重新报送（错误不能以说明代替改正）", "已说明，无需处理", "核实，或在“说明”栏写明原因",
        "无需处理；如与本意不符，请改正后重新报送"]
    assert rows[0][0].value == "审核结果：发现 1 个错误、1 个提示、1 个已说明的提示；注意 1 条"
