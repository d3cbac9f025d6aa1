"""An .xls's formulas with a saved result, as text, so that ``core/cell_formulas.py`` can compute them again.

Excel recalculates an .xls saved by another program or another version of Excel when it opens it (the file's
calculation engine is not its own), so a saved result that is not the formula's answer — an input edited in a
program that did not recalculate, a script's export — is not what the person sees: as in an .xlsx, the locator
refuses it (F-LOCATE-RECALC). A FORMULA record keeps the formula parsed (BIFF8 ``rgce``, reverse Polish); the
tokens the computation knows are turned back into Excel's syntax: numbers, texts, cells and ranges of this or
another sheet of the workbook, + − × ÷ ^ & and comparisons, SUM, ROUND, INT, MIN, MAX, AVERAGE, ABS and IF.
A formula with anything else (a name, another workbook, a shared or array formula, a function it does not
compute) is left out: its saved result is read, as that of a formula not known in an .xlsx saved by Excel.

``errors_xls`` lists the cells showing an error (a FORMULA saved with an error result, a BOOLERR error constant),
which python-calamine reads as empty: the locator refuses them (F-LOCATE-ERROR).
"""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Iterator

from .uncached import Uncached
from .visibility import biff_sheets, biff_stream

_FORMULA, _EXTERNSHEET, _SUPBOOK, _BOF = 0x0006, 0x0017, 0x01AE, 0x0809
_BINARY = {0x03: "+", 0x04: "-", 0x05: "*", 0x06: "/", 0x07: "^", 0x08: "&", 0x09: "<", 0x0A: "<=", 0x0B: "=",
           0x0C: ">=", 0x0D: ">", 0x0E: "<>"}
_FIXED = {24: ("ABS", 1), 25: ("INT", 1), 27: ("ROUND", 2)}  # ptgFunc: function id -> name, arguments
_VARIABLE = {1: "IF", 4: "SUM", 5: "AVERAGE", 6: "MIN", 7: "MAX", 24: "ABS", 25: "INT", 27: "ROUND"}  # ptgFuncVar
_MAX_TOKENS = 2_000
_MAX_WORKBOOK_TOKENS = 200_000  # tokens read back per workbook (a return has a few hundred): past that, as saved
_MAX_TEXT = 8_192  # characters of a formula, as Excel allows
_MAX_ERRORS = 100_000  # error cells listed per sheet


class _Beyond(Exception):
    """A token this does not turn back into a formula computed again."""


def column_letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(rw: int, col: int) -> str:
    return f"{column_letters(col & 0x3FFF)}{rw + 1}"  # bits 14 and 15: relative flags, which a cell's own formula ignores


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'!"


