"""Files that cannot be used: each gets its own Chinese reason in 上报情况, and the run goes on.

One folder holds a good return and one bad file of every kind; lock files, hidden files and non-workbook
files lie beside them and must not appear at all.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.core.consolidate import MISSING, REPORTED, UNREADABLE
from wennuan_xl.files.bulk import find_returns

from .conftest import (
    assert_totals,
    consolidate_dir,
    encrypted,
    load,
    one_row,
    rows_for,
    status_table,
    total_sheet_value,
    unit_values,
    wps_et,
    write_return,
)

GOOD_UNIT, GOOD_FILE = "市中区总工会", "市中区-送温暖统计表.xlsx"


def truncated(path: Path, source: Path) -> None:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def corrupt(path: Path, source: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(4096))


def word_document(path: Path, source: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>送温暖统计表</w:t></w:r></w:p></w:body></w:document>')
    path.write_bytes(buf.getvalue())


def csv_text(path: Path, source: Path) -> None:
    # What Excel in Chinese Windows saves as CSV: GBK text.
    path.write_bytes("单位名称,当地职工总数\n夹江县总工会,35114\n".encode("gb18030"))


def empty(path: Path, source: Path) -> None:
    path.write_bytes(b"")


def no_annex(path: Path, source: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    ws.append(["姓名", "部门", "金额"])
    ws.append(["张三", "办公室", 200])
    book.save(path)


# kind -> (file name, roster unit it belongs to, maker, key word the reason must contain)
BAD = {
    "encrypted": ("沙湾区总工会-附件1.xlsx", "沙湾区总工会", encrypted, "密码"),
    "truncated": ("五通桥区总工会-附件1.xlsx", "五通桥区总工会", truncated, "不完整"),
    "corrupt": ("犍为县总工会-附件1.xlsx", "犍为县总工会", corrupt, "无法识别"),
    "docx": ("井研县总工会-附件1.xlsx", "井研县总工会", word_document, "Word"),
    "csv": ("夹江县总工会-附件1.xlsx", "夹江县总工会", csv_text, "CSV"),
    "et": ("沐川县总工会-附件1.et", "沐川县总工会", wps_et, "WPS"),
    "empty": ("峨边彝族自治县总工会-附件1.xlsx", "峨边彝族自治县总工会", empty, "空"),
    "no_annex": ("马边彝族自治县总工会-附件1.xlsx", "马边彝族自治县总工会", no_annex, "未找到"),
}
SKIPPED = ("~$市中区-送温暖统计表.xlsx", ".市中区-送温暖统计表.xlsx", "notes.txt", "~WRL0001.tmp")


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory, campaign, rules):
    base = tmp_path_factory.mktemp("bad")
    folder = base / "returns"
    folder.mkdir()
    good_values = unit_values(1)
    good = write_return(campaign, folder, GOOD_FILE, GOOD_UNIT, good_values)
    for name, _unit, maker, _word in BAD.values():
        maker(folder / name, good)
    # Beside them: an Office lock file, a hidden copy of a real return (it would count twice if read),
    # a note and a Word temp file.
    (folder / SKIPPED[0]).write_bytes(b"\x06zhangsan" + bytes(155))
    (folder / SKIPPED[1]).write_bytes(good.read_bytes())
    (folder / SKIPPED[2]).write_text("沙湾区说周五前补报", encoding="utf-8")
    (folder / SKIPPED[3]).write_bytes(b"junk")
    result, out = consolidate_dir(folder, base / "汇总.xlsx", campaign, rules)
    return result, load(out), good_values


@pytest.mark.parametrize("kind", sorted(BAD))
def test_each_bad_file_is_listed_unreadable_with_its_reason(bad_run, kind):
    _result, book, _ = bad_run
    name, unit, _maker, word = BAD[kind]
    row = one_row(status_table(book), 文件=name)
    assert row["上报情况"] == UNREADABLE
    assert row["单位"] == unit
    assert row["计入汇总"] == "否"
    assert word in row["备注"], row["备注"]


def test_each_kind_has_a_reason_of_its_own(bad_run):
    result, _book, _ = bad_run
    reasons = {r.file: r.error for r in result.returns if r.error}
    assert set(reasons) == {name for name, *_ in BAD.values()}
    assert len(set(reasons.values())) == len(BAD), reasons


def test_units_whose_file_is_unreadable_are_not_also_missing_or_reported(bad_run):
    _result, book, _ = bad_run
    rows = status_table(book)
    for _name, unit, _maker, _word in BAD.values():
        statuses = [r["上报情况"] for r in rows_for(rows, 单位=unit)]
        assert statuses == [UNREADABLE], (unit, statuses)


def test_the_run_goes_on_with_the_good_file(bad_run, campaign):
    result, book, good_values = bad_run
    row = one_row(status_table(book), 单位=GOOD_UNIT)
    assert row["上报情况"] == REPORTED and row["文件"] == GOOD_FILE and row["计入汇总"] == "是"
    assert result.unit_counts == {"A1": 1, "A2": 1}
    for form in ("A1", "A2"):
        assert_totals(result, campaign, form, [good_values])
    assert total_sheet_value(book, campaign, "A1.01A") == good_values["A1.01A"]
    assert total_sheet_value(book, campaign, "A2.05") == pytest.approx(good_values["A2.05"])
    others = [u.name for u in campaign.roster if u.name != GOOD_UNIT and u.name not in {b[1] for b in BAD.values()}]
    for unit in others:
        assert one_row(status_table(book), 单位=unit)["上报情况"] == MISSING


def test_lock_hidden_and_other_files_are_skipped_entirely(bad_run):
    result, book, _ = bad_run
    read = {r.file for r in result.returns}
    assert read == {GOOD_FILE} | {name for name, *_ in BAD.values()}
    shown = " ".join(str(r["文件"]) for r in status_table(book))
    for name in SKIPPED:
        assert name not in shown
    # The hidden copy of the good return was not read: nothing superseded, nothing summed twice.
    assert not [r for r in result.rows if r.status == "已被替代"]


def test_find_returns_lists_only_workbooks(tmp_path):
    for name in ("a.xlsx", "b.XLSX", "c.xlsm", "d.xls", "e.et", "~$a.xlsx", ".a.xlsx", "f.txt", "g.csv", "h.docx"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "i.xlsx").write_bytes(b"x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "j.xlsx").write_bytes(b"x")
    assert [p.name for p in find_returns(tmp_path)] == ["a.xlsx", "b.XLSX", "c.xlsm", "d.xls", "e.et"]
    assert [p.name for p in find_returns(tmp_path, recursive=True)] == ["a.xlsx", "b.XLSX", "c.xlsm", "d.xls", "e.et", "i.xlsx"]


def test_unreadable_file_named_like_the_samples_is_attributed_to_its_unit(folder, out_dir, campaign, rules):
    """Units name their files "沙湾区-附件1.xlsx" (without 总工会): an unreadable one still belongs to 沙湾区."""
    good = write_return(campaign, folder, "市中区-附件1.xlsx", GOOD_UNIT, unit_values(2), forms=("A1",))
    encrypted(folder / "沙湾区-附件1.xlsx", good)
    (folder / "峨眉山市-附件2.xlsx").write_bytes(b"")
    _result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    rows = status_table(load(out))
    assert one_row(rows, 文件="沙湾区-附件1.xlsx")["单位"] == "沙湾区总工会"
    assert one_row(rows, 文件="峨眉山市-附件2.xlsx")["单位"] == "峨眉山市总工会"
    assert [r["上报情况"] for r in rows_for(rows, 单位="沙湾区总工会")] == [UNREADABLE]
    assert [r["上报情况"] for r in rows_for(rows, 单位="峨眉山市总工会")] == [UNREADABLE]


def test_subfolders_are_read_only_when_recursive(folder, out_dir, campaign, rules):
    write_return(campaign, folder, "市中区-送温暖统计表.xlsx", GOOD_UNIT, unit_values(3))
    (folder / "补报").mkdir()
    later = unit_values(4)
    write_return(campaign, folder / "补报", "沙湾区-送温暖统计表.xlsx", "沙湾区总工会", later)
    flat, _ = consolidate_dir(folder, out_dir / "flat.xlsx", campaign, rules)
    deep, _ = consolidate_dir(folder, out_dir / "deep.xlsx", campaign, rules, recursive=True)
    assert flat.unit_counts == {"A1": 1, "A2": 1}
    assert deep.unit_counts == {"A1": 2, "A2": 2}
    row = next(r for r in deep.rows if r.unit == "沙湾区总工会")
    assert row.status == REPORTED and row.file == str(Path("补报") / "沙湾区-送温暖统计表.xlsx")
