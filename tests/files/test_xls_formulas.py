"""An .xls's parsed formulas (BIFF8 tokens, [MS-XLS] 2.5.198) turned back into Excel's syntax, or left out.

The token streams are spelled here byte by byte from the specification; ``test_recalculated.py`` holds the reader to
LibreOffice's own .xls files.
"""

from __future__ import annotations

import struct

import pytest

from wennuan_xl.files.xls_formulas import _MAX_WORKBOOK_TOKENS, _Beyond, _decompile

SHEETS = ["附件1", "明细"]
XTI = [(0, 1, 1), (1, 0, 0), (0, 0, 1)]  # 明细 of this workbook; a sheet of another workbook; a range of sheets
INTERNAL = {0}


def ref(row: int, col: int, cls: int = 0x24) -> bytes:
    return bytes([cls]) + struct.pack("<HH", row, col | 0xC000)  # relative row and column, as Excel saves them


def ref3d(ixti: int, row: int, col: int) -> bytes:
    return b"\x5a" + struct.pack("<HHH", ixti, row, col)


def area3d(ixti: int, r1: int, r2: int, c1: int, c2: int) -> bytes:
    return b"\x3b" + struct.pack("<HHHHH", ixti, r1, r2, c1, c2)


def num(value: float) -> bytes:
    return b"\x1f" + struct.pack("<d", value)


def text(value: str) -> bytes:
    return b"\x17" + bytes([len(value), 1]) + value.encode("utf-16-le")


def funcvar(argc: int, fid: int) -> bytes:
    return b"\x42" + bytes([argc]) + struct.pack("<H", fid)


def attr(grbit: int, data: int = 0) -> bytes:
    return b"\x19" + bytes([grbit]) + struct.pack("<H", data)


def back(rgce: bytes) -> str:
    return _decompile(rgce, SHEETS, XTI, INTERNAL, [_MAX_WORKBOOK_TOKENS])


@pytest.mark.parametrize(("rgce", "formula"), [
    (ref(4, 3) + ref(5, 3) + b"\x03", "=(D5+D6)"),
    (area3d(0, 1, 10, 1, 1) + attr(0x10), "=SUM('明细'!B2:B11)"),  # a SUM of one range: tAttrSum
    (ref3d(0, 1, 1) + num(0.5) + b"\x05" + b"\x1e\x02\x00" + b"\x41\x1b\x00", "=ROUND(('明细'!B2*0.5),2)"),
    (ref(0, 0) + b"\x1e\x00\x00" + b"\x0b" + attr(0x02, 7) + text("空") + attr(0x08, 9) + ref(0, 1) + attr(0x08, 3)
     + funcvar(3, 1), '=IF((A1=0),"空",B1)'),
    (ref(0, 0) + b"\x13" + ref(0, 1, 0x44) + ref(1, 1, 0x44) + funcvar(3, 6), "=MIN((-A1),B1,B2)"),
    (text('他说"好"') + ref(2, 2) + b"\x08", '=("他说""好"""&C3)'),
])
def test_tokens_read_back_as_excel_writes_the_formula(rgce, formula):
    assert back(rgce) == formula


@pytest.mark.parametrize("rgce", [
    b"\x23\x01\x00\x00\x00",  # a defined name
    b"\x01\x00\x00\x00\x00",  # a shared formula's reference to its master (ptgExp)
    ref3d(1, 0, 0),  # another workbook's sheet
    ref3d(2, 0, 0),  # a range of sheets
    ref(0, 0) + b"\x21\x1d\x00",  # a function not computed here (INDEX, ptgFunc 29)
    ref(0, 0) + b"\x03",  # a stream cut short
])
def test_tokens_not_computed_here_leave_the_formula_out(rgce):
    with pytest.raises((_Beyond, IndexError, struct.error)):
        back(rgce)


def test_a_workbook_past_its_token_budget_keeps_its_saved_results():
    """However many long formulas a hostile .xls holds, at most the budget's tokens are read back."""
    long = ref(0, 0) + (ref(0, 0) + b"\x03") * 999  # 1,999 tokens
    budget = [_MAX_WORKBOOK_TOKENS]
    read = 0
    for _ in range(1_000):
        try:
            _decompile(long, SHEETS, XTI, INTERNAL, budget)
            read += 1
        except _Beyond:
            break
    assert read == _MAX_WORKBOOK_TOKENS // 1_999 and budget[0] < 0


def test_cells_showing_an_error_in_an_xls_are_refused_naming_the_error(tmp_path, campaign, rules):
    """python-calamine reads an .xls's error cells as empty: a formula saved with #DIV/0! and a #N/A typed as a
    constant (BOOLERR) are refused (F-LOCATE-ERROR), never 未填. The records are spelled from [MS-XLS]."""
    from hostile.corpus import biff8, ole2

    from wennuan_xl.core.check import check_return
    from wennuan_xl.files.source import load_return

    cells = {(0, 0): "附件1", (1, 0): "2017年工会送温暖活动统计表", (2, 0): "填报单位：市中区总工会"}
    for c, head in enumerate(("项目", "指标名称", "计量单位", "数值")):
        cells[(3, c)] = head
    rows = [("01", "（A）当地职工总数", "人", ("formula-error", 0x07, ref(5, 3) + num(0.0) + b"\x06")),
            ("", "（B）其中农民工总数", "人", ("error", 0x2A)), ("02", "（A）当地困难职工总数", "人", 1200)]
    for r, (item, label, unit, value) in enumerate(rows, start=4):
        for c, v in enumerate((item, label, unit, value)):
            if v != "":
                cells[(r, c)] = v
    path = tmp_path / "errors.xls"
    path.write_bytes(ole2(biff8([("Sheet1", cells)])))
    report = check_return(load_return(path, campaign), campaign, rules)
    [refusal] = [f for f in report.findings if f.rule == "F-LOCATE-ERROR"]
    assert refusal.codes == ("A1.01A", "A1.01B") and refusal.cells == ("Sheet1!D5", "Sheet1!D6")
    assert "显示的是错误值（D5 显示 #DIV/0!，公式 =(D6/0.0)）" in refusal.message  # the first named as an example
    assert report.values.get("A1.01A") is None and report.values["A1.02A"] == 1200
