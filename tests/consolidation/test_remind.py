"""催报: the 催报清单 of a folder where some units sent nothing, one sent one annex of two, one sent a return
with an 错误, one sent a file nobody can read and one file belongs to no unit; read back from the consolidated
workbook and from ``consolidate --remind`` (.xlsx and .csv) as a clerk's Excel shows them."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import replace

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.core.remind import NOT_SENT, SENT_ERRORS, SENT_OK, UNREADABLE_FILE, progress, remind_dates
from wennuan_xl.files.campaign_files import read_roster
from wennuan_xl.jobs import Settings, consolidate_folder

from .conftest import load, rows_under_header, unit_values, write_return

FRIDAY = dt.date(2017, 1, 20)  # the campaign's deadline; three working days later is Wednesday the 25th
ROSTER = [
    ("单位名称", "选择汇总", "联系人", "联系电话", "电子邮箱"),
    ("市中区总工会", "是", "王芳", "0833-2133419", "szq@126.com"),
    ("沙湾区总工会", "是", "李强", "12345", "sw@126.com"),  # a phone number that is none
    ("犍为县总工会", "是", "", "", ""),
    ("五通桥区总工会", "是", "赵敏", "13912345678", ""),
    ("井研县总工会", "否", "孙丽", "13800001111", ""),  # not chosen for the totals: not chased
    ("夹江县总工会", "是", "周杰", "13700002222", "jj@qq.com"),
]
TITLE_1 = "《附件1 2017年工会送温暖活动统计表》"
TITLE_2 = "《附件2 2016年度困难职工帮扶中心工作统计表》"
SENDER = "乐山市总工会经保女工部（联系人：曾心怡，电话：2133419，邮箱：lsszghbzb@126.com）"
REMIND_HEADER_ROW = 4


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "名单.csv"
    with open(path, "w", encoding="gb18030", newline="") as fh:  # as Excel for Chinese Windows saves a CSV
        csv.writer(fh).writerows(ROSTER)
    return path


@pytest.fixture
def returns(tmp_path, campaign):
    folder = tmp_path / "退回表"
    folder.mkdir()
    write_return(campaign, folder, "市中区-送温暖统计表.xlsx", "市中区总工会", unit_values(90))
    wrong = unit_values(91)
    wrong["A1.02B"] = wrong["A1.02A"] + 5  # A1-02: 02(B) above 02(A)
    write_return(campaign, folder, "沙湾区-送温暖统计表.xlsx", "沙湾区总工会", wrong, person="李强")
    write_return(campaign, folder, "犍为县-附件1.xlsx", "犍为县总工会", unit_values(92), forms=("A1",),
                 person="高丽", phone="0833-5898252")
    (folder / "五通桥区-附件1.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (folder / "扫描件.xlsx").write_bytes(b"")
    return folder


def consolidated(returns, roster_file, campaign, rules, out, day=FRIDAY, resubmit_by=None):
    job = Settings(replace(campaign, roster=read_roster(roster_file)), rules, workers=1, feedback_day=day,
                   resubmit_by=resubmit_by)
    return consolidate_folder(returns, out, job)


def remind_rows(path, sheet="催报清单"):
    return rows_under_header(openpyxl.load_workbook(path)[sheet], REMIND_HEADER_ROW)


def test_the_reminder_list_of_a_folder(returns, roster_file, tmp_path, campaign, rules):
    result, out = consolidated(returns, roster_file, campaign, rules, tmp_path / "汇总.xlsx")
    book = load(out)
    assert book.sheetnames.index("催报清单") == book.sheetnames.index("上报情况") + 1
    heading = book["催报清单"]["A1"].value
    assert "催报清单（2017年1月20日）：需催报 4 个单位（未报 2 个，文件无法读取 1 个，有错误 1 个）" in heading
    assert "另有 1 个无法读取的文件不知是哪个单位报送的" in heading
    assert "尚未报送的单位请于2017年1月20日前报送（报送期限）" in book["催报清单"]["A2"].value
    assert "有错误或文件无法读取的请于2017年1月25日前重新报送" in book["催报清单"]["A2"].value
    rows = remind_rows(out)
    assert [r["单位"] for r in rows] == ["沙湾区总工会", "犍为县总工会", "五通桥区总工会", "夹江县总工会", "（不明单位）"]
    by_unit = {r["单位"]: r for r in rows}

    errors = [f for u in result.used if u.unit == "沙湾区总工会" and u.form == "A1"
              for f in u.returned.findings if f.severity.value == "error" and f.codes[0].startswith("A1.")]
    wrong = by_unit["沙湾区总工会"]
    assert wrong["催报原因"].startswith(f"附件1有 {len(errors)} 个错误：02(B) 其中困难农民工")
    assert wrong["催报短信（可复制）"] == (
        f"沙湾区总工会：请改正{TITLE_1}中的 {len(errors)} 个错误（{wrong['催报原因'].split('：', 1)[1]}）"
        f"后于2017年1月25日前重新报送。{SENDER}")
    assert (wrong["联系人"], wrong["联系电话"], wrong["电子邮箱"], wrong["截止日期"]) == ("李强", "12345", "sw@126.com", "2017年1月25日")
    assert "联系电话“12345”不像有效号码" in wrong["备注"] and "第 3 行" in wrong["备注"]

    half = by_unit["犍为县总工会"]
    assert (half["催报原因"], half["截止日期"]) == ("未报附件2", "2017年1月20日")
    assert half["催报短信（可复制）"] == f"犍为县总工会：请于2017年1月20日前报送{TITLE_2}。{SENDER}"
    # No contact on the roster: the return's own 填报人 and 联系电话, and the list says so.
    assert (half["联系人"], half["联系电话"]) == ("高丽", "0833-5898252")
    assert "犍为县-附件1.xlsx" in half["备注"] and "填报人和联系电话" in half["备注"]

    broken = by_unit["五通桥区总工会"]
    assert broken["催报原因"].startswith("文件“五通桥区-附件1.xlsx”无法读取：")
    assert broken["催报短信（可复制）"].startswith("五通桥区总工会：贵单位报送的文件“五通桥区-附件1.xlsx”无法读取（")
    assert f"请于2017年1月25日前重新报送{TITLE_1}{TITLE_2}。" in broken["催报短信（可复制）"]
    assert (broken["联系人"], broken["联系电话"]) == ("赵敏", "13912345678")

    nothing = by_unit["夹江县总工会"]
    assert nothing["催报原因"] == "未报附件1、附件2"
    assert nothing["催报短信（可复制）"] == f"夹江县总工会：请于2017年1月20日前报送{TITLE_1}{TITLE_2}。{SENDER}"
    assert (nothing["联系人"], nothing["联系电话"], nothing["电子邮箱"]) == ("周杰", "13700002222", "jj@qq.com")

    stray = by_unit["（不明单位）"]
    assert stray["催报原因"].startswith("文件“扫描件.xlsx”无法读取：")
    assert stray["催报短信（可复制）"].startswith("贵单位报送的文件“扫描件.xlsx”无法读取")
    assert "请按来件的邮件找到报送单位" in stray["备注"]


def test_after_the_deadline_the_list_asks_by_the_resubmission_date(returns, roster_file, tmp_path, campaign, rules):
    monday = dt.date(2017, 1, 23)
    _, out = consolidated(returns, roster_file, campaign, rules, tmp_path / "汇总.xlsx", day=monday)
    half = {r["单位"]: r for r in remind_rows(out)}["犍为县总工会"]
    assert half["催报短信（可复制）"].startswith(
        f"犍为县总工会：{TITLE_2}的报送期限（2017年1月20日）已过，请尽快、最迟于2017年1月26日前报送。")
    _, out = consolidated(returns, roster_file, campaign, rules, tmp_path / "汇总2.xlsx", day=monday,
                          resubmit_by=dt.date(2017, 2, 10))
    rows = {r["单位"]: r for r in remind_rows(out)}
    assert "最迟于2017年2月10日前报送" in rows["犍为县总工会"]["催报短信（可复制）"]
    assert "后于2017年2月10日前重新报送" in rows["沙湾区总工会"]["催报短信（可复制）"]
    assert {r["截止日期"] for r in rows.values()} == {"2017年2月10日"}


def test_the_roster_problems_are_listed_under_the_list_even_for_units_not_chased(tmp_path, returns, campaign, rules):
    path = tmp_path / "名单.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([ROSTER[0], ("市中区总工会", "是", "王芳", "0833-2133419", "王芳的邮箱")])
    _, out = consolidated(returns, path, campaign, rules, tmp_path / "汇总.xlsx")
    sheet = openpyxl.load_workbook(out)["催报清单"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "单位名单中的提示（1 处）：" in texts
    assert any("电子邮箱“王芳的邮箱”不像邮箱地址" in t and "第 2 行（市中区总工会）" in t for t in texts)


def test_nothing_to_chase(tmp_path, campaign, rules):
    folder = tmp_path / "退回表"
    folder.mkdir()
    write_return(campaign, folder, "市中区-送温暖统计表.xlsx", "市中区总工会", unit_values(90))
    job = Settings(replace(campaign, roster=campaign.roster[:1]), rules, workers=1, feedback_day=FRIDAY)
    _, out = consolidate_folder(folder, tmp_path / "汇总.xlsx", job)
    assert "无需催报：名单中选择汇总的单位都已报送，且报表中没有错误" in load(out)["催报清单"]["A1"].value
    assert remind_rows(out) == []


def test_progress_counts_each_annex(returns, roster_file, tmp_path, campaign, rules):
    result, _ = consolidated(returns, roster_file, campaign, rules, tmp_path / "汇总.xlsx")
    roster_campaign = replace(campaign, roster=read_roster(roster_file))
    a1, a2 = progress(result, roster_campaign)
    assert a1.units == {SENT_OK: ("市中区总工会", "犍为县总工会"), SENT_ERRORS: ("沙湾区总工会",),
                        UNREADABLE_FILE: ("五通桥区总工会",), NOT_SENT: ("夹江县总工会",)}
    assert a2.units == {SENT_OK: ("市中区总工会", "沙湾区总工会"), SENT_ERRORS: (),
                        UNREADABLE_FILE: ("五通桥区总工会",), NOT_SENT: ("犍为县总工会", "夹江县总工会")}
    assert a1.expected == a2.expected == 5  # 井研县 is not chosen for the totals


def test_dates(campaign):
    assert remind_dates(campaign, FRIDAY) == remind_dates(campaign, FRIDAY, None)
    before = remind_dates(campaign, dt.date(2017, 1, 10))
    assert (before.send_by, before.resend_by, before.late) == (dt.date(2017, 1, 20), dt.date(2017, 1, 13), False)
    after = remind_dates(campaign, dt.date(2017, 1, 27), dt.date(2017, 2, 3))
    assert (after.send_by, after.resend_by, after.late) == (dt.date(2017, 2, 3), dt.date(2017, 2, 3), True)


# --- wennuan consolidate --remind --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["催报清单.xlsx", "催报清单.CSV"])
def test_remind_writes_the_list_as_its_own_table(returns, roster_file, tmp_path, capsys, name):
    target = tmp_path / "发出" / name
    code = main(["consolidate", str(returns), "-o", str(tmp_path / "汇总.xlsx"), "--roster", str(roster_file),
                 "--remind", str(target), "--feedback-date", "2017-01-20"])
    printed = capsys.readouterr()
    assert code == 1  # 沙湾区's 错误
    assert "催报：需催报 4 个单位（未报 2 个，文件无法读取 1 个，有错误 1 个）" in printed.out
    assert f"催报清单：已写入 {target}" in printed.out
    assert "提示：单位名单 名单.csv 第 3 行（沙湾区总工会）：联系电话“12345”不像有效号码" in printed.err
    in_workbook = remind_rows(tmp_path / "汇总.xlsx")
    if name.endswith(".xlsx"):
        rows = remind_rows(target)
        assert openpyxl.load_workbook(target).sheetnames == ["催报清单"]
    else:
        raw = target.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, as Excel opens it"
        with open(target, encoding="utf-8-sig", newline="") as fh:
            header, *body = list(csv.reader(fh))
        assert header == ["序号", "单位", "催报原因", "联系人", "联系电话", "电子邮箱", "截止日期", "催报短信（可复制）", "备注"]
        rows = [dict(zip(header, (int(v) if k == "序号" else v for k, v in zip(header, r)))) for r in body]
    assert [{k: v or "" for k, v in r.items()} for r in rows] == [{k: v or "" for k, v in r.items()} for r in in_workbook]
    assert [r["单位"] for r in rows] == ["沙湾区总工会", "犍为县总工会", "五通桥区总工会", "夹江县总工会", "（不明单位）"]


def test_a_formula_looking_text_stays_text_in_the_csv(tmp_path, campaign, capsys):
    folder = tmp_path / "退回表"
    folder.mkdir()
    write_return(campaign, folder, "市中区-附件1.xlsx", "市中区总工会", unit_values(93), forms=("A1",),
                 person="=HYPERLINK(\"http://example.com\",\"点我\")", phone="=1+1")
    target = tmp_path / "催报.csv"
    main(["consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "--remind", str(target)])
    with open(target, encoding="utf-8-sig", newline="") as fh:
        rows = {r["单位"]: r for r in csv.DictReader(fh)}
    row = rows["市中区总工会"]
    assert (row["联系人"], row["联系电话"]) == ("'=HYPERLINK(\"http://example.com\",\"点我\")", "'=1+1")
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows.values() for v in r.values())


@pytest.mark.parametrize(("remind", "said"), [
    ("汇总.xlsx", "--remind 的文件不能与汇总工作簿（-o"),
    ("催报.txt", "--remind 的文件名应以 .xlsx 或 .csv 结尾"),
    ("催报.xls", "--remind 的文件名应以 .xlsx 或 .csv 结尾"),
])
def test_remind_refuses_before_anything_is_written(returns, tmp_path, capsys, remind, said):
    code = main(["consolidate", str(returns), "-o", str(tmp_path / "汇总.xlsx"), "--remind", str(tmp_path / remind)])
    assert code == 2 and said in capsys.readouterr().err
    assert not (tmp_path / "汇总.xlsx").exists()


def test_remind_never_lands_on_a_return(returns, tmp_path, capsys):
    before = (returns / "犍为县-附件1.xlsx").read_bytes()
    code = main(["consolidate", str(returns), "-o", str(tmp_path / "汇总.xlsx"), "--remind", str(returns / "犍为县-附件1.xlsx")])
    assert code == 2 and "与输入文件相同" in capsys.readouterr().err
    assert (returns / "犍为县-附件1.xlsx").read_bytes() == before


def test_a_list_saved_in_the_returns_folder_is_no_return_and_is_replaced_next_time(returns, tmp_path, capsys):
    args = ["consolidate", str(returns), "-o", str(tmp_path / "汇总.xlsx"), "--remind", str(returns / "催报清单.xlsx"),
            "--feedback-date", "2017-01-20"]
    main(args)
    first = remind_rows(returns / "催报清单.xlsx")
    status = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("上报情况"))
    assert main(args) == 1
    assert status in capsys.readouterr().out.splitlines(), "the list is not read as a return"
    assert remind_rows(returns / "催报清单.xlsx") == first


def test_the_json_carries_the_reminders(returns, roster_file, tmp_path, capsys):
    import json

    main(["consolidate", str(returns), "-o", str(tmp_path / "汇总.xlsx"), "--roster", str(roster_file), "--json",
          "--feedback-date", "2017-01-23", "--resubmit-by", "2017-01-31"])
    data = json.loads(capsys.readouterr().out)
    by_unit = {r["unit"]: r for r in data["reminders"]}
    assert list(by_unit) == ["沙湾区总工会", "犍为县总工会", "五通桥区总工会", "夹江县总工会", ""]
    assert by_unit["夹江县总工会"] == {
        "unit": "夹江县总工会", "reasons": ["未报附件1、附件2"], "person": "周杰", "phone": "13700002222",
        "email": "jj@qq.com", "due": "2017-01-31", "notes": [],
        "message": f"夹江县总工会：{TITLE_1}{TITLE_2}的报送期限（2017年1月20日）已过，请尽快、最迟于2017年1月31日前报送。{SENDER}"}