def _decompile(rgce: bytes, sheets: list[str], xti: list[tuple[int, int, int]], internal: set[int],
               budget: list[int]) -> str:
    stack: list[str] = []
    pos, n, count = 0, len(rgce), 0

    def three_d(ixti: int) -> str:
        if ixti >= len(xti):
            raise _Beyond
        book, first, last = xti[ixti]
        if book not in internal or first != last or not 0 <= first < len(sheets):
            raise _Beyond  # another workbook, or a range across sheets
        return _quoted(sheets[first])

    while pos < n:
        count += 1
        budget[0] -= 1
        if count > _MAX_TOKENS or budget[0] < 0:
            raise _Beyond
        ptg = rgce[pos]
        base = ptg & 0x1F | 0x20 if ptg & 0x60 else ptg  # the operand classes (reference, value, array) alike
        if ptg in _BINARY:
            b, a = stack.pop(), stack.pop()
            stack.append(f"({a}{_BINARY[ptg]}{b})")
            pos += 1
        elif ptg in (0x12, 0x13):  # unary plus, minus
            stack.append(f"({'+' if ptg == 0x12 else '-'}{stack.pop()})")
            pos += 1
        elif ptg == 0x15:  # parentheses (the operators above already bracket)
            pos += 1
        elif ptg == 0x17:  # a text
            cch, high = rgce[pos + 1], rgce[pos + 2] & 1
            raw = rgce[pos + 3 : pos + 3 + cch * (2 if high else 1)]
            text = raw.decode("utf-16-le" if high else "latin-1", "replace")
            stack.append('"' + text.replace('"', '""') + '"')
            pos += 3 + len(raw)
        elif ptg == 0x19:  # attributes: a SUM of one argument, or IF's jumps, spaces (nothing to the value)
            grbit = rgce[pos + 1]
            if grbit & 0x04:  # CHOOSE's jump table
                raise _Beyond
            if grbit & 0x10:
                stack.append(f"SUM({stack.pop()})")
            pos += 4
        elif ptg == 0x1D:  # TRUE or FALSE
            stack.append("TRUE" if rgce[pos + 1] else "FALSE")
            pos += 2
        elif ptg == 0x1E:  # a whole number
            stack.append(str(struct.unpack_from("<H", rgce, pos + 1)[0]))
            pos += 3
        elif ptg == 0x1F:  # a number
            value = struct.unpack_from("<d", rgce, pos + 1)[0]
            stack.append(repr(value) if value == value and abs(value) != float("inf") else "#NUM!")
            pos += 9
        elif base == 0x24:  # a cell of this sheet
            rw, col = struct.unpack_from("<HH", rgce, pos + 1)
            stack.append(_cell(rw, col))
            pos += 5
        elif base == 0x25:  # a range of this sheet
            r1, r2, c1, c2 = struct.unpack_from("<HHHH", rgce, pos + 1)
            stack.append(f"{_cell(r1, c1)}:{_cell(r2, c2)}")
            pos += 9
        elif base == 0x3A:  # a cell of a sheet
            ixti, rw, col = struct.unpack_from("<HHH", rgce, pos + 1)
            stack.append(three_d(ixti) + _cell(rw, col))
            pos += 7
        elif base == 0x3B:  # a range of a sheet
            ixti, r1, r2, c1, c2 = struct.unpack_from("<HHHHH", rgce, pos + 1)
            stack.append(f"{three_d(ixti)}{_cell(r1, c1)}:{_cell(r2, c2)}")
            pos += 11
        elif base == 0x21:  # a function of fixed arguments
            fid = struct.unpack_from("<H", rgce, pos + 1)[0]
            if fid not in _FIXED:
                raise _Beyond
            name, argc = _FIXED[fid]
            args = [stack.pop() for _ in range(argc)][::-1]
            stack.append(f"{name}({','.join(args)})")
            pos += 3
        elif base == 0x22:  # a function of a variable number of arguments
            argc, fid = rgce[pos + 1] & 0x7F, struct.unpack_from("<H", rgce, pos + 2)[0] & 0x7FFF
            if fid not in _VARIABLE or argc > len(stack):
                raise _Beyond
            args = [stack.pop() for _ in range(argc)][::-1]
            stack.append(f"{_VARIABLE[fid]}({','.join(args)})")
            pos += 4
        else:  # a name, another workbook's, a shared or array formula (ptgExp), an error, a missing argument
            raise _Beyond
    if len(stack) != 1 or len(stack[0]) > _MAX_TEXT:
        raise _Beyond
    return "=" + stack[0]


