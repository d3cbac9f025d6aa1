"""The 审核结果 sheet's rows, shared by the Excel button and flagged / feedback copies."""

from wennuan_xl.core.findings import Finding, Report, Severity
from wennuan_xl.core.tables import CHECK_HEADERS, check_result_table


def finding(rule, severity, explanation=""):
    return Finding(rule, severity, ("A1.10J",), ("附件1!E66",), {"A1.10J": 900}, f"{rule} 的说明文字", explanation)


def test_rows_show_kind_cell_link_rule_and_the_units_explanation():
    report = Report(
        "市中区.xlsx", "市中区总工会", ("A1",), {}, (
            finding("A1-10-SUM", Severity.ERROR, "看错了行"),
            finding("A1-10-PER-I", Severity.WARNING, "今年新增包机一架"),
            finding("A1-03-SUM", Severity.WARNING),
        ),
    )
    rows = dict(check_result_table(report, "市中区.xlsx").rows)
    assert [c.value for _, c in sorted(rows[3].items())] == list(CHECK_HEADERS)
    lines = [{CHECK_HEADERS[c]: cell for c, cell in rows[r].items()} for r in (4, 5, 6)]
    assert [line["类别"].value for line in lines] == ["错误", "提示（已说明）", "提示"]
    assert [line["单位说明"].value for line in lines] == ["看错了行", "今年新增包机一架", ""]
    assert lines[0]["单元格"].link == "'附件1'!E66" and lines[0]["规则编号"].value == "A1-10-SUM"
    assert rows[0][0].value == "审核结果：发现 1 个错误、1 个提示、1 个已说明的提示"
