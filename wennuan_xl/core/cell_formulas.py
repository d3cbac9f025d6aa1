"""A workbook's own cell formulas computed again, to tell whether a saved result is what Excel will show.

A workbook written by a program (xlsxwriter, an export script, an edited file) may ask Excel to recalculate
everything when it opens (``<calcPr fullCalcOnLoad="1">``) and carry results that are not the formulas'
answers: xlsxwriter saves 0 for every formula, an edit of the inputs leaves the old sum. A person sees what Excel
computes; the readers get the saved number. ``compute`` works out what units write into a return — numbers,
texts, cells and ranges of any sheet, the workbook's names of single cells, ``+ - * / &``, comparisons, brackets,
SUM, ROUND, INT, MIN, MAX, AVERAGE, ABS, IF — with Excel's rules for blanks and text; anything else is None (not
known), never a guess. The formula is parsed first and evaluated lazily, as Excel does: ``IF(B5=0,"",A5/B5)``
does not divide by zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .formula import approx_equal, excel_round
from .messages import format_number
from .workbook import SheetData, WorkbookData, column_index

_TOKEN = re.compile(r"""\s*(?:
    (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<str>"(?:[^"]|"")*")
  | (?P<ref>(?:(?:'(?:[^']|''){1,62}+'|[^\s'!():,+\-*/^&=<>"]{1,31}+)!)?\$?[A-Za-z]{1,3}\$?\d{1,7}(?::\$?[A-Za-z]{1,3}\$?\d{1,7})?(?![\w(.]))
  | (?P<func>[A-Za-z][A-Za-z0-9.]*)\s*\(
  | (?P<name>[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]*)
  | (?P<op><=|>=|<>|[-+*/(),&=<>])
)""", re.X)
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_MAX_DEPTH = 32
_MAX_RANGE = 10_000  # cells a range may span (a return's sums cover a few dozen)
_MAX_TOKENS = 2_000
_MAX_FORMULA = 8_192  # characters Excel allows in a formula
_MAX_VISITS = 200_000  # cells one workbook's formulas may read, all together: past that, not known (never a hang)


class _Unknown(Exception):
    """Something this does not compute as Excel would: the result is not known."""


Cell = tuple[str, int, int]  # sheet name (as in the workbook), row, col
_UNKNOWN = object()  # a formula cell whose value is not known


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
    evaluator = _Evaluator(book, formulas.get, unknown.__contains__)  # one memory and one budget for them all
    for row, col in wanted:
        saved = sheet.value(row, col)
        got = compute(book, sheet.name, at[(row, col)], formulas.get, unknown.__contains__, evaluator)
        if (got is None and not book.recalc_on_load) or (got is not None and _same(got, saved)):
            continue
        said = f"按公式算得 {_shown(got)}" if got is not None else "文件要求打开时重新计算，本程序无法按公式核算"
        out.append((row, col, f"{at[(row, col)][:200]}，保存的结果是 {_shown(saved)}，{said}"))
    return tuple(out)


def _shown(value: object) -> str:
    return "空白" if value in (None, "") else format_number(value)


def _same(got: object, saved: object) -> bool:
    """The saved result is the computed one (a text result as its number; rounding in the last digits aside)."""
    if isinstance(got, str) or got is None:
        return (got or "") == (saved if isinstance(saved, str) else "" if saved is None else object())
    if isinstance(got, bool) or isinstance(saved, bool):
        return got is saved
    if isinstance(saved, str):
        try:
            saved = float(saved.strip())
        except ValueError:
            return False
    if not isinstance(saved, (int, float)) or not isinstance(got, (int, float)):
        return False
    return abs(got - saved) <= 1e-9 * max(1.0, abs(got), abs(saved))


def compute(book: WorkbookData, sheet: str, formula: str, formulas: Callable[[Cell], str | None],
            unknown: Callable[[Cell], bool] = lambda _c: False, evaluator: _Evaluator | None = None) -> object:
    """What ``formula`` (``=SUM(B2:B9)`` or without ``=``) gives in ``sheet`` of ``book``: a number, a text, TRUE
    or FALSE; None when it is not known. ``formulas(cell)``: the formula a referenced cell holds (computed in
    turn), or None for a plain value; ``unknown(cell)``: a cell whose value is not known (no result, an error)."""
    try:
        value = (evaluator or _Evaluator(book, formulas, unknown)).formula(sheet, formula, 0, frozenset())
    except (_Unknown, ZeroDivisionError, OverflowError, ValueError, IndexError, RecursionError):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return 0.0 if value is None else value  # =B4 of a blank B4 shows 0


# --- the parsed formula: tuples (kind, …) -------------------------------------------------------------------

@dataclass(frozen=True)
class _Parsed:
    kind: str  # num | str | ref | name | neg | op | call
    text: str = ""
    args: tuple[_Parsed, ...] = ()
    number: float = 0.0


def parse(text: str) -> _Parsed:
    tokens = _tokens(text.strip().removeprefix("="))
    parser = _Parser(tokens)
    tree = parser.comparison()
    if parser.pos != len(tokens):
        raise _Unknown
    return tree


def _tokens(text: str) -> list[tuple[str, str]]:
    if len(text) > _MAX_FORMULA:
        raise _Unknown  # longer than Excel allows
    out: list[tuple[str, str]] = []
    pos, end = 0, len(text.rstrip())
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None or len(out) > _MAX_TOKENS:
            raise _Unknown
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    """Recursive descent, Excel's precedence: comparison, then &, then + -, then * /, then unary minus."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.pos = tokens, 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self, op: str) -> None:
        if self.peek() != ("op", op):
            raise _Unknown
        self.pos += 1

    def binary(self, ops: tuple[str, ...], lower: Callable[[], _Parsed]) -> _Parsed:
        tree = lower()
        while self.peek()[0] == "op" and self.peek()[1] in ops:
            op = self.peek()[1]
            self.pos += 1
            tree = _Parsed("op", op, (tree, lower()))
        return tree

    def comparison(self) -> _Parsed:
        return self.binary(("=", "<>", "<", ">", "<=", ">="), self.concatenation)

    def concatenation(self) -> _Parsed:
        return self.binary(("&",), self.additive)

    def additive(self) -> _Parsed:
        return self.binary(("+", "-"), self.term)

    def term(self) -> _Parsed:
        return self.binary(("*", "/"), self.unary)

    def unary(self) -> _Parsed:
        if self.peek() in (("op", "-"), ("op", "+")):
            sign = self.peek()[1]
            self.pos += 1
            inner = self.unary()
            return _Parsed("neg", args=(inner,)) if sign == "-" else _Parsed("op", "+", (_Parsed("num"), inner))
        return self.atom()

    def atom(self) -> _Parsed:
        kind, text = self.peek()
        self.pos += 1
        if kind == "num":
            return _Parsed("num", number=float(text))
        if kind == "str":
            return _Parsed("str", text[1:-1].replace('""', '"'))
        if kind in ("ref", "name"):
            return _Parsed(kind, text)
        if kind == "op" and text == "(":
            tree = self.comparison()
            self.take(")")
            return tree
        if kind == "func":
            name = text.strip().upper()
            args: list[_Parsed] = []
            if self.peek() != ("op", ")"):
                args.append(self.comparison())
                while self.peek() == ("op", ","):
                    self.pos += 1
                    args.append(self.comparison())
            self.take(")")
            return _Parsed("call", name, tuple(args))
        raise _Unknown


# --- evaluation ---------------------------------------------------------------------------------------------

class _Evaluator:
    def __init__(self, book: WorkbookData, formulas, unknown) -> None:
        self.book = book
        self.sheets = {s.name.lower(): s for s in book.sheets}
        self.formulas, self.unknown = formulas, unknown
        self.parsed: dict[str, _Parsed | None] = {}
        self.done: dict[Cell, object] = {}  # formula cells computed: each once (a chain of doublings stays linear)
        self.visits = 0

    def formula(self, sheet: str, text: str, depth: int, seen: frozenset[Cell]) -> object:
        if depth > _MAX_DEPTH:
            raise _Unknown
        if text not in self.parsed:
            try:
                self.parsed[text] = parse(text)
            except (_Unknown, RecursionError, ValueError):
                self.parsed[text] = None
        tree = self.parsed[text]
        if tree is None:
            raise _Unknown
        return self.value(tree, sheet, depth, seen)

    def value(self, tree: _Parsed, sheet: str, depth: int, seen: frozenset[Cell]) -> object:
        kind = tree.kind
        if kind == "num":
            return tree.number
        if kind == "str":
            return tree.text
        if kind in ("ref", "name"):
            values = self.cells(tree, sheet, depth, seen)
            if len(values) != 1:
                raise _Unknown  # a range outside a function
            return values[0]
        if kind == "neg":
            return -_number(self.value(tree.args[0], sheet, depth, seen))
        if kind == "op":
            a, b = (self.value(t, sheet, depth, seen) for t in tree.args)
            return _operate(tree.text, a, b)
        return self.call(tree, sheet, depth, seen)

    def call(self, tree: _Parsed, sheet: str, depth: int, seen: frozenset[Cell]) -> object:
        name, args = tree.text, tree.args
        if name == "IF" and len(args) in (2, 3):
            if _truth(self.value(args[0], sheet, depth, seen)):
                return self.value(args[1], sheet, depth, seen)
            return self.value(args[2], sheet, depth, seen) if len(args) == 3 else False
        if name in ("ROUND", "ABS", "INT"):
            numbers = [_number(self.value(a, sheet, depth, seen)) for a in args]
            if name == "ABS" and len(numbers) == 1:
                return abs(numbers[0])
            if name == "INT" and len(numbers) == 1:
                return float(math.floor(numbers[0]))
            if name == "ROUND" and len(numbers) == 2:
                return excel_round(numbers[0], int(numbers[1]))
            raise _Unknown
        if name not in ("SUM", "MIN", "MAX", "AVERAGE"):
            raise _Unknown
        found: list[float] = []
        for a in args:
            if a.kind in ("ref", "name"):  # a reference: blanks and text in it are skipped
                values = self.cells(a, sheet, depth, seen)
                if any(isinstance(v, bool) for v in values):
                    raise _Unknown  # Excel skips TRUE in a referenced range, LibreOffice counts it 1
                found += [float(v) for v in values if isinstance(v, (int, float))]
            else:
                value = self.value(a, sheet, depth, seen)
                if not isinstance(value, (int, float)) or isinstance(value, bool):
                    raise _Unknown  # a text or TRUE given to SUM directly: Excel and LibreOffice differ
                found.append(float(value))
        if name == "SUM":
            return math.fsum(found)
        if name in ("MIN", "MAX"):
            return (min if name == "MIN" else max)(found) if found else 0.0
        if found:
            return math.fsum(found) / len(found)
        raise _Unknown  # AVERAGE of nothing: #DIV/0!

    def cells(self, tree: _Parsed, sheet: str, depth: int, seen: frozenset[Cell]) -> list[object]:
        """The values of a reference (one cell or a range) or of a name of one cell, each formula computed."""
        if tree.kind == "name":
            ref = self.book.names.get(tree.text.upper())
            if ref is None or ref.sheet.lower() not in self.sheets or tree.text.upper() in self.book.local_names:
                raise _Unknown  # a name of a range, a constant, or of nothing this reader knows
            return [self.cell(self.sheets[ref.sheet.lower()], ref.row, ref.col, depth, seen)]
        where, _, address = tree.text.rpartition("!")
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
        self.visits += 1
        if self.visits > _MAX_VISITS:
            raise _Unknown
        key = (data.name, row, col)
        if key in seen or self.unknown(key):
            raise _Unknown  # a circular reference, or a value not known
        inner = self.formulas(key)
        if inner is None:
            return data.value(row, col)
        if key not in self.done:
            try:
                value = self.formula(data.name, inner, depth + 1, seen | {key})
                self.done[key] = 0.0 if value is None else value
            except (_Unknown, ZeroDivisionError, OverflowError, ValueError, IndexError):
                self.done[key] = _UNKNOWN
        if self.done[key] is _UNKNOWN:
            raise _Unknown
        return self.done[key]


def _operate(op: str, a: object, b: object) -> object:
    if op in ("+", "-", "*", "/"):
        x, y = _number(a), _number(b)
        return x + y if op == "+" else x - y if op == "-" else x * y if op == "*" else x / y
    if op == "&":
        return _text(a) + _text(b)
    return _compare(op, a, b)


def _compare(op: str, a: object, b: object) -> bool:
    """Excel's comparison: a blank is 0 beside a number and "" beside a text; any number is less than any text;
    numbers equal to 15 significant digits are equal (0.1+0.2=0.3 is TRUE). Texts are compared here only for
    (in)equality without case, and only in ASCII: how Excel sorts symbols and Chinese depends on its language."""
    if isinstance(a, bool) or isinstance(b, bool) or not all(isinstance(v, (int, float, str)) or v is None for v in (a, b)):
        raise _Unknown
    if a is None:
        a = "" if isinstance(b, str) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else 0.0
    if isinstance(a, str) != isinstance(b, str):
        order = -1 if isinstance(b, str) else 1  # a number before a text
    elif isinstance(a, str) and isinstance(b, str):
        if a == b:
            order = 0
        elif op in ("=", "<>") and a.isascii() and b.isascii():
            order = 0 if a.lower() == b.lower() else 1
        else:
            raise _Unknown
    else:
        x, y = _number(a), _number(b)
        order = 0 if approx_equal(x, y) else (x > y) - (x < y)
    return {"=": order == 0, "<>": order != 0, "<": order < 0, ">": order > 0, "<=": order <= 0, ">=": order >= 0}[op]


def _truth(value: object) -> bool:
    if value is None:
        return False  # a blank cell
    if isinstance(value, (bool, int, float)):
        return bool(value)
    raise _Unknown  # a text as a condition: #VALUE!


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _Unknown  # Excel's General format of a fraction or TRUE: not followed here


def _number(value: object) -> float:
    """A value in arithmetic, as Excel takes it: blank 0, TRUE 1, a number; a text only when it is a number (an
    empty text, "" or a formula's "", is #VALUE!)."""
    if value is None:
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
