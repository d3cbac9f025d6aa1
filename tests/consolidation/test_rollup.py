"""层层汇总 on files: base unions → two county unions → the city (and on to a province).

The base returns are the foreign corpus's (tests/foreign: made the way units make them, not by our writers);
each county consolidates its own with this program, ``--unit`` naming itself, and the city consolidates the
two county workbooks beside a return sent to it directly. The city's totals must be those of consolidating
every base return at once, and its 来源 / 下级明细 must lead from each city total to the base files and the
cells that hold the numbers, read back with openpyxl from the base files themselves.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import json
import math
import shutil
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.core.forms import Kind
from wennuan_xl.core.provenance import LOWER_SHEET, trace
from wennuan_xl.core.rollup_read import read_record
from wennuan_xl.files.read import read_workbook
from wennuan_xl.jobs import consolidate_folder, settings

from .conftest import DAY, load, one_row, rows_for, sources_table, status_table, table, total_sheet_value

FOREIGN = Path(__file__).resolve().parents[1] / "foreign"
EXPECTED = json.loads((FOREIGN / "expected.json").read_text(encoding="utf-8"))["files"]
COUNTIES = {
    "犍为县总工会": ["01-五通桥区-附件1.xlsx", "02-五通桥区-附件2.xlsx", "03-沙湾区-送温暖活动统计表.xlsx",
                "04-沙湾区-帮扶中心统计表.xlsx", "19-马边县-附件1.xlsx", "20-马边县-附件2.xlsx"],
    "井研县总工会": ["11-夹江县-附件1.xlsx", "12-夹江县-附件2.xlsx", "21-峨眉山市-附件1（代码）.xlsx",
                "22-峨眉山市-附件2（代码）.xlsx", "29-市中区-两表.xlsx"],
}
DIRECT = "28-市属基层工会-统计表.xlsx"  # a city-level unit that reports to the city itself
PERSON, PHONE = "王晓红", "0833-4202101"


def dated(job):
    """The run's settings with the 汇总 sheets dated DAY (Settings.feedback_day dates them)."""
    return dataclasses.replace(job, feedback_day=DAY)


def write_roster(path: Path, units: list[str]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["单位名称", "选择汇总"])
        writer.writerows([u, "是"] for u in units)
    return path


def units_of(files: list[str]) -> list[str]:
    return list(dict.fromkeys(EXPECTED[f]["unit"] for f in files))


def county_rollup(root: Path, county: str, out: Path) -> Path:
    folder = root / county
    folder.mkdir()
    for name in COUNTIES[county]:
        shutil.copyfile(FOREIGN / "returns" / name, folder / name)
    roster = write_roster(root / f"{county}-名单.csv", units_of(COUNTIES[county]))
    job = settings(roster=roster, unit=county, person=PERSON, phone=PHONE, workers=1)
    consolidate_folder(folder, out, dated(job))
    return out


@pytest.fixture(scope="module")
def levels(tmp_path_factory):
    root = tmp_path_factory.mktemp("层层汇总")
    city = root / "市总工会收到的"
    city.mkdir()
    for county in COUNTIES:
        county_rollup(root, county, city / f"{county[:3]}-汇总.xlsx")
    shutil.copyfile(FOREIGN / "returns" / DIRECT, city / DIRECT)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in city.iterdir()}
    result, out = consolidate_folder(city, root / "全市汇总.xlsx", dated(settings(workers=1)))
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in city.iterdir()} == before  # inputs untouched
    everything = root / "全部基层报表"
    everything.mkdir()
    base_files = [f for files in COUNTIES.values() for f in files] + [DIRECT]
    for name in base_files:
        shutil.copyfile(FOREIGN / "returns" / name, everything / name)
    roster = write_roster(root / "全部名单.csv", units_of(base_files))
    direct, _ = consolidate_folder(everything, root / "直接汇总.xlsx", dated(settings(roster=roster, workers=1)))
    return root, city, result, out, direct


def same_number(a: object, b: object) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return a == b
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-6)  # type: ignore[arg-type]


