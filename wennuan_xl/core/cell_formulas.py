"""A workbook's own cell formulas computed again, to tell whether a saved result is what Excel will show.

A workbook written by a program (xlsxwriter, an export script, an edited file) may ask Excel to recalculate
everything when it opens (``<calcPr fullCalcOnLoad="1">``) and carry results that are not the formulas'
answers: xlsxwriter saves 0 for every formula, an edit of the inputs leaves the old sum. A person sees what Excel
computes; the readers get the saved number. ``compute`` works out the plain arithmetic units write — numbers,
cells and ranges of any sheet, ``+ - * /``, brackets, SUM, ROUND, MIN, MAX, AVERAGE, ABS — with Excel's rules for
blanks and text; anything else is None (not known), never a guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from .formula import excel_round
from .messages import format_number
from .workbook import SheetData, WorkbookData, column_index

_TOKEN = re.compile(r"""\s*(?:
    (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<ref>(?:(?:'(?:[^']|'')+'|[^\s'!():,+\-*/^&=<>"]+)!)?\$?[A-Za-z]{1,3}\$?\d{1,7}(?::\$?[A-Za-z]{1,3}\$?\d{1,7})?(?![\w(]))
  | (?P<func>[A-Za-z][A-Za-z0-9.]*)\s*\(
  | (?P<op>[-+*/(),])
)""", re.X)
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_MAX_DEPTH = 32
_MAX_RANGE = 10_000  # cells a range may span (a return's sums cover a few dozen)


class _Unknown(Exception):
    """Something this does not compute as Excel would: the result is not known."""


Cell = tuple[str, int, int]  # sheet name (as in the workbook), row, col


def not_as_saved(book: WorkbookData, sheet: SheetData, cells: list[tuple[int, int]]) -> tuple[tuple[int, int, str], ...]:
    """Of ``cells`` (row, col) of ``sheet``, those holding a formula whose saved result (``SheetData.recalc``)
    is not what the formula gives: (row, col, "公式 …，保存的结果是 …，按公式算得 …"). A formula not computed here
    counts as such only in a workbook that asks for a recalculation on opening (a program's: its results may be
    0); one saved by Excel, WPS or LibreOffice keeps the result that program computed."""
    at = {(r, c): f for r, c, f in sheet.recalc}
    wanted = [(r, c) for r, c in cells if (r, c) in at]
    if not wanted:
        return ()
    formulas = {(s.name, r, c): f for s in book.sheets for r, c, f in s.recalc}
    unknown = {(s.name, r, c) for s in book.sheets for r, c, _ in (*s.uncached, *s.errors)}
    out = []
    for row, col in wanted:
        saved = sheet.value(row, col)
        got = compute(book, sheet.name, at[(row, col)], formulas.get, unknown.__contains__)
        if (got is None and not book.recalc_on_load) or (got is not None and _same(got, saved)):
            continue
        said = f"按公式算得 {format_number(got)}" if got is not None else "文件要求打开时重新计算，本程序无法按公式核算"
        out.append((row, col, f"{at[(row, col)][:200]}，保存的结果是 {format_number(saved)}，{said}"))
    return tuple(out)


def _same(got: float, saved: object) -> bool:
    """The saved result is the computed one (a text result as its number; rounding in the last digits aside)."""
    if isinstance(saved, str):
        try:
            saved = float(saved.strip())
        except ValueError:
            return False
    if not isinstance(saved, (int, float)) or isinstance(saved, bool):
        return False
    return abs(got - saved) <= 1e-9 * max(1.0, abs(got), abs(saved))


def compute(book: WorkbookData, sheet: str, formula: str, formulas: Callable[[Cell], str | None],
            unknown: Callable[[Cell], bool] = lambda _c: False) -> float | None:
    """The number ``formula`` (``=SUM(B2:B9)`` or without ``=``) gives in ``sheet`` of ``book``, or None.
    ``formulas(cell)``: the formula a referenced cell holds (computed in turn), or None for a plain value;
    ``unknown(cell)``: a cell whose value is not known (a formula without result, an error)."""
    try:
        value = _Evaluator(book, formulas, unknown).formula(sheet, formula, 0, frozenset())
    except (_Unknown, ZeroDivisionError, OverflowError, ValueError, IndexError):
        return None
    return value if math.isfinite(value) else None


class _Evaluator:
    def __init__(self, book: WorkbookData, formulas, unknown) -> None:
        self.sheets = {s.name.lower(): s for s in book.sheets}
        self.formulas, self.unknown = formulas, unknown

    def formula(self, sheet: str, text: str, depth: int, seen: frozenset[Cell]) -> float:
        if depth > _MAX_DEPTH:
            raise _Unknown
        tokens = _tokens(text.strip().removeprefix("="))
        parser = _Parser(tokens, lambda ref: self.cells(sheet, ref, depth, seen))
        value = parser.expression()
        if parser.pos != len(tokens):
            raise _Unknown
        return _number(value)

    def cells(self, sheet: str, ref: str, depth: int, seen: frozenset[Cell]) -> list[object]:
        """The values of a reference (one cell or a range), each formula in it computed."""
        where, _, address = ref.rpartition("!")
        name = where[1:-1].replace("''", "'") if where.startswith("'") else where or sheet
        data = self.sheets.get(name.lower())
        if data is None:
            raise _Unknown  # another workbook, or a sheet this one has not
        corners = [_CELL.fullmatch(a) for a in address.split(":")]
        if None in corners:
            raise _Unknown
        (r1, c1), (r2, c2) = ((int(m.group(2)), column_index(m.group(1).upper())) for m in (corners[0], corners[-1]) if m)
        rows, cols = range(min(r1, r2), max(r1, r2) + 1), range(min(c1, c2), max(c1, c2) + 1)
        if len(rows) * len(cols) > _MAX_RANGE:
            raise _Unknown
        return [self.cell(data, r, c, depth, seen) for r in rows for c in cols]

    def cell(self, data: SheetData, row: int, col: int, depth: int, seen: frozenset[Cell]) -> object:
        key = (data.name, row, col)
        if key in seen or self.unknown(key):
            raise _Unknown  # a circular reference, or a value not known
        inner = self.formulas(key)
        if inner is not None:
            return self.formula(data.name, inner, depth + 1, seen | {key})
        return data.value(row, col)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _Unknown
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


_Ref = Callable[[str], list[object]]


class _Parser:
    """Recursive descent over the tokens, computing as it goes (Excel's precedence: unary minus, then * /,
    then + -)."""

    def __init__(self, tokens: list[tuple[str, str]], cells: _Ref) -> None:
        self.tokens, self.cells, self.pos = tokens, cells, 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self, op: str) -> None:
        if self.peek() != ("op", op):
            raise _Unknown
        self.pos += 1

    def expression(self) -> object:
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.peek()[1]
            self.pos += 1
            right = _number(self.term())
            value = _number(value) + right if op == "+" else _number(value) - right
        return value

    def term(self) -> object:
        value = self.unary()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.peek()[1]
            self.pos += 1
            right = _number(self.unary())
            value = _number(value) * right if op == "*" else _number(value) / right
        return value

    def unary(self) -> object:
        if self.peek() in (("op", "-"), ("op", "+")):
            sign = -1.0 if self.peek()[1] == "-" else 1.0
            self.pos += 1
            return sign * _number(self.unary())
        return self.atom()

    def atom(self) -> object:
        kind, text = self.peek()
        self.pos += 1
        if kind == "num":
            return float(text)
        if kind == "ref":
            values = self.cells(text)
            if len(values) != 1:
                raise _Unknown  # a range outside a function
            return values[0]
        if kind == "op" and text == "(":
            value = self.expression()
            self.take(")")
            return value
        if kind == "func":
            return self.call(text.upper())
        raise _Unknown

    def call(self, name: str) -> float:
        args: list[list[object] | object] = []
        if self.peek() != ("op", ")"):
            while True:
                kind, text = self.peek()
                after = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else ("end", "")
                if kind == "ref" and after in (("op", ","), ("op", ")")):
                    self.pos += 1
                    args.append(self.cells(text))  # a reference: blanks and text in it are skipped
                else:
                    args.append(self.expression())
                if self.peek() != ("op", ","):
                    break
                self.pos += 1
        self.take(")")
        if name in ("ROUND", "ABS"):
            numbers = [_number(a[0] if isinstance(a, list) and len(a) == 1 else a) for a in args]
            if name == "ABS" and len(numbers) == 1:
                return abs(numbers[0])
            if name == "ROUND" and len(numbers) == 2:
                return excel_round(numbers[0], int(numbers[1]))
            raise _Unknown
        numbers = []
        for a in args:
            if isinstance(a, list):
                if any(isinstance(v, bool) for v in a):
                    raise _Unknown  # Excel skips TRUE in a referenced range, LibreOffice counts it 1
                numbers += [v for v in a if isinstance(v, (int, float))]
            else:
                numbers.append(_number(a))
        if name == "SUM":
            return math.fsum(numbers)
        if name in ("MIN", "MAX"):
            return (min if name == "MIN" else max)(numbers) if numbers else 0.0
        if name == "AVERAGE" and numbers:
            return math.fsum(numbers) / len(numbers)
        raise _Unknown


def _number(value: object) -> float:
    """A value in arithmetic, as Excel takes it: blank 0, TRUE 1, a number; a text only when it is a number."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            raise _Unknown from None  # #VALUE! in Excel
    raise _Unknown  # a date, an error


