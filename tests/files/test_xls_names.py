"""An .xls's defined names (BIFF8 NAME records) are read, so that our template saved as .xls is located by its
names as the .xlsx it was saved from.

The records are spelled here byte by byte from [MS-XLS] 2.4.150 (Lbl); the .xls files are LibreOffice's own
"97-2003" saves of returns doctored with openpyxl, and each is held to the .xlsx LibreOffice saves of the same
return: the same values and the same findings.
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import openpyxl
import pytest
from hostile.corpus import ole2

from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import ReturnUnusable
from wennuan_xl.files import limits as L
from wennuan_xl.files.read import read_bytes, read_workbook
from wennuan_xl.files.source import load_return
from wennuan_xl.files.xls_names import names_in

from .test_uncached_formulas import saved_by_libreoffice

SAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "samples" / "returns"


def record(rtype: int, body: bytes) -> bytes:
    return struct.pack("<HH", rtype, len(body)) + body


def boundsheet(name: str) -> bytes:
    return record(0x0085, struct.pack("<IBB", 0, 0, 0) + bytes([len(name), 1]) + name.encode("utf-16-le"))


def name_record(name: str, rgce: bytes, flags: int = 0, itab: int = 0, wide: bool = False) -> bytes:
    spelled = name.encode("utf-16-le") if wide else name.encode("latin-1")
    head = struct.pack("<HBBHHH4x", flags, 0, len(name), len(rgce), 0, itab)
    return record(0x0018, head + bytes([1 if wide else 0]) + spelled + rgce)


def ref3d(ixti: int, row: int, col: int) -> bytes:
    return b"\x3a" + struct.pack("<HHH", ixti, row, col)


def globals_with(*names: bytes, tail: bytes = b"") -> bytes:
    """A workbook's globals: BOF, two sheets, this workbook's SUPBOOK and another's, EXTERNSHEET, the names, EOF."""
    supbooks = record(0x01AE, struct.pack("<H", 2) + b"\x01\x04") + record(0x01AE, b"\x01\x00\x02\x00X:\x00")
    xti = [(0, 0, 0), (0, 1, 1), (1, 0, 0), (0, 0, 1)]  # 附件1, 附件2, another workbook's sheet, a range of sheets
    externsheet = record(0x0017, struct.pack("<H", len(xti)) + b"".join(struct.pack("<HHH", *x) for x in xti))
    return (record(0x0809, struct.pack("<HH", 0x0600, 5) + bytes(12)) + boundsheet("附件1") + boundsheet("附件2")
            + supbooks + externsheet + b"".join(names) + record(0x000A, b"") + tail)


def test_names_of_single_cells_and_ranges_read_as_workbook_xml_spells_them():
    assert names_in(globals_with(
        name_record("A1_01A", ref3d(0, 6, 4)),  # absolute: $E$7
        name_record("A2_01A", ref3d(1, 9, 2 | 0xC000)),  # relative row and column
        name_record("A1_AREA", b"\x3b" + struct.pack("<HHHHH", 0, 6, 9, 4, 4)),
        name_record("本地", ref3d(0, 0, 0), itab=1, wide=True),  # sheet-level, a Chinese name
        name_record("单位", ref3d(0, 2, 1), wide=True),
    )) == (("A1_01A", "'附件1'!$E$7", False), ("A2_01A", "'附件2'!C10", False), ("A1_AREA", "'附件1'!$E$7:$E$10", False),
           ("本地", "'附件1'!$A$1", True), ("单位", "'附件1'!$B$3", False))


@pytest.mark.parametrize("record_bytes", [
    name_record("\x06", ref3d(0, 0, 0), flags=0x20),  # a built-in name (print area)
    name_record("OTHER", ref3d(2, 0, 0)),  # a sheet of another workbook
    name_record("ACROSS", ref3d(3, 0, 0)),  # a range of sheets
    name_record("BEYOND", ref3d(9, 0, 0)),  # no such EXTERNSHEET entry
    name_record("FORMULA", ref3d(0, 0, 0) + ref3d(0, 1, 0) + b"\x03"),  # a formula, no input cell
    name_record("CONST", b"\x1e\x05\x00"),  # a number
    name_record("BROKEN", b"\x3c" + bytes(6)),  # #REF!
    name_record("", ref3d(0, 0, 0)),
])
def test_names_that_are_no_cell_of_this_workbook_are_left_out(record_bytes):
    assert names_in(globals_with(record_bytes)) == ()