def links(biff: bytes) -> tuple[list[tuple[int, int, int]], set[int]]:
    """The globals' EXTERNSHEET entries (supporting book, first and last sheet) and which SUPBOOKs are this workbook."""
    xti: list[tuple[int, int, int]] = []
    internal: set[int] = set()
    books = 0
    pos, n, first = 0, len(biff), True
    while pos + 4 <= n:
        rtype, length = struct.unpack_from("<HH", biff, pos)
        body = biff[pos + 4 : pos + 4 + length]
        if rtype == _BOF:
            if not first:
                break
            first = False
        elif rtype == _SUPBOOK:
            if length >= 4 and body[2:4] == b"\x01\x04":  # the workbook itself
                internal.add(books)
            books += 1
        elif rtype == _EXTERNSHEET and length >= 2:
            count = struct.unpack_from("<H", body)[0]
            xti = [struct.unpack_from("<HHH", body, 2 + 6 * i) for i in range(min(count, (length - 2) // 6))]
        pos += 4 + length
    return xti, internal


_ERROR_CODES = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
                0x2A: "#N/A"}
_BOOLERR = 0x0205


def _cell_records(biff: bytes, offset: int, end: int) -> Iterator[tuple[int, bytes]]:
    """A sheet's records (type, body) from ``offset`` to ``end``, until one is cut short."""
    pos = offset
    while pos + 4 <= end:
        rtype, length = struct.unpack_from("<HH", biff, pos)
        if pos + 4 + length > end:
            return  # a record cut short: nothing more of this sheet
        yield rtype, biff[pos + 4 : pos + 4 + length]
        pos += 4 + length


def recalculated_xls(data: bytes) -> dict[str, Uncached]:
    """Sheet name -> (row, col, formula) of its formula cells holding a saved number or text, for an .xls the guard
    has passed."""
    biff = biff_stream(data)
    if biff is None:
        return {}
    sheets = biff_sheets(biff)
    names = [name for name, _start, _end in sheets]
    xti, internal = links(biff)
    out: dict[str, Uncached] = {}
    budget = [_MAX_WORKBOOK_TOKENS]
    for name, offset, end in sheets:
        found = []
        for rtype, body in _cell_records(biff, offset, end):
            if rtype == _FORMULA and len(body) >= 22:
                row, col = struct.unpack_from("<HH", body)
                result = body[6:14]
                saved = result[6:8] != b"\xff\xff" or result[0] in (0, 3)  # a number, a text (not TRUE, an error)
                cce = struct.unpack_from("<H", body, 20)[0]
                if saved and 22 + cce <= len(body):
                    with contextlib.suppress(_Beyond, IndexError, struct.error):  # else its saved result is read
                        found.append((row + 1, col + 1, _decompile(body[22 : 22 + cce], names, xti, internal, budget)))
        if found:
            out[name] = tuple(found)
    return out


def errors_xls(data: bytes) -> dict[str, Uncached]:
    """Sheet name -> (row, col, "#REF!，公式 =…") of its cells showing an error value (a formula's saved error, or an
    error typed as a constant), which python-calamine reads as empty."""
    biff = biff_stream(data)
    if biff is None:
        return {}
    sheets = biff_sheets(biff)
    names = [name for name, _start, _end in sheets]
    xti, internal = links(biff)
    out: dict[str, Uncached] = {}
    budget = [_MAX_WORKBOOK_TOKENS]
    for name, offset, end in sheets:
        found: list[tuple[int, int, str]] = []
        for rtype, body in _cell_records(biff, offset, end):
            if len(found) >= _MAX_ERRORS:
                break
            if rtype == _FORMULA and len(body) >= 22 and body[12:14] == b"\xff\xff" and body[6] == 2:
                row, col = struct.unpack_from("<HH", body)
                shown = _ERROR_CODES.get(body[8], "#错误")
                cce = struct.unpack_from("<H", body, 20)[0]
                formula = ""
                with contextlib.suppress(_Beyond, IndexError, struct.error):
                    formula = _decompile(body[22 : 22 + cce], names, xti, internal, budget) if 22 + cce <= len(body) else ""
                found.append((row + 1, col + 1, f"{shown}，公式 {formula}" if formula else shown))
            elif rtype == _BOOLERR and len(body) >= 8 and body[7] == 1:
                row, col = struct.unpack_from("<HH", body)
                found.append((row + 1, col + 1, _ERROR_CODES.get(body[6], "#错误")))
        if found:
            out[name] = tuple(found)
    return out
