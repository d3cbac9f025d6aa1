"""The 审核公式 language: a small, safe subset of Excel formula syntax over the fields' defined names.

``A1_02B<=A1_02A`` or ``ABS(A1_05-SUM(A1_05A,A1_05B))<=TOLERANCE`` parse into a tiny AST; nothing is
ever passed to ``eval``. Evaluation follows Excel's rules for blanks, text and comparisons so that the
same formula gives the same answer here and inside a workbook.
"""

from __future__ import annotations

import decimal
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass


class FormulaSyntaxError(ValueError):
    """The formula text cannot be parsed; ``str()`` says where, in Chinese."""


class FormulaError(Exception):
    """An Excel-style evaluation error such as #DIV/0! or #VALUE!."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class Blank:
    """An empty cell. Excel treats it as 0 in arithmetic and as "" beside text."""

    _instance: Blank | None = None

    def __new__(cls) -> Blank:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "BLANK"


BLANK = Blank()
Value = float | int | str | bool | Blank


# --- AST -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Str:
    value: str


@dataclass(frozen=True)
class BoolLit:
    value: bool


@dataclass(frozen=True)
class Ref:
    name: str  # upper case: field name (A1_02B) or a constant (TOLERANCE)
    previous: bool = False  # PREV(A1_02B): the same unit's value last year (上年同期)

    @property
    def key(self) -> str:
        """What a lookup is asked for: the name, or ``PREV(A1_02B)`` for last year's value."""
        return previous_key(self.name) if self.previous else self.name


def previous_key(name: str) -> str:
    """The lookup key of ``PREV(name)``: the formula's own text, which no field name can be."""
    return f"PREV({name})"


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Node, ...]


Node = Num | Str | BoolLit | Ref | Unary | Binary | Call


def refs(node: Node) -> list[str]:
    """Names referenced by a formula for this year's values, in order of first appearance (``PREV(x)``
    is not a reference to this year's ``x``: see ``previous_refs``)."""
    return _names(node, previous=False)


def previous_refs(node: Node) -> list[str]:
    """Names read through ``PREV(…)`` (last year's values), in order of first appearance."""
    return _names(node, previous=True)


def all_refs(node: Node) -> list[str]:
    """Every name a formula reads, this year's or last year's."""
    return list(dict.fromkeys(refs(node) + previous_refs(node)))


def _names(node: Node, previous: bool) -> list[str]:
    out: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Ref):
            if n.previous is previous and n.name not in out:
                out.append(n.name)
        elif isinstance(n, Unary):
            walk(n.operand)
        elif isinstance(n, Binary):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Call):
            for a in n.args:
                walk(a)

    walk(node)
    return out


def unparse(node: Node) -> str:
    """Canonical Excel text of a formula (without the leading ``=``)."""
    if isinstance(node, Num):
        v = node.value
        return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))
    if isinstance(node, Str):
        return '"' + node.value.replace('"', '""') + '"'
    if isinstance(node, BoolLit):
        return "TRUE" if node.value else "FALSE"
    if isinstance(node, Ref):
        return node.key
    if isinstance(node, Unary):
        return f"{node.op}{_paren(node.operand)}"
    if isinstance(node, Binary):
        return f"{_paren(node.left)}{node.op}{_paren(node.right)}"
    return f"{node.func}(" + ",".join(unparse(a) for a in node.args) + ")"


def _paren(node: Node) -> str:
    text = unparse(node)
    return f"({text})" if isinstance(node, (Binary, Unary)) else text


# --- parsing ---------------------------------------------------------------------------------------

