"""An .xls's defined names, as workbook.xml spells them, so that an .xls is located by its names as an .xlsx is.

Our template saved as .xls (by Excel, WPS or LibreOffice: "97-2003 工作簿") keeps its ~160 cell names as NAME
records (BIFF8 ``Lbl``) in the workbook globals; python-calamine does not give them. Each name whose formula is one
cell or one range of a sheet of this workbook (``ptgRef3d``/``ptgArea3d`` through EXTERNSHEET to the workbook's own
SUPBOOK) is handed on as ``('附件1'!$E$9)``, with whether it belongs to one sheet (``itab``): ``read.defined_names``
then applies the same precedence as to an .xlsx's. Built-in names (print areas, titles), names of formulas or of
other workbooks, and a NAME record continued into CONTINUE records are left out (no single input cell). The guard
has counted the records (at most ``limits.MAX_DEFINED_NAMES``).
"""

from __future__ import annotations

import struct

from .visibility import biff_sheets, biff_stream
from .xls_formulas import column_letters, links

_NAME, _BOF, _EOF, _CONTINUE = 0x0018, 0x0809, 0x000A, 0x003C
_BUILTIN = 0x0020


def _cell(rw: int, col: int) -> str:
    """A1 text with the ``$`` of an absolute row and column (bits 14 and 15 of ``col`` mark them relative)."""
    return f"{'' if col & 0x4000 else '$'}{column_letters(col & 0x3FFF)}{'' if col & 0x8000 else '$'}{rw + 1}"


def _target(rgce: bytes, sheets: list[str], xti: list[tuple[int, int, int]], internal: set[int]) -> str | None:
    if not rgce or rgce[0] & 0x1F | 0x20 not in (0x3A, 0x3B) or not rgce[0] & 0x60:
        return None
    area = rgce[0] & 0x1F | 0x20 == 0x3B
    if len(rgce) != (11 if area else 7):
        return None  # more than one token: a formula, not a cell
    ixti = struct.unpack_from("<H", rgce, 1)[0]
    if ixti >= len(xti):
        return None
    book, first, last = xti[ixti]
    if book not in internal or first != last or not 0 <= first < len(sheets):
        return None
    sheet = "'" + sheets[first].replace("'", "''") + "'!"
    if area:
        r1, r2, c1, c2 = struct.unpack_from("<HHHH", rgce, 3)
        return f"{sheet}{_cell(r1, c1)}:{_cell(r2, c2)}"
    rw, col = struct.unpack_from("<HH", rgce, 3)
    return sheet + _cell(rw, col)


def xls_names(data: bytes) -> tuple[tuple[str, str, bool], ...]:
    """(name, target, sheet-scoped?) of an .xls the guard has passed, in the order of its NAME records."""
    biff = biff_stream(data)
    return names_in(biff) if biff is not None else ()


def names_in(biff: bytes) -> tuple[tuple[str, str, bool], ...]:
    """The same, of a workbook stream (its BIFF8 records)."""
    sheets = [name for name, _start, _end in biff_sheets(biff)]
    xti, internal = links(biff)
    found: list[tuple[str, str, bool]] = []
    pos, n, first = 0, len(biff), True
    while pos + 4 <= n:
        rtype, length = struct.unpack_from("<HH", biff, pos)
        body = biff[pos + 4 : pos + 4 + length]
        if len(body) < length:
            break  # a record cut short: nothing after it
        following = struct.unpack_from("<H", biff, pos + 4 + length)[0] if pos + 6 + length <= n else None
        pos += 4 + length
        if rtype == _BOF:
            if not first:
                break
            first = False
        elif rtype == _EOF:
            break
        elif rtype == _NAME and length >= 15 and following != _CONTINUE:
            flags, cch, cce, itab = body[0] | body[1] << 8, body[3], *struct.unpack_from("<HxxH", body, 4)
            if flags & _BUILTIN or not cch:
                continue
            high = body[14] & 1
            end = 15 + cch * (2 if high else 1)
            if end + cce > length:  # a formula longer than its record
                continue
            name = body[15:end].decode("utf-16-le" if high else "latin-1", "replace")
            target = _target(body[end : end + cce], sheets, xti, internal)
            if target is not None:
                found.append((name, target, itab != 0))
    return tuple(found)
