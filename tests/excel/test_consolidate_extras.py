"""What 设置 promises, done: 汇总's 审核结果 links to each unit's file, the CLI workbook's charts in 图表, its
催报清单 with the contacts of 单位名单 and the date of 设置,
feedback copies (WN_FEEDBACK), and the money tolerance (WN_TOLERANCE) in 审核 and in 生成空白表."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.core.remind import REMIND_SHEET
from wennuan_xl.core.tables import CHART_SHEET, DETAIL_SHEET, FINDINGS_HEADERS, FINDINGS_SHEET
from wennuan_xl.excel import buttons
from wennuan_xl.files.chart import SOURCE_CHARTS
from wennuan_xl.files.feedback import feedback_items
from wennuan_xl.files.template import template_filename
from wennuan_xl.jobs import Settings, consolidate_folder
from wennuan_xl.samples import consistent_values

from .conftest import actions, alerts, open_book, open_master, payload_for, write_unit_return
from .replay import book_model, link_target, shown

SAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "samples" / "returns"
UNITS = ("犍为县-附件1.xlsx", "犍为县-附件2.xlsx", "市中区-送温暖统计表.xlsx", "沙湾区-附件1.xlsx")


@pytest.fixture
def returns(tmp_path) -> Path:
    folder = tmp_path / "退回表"
    folder.mkdir()
    for name in UNITS:
        shutil.copyfile(SAMPLES / name, folder / name)
    return folder


def test_the_file_names_in_the_results_link_to_the_units_files(tmp_path, campaign, returns):
    master = open_master(tmp_path, {"WN_FOLDER": str(returns)})
    buttons.consolidate()
    findings = book_model(master).sheet(FINDINGS_SHEET)
    column = FINDINGS_HEADERS.index("文件") + 1
    files = {r: v for (r, c), v in findings.values.items() if c == column and r > 3}
    assert files, "the findings name their files"
    for r, raw in files.items():
        name = shown(raw)
        assert link_target(raw) == str(returns / name), (r, raw)
        assert (returns / name).is_file()
    assert {shown(v) for v in files.values()} <= set(UNITS)
    (message,) = alerts(master)
    assert "点文件名可打开该单位的退回表" in message


def _source_rows(address: str) -> tuple[int, int, int]:
    """(first row, last row, last column) of a chart's source range "$A$3:$F$19"."""
    first, last = address.replace("$", "").split(":")
    top = int("".join(ch for ch in first if ch.isdigit()))
    bottom = int("".join(ch for ch in last if ch.isdigit()))
    return top, bottom, ord("".join(ch for ch in last if ch.isalpha())) - ord("A") + 1


