"""The 审核公式 evaluated column-wise: one formula over all units at once, with Excel's semantics.

``core.formula`` evaluates a formula for one return (the reference); this module compiles the same AST
into numpy operations over a table of units (one array per field). Where the two could disagree — a
value near a comparison's edge or a rounding half, text where a number is expected, a division by zero —
the row is marked *unsure*, and the caller evaluates that row with the scalar evaluator instead. So the
answers are the scalar evaluator's, computed in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ..core import formula
from ..core.formula import Binary, BoolLit, Call, Node, Num, Ref, Str, Unary

NUM, BOOL, STR = "num", "bool", "str"
# Closer than this (relative) to an edge, a vector answer could differ from the scalar one in the last bits.
_EDGE = 1e-9


@dataclass
class Vec:
    kind: str  # num | bool | str
    data: np.ndarray  # float64 for num (blank as 0), bool for bool, object for str ("" for blank)
    blank: np.ndarray  # True where the value is an empty cell (only for references)
    ref: bool = False  # a field reference as written (SUM/AND skip its blanks, ISBLANK tests it)


@dataclass
class Columns:
    """The inputs of a vector evaluation: per field name, its numbers (NaN blank) or its text."""

    n: int
    numbers: Mapping[str, np.ndarray]  # name -> float64, NaN where blank
    texts: Mapping[str, np.ndarray]  # name -> object array ("" / None where blank): 是/否 fields
    constants: Mapping[str, float]


Compiled = Callable[[Columns, np.ndarray], Vec]  # (columns, unsure mask to update) -> value


def compile_vector(node: Node) -> Compiled:
    if isinstance(node, Num):
        value = float(node.value)
        return lambda cols, unsure: Vec(NUM, np.full(cols.n, value), np.zeros(cols.n, bool))
    if isinstance(node, Str):
        text = node.value
        return lambda cols, unsure: Vec(STR, np.full(cols.n, text, dtype=object), np.zeros(cols.n, bool))
    if isinstance(node, BoolLit):
        flag = node.value
        return lambda cols, unsure: Vec(BOOL, np.full(cols.n, flag), np.zeros(cols.n, bool))
    if isinstance(node, Ref):
        return _compile_ref(node.name)
    if isinstance(node, Unary):
        inner = compile_vector(node.operand)
        sign = -1.0 if node.op == "-" else 1.0

        def unary(cols: Columns, unsure: np.ndarray) -> Vec:
            v = _as_number(inner(cols, unsure), unsure)
            return Vec(NUM, sign * v, np.zeros(cols.n, bool))

        return unary
    if isinstance(node, Binary):
        return _compile_binary(node.op, compile_vector(node.left), compile_vector(node.right))
    assert isinstance(node, Call)
    args = tuple(compile_vector(a) for a in node.args)
    return _FUNCTIONS[node.func](args)


def _compile_ref(name: str) -> Compiled:
    def ref(cols: Columns, unsure: np.ndarray) -> Vec:
        if name in cols.constants:
            return Vec(NUM, np.full(cols.n, float(cols.constants[name])), np.zeros(cols.n, bool))
        if name in cols.texts:
            raw = cols.texts[name]
            blank = np.array([v is None or v == "" for v in raw], dtype=bool)
            data = np.array(["" if v is None else v for v in raw], dtype=object)
            return Vec(STR, data, blank, ref=True)
        values = cols.numbers[name]
        blank = np.isnan(values)
        return Vec(NUM, np.where(blank, 0.0, values), blank, ref=True)

    return ref


def _as_number(v: Vec, unsure: np.ndarray) -> np.ndarray:
    if v.kind == NUM:
        return v.data
    if v.kind == BOOL:
        return v.data.astype(float)
    # Text in arithmetic: a blank is 0; anything else is for the scalar evaluator to judge.
    unsure |= ~v.blank
    return np.zeros(len(v.data))


def truth(v: Vec, unsure: np.ndarray) -> np.ndarray:
    if v.kind == BOOL:
        return v.data
    if v.kind == NUM:
        return v.data != 0
    upper = np.array([str(t).upper() for t in v.data], dtype=object)
    unsure |= ~v.blank & (upper != "TRUE") & (upper != "FALSE")
    return upper == "TRUE"


def _compile_binary(op: str, left: Compiled, right: Compiled) -> Compiled:
    if op in ("=", "<>", "<", ">", "<=", ">="):
        return lambda cols, unsure: _compare(op, left(cols, unsure), right(cols, unsure), unsure)

    def arithmetic(cols: Columns, unsure: np.ndarray) -> Vec:
        a = _as_number(left(cols, unsure), unsure)
        b = _as_number(right(cols, unsure), unsure)
        with np.errstate(all="ignore"):
            if op == "+":
                out = a + b
            elif op == "-":
                out = a - b
            elif op == "*":
                out = a * b
            elif op == "/":
                unsure |= b == 0  # #DIV/0!: the scalar evaluator says how the rule is skipped
                out = np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))
            else:  # ^ and & are rare in 审核公式: the scalar evaluator does them
                unsure |= True
                out = np.zeros(cols.n)
        unsure |= ~np.isfinite(out)
        return Vec(NUM, np.where(np.isfinite(out), out, 0.0), np.zeros(cols.n, bool))

    if op == "&":
        def concat(cols: Columns, unsure: np.ndarray) -> Vec:
            left(cols, unsure), right(cols, unsure)
            unsure |= True
            return Vec(STR, np.full(cols.n, "", dtype=object), np.zeros(cols.n, bool))

        return concat
    return arithmetic


def _compare(op: str, a: Vec, b: Vec, unsure: np.ndarray) -> Vec:
    n = len(a.data)
    if a.kind == NUM and b.kind == NUM:
        x, y = a.data, b.data
        both_blank = a.blank & b.blank
        scale = np.maximum(np.abs(x), np.abs(y))
        diff = x - y
        equal = (diff == 0) | (np.abs(diff) < scale * 2.0**-48)
        unsure |= ~equal & (np.abs(diff) <= scale * _EDGE)  # within a few bits of equal: let the scalar say
        c = np.where(equal | both_blank, 0, np.sign(diff)).astype(int)
    elif a.kind == BOOL and b.kind == BOOL:
        c = a.data.astype(int) - b.data.astype(int)
    elif {a.kind, b.kind} == {NUM, BOOL}:
        # Excel sorts numbers before logicals; an empty cell beside a logical is FALSE.
        num, flag = (a, b) if a.kind == NUM else (b, a)
        as_bool = np.where(num.blank, 0, -2)  # blank -> FALSE (0); a number -> below every logical
        c = as_bool - flag.data.astype(int)
        c = np.where(num.blank, c, -1)
        if a.kind == BOOL:
            c = -c
    elif a.kind == STR and b.kind == STR:
        sa = np.array([str(t).casefold() for t in a.data], dtype=object)
        sb = np.array([str(t).casefold() for t in b.data], dtype=object)
        if op not in ("=", "<>"):
            unsure |= True  # text ordering: rare, scalar
        c = np.where(sa == sb, 0, 1)
    elif {a.kind, b.kind} == {NUM, STR}:
        # A number against text: a blank on either side becomes the other's kind; otherwise numbers
        # sort before text. Rare in 审核公式: the scalar evaluator decides.
        unsure |= True
        c = np.zeros(n, int)
    else:
        unsure |= True
        c = np.zeros(n, int)
    result = {"=": c == 0, "<>": c != 0, "<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]
    return Vec(BOOL, np.asarray(result, dtype=bool), np.zeros(n, bool))


def _numbers_in(args: tuple[Compiled, ...], cols: Columns, unsure: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(values, counted) per argument: by reference SUM/MIN/MAX skip empty cells and text, as Excel does."""
    out = []
    for arg in args:
        v = arg(cols, unsure)
        if v.ref:
            if v.kind == NUM:
                out.append((v.data, ~v.blank))
            else:
                out.append((np.zeros(cols.n), np.zeros(cols.n, bool)))
        else:
            out.append((_as_number(v, unsure), np.ones(cols.n, bool)))
    return out


