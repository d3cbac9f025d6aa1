"""`wennuan check`: the report a clerk reads, the JSON contract, flagged copies, exit codes."""

from __future__ import annotations

import hashlib
import json
import random

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.files.campaign_files import load_campaign
from wennuan_xl.samples import consistent_values, write_template_return

CAMPAIGN = load_campaign()
COVER = {"UNIT": "市中区总工会", "PERSON": "张三", "PHONE": "0833-2133419", "DATE": "2017-01-15"}
RED, YELLOW = "FFC7CE", "FFEB9C"


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def good(tmp_path):
    values = consistent_values(random.Random(1), 0.5)
    return write_template_return(tmp_path / "市中区.xlsx", CAMPAIGN, values, COVER, ("A1", "A2")), values


@pytest.fixture
def bad(tmp_path):
    values = consistent_values(random.Random(2), 0.5)
    values["A1.02B"] = values["A1.02A"] + 50  # 错误 A1-02
    values["A1.05A"] = "约30"  # 错误 F-NUMBER
    values["A2.13A"] = 25000  # 提示 F-YUAN
    values["A1.07K"] = "—"  # read as 0, with a note
    path = write_template_return(tmp_path / "犍为县.xlsx", CAMPAIGN, values, COVER, ("A1", "A2"))
    book = openpyxl.load_workbook(path)
    for sheet in ("附件1", "附件2"):  # what a clerk typed as text: it must never become a formula
        cell = book[sheet]["B4"]
        cell.value = '=HYPERLINK("http://x")'
        cell.data_type = "s"
    book.save(path)
    return path, values


def test_clean_return_exits_0_and_says_so(good, capsys):
    path, _ = good
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "填报单位：市中区总工会" in out and "未发现问题" in out


def test_errors_are_listed_with_cell_message_and_rule_and_exit_1(bad, capsys):
    path, values = bad
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "发现 2 个错误、1 个提示；注意 1 条" in out
    lines = out.splitlines()
    # Each finding: the findings table's columns in its order, each value after its heading.
    at = next(i for i, line in enumerate(lines) if "规则：A1-02" in line)
    assert lines[at].strip() == (f"1. 附件：附件1　单元格：附件1!E10　指标：02(B) 其中困难农民工　规则：A1-02　级别：错误　"
                                 f"填写值：{values['A1.02B']:,}")
    assert lines[at + 1].strip().startswith("问题说明：02(B) 其中困难农民工")
    assert f"{values['A1.02B']:,} 人" in lines[at + 1] and f"{values['A1.02A']:,} 人" in lines[at + 1]
    assert lines[at + 2].strip() == "处理要求：改正后重新报送"
    assert "填写值：约30" in out and "“约30”" in out and "规则：F-NUMBER" in out and "规则：F-YUAN" in out
    # The placeholder note is a finding of its own level, 注意 (never 说明, the unit's own column).
    note = next(line for line in lines if "规则：F-PLACEHOLDER" in line)
    assert "级别：注意" in note and "填写值：—" in note and "说明" not in note