def test_the_charts_are_the_cli_workbooks_charts(tmp_path, campaign, returns):
    master = open_master(tmp_path, {"WN_FOLDER": str(returns)})
    buttons.consolidate()
    chart_sheet = book_model(master).sheet(CHART_SHEET)
    assert [(c["name"], c["chart_type"]) for c in chart_sheet.charts] == [
        ("上报进度", "BarStacked"), ("送温暖筹集款物", "ColumnStacked"), ("帮扶中心资金来源", "ColumnStacked")]
    assert all(c["source"][0] == CHART_SHEET for c in chart_sheet.charts)
    formats = [a for a in actions(master) if a["func"].startswith("setChart")]
    assert {(a["func"], str(a["args"][1:])) for a in formats} >= {
        ("setChartTitle", "['各单位送温暖筹集款物（万元）']"), ("setChartTitle", "['各单位帮扶中心资金来源（万元）']"),
        ("setChartLegend", "['position', 'Bottom']")}
    block = {(r, c): shown(v) for (r, c), v in chart_sheet.values.items()}
    _, cli = consolidate_folder(returns, tmp_path / "cli.xlsx", Settings(campaign, buttons.campaign_for(master)[1], workers=1))
    cli_book = openpyxl.load_workbook(cli)
    cli_chart = {(c.row, c.column): c.value for row in cli_book[CHART_SHEET].iter_rows() for c in row if c.value is not None}
    captions = [v for (r, c), v in sorted(cli_chart.items()) if c == 1 and str(v).startswith(("上报进度：", "各单位"))]
    progress, annex1, annex2 = (_source_rows(c["source"][1]) for c in chart_sheet.charts)

    # 上报进度: the counts by annex and state, as the CLI's table under its chart (the 应报 column in no series).
    top, bottom, width = progress
    assert width == 5 and block.get((top - 2, 1)) == captions[0]
    header = next(r for (r, c), v in cli_chart.items() if v == "已报，无错误")
    assert [[block.get((top + i, c)) for c in range(1, 7)] for i in range(bottom - top + 1)] == [
        [cli_chart.get((header + i, c)) for c in range(1, 7)] for i in range(bottom - top + 1)]
    assert [block.get((top + 1, c)) for c in range(1, 7)] == ["附件1", 2, 1, 0, 13, 16]  # 犍为县's 附件1 has an 错误
    assert (top, 1) not in block, "blank top-left: Excel takes the top row as series names, column A as categories"

    # 05 of each annex: the unit rows of 明细, as the CLI's charts read them.
    detail = cli_book[DETAIL_SHEET]
    codes = [c.value for c in detail[1]]
    units = [row for row in detail.iter_rows(min_row=4, values_only=True)][:-1]  # the last row is the total
    for (top, bottom, width), sources, caption in ((annex1, SOURCE_CHARTS[0].codes, captions[1]),
                                                   (annex2, SOURCE_CHARTS[1].codes, captions[2])):
        assert block.get((top - 2, 1)) == caption
        assert [block.get((top, 2 + j)) for j in range(len(sources))] == [campaign.field(code).label for code in sources]
        assert (top, 1) not in block
        assert [block[(top + 1 + i, 1)] for i in range(len(units))] == [u[0] for u in units]
        for i, unit in enumerate(units):
            for j, code in enumerate(sources):
                assert block.get((top + 1 + i, 2 + j)) == unit[codes.index(code)], (unit[0], code)
        assert (bottom, width) == (top + len(units), 1 + len(sources))


def test_a_second_consolidation_replaces_the_charts(tmp_path, campaign, returns):
    payload_charts = [{"name": "送温暖筹集款物", "chart_type": "ColumnStacked", "left": 0, "top": 0, "width": 1, "height": 1}]
    master = open_master(tmp_path, {"WN_FOLDER": str(returns)})
    chart_sheet = next(s for s in master.impl.api["sheets"] if s["name"] == CHART_SHEET)
    chart_sheet["charts"] = payload_charts  # as the master holds it after the first 汇总
    buttons.consolidate()
    funcs = [a["func"] for a in actions(master) if a["sheet_position"] == master.sheets[CHART_SHEET].index - 1]
    assert funcs.index("deleteChart") < funcs.index("addChart") and funcs.count("addChart") == 3


REMIND_HEADER_ROW = 4


def _remind_rows(master) -> dict[str, dict[str, object]]:
    sheet = book_model(master).sheet(REMIND_SHEET)
    header = {c: shown(v) for (r, c), v in sheet.values.items() if r == REMIND_HEADER_ROW}
    rows: dict[int, dict[str, object]] = {}
    for (r, c), v in sheet.values.items():
        if r > REMIND_HEADER_ROW and c in header:
            rows.setdefault(r, {})[str(header[c])] = shown(v)
    return {str(row.get("单位")): row for _, row in sorted(rows.items()) if isinstance(row.get("序号"), int)}


