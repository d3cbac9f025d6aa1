"""Every file of the hostile corpus gets a clear answer, and the run goes on with the others.

What the clerk sees is asserted: 上报情况 says 无法读取 with a Chinese reason naming what is wrong, or the
return is checked normally; ``check --json`` says the same per file; no command lets an exception out.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from wennuan_xl.cli.main import main

from .attacks import ATTACKS

NAMES_UNUSABLE = [
    "h01-截断.xlsx", "h02-压缩数据损坏.xlsx", "h03-随机字节.xlsx", "h04-空文件.xlsx", "h05-只有文件头.xlsx",
    "h10-压缩炸弹.xlsx", "h11-压缩炸弹-谎报大小.xlsx", "h12-上万个部件.xlsx", "h13-许多部件合计过大.xlsx",
    "h14-部件数据重叠.xlsx", "h15-重名部件.xlsx", "h16-zip加密.xlsx", "h17-bzip2压缩.xlsx", "h18-目录谎报条目数.xlsx",
    "h19-嵌入对象是压缩炸弹.xlsx", "h20-工作表是压缩包.xlsx", "h21-一百万行.xlsx", "h25-一百万行-如实申报.xlsx",
    "h22-远处的单元格.xlsx", "h23-超出范围的地址.xlsx", "h24-UTF16工作表.xlsx", "h30-十亿笑声-工作表.xlsx",
    "h31-十亿笑声-workbook.xlsx", "h32-外部实体-工作表.xlsx", "h33-外部实体-workbook.xlsx", "h34-外部实体-共享字符串.xlsx",
    "h40-设有密码.xlsx", "h41-Word改名.xlsx", "h42-CSV改名.xlsx", "h43-稀疏的xls.xls",
]
NAMES_UNUSABLE += [a.name for a in ATTACKS if a.expect == "unusable"]  # issue #12's second round
NAMES_REPORTED = [
    "r01-旧格式.xls", "r02-公式无缓存值.xlsx", "r03-合并单元格.xlsx", "r04-隐藏工作表.xlsx", "r05-上方插入行.xlsx",
    "r06-工作表改名.xlsx", "r07-损坏的名称.xlsx", "r08-超长单位名.xlsx", "r09-奇怪的数值.xlsx", "r10-公式单位名.xlsx",
    "r11-嵌入炸弹工作簿.xlsx", "r12-百万字单位名.xlsx",
]


@pytest.fixture(scope="module")
def cases(hostile):
    return {c.name: c for c in hostile[1]}


def test_the_corpus_holds_every_case(cases):
    assert sorted(cases) == sorted(NAMES_UNUSABLE + NAMES_REPORTED)


@pytest.mark.parametrize("name", NAMES_UNUSABLE)
def test_a_hostile_file_is_listed_unreadable_with_its_reason(consolidated, cases, name):
    _code, _out, rows = consolidated
    case = cases[name]
    row = rows[name]
    assert row["上报情况"] == "无法读取"
    assert row["计入汇总"] == "否"
    assert any(word in row["备注"] for word in case.words), (case.words, row["备注"])
    assert re.search(r"[\u4e00-\u9fff]", row["备注"])


@pytest.mark.parametrize("name", NAMES_UNUSABLE)
def test_check_json_gives_the_same_reason(checked, cases, name):
    obj = checked[name]
    assert any(word in obj["error"] for word in cases[name].words), obj["error"]
    assert obj["findings"] == [] and obj["values"] == {}


@pytest.mark.parametrize("name", NAMES_REPORTED)
def test_an_odd_but_real_return_is_checked_normally(consolidated, checked, cases, name):
    _code, _out, rows = consolidated
    case = cases[name]
    assert rows[name]["上报情况"] in ("已报", "名单外"), rows[name]
    obj = checked[name]
    assert "error" not in obj, obj.get("error")
    assert obj["unit"] == case.unit
    for code, value in case.values.items():
        assert obj["values"][code] == pytest.approx(value), code


def test_the_bombs_and_tricks_name_the_sheet_or_cell(checked):
    assert "附件1" in checked["h10-压缩炸弹.xlsx"]["error"]
    assert "XFD1048576" in checked["h22-远处的单元格.xlsx"]["error"]
    assert "附件1" in checked["h22-远处的单元格.xlsx"]["error"]
    assert "附件1" in checked["h21-一百万行.xlsx"]["error"]


def test_the_good_units_still_count(consolidated, cases):
    code, _out, rows = consolidated
    assert code == 1  # r09 has 错误; unreadable files do not stop the run
    reported = {r["单位"] for r in rows.values() if r["上报情况"] == "已报"}
    assert {"井研县总工会", "犍为县总工会", "夹江县总工会", "金口河区总工会"} <= reported


def test_odd_numbers_are_errors_quoting_what_was_typed(checked):
    obj = checked["r09-奇怪的数值.xlsx"]
    by_code = {}
    for f in obj["findings"]:
        if f["severity"] == "error":
            by_code.setdefault(f["codes"][0], []).append(f["rule"])
    for code in ("A1.01A", "A1.02A", "A1.02B", "A1.03A", "A1.03B", "A1.04A", "A1.04C", "A1.04D"):
        assert code in by_code, (code, by_code)
    assert obj["values"]["A1.02A"] == "NaN" and obj["values"]["A1.03A"] == "1e999"  # quoted as typed, not 0
    assert obj["values"]["A1.04A"] == "=1+2" and obj["values"]["A1.04D"] == "@SUM(A1:A2)"
    assert obj["values"]["A1.04B"] == 1  # "+1" is a number as a person means it


def test_hidden_decoy_sheet_is_not_read(checked):
    obj = checked["r04-隐藏工作表.xlsx"]
    assert obj["values"]["A1.01A"] != 999_999


def test_a_formula_without_a_cached_value_is_not_a_number(checked):
    """openpyxl writes formulas without results; the reader must not invent one, nor call the field 未填: it is
    refused, naming the cell and the formula (F-LOCATE-FORMULA)."""
    obj = checked["r02-公式无缓存值.xlsx"]
    assert obj["values"].get("A1.01B") is None
    [refusal] = [f for f in obj["findings"] if f["rule"] == "F-LOCATE-FORMULA"]
    assert "A1.01B" in refusal["codes"] and "=100+1" in refusal["message"]


@pytest.mark.parametrize("argv", [
    ["check"], ["check", "--json"], ["check", "--flagged-copy", "{out}/标记"], ["consolidate", "--json", "-o", "{out}/汇总.xlsx"],
])
def test_no_command_lets_an_exception_out(hostile, tmp_path, argv):
    folder, cases = hostile
    argv = [a.format(out=tmp_path) for a in argv]
    files = [str(folder / c.name) for c in cases]
    args = argv[:1] + ([str(folder)] if argv[0] == "consolidate" else files) + argv[1:]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    assert code in (1, 2), err.getvalue()[-2000:]
    assert "Traceback" not in out.getvalue() + err.getvalue()


def test_demo_and_template_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        assert main(["template", "--out", str(tmp_path / "模板")]) == 0
        assert main(["demo", "-o", str(tmp_path / "示例.xlsx")]) == 0
    assert (tmp_path / "示例.xlsx").exists()


def test_a_flagged_copy_of_a_return_with_merged_input_cells_is_written(hostile, tmp_path):
    folder, _ = hostile
    out = tmp_path / "标记.xlsx"
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        main(["check", str(folder / "r03-合并单元格.xlsx"), "--flagged-copy", str(out)])
    assert out.exists(), err.getvalue()
