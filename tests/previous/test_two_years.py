"""A two-year scenario: last year's returns consolidated by this program last winter, this year's returns
consolidated with ``--previous`` — the 上年同期 findings a clerk sees on the terminal, in JSON and in the
consolidated workbook's 审核结果, for each unit against its own last year and for the totals against last
year's totals. Last year's workbook and last year's folder give the same findings."""

from __future__ import annotations

import json

import openpyxl

from wennuan_xl.cli.main import main

from .conftest import TwoYears, expected_findings, totals

SZQ = "市中区总工会"


def consolidate(capsys, years: TwoYears, out, *extra: str) -> tuple[int, dict, str]:
    code = main(["consolidate", str(years.now_folder), "-o", str(out), "--json", *extra])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def compared(data: dict) -> set[tuple[str, str]]:
    return {(f["unit"], f["rule"]) for f in data["findings"] if f["rule"].startswith("PY-")}


def expected(years: TwoYears) -> set[tuple[str, str]]:
    out = set()
    for unit, values in years.now.items():
        if unit in years.before:  # 犍为县 did not report last year: nothing to compare
            out |= {(unit, rule) for rule in expected_findings(values, years.before[unit])}
    out |= {("汇总", rule) for rule in expected_findings(totals(years.now), totals(years.before))}
    return out


def test_the_oracle_expects_what_was_planted(years):
    assert expected(years) >= {(SZQ, "PY-A1-01A-UP"), ("沙湾区总工会", "PY-A1-05-X10"),
                               ("五通桥区总工会", "PY-A1-01B-GONE"), ("五通桥区总工会", "PY-A1-02B-GONE"),
                               ("汇总", "PY-A1-05-X10")}
    assert not {u for u, _ in expected(years)} & {"犍为县总工会"}


def test_last_years_workbook_gives_the_expected_findings(years, tmp_path, capsys):
    out = tmp_path / "2017年送温暖汇总.xlsx"
    code, data, err = consolidate(capsys, years, out, "--previous", str(years.last_workbook))
    assert code == 0  # 提示 only
    assert compared(data) == expected(years)
    grew = next(f for f in data["findings"] if f["rule"] == "PY-A1-01A-UP" and f["unit"] == SZQ)
    assert grew["message"] == "01(A) 当地职工总数 182,000 人，比上年 121,500 人增加 49.8 %，请核实或在“说明”栏写明原因"
    assert grew["values"] == {"A1.01A": 182000} and grew["previous"] == {"A1.01A": 121500}
    assert grew["file"] == years.files[SZQ] and grew["cells"] == ["附件1!E7"]
    total = next(f for f in data["findings"] if f["rule"] == "PY-A1-05-X10" and f["unit"] == "汇总")
    assert total["previous"] == {"A1.05": totals(years.before)["A1.05"]}
    assert data["previous"]["source"] == str(years.last_workbook) and data["previous"]["title"] == "2016年元旦春节送温暖活动"
    assert data["previous"]["units"] == sorted(years.before) and data["previous"]["totals"] is True
    # The terminal: where last year's figures come from, and how many 上年同期 提示.
    assert f"上年同期数据：上年汇总工作簿“{years.last_workbook}”（2016年元旦春节送温暖活动），4 个单位的上年数，含上年汇总数" in err
    assert f"上年同期：提示 {len(expected(years))} 个" in err

    book = openpyxl.load_workbook(out)
    sheet = book["审核结果"]
    assert str(sheet["A2"].value).startswith("上年同期数据：上年汇总工作簿")
    header = [c.value for c in sheet[3]]
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]]
    shown = {(r["单位"], r["规则"]) for r in rows if str(r["规则"]).startswith("PY-")}
    assert shown == expected(years)
    row = next(r for r in rows if r["规则"] == "PY-A1-01A-UP" and r["单位"] == SZQ)
    assert row["级别"] == "提示" and row["填写值"] == 182000 and row["单元格"] == "附件1!E7"
    assert row["问题说明"] == grew["message"]


def test_last_years_folder_gives_the_same_findings(years, tmp_path, capsys):
    code, data, err = consolidate(capsys, years, tmp_path / "汇总.xlsx", "--previous", str(years.last_folder))
    assert code == 0
    assert compared(data) == expected(years)
    assert data["previous"]["title"] == "" and data["previous"]["units"] == sorted(years.before)
    assert f"上年同期数据：上年退回表文件夹“{years.last_folder}”，4 个单位的上年数，含上年汇总数" in err


def test_without_last_year_nothing_is_compared(years, tmp_path, capsys):
    code, data, err = consolidate(capsys, years, tmp_path / "汇总.xlsx")
    assert code == 0 and not compared(data) and "previous" not in data and "上年同期" not in err
    book = openpyxl.load_workbook(tmp_path / "汇总.xlsx")
    assert book["审核结果"]["A2"].value is None


def test_check_compares_one_return_with_its_units_last_year(years, capsys):
    path = years.now_folder / years.files[SZQ]
    assert main(["check", str(path), "--previous", str(years.last_workbook)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("上年同期数据：上年汇总工作簿")
    assert "单元格：附件1!E7　指标：01(A) 当地职工总数　规则：PY-A1-01A-UP　级别：提示　填写值：182,000" in out
    assert "问题说明：01(A) 当地职工总数 182,000 人，比上年 121,500 人增加 49.8 %，请核实或在“说明”栏写明原因" in out
    assert main(["check", str(path), "--previous", str(years.last_workbook), "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)  # stdout stays the report's JSON; where the figures came from is on stderr
    assert [f["rule"] for f in report["findings"] if f["rule"].startswith("PY-")] == ["PY-A1-01A-UP"]
    assert "上年同期数据" in captured.err


def test_a_return_named_only_by_its_file_is_compared_as_the_consolidation_counts_it(years, tmp_path, campaign, capsys):
    from wennuan_xl.samples import write_plain_return

    from .conftest import cover

    values = dict(years.now[SZQ])
    path = write_plain_return(tmp_path / "市中区总工会-附件1.xlsx", campaign, values, {**cover("", 2017)}, ("A1",))
    main(["check", str(path), "--previous", str(years.last_workbook), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert "PY-A1-01A-UP" in {f["rule"] for f in report["findings"]}


def test_demo_takes_last_years_figures_too(years, tmp_path, capsys):
    assert main(["demo", "-o", str(tmp_path / "demo.xlsx"), "--previous", str(years.last_workbook)]) in (0, 1)
    out = capsys.readouterr().out
    assert "上年同期数据：上年汇总工作簿" in out and "上年同期：提示" in out
