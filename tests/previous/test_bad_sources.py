"""A previous-year source that cannot be used is refused before anything is read or written: exit 2, a
Chinese reason naming the file or folder, never a silent blank and never an output."""

from __future__ import annotations

import random

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.samples import consistent_values, write_plain_return

from .conftest import cover


def a_return(tmp_path, campaign):
    return write_plain_return(tmp_path / "市中区-附件1.xlsx", campaign, consistent_values(random.Random(1), 0.3),
                              cover("市中区总工会", 2016))


def foreign_detail(tmp_path, campaign):
    book = openpyxl.Workbook()
    book.active.title = "明细"
    book.active.append(["序号", "项目", "本年", "上年"])
    book.active.append([1, "职工总数", 1200, 1100])
    book.save(tmp_path / "明细.xlsx")
    return tmp_path / "明细.xlsx"


def twice(tmp_path, campaign):
    book = openpyxl.Workbook()
    book.active.title = "明细"
    book.active.append(["单位", "上报情况", "附件1计入汇总", "A1.01A", "A1.01B", "A1.01A"])
    book.active.append(["市中区总工会", "已报", "是", 1200, 300, 1300])
    book.save(tmp_path / "两列.xlsx")
    return tmp_path / "两列.xlsx"


def no_units(tmp_path, campaign):
    book = openpyxl.Workbook()
    book.active.title = "明细"
    book.active.append(["单位", "上报情况", "附件1计入汇总", "A1.01A"])
    book.active.append(["合计（计入汇总的单位）", "", "", 0])
    book.save(tmp_path / "空.xlsx")
    return tmp_path / "空.xlsx"


def unknown_codes(tmp_path, campaign):
    book = openpyxl.Workbook()
    book.active.title = "明细"
    book.active.append(["单位", "B9.01A", "B9.02A"])
    book.active.append(["市中区总工会", 1, 2])
    book.save(tmp_path / "别的表.xlsx")
    return tmp_path / "别的表.xlsx"


def broken(tmp_path, campaign):
    path = tmp_path / "上年汇总.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(random.Random(3).randrange(256) for _ in range(2000)))
    return path


def text_file(tmp_path, campaign):
    path = tmp_path / "上年.csv"
    path.write_text("单位,A1.01A\n市中区总工会,1200\n", encoding="utf-8")
    return path


def empty_folder(tmp_path, campaign):
    (tmp_path / "上年退回表").mkdir()
    return tmp_path / "上年退回表"


def off_roster_folder(tmp_path, campaign):
    folder = tmp_path / "上年退回表"
    folder.mkdir()
    write_plain_return(folder / "某公司.xlsx", campaign, consistent_values(random.Random(2), 0.3), cover("某某公司工会", 2016))
    return folder


CASES = {
    "a unit's return": (a_return, "中没有本程序写出的“明细”表"),
    "a 明细 not ours": (foreign_detail, "的“明细”表的表头不是本程序写出的格式"),
    "a code in two columns": (twice, "指标代码 A1.01A 出现在 2 列（D、F），无法判断用哪一列"),
    "no unit in 明细": (no_units, "表中没有任何单位的数据"),
    "codes of another form": (unknown_codes, "表中的指标代码（B9.01A、B9.02A）与今年的表样都对不上"),
    "a broken file": (broken, "无法读取"),
    "a CSV": (text_file, "不是 Excel 工作簿"),
    "an empty folder": (empty_folder, "中没有 Excel 工作簿"),
    "a folder of units off the roster": (off_roster_folder, "中没有读到今年名单中任何单位的退回表"),
    "nothing there": (lambda tmp_path, campaign: tmp_path / "没有这个文件.xlsx", "不存在"),
}


@pytest.fixture
def this_year(tmp_path, campaign):
    folder = tmp_path / "2017"
    folder.mkdir()
    write_plain_return(folder / "市中区.xlsx", campaign, consistent_values(random.Random(5), 0.3), cover("市中区总工会", 2017))
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_unusable_source_is_refused_naming_it(tmp_path, campaign, this_year, case, capsys):
    make, said = CASES[case]
    source = make(tmp_path, campaign)
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(this_year), "-o", str(out), "--previous", str(source)]) == 2
    err = capsys.readouterr().err
    assert said in err and str(source) in err, err
    assert not out.exists()
    assert main(["check", str(this_year / "市中区.xlsx"), "--previous", str(source)]) == 2
    captured = capsys.readouterr()
    assert said in captured.err and not captured.out


def test_this_years_own_outputs_are_not_last_year(tmp_path, this_year, capsys):
    out = tmp_path / "汇总.xlsx"
    assert main(["consolidate", str(this_year), "-o", str(out)]) == 0
    capsys.readouterr()
    # the output this run is about to replace
    assert main(["consolidate", str(this_year), "-o", str(out), "--previous", str(out)]) == 2
    assert "与本次汇总的输出文件相同" in capsys.readouterr().err
    # this year's consolidated workbook under another name
    assert main(["consolidate", str(this_year), "-o", str(tmp_path / "二.xlsx"), "--previous", str(out)]) == 2
    assert "是今年（2017年元旦春节送温暖活动）的汇总结果，不是上年的" in capsys.readouterr().err
    assert not (tmp_path / "二.xlsx").exists()
    # this year's returns folder
    assert main(["consolidate", str(this_year), "-o", str(tmp_path / "三.xlsx"), "--previous", str(this_year)]) == 2
    assert "不能是今年退回表所在的文件夹" in capsys.readouterr().err
