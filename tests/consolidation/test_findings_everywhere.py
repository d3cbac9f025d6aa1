"""The same findings table on every surface a clerk or an analyst reads: ``wennuan check`` (text and JSON),
the flagged copy's 审核结果, ``wennuan consolidate --json``, the consolidated 审核结果, the feedback letter and
the findings frame. Each shows the table's columns in the table's order under the same headings (or, in
JSON, its English keys), the same level labels, the same row for the same finding; a 注意 (“—” read as 0) is
among them everywhere."""

from __future__ import annotations

import json

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.core.findings_table import HEADINGS, KEYS
from wennuan_xl.files.feedback import OPINION_SHEET
from wennuan_xl.jobs import Settings, consolidate_folder

from .conftest import FINDINGS_SHEET, findings_table, unit_values, write_return

UNIT, FILE = "犍为县总工会", "犍为县-送温暖统计表.xlsx"
HEADING_OF = dict(zip(KEYS, HEADINGS))


def in_table_order(headings: list[str]) -> bool:
    """Every heading is one of the table's, and they come in the table's order (序号 may lead)."""
    shown = [h for h in headings if h != "序号"]
    return set(shown) <= set(HEADINGS) and shown == sorted(shown, key=HEADINGS.index)


@pytest.fixture
def returns(folder, campaign):
    bad = unit_values(92)
    bad["A1.02B"] = bad["A1.02A"] + 37  # 错误 A1-02
    bad["A2.13A"] = 25000  # 提示 F-YUAN
    bad["A1.07K"] = "—"  # 注意 F-PLACEHOLDER
    write_return(campaign, folder, FILE, UNIT, bad)
    write_return(campaign, folder, "市中区-送温暖统计表.xlsx", "市中区总工会", unit_values(90))
    dashed = unit_values(91)
    dashed["A1.07K"] = "—"  # a 注意 and nothing else: no letter for it
    write_return(campaign, folder, "沙湾区-送温暖统计表.xlsx", "沙湾区总工会", dashed)
    return folder, bad


def test_every_surface_shows_the_same_table(returns, out_dir, campaign, rules, capsys):
    folder, bad = returns
    path = folder / FILE

    # check, text: each value after its column's heading, in the table's order.
    assert main(["check", str(path)]) == 1
    text = capsys.readouterr().out
    row_lines = [line for line in text.splitlines() if line.startswith("  ") and "：" in line]
    headings = [part.split("：")[0].split(". ")[-1].strip() for line in row_lines for part in line.split("　")]
    assert set(headings) <= set(HEADINGS) and "单位" not in headings and "文件" not in headings
    first = next(line for line in row_lines if "规则：A1-02" in line)
    assert in_table_order([p.split("：")[0].split(". ")[-1] for p in first.strip().split("　")])

    # check --json and consolidate --json: the table's keys in its order, then the program's own.
    assert main(["check", "--json", str(path)]) == 1
    checked = json.loads(capsys.readouterr().out)["findings"]
    assert main(["consolidate", str(folder), "-o", str(out_dir / "汇总.xlsx"), "--json"]) == 1
    consolidated = json.loads(capsys.readouterr().out)["findings"]
    for f in checked + consolidated:
        assert list(f)[:len(KEYS)] == list(KEYS)
    ours = [f for f in consolidated if f["unit"] == UNIT]
    strip = lambda f: {k: f[k] for k in KEYS if k not in ("unit", "file")}  # noqa: E731 - check names the path
    assert [strip(f) for f in ours] == [strip(f) for f in checked]
    assert {f["level"] for f in ours} == {"错误", "提示", "注意"}
    note = next(f for f in ours if f["level"] == "注意")
    assert (note["rule"], note["value"], note["severity"]) == ("F-PLACEHOLDER", "—", "note")

    # The consolidated 审核结果: the same rows, under the headings, 填写值 a number where it is one.
    book = openpyxl.load_workbook(out_dir / "汇总.xlsx")
    headers = [c.value for c in book[FINDINGS_SHEET][3] if c.value]
    assert headers == ["序号", *HEADINGS]
    sheet_rows = [r for r in findings_table(book) if r["单位"] == UNIT]
    assert [{HEADING_OF[k]: f[k] for k in KEYS} for f in ours] == [{h: "" if r[h] is None else r[h] for h in HEADINGS} for r in sheet_rows]
    wrong = next(r for r in sheet_rows if r["规则"] == "A1-02")
    assert wrong["填写值"] == bad["A1.02B"] and isinstance(wrong["填写值"], int)

    # The flagged copy: the table without 单位 and 文件 (said above it).
    assert main(["check", str(path), "--flagged-copy", str(out_dir / "标记.xlsx")]) == 1
    capsys.readouterr()
    flagged = openpyxl.load_workbook(out_dir / "标记.xlsx")["审核结果"]
    flagged_headers = [c.value for c in flagged[4] if c.value]
    assert flagged_headers == ["序号", *(h for h in HEADINGS if h not in ("单位", "文件"))]
    levels = [r[flagged_headers.index("级别")] for r in flagged.iter_rows(min_row=5, values_only=True) if r[0]]
    assert levels == [f["level"] for f in checked]

    # The feedback letter: a subset, same headings, same order, same labels.
    job = Settings(campaign, rules, workers=1, feedback_dir=out_dir / "fb")
    result, _ = consolidate_folder(folder, out_dir / "汇总2.xlsx", job)
    from wennuan_xl.jobs import write_feedback

    (letter,) = write_feedback(result, job, folder).written  # 犍为县's; 沙湾区 has a 注意 only
    assert letter.name.startswith(UNIT)
    assert {u.unit: (u.errors, u.warnings) for u in result.rows}["沙湾区总工会"] == (0, 0)
    ws = openpyxl.load_workbook(letter)[OPINION_SHEET]
    letter_headers = [c.value for c in ws[4] if c.value]
    assert in_table_order(letter_headers) and {"级别", "填写值", "问题说明", "处理要求"} <= set(letter_headers)
    level_col = letter_headers.index("级别") + 1
    letter_levels = [ws.cell(r, level_col).value for r in range(5, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
    assert letter_levels == ["错误", "提示", "注意"]  # what must be done first

    # The analysts' frame: the same rows.
    frame = result.findings_frame(chinese=True)
    assert list(frame.columns) == list(HEADINGS)
    assert list(frame[frame["单位"] == UNIT]["级别"]) == [f["level"] for f in ours]