def test_the_reminder_list_in_excel_with_the_contacts_of_the_roster_sheet(tmp_path, returns):
    import datetime as dt

    from wennuan_xl.excel.jobs import consolidate_in_excel

    roster = [["单位名称", "选择汇总", "联系人", "联系电话", "电子邮箱"], ["犍为县总工会", "是", "高丽", 13912345678.0, "qw@126.com"],
              ["沙湾区总工会", "是", "李强", "12345", None], ["市中区总工会", "是", None, None, None],
              ["夹江县总工会", "是", "周杰", "0833-5555555", None]]
    master = open_master(tmp_path, {"WN_FOLDER": str(returns), "WN_RESUBMIT_BY": "2017-02-10"}, roster)
    message = consolidate_in_excel(master, buttons.settings_for(master, consolidating=True), today=dt.date(2017, 1, 20))
    assert "催报：需催报 3 个单位（未报 2 个，有错误 1 个），联系人和可复制的催报短信见“催报清单”。" in message
    assert "单位名单有 1 处提示" in message
    rows = _remind_rows(master)
    assert list(rows) == ["犍为县总工会", "沙湾区总工会", "夹江县总工会"]  # 沙湾区 sent 附件1 only; 市中区 is done
    assert (rows["犍为县总工会"]["联系人"], rows["犍为县总工会"]["联系电话"]) == ("高丽", "13912345678")
    assert "后于2017年2月10日前重新报送" in rows["犍为县总工会"]["催报短信（可复制）"]  # the date set on 设置
    assert rows["夹江县总工会"]["催报短信（可复制）"].startswith("夹江县总工会：请于2017年1月20日前报送《附件1")
    assert rows["沙湾区总工会"]["催报原因"] == "未报附件2"
    assert "联系电话“12345”不像有效号码" in rows["沙湾区总工会"]["备注"]
    assert "“单位名单”表第 3 行（沙湾区总工会）" in rows["沙湾区总工会"]["备注"]


def test_feedback_copies_when_set_beside_the_master(tmp_path, campaign, returns):
    master = open_master(tmp_path, {"WN_FOLDER": str(returns), "WN_FEEDBACK": "是"})
    buttons.consolidate()
    written = sorted(p.name for p in (tmp_path / "审核意见副本").glob("*.xlsx"))
    _, rules = buttons.campaign_for(master)
    result, _ = consolidate_folder(returns, tmp_path / "cli.xlsx", Settings(campaign, rules, workers=1))
    expected = feedback_items(result)
    assert len(written) == len(expected) > 0
    assert all("审核意见" in name for name in written)
    (message,) = alerts(master)
    assert f"反馈副本：{len(written)} 份，已存入 {tmp_path / '审核意见副本'}" in message
    assert sorted(p.name for p in returns.iterdir()) == sorted(UNITS), "the returns folder gets no copy"


def test_feedback_copies_go_to_the_folder_set_and_none_without_the_setting(tmp_path, campaign, returns):
    elsewhere = tmp_path / "发回单位"
    open_master(tmp_path, {"WN_FOLDER": str(returns), "WN_FEEDBACK": "是", "WN_FEEDBACK_DIR": str(elsewhere)})
    buttons.consolidate()
    assert list(elsewhere.glob("*.xlsx")) and not (tmp_path / "审核意见副本").exists()


@pytest.mark.parametrize("setting, asked", [(None, "2017年1月25日"), ("2017-02-10", "2017年2月10日")])
def test_feedback_copies_ask_by_the_date_set_or_three_working_days_later(tmp_path, returns, setting, asked):
    import datetime as dt

    from wennuan_xl.excel.jobs import consolidate_in_excel
    from wennuan_xl.files.feedback import OPINION_SHEET

    master = open_master(tmp_path, {"WN_FOLDER": str(returns), "WN_FEEDBACK": "是", "WN_RESUBMIT_BY": setting})
    consolidate_in_excel(master, buttons.settings_for(master, consolidating=True), today=dt.date(2017, 1, 20))  # a Friday
    letters = [openpyxl.load_workbook(p)[OPINION_SHEET]["A3"].value for p in (tmp_path / "审核意见副本").glob("*.xlsx")]
    assert letters and all(f"请于 {asked}前" in text for text in letters)


def test_a_resubmission_date_before_the_letter_is_refused_before_anything_is_written(tmp_path, returns):
    master = open_master(tmp_path, {"WN_FOLDER": str(returns), "WN_FEEDBACK": "是", "WN_RESUBMIT_BY": "2000-01-01"})
    buttons.consolidate()
    (message,) = alerts(master)
    assert "重新报送截止日期（2000-01-01）早于审核意见的日期" in message
    assert not actions(master, "setValues")