def test_the_city_totals_are_those_of_every_base_return_consolidated_at_once(levels, campaign):
    _, _, result, out, direct = levels
    wrong = {c: (result.totals[c], direct.totals[c]) for c in direct.totals if not same_number(result.totals[c], direct.totals[c])}
    assert not wrong
    assert result.base_counts == direct.unit_counts == {"A1": 7, "A2": 7}
    assert result.unit_counts == {"A1": 3, "A2": 3}
    book = load(out)
    for code in ("A1.01A", "A1.05", "A2.05", "A2.09B"):
        assert same_number(total_sheet_value(book, campaign, code), direct.totals[code]), code
    line = book["汇总-附件1"].cell(book["汇总-附件1"].max_row, 1).value
    assert "本表汇总 3 个单位" in line and "其中 2 个是下级单位的汇总表，按最基层的报表计共 7 个单位" in line


def test_the_county_rollups_are_read_as_the_counties_returns(levels):
    _, _, result, out, _ = levels
    rows = status_table(load(out))
    for county in COUNTIES:
        row = one_row(rows, 单位=county)
        assert (row["上报情况"], row["计入汇总"], row["附件"]) == ("已报", "是", "附件1、附件2")
        assert (row["表内填报单位"], row["填报人"], row["联系电话"], row["填报日期"]) == (county, PERSON, PHONE, "2017年1月15日")
        n = len(units_of(COUNTIES[county]))
        assert row["备注"].startswith(f"下级汇总表：{county}汇总了附件1 {n} 个单位、附件2 {n} 个单位（其名单应报 {n} 个）")
    assert one_row(rows, 单位="市属基层工会")["上报情况"] == "已报"
    # the counties' 填报日期 is in the campaign, their 填报人 and 联系电话 given: no cover 提示 on the roll-ups
    assert not [f for u, _, f in result.findings() if u in COUNTIES and f.rule.startswith("H-")]


def test_the_sources_sheet_chains_each_county_to_its_base_files(levels):
    _, _, _, out, _ = levels
    rows = sources_table(load(out))
    for county, files in COUNTIES.items():
        for form, annex in (("A1", "附件1"), ("A2", "附件2")):
            top = one_row(rows, 层级=1, 单位=county, 附件=annex)
            assert (top["读取方式"], top["工作表"], top["计入汇总"]) == ("下级汇总表", f"汇总-{annex}", "是")
            below = rows_for(rows, 层级=2, 经由=county, 附件=annex)
            sent = {f for f in files if form in EXPECTED[f]["annexes"]}
            assert {r["文件"] for r in below} == sent
            assert {r["单位"] for r in below} == {EXPECTED[f]["unit"] for f in sent}
    # the chain is depth first: each county's base files straight under its own line
    order = [(r["层级"], r["经由"] or r["单位"]) for r in rows]
    for county in COUNTIES:
        first = order.index((1, county))
        assert order[first + 1][0] == 2 and order[first + 1][1] == county


def _cell_value(path: Path, ref: str) -> object:
    sheet, a1 = ref.rsplit("!", 1)
    return openpyxl.load_workbook(path, data_only=True)[sheet.strip("'")][a1].value


