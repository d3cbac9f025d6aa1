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