def _fn_sum(args: tuple[Compiled, ...]) -> Compiled:
    def fn(cols: Columns, unsure: np.ndarray) -> Vec:
        total = np.zeros(cols.n)
        for values, counted in _numbers_in(args, cols, unsure):
            total = total + np.where(counted, values, 0.0)
        return Vec(NUM, total, np.zeros(cols.n, bool))

    return fn


def _fn_extreme(pick: Callable[[np.ndarray, np.ndarray], np.ndarray], empty: float) -> Callable[[tuple[Compiled, ...]], Compiled]:
    def build(args: tuple[Compiled, ...]) -> Compiled:
        def fn(cols: Columns, unsure: np.ndarray) -> Vec:
            best = np.full(cols.n, np.nan)
            for values, counted in _numbers_in(args, cols, unsure):
                candidate = np.where(counted, values, np.nan)
                best = np.where(np.isnan(best), candidate, np.where(np.isnan(candidate), best, pick(best, candidate)))
            return Vec(NUM, np.where(np.isnan(best), empty, best), np.zeros(cols.n, bool))

        return fn

    return build


def _flags(args: tuple[Compiled, ...], cols: Columns, unsure: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(truth, counted) per argument of AND/OR: blank and text cells given by reference are skipped."""
    out = []
    for arg in args:
        v = arg(cols, unsure)
        if v.ref and v.kind == STR:
            out.append((np.zeros(cols.n, bool), np.zeros(cols.n, bool)))
        elif v.ref:
            out.append((truth(v, unsure), ~v.blank))
        else:
            out.append((truth(v, unsure), np.ones(cols.n, bool)))
    return out


def _fn_and(args: tuple[Compiled, ...]) -> Compiled:
    def fn(cols: Columns, unsure: np.ndarray) -> Vec:
        flags = _flags(args, cols, unsure)
        any_counted = np.zeros(cols.n, bool)
        result = np.ones(cols.n, bool)
        for t, counted in flags:
            any_counted |= counted
            result &= ~counted | t
        unsure |= ~any_counted  # #VALUE!: nothing to judge
        return Vec(BOOL, result, np.zeros(cols.n, bool))

    return fn


def _fn_or(args: tuple[Compiled, ...]) -> Compiled:
    def fn(cols: Columns, unsure: np.ndarray) -> Vec:
        flags = _flags(args, cols, unsure)
        any_counted = np.zeros(cols.n, bool)
        result = np.zeros(cols.n, bool)
        for t, counted in flags:
            any_counted |= counted
            result |= counted & t
        unsure |= ~any_counted
        return Vec(BOOL, result, np.zeros(cols.n, bool))

    return fn


def _fn_not(args: tuple[Compiled, ...]) -> Compiled:
    (arg,) = args
    return lambda cols, unsure: Vec(BOOL, ~truth(arg(cols, unsure), unsure), np.zeros(cols.n, bool))


def _fn_abs(args: tuple[Compiled, ...]) -> Compiled:
    (arg,) = args
    return lambda cols, unsure: Vec(NUM, np.abs(_as_number(arg(cols, unsure), unsure)), np.zeros(cols.n, bool))


def _fn_isblank(args: tuple[Compiled, ...]) -> Compiled:
    (arg,) = args

    def fn(cols: Columns, unsure: np.ndarray) -> Vec:
        v = arg(cols, unsure)
        return Vec(BOOL, v.blank.copy() if v.ref else np.zeros(cols.n, bool), np.zeros(cols.n, bool))

    return fn


def _fn_round(args: tuple[Compiled, ...]) -> Compiled:
    value, digits = args

    def fn(cols: Columns, unsure: np.ndarray) -> Vec:
        x = _as_number(value(cols, unsure), unsure)
        d = _as_number(digits(cols, unsure), unsure)
        if not np.all(d == d[0]) if len(d) else False:
            unsure |= True
            return Vec(NUM, x, np.zeros(cols.n, bool))
        k = int(d[0]) if len(d) else 0
        scaled = x * 10.0**k
        frac = np.abs(scaled - np.trunc(scaled))
        unsure |= np.abs(frac - 0.5) < 1e-6  # a half: Excel rounds it away from zero on 15 digits
        rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / 10.0**k
        return Vec(NUM, rounded, np.zeros(cols.n, bool))

    return fn


def _fn_if(args: tuple[Compiled, ...]) -> Compiled:
    cond, then = args[0], args[1]
    other = args[2] if len(args) == 3 else None

    def fn(cols: Columns, unsure: np.ndarray) -> Vec:
        t = truth(cond(cols, unsure), unsure)
        local_a, local_b = np.zeros(cols.n, bool), np.zeros(cols.n, bool)
        a = then(cols, local_a)
        b = other(cols, local_b) if other is not None else Vec(BOOL, np.zeros(cols.n, bool), np.zeros(cols.n, bool))
        unsure |= np.where(t, local_a, local_b)  # only the branch taken can be unsure
        if a.kind != b.kind:
            if {a.kind, b.kind} == {NUM, BOOL}:
                unsure |= True  # mixed result kinds: rare, scalar
            else:
                unsure |= True
            return a
        return Vec(a.kind, np.where(t, a.data, b.data), np.where(t, a.blank, b.blank), ref=False)

    return fn


_FUNCTIONS: dict[str, Callable[[tuple[Compiled, ...]], Compiled]] = {
    "SUM": _fn_sum,
    "MIN": _fn_extreme(np.minimum, 0.0),
    "MAX": _fn_extreme(np.maximum, 0.0),
    "AND": _fn_and,
    "OR": _fn_or,
    "NOT": _fn_not,
    "ABS": _fn_abs,
    "ISBLANK": _fn_isblank,
    "ROUND": _fn_round,
    "IF": _fn_if,
}


def evaluate_truth(compiled: Compiled, cols: Columns) -> tuple[np.ndarray, np.ndarray]:
    """(truth, unsure) of a compiled rule over all rows."""
    unsure = np.zeros(cols.n, bool)
    value = compiled(cols, unsure)
    return truth(value, unsure), unsure


__all__ = ["Columns", "compile_vector", "evaluate_truth", "formula"]