def _as_number(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def test_every_base_figure_is_traced_to_the_cell_of_its_base_file_that_holds_it(levels, campaign):
    root, _, _, out, _ = levels
    record = read_record(read_workbook(out), campaign, statuses=False)
    checked = 0
    for code in ("A1.01A", "A1.05B", "A1.10H", "A2.03", "A2.09D", "A2.14G"):
        for line in trace(record.origins, code, campaign):
            o = line.origin
            if o.level != 2:
                continue
            expected = EXPECTED[o.file]["values"][code]
            held = _cell_value(root / o.via[0] / o.file, line.cell)
            if expected is None:  # left blank by the unit: blank in its cell, blank in the trace
                assert line.value is None and held in (None, ""), (o.file, code, line.value, held)
            elif isinstance(expected, str):  # a planted fault: the text typed, quoted as typed
                assert line.value == expected and held == expected, (o.file, code, line.value, held)
            else:
                assert same_number(line.value, expected), (o.file, code, line.value, expected)
                if held in campaign.placeholders:  # “无”, “—”: read as 0, said in a note
                    assert expected == 0, (o.file, line.cell, held)
                else:
                    number = _as_number(held)
                    assert number is not None and math.isclose(number, float(expected)), (o.file, line.cell, held)
            checked += 1
    assert checked == 6 * 6


def test_the_lower_detail_sheet_holds_the_base_unions_figures(levels, campaign):
    _, _, _, out, _ = levels
    book = load(out)
    rows = table(book, LOWER_SHEET, 1)
    assert len(rows) == 6 + 2  # the header rows 2 and 3 of labels and template cells come first
    units = rows[2:]
    for county, files in COUNTIES.items():
        for name in files:
            entry = EXPECTED[name]
            row = one_row(units, 层级=2, 经由=county, 单位=entry["unit"])
            for code, value in entry["values"].items():
                if campaign.field(code).kind is not Kind.YESNO:
                    assert same_number(row[code], value), (name, code)


def test_a_province_reads_the_citys_workbook_and_the_chain_goes_on_to_the_base_files(levels, campaign, tmp_path):
    _root, _, result, out, _ = levels
    folder = tmp_path / "省总工会收到的"
    folder.mkdir()
    shutil.copyfile(out, folder / "乐山市-汇总.xlsx")
    roster = write_roster(tmp_path / "省名单.csv", ["乐山市总工会", "自贡市总工会"])
    province, written = consolidate_folder(folder, tmp_path / "全省.xlsx",
                                           dated(settings(roster=roster, unit="四川省总工会", workers=1)))
    assert all(same_number(province.totals[c], result.totals[c]) for c in result.totals)
    assert province.base_counts == {"A1": 7, "A2": 7}
    rows = sources_table(load(written))
    deepest = rows_for(rows, 层级=3, 附件="附件1")
    assert {r["经由"] for r in deepest} == {f"乐山市总工会 ← {c}" for c in COUNTIES}
    assert {r["文件"] for r in deepest} == {f for files in COUNTIES.values() for f in files if "A1" in EXPECTED[f]["annexes"]}


def test_a_base_return_sent_straight_to_the_city_is_flagged_and_not_summed_twice(levels, campaign, tmp_path):
    _root, city, result, _, _ = levels
    folder = tmp_path / "市总工会收到的"
    shutil.copytree(city, folder)
    again = COUNTIES["犍为县总工会"][0]  # 五通桥区's 附件1, also inside 犍为县's roll-up
    shutil.copyfile(FOREIGN / "returns" / again, folder / again)
    doubled, out = consolidate_folder(folder, tmp_path / "全市汇总.xlsx", dated(settings(workers=1)))
    assert all(same_number(doubled.totals[c], result.totals[c]) for c in result.totals)
    assert doubled.base_counts == result.base_counts
    book = load(out)
    unit = EXPECTED[again]["unit"]  # 五通桥区总工会: on the city's roster too
    row = one_row(status_table(book), 单位=unit)
    assert (row["上报情况"], row["文件"], row["计入汇总"]) == ("已报", again, "否")
    assert "附件1已含在犍为县总工会的汇总表“犍为县-汇总.xlsx”中，为免重复计算未计入汇总" in row["备注"]
    findings = [r for r in table(book, "审核结果", 3) if r["规则"] == "R-DOUBLE"]
    assert len(findings) == 1 and (findings[0]["单位"], findings[0]["文件"], findings[0]["级别"]) == (unit, again, "提示")
    text = findings[0]["问题说明"]
    assert text.startswith(f"可能重复计算：{unit}的附件1已含在犍为县总工会报送的汇总表“犍为县-汇总.xlsx”中")
    assert "汇总只计入犍为县总工会的汇总表，本文件的数未计入；两份的数完全相同" in text


def _damage(path: Path, edit) -> None:
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)


DAMAGE = {
    "a total typed over": (lambda b: b["汇总-附件1"].__setitem__("E7", 1), "工作表“汇总-附件1”的 E7（01(A) 当地职工总数）是 1"),
    "a code cell changed": (lambda b: b["汇总-附件2"].__setitem__("C9", "A2.99"), "工作表“汇总-附件2”的 C9 应为指标代码"),
    "a unit's figure in 明细 changed": (lambda b: b["明细"].__setitem__("E4", 1), "而“明细”表中计入汇总的各单位合计"),
    "a source line deleted": (lambda b: b["来源"].delete_rows(4), "在“来源”表中没有来源"),
    "the units' 单位个数 changed": (lambda b: _count_line(b, "单位个数：本表汇总 9 个单位（名单中应报 3 个）。"),
                                    "写明本表汇总 9 个单位，但“明细”表中计入汇总的有 3 个"),
    "another 填报单位 on one sheet": (lambda b: b["汇总-附件2"].__setitem__("B3", "沐川县总工会"), "各汇总表的填报单位不一致"),
    "the 来源 sheet removed": (lambda b: b.remove(b["来源"]), "缺少“来源”工作表"),
}