def test_json_contract(bad, good, capsys):
    path, values = bad
    assert main(["check", "--json", str(path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"file", "unit", "values", "findings"} and "notes" not in data
    assert data["unit"] == "市中区总工会"
    assert len(data["values"]) == len(list(CAMPAIGN.fields()))
    assert data["values"]["A1.02A"] == values["A1.02A"] and isinstance(data["values"]["A1.02A"], int)
    assert data["values"]["A1.05A"] == "约30" and data["values"]["A1.07K"] == 0
    assert data["values"]["A2.06B"] in ("是", "否")
    f = next(f for f in data["findings"] if f["rule"] == "A1-02")
    assert f == {
        "unit": "市中区总工会", "file": str(path), "annex": "附件1", "cell": "附件1!E10", "field": "02(B) 其中困难农民工",
        "rule": "A1-02", "level": "错误", "value": values["A1.02B"], "message": f["message"], "explanation": "",
        "action": "改正后重新报送",
        "severity": "error", "codes": ["A1.02B", "A1.02A"], "cells": ["附件1!E10", "附件1!E9"],
        "values": {"A1.02B": values["A1.02B"], "A1.02A": values["A1.02A"]}, "explained": False,
    }
    assert {x["severity"] for x in data["findings"]} == {"error", "warning", "note"}
    # What was read generously is a finding of its own kind, 注意, in the same list.
    note = next(f for f in data["findings"] if f["severity"] == "note")
    assert (note["level"], note["rule"], note["value"], note["cell"]) == ("注意", "F-PLACEHOLDER", "—", "附件1!E45")
    assert "按 0 计" in note["message"]
    # Several files: a list, one object per file.
    assert main(["check", "--json", str(path), str(good[0])]) == 1
    both = json.loads(capsys.readouterr().out)
    assert isinstance(both, list) and [o["file"] for o in both] == [str(path), str(good[0])]


def test_unusable_file_exits_2_with_a_chinese_reason(tmp_path, good, capsys):
    fake = tmp_path / "名单.xlsx"
    fake.write_text("单位,人数\n市中区,3\n", encoding="utf-8")
    assert main(["check", str(fake), str(good[0])]) == 2
    out = capsys.readouterr().out
    assert "名单.xlsx" in out and "无法审核" in out and "CSV" in out
    assert "1 个无法读取" in out


def test_flagged_copy_marks_cells_and_lists_findings_leaving_the_original(bad, tmp_path, capsys):
    path, values = bad
    before = sha(path)
    out = tmp_path / "标记.xlsx"
    assert main(["check", str(path), "--flagged-copy", str(out)]) == 1
    assert sha(path) == before
    book = openpyxl.load_workbook(out)
    a1, a2 = book["附件1"], book["附件2"]
    assert a1["E10"].fill.fgColor.rgb.endswith(RED) and "A1-02" in a1["E10"].comment.text
    assert a1["E9"].fill.fgColor.rgb.endswith(RED)  # both cells of the broken relation
    yuan = CAMPAIGN.form("A2")
    from wennuan_xl.core.layout import layout_for

    row, col = layout_for(yuan).field_cell("A2.13A")
    assert a2.cell(row, col).fill.fgColor.rgb.endswith(YELLOW)
    assert "元" in a2.cell(row, col).comment.text
    results = book["审核结果"]
    headers = [c.value for c in results[4]]
    assert headers == ["序号", "附件", "单元格", "指标", "规则", "级别", "填写值", "问题说明", "单位说明", "处理要求"]
    rows = [{h: c for h, c in zip(headers, r)} for r in results.iter_rows(min_row=5) if r[0].value]
    assert {"A1-02", "F-NUMBER", "F-YUAN", "F-PLACEHOLDER"} <= {r["规则"].value for r in rows}
    wrong = next(r for r in rows if r["规则"].value == "A1-02")
    assert wrong["单元格"].value == "附件1!E10" and wrong["单元格"].hyperlink.location == "'附件1'!E10"
    # 填写值 is a number cell, as Excel sums and sorts it.
    assert (wrong["填写值"].value, wrong["填写值"].data_type) == (values["A1.02B"], "n")
    assert wrong["级别"].value == "错误" and wrong["级别"].fill.fgColor.rgb.endswith(RED)
    note = next(r for r in rows if r["规则"].value == "F-PLACEHOLDER")
    assert (note["级别"].value, note["填写值"].value) == ("注意", "—")
    # A 注意 flags no cell of the form: it keeps the template's own input fill and gets no note.
    note_cell = a1[note["单元格"].value.split("!")[1]]
    assert not note_cell.fill.fgColor.rgb.endswith((RED, YELLOW)) and note_cell.comment is None


def test_text_starting_with_equals_stays_text_in_the_flagged_copy(bad, tmp_path):
    import zipfile

    path, _ = bad
    out = tmp_path / "标记.xlsx"
    main(["check", str(path), "--flagged-copy", str(out)])
    with zipfile.ZipFile(out) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>HYPERLINK" in zf.read(n) for n in sheets)


def test_flagged_copy_onto_the_original_is_refused(bad, capsys):
    path, _ = bad
    before = sha(path)
    assert main(["check", str(path), "--flagged-copy", str(path)]) == 2
    assert "输入文件" in capsys.readouterr().err
    assert sha(path) == before


def test_template_command_writes_both_annexes(tmp_path, capsys):
    from wennuan_xl.core.namelist.spec import namelist_spec
    from wennuan_xl.files.namelist_template import list_template_filename

    assert main(["template", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    spec = namelist_spec(CAMPAIGN)
    assert spec is not None
    # the two annexes, and the 实名制 list's blank template (issue #16)
    assert names == sorted([*(f"{f.annex}-{f.title}.xlsx" for f in CAMPAIGN.forms), list_template_filename(spec)])


def test_a_reader_that_stops_reading_ends_the_run_quietly_in_chinese():
    """`wennuan check --json … | head`: the pipe closes under us; no 意外错误 asking for a technician."""
    import subprocess
    import sys

    from wennuan_xl.jobs import sample_returns_folder

    files = sorted(str(p) for p in sample_returns_folder().glob("*.xlsx"))
    proc = subprocess.Popen([sys.executable, "-m", "wennuan_xl", "check", "--json", *files],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)  # far less than the report (over 100 KB) ...
    proc.stdout.close()  # ... and gone, as head goes
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=300) == 141
    assert "输出已无人读取（管道已关闭），本次运行提前结束；本次没有写入任何文件" in err
    assert "意外错误" not in err and "Traceback" not in err