def test_a_name_continued_or_cut_short_is_left_out_and_the_rest_read():
    long = name_record("LONG", ref3d(0, 0, 0)) + record(0x003C, b"\x00" * 8)
    cut = name_record("CUT", ref3d(0, 1, 1))[:-3]
    assert names_in(globals_with(long, name_record("KEPT", ref3d(0, 4, 4)))) == (("KEPT", "'附件1'!$E$5", False),)
    assert names_in(globals_with(name_record("FIRST", ref3d(0, 0, 0)))[:-4] + cut) == (("FIRST", "'附件1'!$A$1", False),)


def lo_pair(source: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The return saved by LibreOffice as .xlsx and as .xls (the same program writing both)."""
    xlsx_dir, xls_dir = tmp_path / "xlsx", tmp_path / "xls"
    xlsx_dir.mkdir()
    xls_dir.mkdir()
    return saved_by_libreoffice(source, xlsx_dir), saved_by_libreoffice(source, xls_dir, "xls")


def reading(path: Path, campaign, rules):
    report = check_return(load_return(path, campaign), campaign, rules)
    return report.values, sorted((f.rule, f.codes, f.message) for f in report.findings)


@pytest.mark.parametrize("sample", ["五通桥区-附件1.xlsx", "沙湾区-附件2.xlsx", "市中区-送温暖统计表.xlsx"])
def test_our_template_saved_as_xls_keeps_its_names(sample, tmp_path, campaign, rules, soffice_path):
    as_xlsx, as_xls = lo_pair(SAMPLES / sample, tmp_path)
    names_xls = read_workbook(as_xls).names
    names_xlsx = read_workbook(as_xlsx).names
    assert len(names_xls) > 30 and names_xls == names_xlsx
    assert reading(as_xls, campaign, rules) == reading(as_xlsx, campaign, rules)


def doctored(tmp_path: Path) -> Path:
    """五通桥区's 附件1 with 05(A)'s label reworded past recognition (the name still says where the figure is)
    and 05(B)'s name pointing at 05(C)'s cell (stale: the labels disagree)."""
    path = tmp_path / "五通桥区-改.xlsx"
    shutil.copy(SAMPLES / "五通桥区-附件1.xlsx", path)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件1"]
    label = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.endswith("中央财政"))
    label.value = "上头拨下来的钱"
    c_dest = next(iter(wb.defined_names["A1_05C"].destinations))
    wb.defined_names["A1_05B"].attr_text = f"'{c_dest[0]}'!{c_dest[1]}"
    wb.save(path)
    return path


def test_a_reworded_label_is_found_by_its_name_and_a_stale_name_treated_as_in_the_xlsx(tmp_path, campaign, rules,
                                                                                        soffice_path):
    as_xlsx, as_xls = lo_pair(doctored(tmp_path), tmp_path)
    values, findings = reading(as_xls, campaign, rules)
    assert (values, findings) == reading(as_xlsx, campaign, rules)
    original, _ = reading(SAMPLES / "五通桥区-附件1.xlsx", campaign, rules)
    assert values["A1.05A"] == original["A1.05A"] is not None  # found by its name, as in the .xlsx
    assert not any(rule == "F-LOCATE" and "A1.05A" in codes for rule, codes, _ in findings)


def test_more_names_than_any_return_has_are_refused():
    """The guard counts the NAME records before any reader sees them, as it counts an .xlsx's."""
    many = globals_with(*(name_record(f"N{i}", ref3d(0, 0, 0)) for i in range(L.MAX_DEFINED_NAMES + 1)))
    with pytest.raises(ReturnUnusable, match=f"工作簿定义了超过 {L.MAX_DEFINED_NAMES:,} 个名称"):
        read_bytes(ole2(many), "many.xls", ".xls")
