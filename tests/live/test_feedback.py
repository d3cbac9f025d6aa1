"""Feedback copies (``wennuan consolidate --feedback DIR``): one per unit with something to correct.

Each is the unit's own return, problem cells flagged and noted, with a 审核意见 sheet in front addressed
to the unit by name, listing what to correct, with the city union's deadline. The originals are untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.core.layout import VALUE_COL, layout_for
from wennuan_xl.files.feedback import OPINION_SHEET, feedback_name

from .conftest import (
    NOTE_ON,
    OTHER_UNIT,
    PLANE_NOTE,
    UNIT,
    Filler,
    annex1_with_findings,
    consistent,
    cover,
    sheet_table,
)

DAY = "2017-01-21"
THIRD, FOURTH = "犍为县总工会", "五通桥区总工会"


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def returns(campaign, templates, tmp_path: Path) -> Path:
    folder = tmp_path / "returns"
    folder.mkdir()
    a1, a2 = Filler(campaign, "A1", templates["A1"]), Filler(campaign, "A2", templates["A2"])
    a1.save(folder / "市中区-附件1.xlsx", annex1_with_findings(), NOTE_ON, cover())  # 错误 + open and explained 提示
    a2.save(folder / "市中区-附件2.xlsx", consistent("A2", 7), {}, cover())
    a1.save(folder / "沙湾区-附件1.xlsx", consistent("A1", 8), {}, cover(OTHER_UNIT))  # nothing to say
    broken = consistent("A2", 9)
    broken["A2.02"] = broken["A2.02"] + 3  # A2-02-SUM 错误
    a2.save(folder / "犍为县-附件2.xlsx", broken, {}, cover(THIRD))
    only_explained = consistent("A1", 10)
    only_explained.update({"A1.10I": 1, "A1.10J": 2000, "A1.10": only_explained["A1.10"] + 2000})
    a1.save(folder / "五通桥区-附件1.xlsx", only_explained, {"A1.10J": PLANE_NOTE}, cover(FOURTH))
    return folder


def test_feedback_copies_for_units_with_something_to_correct(campaign, returns: Path, tmp_path: Path, capsys) -> None:
    before = hashes(returns)
    out_dir = tmp_path / "审核意见"
    code = main(["consolidate", str(returns), "-o", str(tmp_path / "汇总.xlsx"), "--feedback", str(out_dir), "--feedback-date", DAY])
    assert code == 1
    assert "审核意见副本：2 份" in capsys.readouterr().out
    assert hashes(returns) == before  # the originals are untouched
    # 沙湾区 has no finding; 五通桥区 only a 提示 it explained: neither gets a letter.
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        [f"{UNIT}-审核意见-{DAY}.xlsx", f"{THIRD}-审核意见-{DAY}.xlsx"]
    )

    path = out_dir / f"{UNIT}-审核意见-{DAY}.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == OPINION_SHEET and book.active.title == OPINION_SHEET
    assert {"附件1", "审核", "审核结果"} <= set(book.sheetnames)  # the unit's own sheets are all there
    ws = book[OPINION_SHEET]
    assert ws["A2"].value == f"{UNIT}："
    letter = ws["A3"].value.strip("　")
    assert letter.startswith("经审核，贵单位报送的《附件1 2017年工会送温暖活动统计表》")
    # Dated Saturday 2017-01-21: three working days later is Wednesday the 25th, not the campaign's
    # deadline (the 20th), which has passed.
    assert "1 个错误、1 个提示" in letter and "请于 2017年1月25日前" in letter and "乐山市总工会" in letter
    assert "联系人：曾心怡，电话：2133419" in letter and "加盖公章" in letter  # the notice's contact
    # No empty row between the letter and the table: title, unit, letter, then the table's header.
    assert [ws.cell(r, 1).value is not None for r in (1, 2, 3, 4)] == [True] * 4
    # The findings table's columns the letter keeps, in its order and under its headings: no 单位, 文件 (the
    # letter names both), 规则, nor 附件 (one annex).
    assert [c.value for c in ws[4]] == ["序号", "单元格", "指标", "级别", "填写值", "问题说明", "单位说明", "处理要求"]
    rows = sheet_table(path, OPINION_SHEET, 4)
    table = [r for r in rows if isinstance(r["序号"], int)]
    assert [r["级别"] for r in table] == ["错误", "提示", "已说明"]
    assert table[0]["问题说明"].startswith("02(B) 其中困难农民工")
    assert table[0]["处理要求"] == "改正后重新报送（错误不能以说明代替改正）"  # the unit wrote a 说明 on its 错误
    assert table[0]["指标"] == "02(B) 其中困难农民工"
    assert table[0]["填写值"] == annex1_with_findings()["A1.02B"]  # a number, as the unit typed it
    assert ws.cell(5, 5).data_type == "n"
    assert table[1]["处理要求"] == "核实，或在“说明”栏写明原因"
    assert table[2]["单位说明"] == PLANE_NOTE and table[2]["处理要求"] == "已说明，无需处理"
    last = ws.max_column
    signature = [(c.column, c.value) for row in ws.iter_rows(min_row=5 + len(table)) for c in row if c.value]
    # Straight under the table, at the right margin (the last column, right-aligned), with the seal.
    assert last == 8 and signature == [(last, "乐山市总工会（盖章）"), (last, "2017年1月21日")]
    assert ws.cell(5 + len(table), last).alignment.horizontal == "right"
    assert ws.row_dimensions[5 + len(table)].height >= 48, "room for the seal above the issuer's name"

    # The problem cells are flagged in the unit's own form, the values as the unit typed them.
    form = book["附件1"]
    row_02b = next(r.row for r in layout_for(campaign.form("A1")).rows if r.field and r.field.code == "A1.02B")
    cell = form.cell(row_02b, VALUE_COL)
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "02(B) 其中困难农民工" in cell.comment.text
    assert cell.value == annex1_with_findings()["A1.02B"]

    third = openpyxl.load_workbook(out_dir / f"{THIRD}-审核意见-{DAY}.xlsx")
    assert third[OPINION_SHEET]["A2"].value == f"{THIRD}："
    assert "《附件2 2016年度困难职工帮扶中心工作统计表》" in third[OPINION_SHEET]["A3"].value


def test_the_clerk_sets_the_resubmission_date(returns: Path, tmp_path: Path, capsys) -> None:
    out_dir = tmp_path / "fb"
    code = main(["consolidate", str(returns), "-o", str(tmp_path / "汇总.xlsx"), "--feedback", str(out_dir),
                 "--feedback-date", DAY, "--resubmit-by", "2017-02-10"])
    assert code == 1
    letter = openpyxl.load_workbook(out_dir / f"{UNIT}-审核意见-{DAY}.xlsx")[OPINION_SHEET]["A3"].value
    assert "请于 2017年2月10日前" in letter


@pytest.mark.parametrize("given, said", [
    ("2017-01-19", "早于审核意见的日期（2017-01-21）"),
    ("2017/02/30", "--resubmit-by 应为 YYYY-MM-DD 格式的日期，不是“2017/02/30”"),
])
def test_a_resubmission_date_that_cannot_be_used_is_refused(returns: Path, tmp_path: Path, capsys, given, said) -> None:
    code = main(["consolidate", str(returns), "-o", str(tmp_path / "汇总.xlsx"), "--feedback", str(tmp_path / "fb"),
                 "--feedback-date", DAY, "--resubmit-by", given])
    assert code == 2
    assert said in capsys.readouterr().err
    assert not (tmp_path / "汇总.xlsx").exists() and not (tmp_path / "fb").exists()


def test_feedback_folder_must_not_be_the_returns_folder(returns: Path, tmp_path: Path, capsys) -> None:
    before = hashes(returns)
    code = main(["consolidate", str(returns), "-o", str(tmp_path / "汇总.xlsx"), "--feedback", str(returns)])
    assert code == 2
    assert "不能是退回表所在的文件夹" in capsys.readouterr().err
    assert hashes(returns) == before


def test_feedback_file_names_say_unit_and_date() -> None:
    assert feedback_name("市中区总工会", dt.date(2017, 1, 21), ".xlsx") == "市中区总工会-审核意见-2017-01-21.xlsx"
    assert feedback_name("市中区总工会", dt.date(2017, 1, 21), ".xlsx", "附件1") == "市中区总工会-附件1-审核意见-2017-01-21.xlsx"
    assert feedback_name("a/b:c", dt.date(2017, 1, 21), ".xlsm") == "a_b_c-审核意见-2017-01-21.xlsm"


def test_jobs_exposes_feedback_for_the_excel_layer(campaign, rules, returns: Path, tmp_path: Path) -> None:
    from wennuan_xl.jobs import Settings, consolidate_folder, write_feedback

    job = Settings(campaign, rules, workers=1, feedback_dir=tmp_path / "fb", feedback_day=dt.date(2017, 1, 21))
    result, _ = consolidate_folder(returns, tmp_path / "汇总.xlsx", job)
    done = write_feedback(result, job, returns)
    assert not done.failed and len(done.written) == 2