FUNCTIONS = ("SUM", "ABS", "AND", "OR", "NOT", "IF", "ISBLANK", "MIN", "MAX", "ROUND")
# PREV(A1_01A) is no function of a value but a reference to last year's cell: it takes one field name.
PREV = "PREV"
_COMPARE = ("=", "<>", "<=", ">=", "<", ">")
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<str>"(?:[^"]|"")*")
    | (?P<name>[A-Za-z_\u4e00-\u9fff][A-Za-z0-9_.\u4e00-\u9fff]*)
    | (?P<op><=|>=|<>|[-+*/^&=<>(),])
    )""",
    re.VERBOSE,
)


def _normalise_text(text: str) -> str:
    # Clerks type formulas with a Chinese input method: full-width （）＜＝，etc. become ASCII.
    parts = re.split(r'("(?:[^"]|"")*")', text)
    return "".join(p if p.startswith('"') else unicodedata.normalize("NFKC", p) for p in parts)


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FormulaSyntaxError(f"第 {pos + 1} 个字符“{text[pos:pos + 1]}”无法识别")
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    tokens.append(("end", "", len(text)))
    return tokens


def parse(text: str) -> Node:
    """Parse an Excel-style formula; raises FormulaSyntaxError with a Chinese explanation."""
    source = _normalise_text(text).strip()
    if source.startswith("="):
        source = source[1:]
    if not source:
        raise FormulaSyntaxError("公式为空")
    return _Parser(_tokenize(source)).parse()


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]]):
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        kind, text, pos = self.take()
        if text != value:
            found = f"“{text}”" if kind != "end" else "公式结尾"
            raise FormulaSyntaxError(f"第 {pos + 1} 个字符处应为“{value}”，实际是{found}")

    def parse(self) -> Node:
        node = self.comparison()
        kind, text, pos = self.peek()
        if kind != "end":
            raise FormulaSyntaxError(f"第 {pos + 1} 个字符处多出“{text}”")
        return node

    def comparison(self) -> Node:
        node = self.concat()
        while self.peek()[0] == "op" and self.peek()[1] in _COMPARE:
            op = self.take()[1]
            node = Binary(op, node, self.concat())
        return node

    def concat(self) -> Node:
        node = self.additive()
        while self.peek()[1] == "&":
            self.take()
            node = Binary("&", node, self.additive())
        return node

    def additive(self) -> Node:
        node = self.term()
        while self.peek()[0] == "op" and self.peek()[1] in "+-":
            op = self.take()[1]
            node = Binary(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.power()
        while self.peek()[0] == "op" and self.peek()[1] in "*/":
            op = self.take()[1]
            node = Binary(op, node, self.power())
        return node

    def power(self) -> Node:
        node = self.unary()
        while self.peek()[1] == "^":
            self.take()
            node = Binary("^", node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek()[0] == "op" and self.peek()[1] in "+-":
            op = self.take()[1]
            return Unary(op, self.unary())
        return self.primary()

    def primary(self) -> Node:
        kind, text, pos = self.take()
        if kind == "num":
            return Num(float(text))
        if kind == "str":
            return Str(text[1:-1].replace('""', '"'))
        if kind == "name":
            upper = text.upper()
            if self.peek()[1] == "(" and upper == PREV:
                return self.previous()
            if self.peek()[1] == "(":
                if upper not in FUNCTIONS:
                    raise FormulaSyntaxError(
                        f"不支持函数 {text}（可用：{'、'.join(FUNCTIONS + (PREV,))}）"
                    )
                self.take()
                args: list[Node] = []
                if self.peek()[1] != ")":
                    args.append(self.comparison())
                    while self.peek()[1] == ",":
                        self.take()
                        args.append(self.comparison())
                self.expect(")")
                _check_arity(upper, len(args))
                return Call(upper, tuple(args))
            if upper in ("TRUE", "FALSE"):
                return BoolLit(upper == "TRUE")
            return Ref(upper)
        if text == "(":
            node = self.comparison()
            self.expect(")")
            return node
        found = f"“{text}”" if kind != "end" else "公式结尾"
        raise FormulaSyntaxError(f"第 {pos + 1} 个字符处不应出现{found}")

    def previous(self) -> Ref:
        """``PREV(name)``, the "(" next: one field name between the brackets, nothing else."""
        pos = self.take()[2]
        kind, text, _ = self.take()
        if kind != "name" or self.peek()[1] != ")" or text.upper() in ("TRUE", "FALSE"):
            raise FormulaSyntaxError(f"第 {pos + 1} 个字符处：PREV 的括号里应是一个指标名称，如 PREV(A1_01A)")
        self.take()
        return Ref(text.upper(), previous=True)


_ARITY = {"ABS": (1, 1), "NOT": (1, 1), "ISBLANK": (1, 1), "IF": (2, 3), "ROUND": (2, 2)}


def _check_arity(func: str, n: int) -> None:
    lo, hi = _ARITY.get(func, (1, 255))
    if not lo <= n <= hi:
        want = str(lo) if lo == hi else f"{lo}～{hi}"
        raise FormulaSyntaxError(f"函数 {func} 需要 {want} 个参数，实际给了 {n} 个")


# --- evaluation ------------------------------------------------------------------------------------

Lookup = Callable[[str], Value]

# LibreOffice and Excel compare doubles "approximately" (rtl::math::approxEqual): equal when they
# differ in the last few bits. Doing the same keeps 0.1+0.2=0.3 true here as it is in a workbook.
_APPROX = 2.0**-48


def approx_equal(a: float, b: float) -> bool:
    if a == b:
        return True
    return abs(a - b) < max(abs(a), abs(b)) * _APPROX


def evaluate(node: Node, lookup: Lookup) -> Value:
    """One-off evaluation (messages, tests); rules keep their compiled closure instead."""
    return compile_node(node)(lookup)


Thunk = Callable[[Lookup], Value]


def compile_node(node: Node) -> Thunk:
    """Turn a formula into nested closures once, so checking a return does not walk the tree."""
    if isinstance(node, (Num, Str, BoolLit)):
        constant = node.value
        return lambda env: constant
    if isinstance(node, Ref):
        name = node.key
        return lambda env: env(name)
    if isinstance(node, Unary):
        inner = compile_node(node.operand)
        if node.op == "-":
            return lambda env: -_number(inner(env))
        return lambda env: _number(inner(env))
    if isinstance(node, Binary):
        return _compile_binary(node.op, compile_node(node.left), compile_node(node.right))
    args = tuple(compile_node(a) for a in node.args)
    by_ref = tuple(isinstance(a, Ref) for a in node.args)
    impl = _FUNCTIONS[node.func]
    return lambda env: impl(args, by_ref, env)


_TESTS: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "<>": lambda c: c != 0,
    "<": lambda c: c < 0,
    ">": lambda c: c > 0,
    "<=": lambda c: c <= 0,
    ">=": lambda c: c >= 0,
}


def _compile_binary(op: str, left: Thunk, right: Thunk) -> Thunk:
    if op in _TESTS:
        test = _TESTS[op]
        return lambda env: test(_compare(left(env), right(env)))
    if op == "+":
        return lambda env: _number(left(env)) + _number(right(env))
    if op == "-":
        return lambda env: _number(left(env)) - _number(right(env))
    if op == "*":
        return lambda env: _number(left(env)) * _number(right(env))
    return lambda env: _binary(op, left(env), right(env))


def truth(value: Value) -> bool:
    if isinstance(value, Blank):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    upper = value.upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    raise FormulaError("#VALUE!")


def _number(value: Value) -> float:
    kind = type(value)
    if kind is int or kind is float:
        return value  # type: ignore[return-value]
    if isinstance(value, Blank):
        return 0
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value.strip())
    except ValueError:
        raise FormulaError("#VALUE!") from None


def _binary(op: str, a: Value, b: Value) -> Value:
    if op in _COMPARE:
        c = _compare(a, b)
        return {"=": c == 0, "<>": c != 0, "<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]
    if op == "&":
        return _text(a) + _text(b)
    x, y = _number(a), _number(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        if y == 0:
            raise FormulaError("#DIV/0!")
        return x / y
    try:
        result = x**y
    except (OverflowError, ZeroDivisionError):
        raise FormulaError("#NUM!") from None
    if isinstance(result, complex) or math.isinf(result):
        raise FormulaError("#NUM!")
    return result


def _text(value: Value) -> str:
    if isinstance(value, Blank):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rank(value: Value) -> int:
    # Excel orders mixed types: numbers < text < logicals.
    if isinstance(value, bool):
        return 2
    if isinstance(value, str):
        return 1
    return 0


def _compare(a: Value, b: Value) -> int:
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):  # the common case, kept fast
        if a == b or abs(a - b) < max(abs(a), abs(b)) * _APPROX:  # type: ignore[operator, arg-type]
            return 0
        return -1 if a < b else 1  # type: ignore[operator]
    if isinstance(a, Blank) and isinstance(b, Blank):
        return 0
    if isinstance(a, Blank):
        a = "" if isinstance(b, str) else (False if isinstance(b, bool) else 0)
    if isinstance(b, Blank):
        b = "" if isinstance(a, str) else (False if isinstance(a, bool) else 0)
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 1:
        sa, sb = str(a).casefold(), str(b).casefold()
        return (sa > sb) - (sa < sb)
    fa, fb = float(a), float(b)
    if approx_equal(fa, fb):
        return 0
    return -1 if fa < fb else 1


def _fn_if(args, by_ref, env):
    if truth(args[0](env)):
        return args[1](env)
    return args[2](env) if len(args) == 3 else False


def _fn_isblank(args, by_ref, env):
    return by_ref[0] and isinstance(args[0](env), Blank)


def _numbers_in(args, by_ref, env):
    for arg, is_ref in zip(args, by_ref):
        v = arg(env)
        if is_ref:
            # By reference, SUM/MIN/MAX skip empty cells, text and logicals, as Excel does.
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                yield v
        else:
            yield _number(v)


def _fn_sum(args, by_ref, env):
    return math.fsum(_numbers_in(args, by_ref, env))


def _fn_min(args, by_ref, env):
    nums = list(_numbers_in(args, by_ref, env))
    return min(nums) if nums else 0


def _fn_max(args, by_ref, env):
    nums = list(_numbers_in(args, by_ref, env))
    return max(nums) if nums else 0


def _flags(args, by_ref, env) -> list[bool]:
    flags = []
    for arg, is_ref in zip(args, by_ref):
        v = arg(env)
        if is_ref and isinstance(v, (Blank, str)):
            continue  # Excel skips empty and text cells given by reference
        flags.append(truth(v))
    if not flags:
        raise FormulaError("#VALUE!")
    return flags


def _fn_and(args, by_ref, env):
    return all(_flags(args, by_ref, env))


def _fn_or(args, by_ref, env):
    return any(_flags(args, by_ref, env))


def _fn_not(args, by_ref, env):
    return not truth(args[0](env))


def _fn_abs(args, by_ref, env):
    return abs(_number(args[0](env)))


def _fn_round(args, by_ref, env):
    return _excel_round(_number(args[0](env)), _number(args[1](env)))


def excel_round(x: float, digits: int) -> float:
    """ROUND as Excel does it: halves away from zero, on the 15 significant digits Excel shows."""
    return _excel_round(x, digits) if math.isfinite(x) else x


def _excel_round(x: float, digits_value: float) -> float:
    digits = int(digits_value)
    if not math.isfinite(x):
        raise FormulaError("#NUM!")
    # Excel rounds halves away from zero on the 15 significant digits it shows, so ROUND(1.005,2)
    # is 1.01 although the double 1.005 is a little less than 1.005.
    shown = decimal.Decimal(format(x, ".15g"))
    try:
        return float(shown.quantize(decimal.Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP))
    except decimal.InvalidOperation:
        return x  # more digits than a double holds: nothing to round


_FUNCTIONS = {
    "IF": _fn_if,
    "ISBLANK": _fn_isblank,
    "SUM": _fn_sum,
    "MIN": _fn_min,
    "MAX": _fn_max,
    "AND": _fn_and,
    "OR": _fn_or,
    "NOT": _fn_not,
    "ABS": _fn_abs,
    "ROUND": _fn_round,
}


def constants_lookup(values: Mapping[str, Value], fallback: Lookup) -> Lookup:
    def lookup(name: str) -> Value:
        if name in values:
            return values[name]
        return fallback(name)

    return lookup