def test_no_feedback_copies_unless_asked(tmp_path, campaign, returns):
    master = open_master(tmp_path, {"WN_FOLDER": str(returns), "WN_FEEDBACK": "否"})
    buttons.consolidate()
    assert not (tmp_path / "审核意见副本").exists()
    assert "反馈副本" not in alerts(master)[0]


def test_feedback_into_the_returns_folder_is_refused_before_anything_is_written(tmp_path, returns):
    master = open_master(tmp_path, {"WN_FOLDER": str(returns), "WN_FEEDBACK": "是", "WN_FEEDBACK_DIR": str(returns)})
    buttons.consolidate()
    (message,) = alerts(master)
    assert message.startswith("反馈副本的文件夹不能是退回表所在的文件夹")
    assert not actions(master, "setValues")


def test_make_templates_carries_the_tolerance_set_on_settings(tmp_path, campaign):
    master = open_master(tmp_path, {"WN_TOLERANCE": 0.5})
    buttons.make_templates()
    form = campaign.form("A1")
    book = openpyxl.load_workbook(tmp_path / template_filename(form))
    formulas = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=") and "ROUND(ABS(" in c.value]
    assert formulas and all("<=0.5" in f for f in formulas) and not any("<=0.01" in f for f in formulas)
    (message,) = alerts(master)
    assert "金额误差 0.5 万元" in message


def test_the_default_tolerance_without_a_setting(tmp_path, campaign):
    open_master(tmp_path, {})
    buttons.make_templates()
    book = openpyxl.load_workbook(tmp_path / template_filename(campaign.form("A1")))
    formulas = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and "ROUND(ABS(" in c.value]
    assert formulas and all(f"<={campaign.tolerance}" in f for f in formulas)


@pytest.mark.parametrize(("tolerance", "fires"), [(None, True), (0.5, False)])
def test_validate_checks_with_the_tolerance_set_on_settings(tmp_path, campaign, tolerance, fires):
    values = consistent_values(random.Random(4), 0.3)  # what write_unit_return writes
    path = write_unit_return(campaign, tmp_path / "r.xlsx", changes={"A1.05A": round(values["A1.05A"] + 0.3, 2)})
    open_book(payload_for(path))
    master = open_master(tmp_path, {"WN_TOLERANCE": tolerance} if tolerance is not None else {})
    buttons.validate()
    (message,) = alerts(master)
    assert message == ("r.xlsx：发现 1 个错误，已在表中标出，详见该工作簿的“审核结果”表" if fires else "r.xlsx：未发现问题")


@pytest.mark.parametrize(("tolerance", "fires"), [(None, True), (0.5, False)])
def test_consolidate_checks_in_spawned_workers_with_the_tolerance_set_on_settings(
        tmp_path, monkeypatch, campaign, returns, tolerance, fires):
    # On Windows the workers are spawned, not forked: they get the campaign and rules the button built from
    # 设置, never a reload of the campaign folder (which knows nothing of WN_TOLERANCE).
    import multiprocessing

    from wennuan_xl.files import isolated

    monkeypatch.setattr(isolated, "_context", lambda: multiprocessing.get_context("spawn"))
    values = consistent_values(random.Random(4), 0.3)
    (returns / "市中区-送温暖统计表.xlsx").unlink()  # write_unit_return's unit: one return of 市中区
    write_unit_return(campaign, returns / "峨边县-附件1.xlsx", changes={"A1.05A": round(values["A1.05A"] + 0.3, 2)})
    master = open_master(tmp_path, {"WN_FOLDER": str(returns), **({"WN_TOLERANCE": tolerance} if tolerance else {})})
    buttons.consolidate()
    findings = book_model(master).sheet(FINDINGS_SHEET)
    file_col, rule_col = FINDINGS_HEADERS.index("文件") + 1, FINDINGS_HEADERS.index("规则") + 1
    rows = {r for (r, c), v in findings.values.items() if c == file_col and shown(v) == "峨边县-附件1.xlsx"}
    rules = {str(findings.values.get((r, rule_col))).removeprefix("'") for r in rows}  # Excel's text prefix
    assert ("A1-05-SUM" in rules) is fires, rules
