"""The roster's optional contact columns (联系人, 联系电话, 电子邮箱), as clerks keep rosters: a CSV saved by
Excel for Chinese Windows (GB18030), one in UTF-8 with its BOM, a workbook whose phones were typed into number
cells, columns in another order, no contacts at all, no header. Each file is written here by hand."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from wennuan_xl.core.forms import CampaignError, RosterUnit
from wennuan_xl.files.campaign_files import read_roster

WITH_CONTACTS = [
    ("单位名称", "选择汇总", "联系人", "联系电话", "电子邮箱"),
    ("市中区总工会", "是", "王芳", "0833-2133419", "szq@126.com"),
    ("沙湾区总工会", "否", "李强", "13912345678", ""),
    ("新设区总工会", "是", "", "", ""),
]


def write_csv(path, rows, encoding: str) -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_csv_roster_with_contacts(tmp_path, encoding):
    path = tmp_path / "名单.csv"
    write_csv(path, WITH_CONTACTS, encoding)
    assert read_roster(path) == (
        RosterUnit("市中区总工会", True, "王芳", "0833-2133419", "szq@126.com"),
        RosterUnit("沙湾区总工会", False, "李强", "13912345678", ""),
        RosterUnit("新设区总工会", True),
    )


def test_a_gb18030_file_is_really_not_utf8(tmp_path):
    # The test above means something only if Excel's Chinese CSV is not readable as UTF-8.
    path = tmp_path / "名单.csv"
    write_csv(path, WITH_CONTACTS, "gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_roster_without_contacts_still_works(tmp_path, encoding):
    path = tmp_path / "名单.csv"
    write_csv(path, [("单位名称", "选择汇总"), ("市中区总工会", "是"), ("沙湾区总工会", "否")], encoding)
    assert read_roster(path) == (RosterUnit("市中区总工会"), RosterUnit("沙湾区总工会", included=False))
    write_csv(path, [("市中区总工会",), ("沙湾区总工会", "否")], encoding)  # no header, one column mostly
    assert read_roster(path) == (RosterUnit("市中区总工会"), RosterUnit("沙湾区总工会", included=False))


def test_the_shipped_roster_has_the_contact_columns_empty(campaign):
    assert len(campaign.roster) == 16
    assert all((u.person, u.phone, u.email, u.problems) == ("", "", "", ()) for u in campaign.roster)


def test_an_excel_roster_with_columns_in_another_order_and_phones_typed_as_numbers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单位名称", "手机", "联系人姓名", "E-mail", "选择汇总", "备注"])
    sheet.append(["市中区总工会", 13912345678, "王芳", "ＳＺＱ＠126.com", "是", "新任"])  # full-width, as IMEs type
    sheet.append(["沙湾区总工会", 2133419, "李强", None, "否", None])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    first, second = read_roster(path)
    assert (first.name, first.person, first.phone, first.email, first.problems) == (
        "市中区总工会", "王芳", "13912345678", "ＳＺＱ＠126.com", ())
    assert (second.included, second.phone, second.problems) == (False, "2133419", ())


def test_two_phone_columns_are_both_kept(tmp_path):
    path = tmp_path / "名单.csv"
    write_csv(path, [("单位名称", "办公电话", "手机"), ("市中区总工会", "0833-2133419", "13912345678")], "utf-8-sig")
    (unit,) = read_roster(path)
    assert unit.phone == "0833-2133419、13912345678" and unit.included and not unit.problems


@pytest.mark.parametrize(("phone", "email", "said"), [
    ("12345", "", ["单位名单 名单.csv 第 2 行（市中区总工会）：联系电话“12345”不像有效号码（手机 11 位，或固定电话如 0833-2133419）"]),
    ("0833-2133419 转", "", ["联系电话“0833-2133419 转”不像有效号码"]),
    ("13912345678、123", "", ["联系电话“13912345678、123”不像有效号码"]),
    ("", "szq126.com", ["单位名单 名单.csv 第 2 行（市中区总工会）：电子邮箱“szq126.com”不像邮箱地址"]),
    ("", "szq@126", ["电子邮箱“szq@126”不像邮箱地址"]),
    ("电话待定", "无", ["联系电话“电话待定”", "电子邮箱“无”"]),
])
def test_a_malformed_phone_or_email_is_kept_and_said_naming_the_row(tmp_path, phone, email, said):
    path = tmp_path / "名单.csv"
    write_csv(path, [("单位名称", "选择汇总", "联系人", "联系电话", "电子邮箱"), ("市中区总工会", "是", "王芳", phone, email),
                     ("沙湾区总工会", "是", "李强", "13912345678", "sw@126.com")], "gb18030")
    first, second = read_roster(path)
    assert (first.phone, first.email) == (phone, email), "kept as typed: the clerk sees what is there"
    assert len(first.problems) == len(said)
    for problem, words in zip(first.problems, said):
        assert words in problem and "请核对" in problem
    assert second.problems == ()


@pytest.mark.parametrize("phone", ["0833-2133419", "(0833)2133419", "０８３３－２１３３４１９", "2133419", "+8613912345678",
                                   "0833-2133419转8012", "13912345678/0833-2133419", "139 1234 5678"])
def test_phones_as_clerks_write_them_are_accepted(tmp_path, phone):
    path = tmp_path / "名单.csv"
    write_csv(path, [("单位名称", "联系电话"), ("市中区总工会", phone)], "utf-8-sig")
    (unit,) = read_roster(path)
    assert unit.phone == phone and unit.problems == ()


def test_a_roster_without_a_header_does_not_guess_what_its_third_column_is(tmp_path):
    path = tmp_path / "名单.csv"
    write_csv(path, [("市中区总工会", "是", "王芳", "13912345678"), ("沙湾区总工会", "是")], "gb18030")
    first, second = read_roster(path)
    assert (first.person, first.phone) == ("", "")
    (problem,) = first.problems
    assert problem.startswith("单位名单 名单.csv 第 1 行（市中区总工会）：第 3 列起的“王芳”“13912345678”未读取")
    assert "请在第一行写上表头：单位名称、选择汇总、联系人、联系电话、电子邮箱" in problem
    assert second.problems == ()


def test_the_masters_roster_sheet_rows(campaign):
    from wennuan_xl.jobs import settings

    rows = [["单位名称", "选择汇总", "联系人", "联系电话", "电子邮箱"], ["市中区总工会", "是", "王芳", 13912345678.0, None],
            [None, None, None, None, None], ["沙湾区总工会", "是", None, "12", None]]
    roster = settings(roster_rows=rows, roster_source="单位名单").campaign.roster
    assert [(u.name, u.phone) for u in roster] == [("市中区总工会", "13912345678"), ("沙湾区总工会", "12")]
    assert roster[1].problems[0].startswith("“单位名单”表第 4 行（沙湾区总工会）：联系电话“12”")


def test_an_empty_roster_is_still_refused(tmp_path):
    path = tmp_path / "名单.csv"
    write_csv(path, [("单位名称", "联系人")], "utf-8-sig")
    with pytest.raises(CampaignError, match="单位名单为空"):
        read_roster(path)