def _count_line(book, text: str) -> None:
    ws = book["汇总-附件1"]
    ws.cell(ws.max_row, 1).value = text


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_rollup_is_refused_naming_the_sheet_and_cell(levels, tmp_path, case):
    _root, city, _result, _, _ = levels
    folder = tmp_path / "市总工会收到的"
    shutil.copytree(city, folder)
    edit, said = DAMAGE[case]
    _damage(folder / "犍为县-汇总.xlsx", edit)
    damaged = hashlib.sha256((folder / "犍为县-汇总.xlsx").read_bytes()).hexdigest()
    got, out = consolidate_folder(folder, tmp_path / "全市汇总.xlsx", dated(settings(workers=1)))
    row = one_row(status_table(load(out)), 文件="犍为县-汇总.xlsx")
    assert row["上报情况"] == "无法读取" and row["单位"] == "犍为县总工会"  # named by the file, as any unreadable return
    assert row["备注"].startswith("这是本程序生成的汇总表，但") and said in row["备注"], row["备注"]
    assert "未读取" in row["备注"]
    assert got.unit_counts == {"A1": 2, "A2": 2} and got.base_counts == {"A1": 4, "A2": 4}
    assert hashlib.sha256((folder / "犍为县-汇总.xlsx").read_bytes()).hexdigest() == damaged


def test_a_rollup_saved_again_by_another_program_is_still_read(levels, tmp_path):
    # Opened and saved (openpyxl here: the formulas lose their cached results, the values stay): not damaged.
    _root, city, result, _, _ = levels
    folder = tmp_path / "市总工会收到的"
    shutil.copytree(city, folder)
    _damage(folder / "井研县-汇总.xlsx", lambda b: None)
    got, _ = consolidate_folder(folder, tmp_path / "全市汇总.xlsx", dated(settings(workers=1)))
    assert got.base_counts == result.base_counts
    assert all(same_number(got.totals[c], result.totals[c]) for c in result.totals)


def test_the_citys_own_previous_output_among_the_returns_is_not_a_rollup(levels, tmp_path):
    _root, city, result, out, _ = levels
    folder = tmp_path / "市总工会收到的"
    shutil.copytree(city, folder)
    shutil.copyfile(out, folder / "上次的全市汇总.xlsx")
    got, _ = consolidate_folder(folder, tmp_path / "全市汇总.xlsx", dated(settings(workers=1)))
    assert "上次的全市汇总.xlsx" not in {r.file for r in got.returns}
    assert got.base_counts == result.base_counts


def test_the_command_line_names_the_consolidating_union(tmp_path, capsys):
    folder = tmp_path / "犍为县"
    folder.mkdir()
    for name in COUNTIES["犍为县总工会"]:
        shutil.copyfile(FOREIGN / "returns" / name, folder / name)
    roster = write_roster(tmp_path / "名单.csv", units_of(COUNTIES["犍为县总工会"]))
    out = tmp_path / "犍为县汇总.xlsx"
    code = main(["consolidate", str(folder), "-o", str(out), "--roster", str(roster), "--unit", "犍为县总工会",
                 "--person", PERSON, "--phone", PHONE])
    assert code in (0, 1), capsys.readouterr().err
    city = tmp_path / "市"
    city.mkdir()
    shutil.copyfile(out, city / "犍为县汇总.xlsx")
    capsys.readouterr()
    main(["consolidate", str(city), "-o", str(tmp_path / "全市.xlsx"), "--json"])
    captured = capsys.readouterr()
    assert json.loads(captured.out)["base_counts"] == {"A1": 3, "A2": 3}
    assert "（其中 1 个单位报送的是下级汇总表；按最基层的报表计：附件1 3 个单位、附件2 3 个单位）" in captured.err
    sheet = load(out)["汇总-附件1"]
    assert (sheet["B3"].value, sheet["E3"].value, sheet["B4"].value, sheet["E4"].value) == (
        "犍为县总工会", dt.date.today().strftime("%Y年%-m月%-d日"), PERSON, PHONE)
