"""The 审核公式 evaluated column-wise: one formula over all units at once, with Excel's semantics.

``core.formula`` evaluates a formula for one return (the reference); this module compiles the same AST
into numpy operations over a table of units (one array per field). Where the two could disagree — a
value near a comparison's edge or a rounding half, text where a number is expected, a division by zero —
the row is marked *unsure*, and the caller evaluates that row with the scalar evaluator instead. So the
answers are the scalar evaluator's, computed in bulk.

Every number carries a bound on how far it may be from the scalar evaluator's value for the same row
(``Vec.err``: the scalar path adds with ``math.fsum``, keeps integers exact, rounds on 15 digits), so
an edge is "near" by that bound too: a sum of large amounts compared with the tolerance is not trusted
to the last cent it cannot resolve.
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
# Relative rounding of one float64 operation, with a margin: the bound of a step is a few of these.
_EPS = 2.0**-50


@dataclass
class Vec:
    kind: str  # num | bool | str
    data: np.ndarray  # float64 for num (blank as 0), bool for bool, object for str ("" for blank)
    blank: np.ndarray  # True where the value is an empty cell (only for references)
    ref: bool = False  # a field reference as written (SUM/AND skip its blanks, ISBLANK tests it)
    err: np.ndarray | float = 0.0  # for num: a bound on |this - the scalar evaluator's value|


@dataclass
class Columns:
    """The inputs of a vector evaluation: per field name, its numbers (NaN blank) or its text; last year's
    figures under ``PREV(name)`` (``formula.previous_key``)."""

    n: int
    numbers: Mapping[str, np.ndarray]  # name -> float64, NaN where blank
    texts: Mapping[str, np.ndarray]  # name -> object array ("" / None where blank): 是/否 fields
    constants: Mapping[str, float]

    def __post_init__(self) -> None:
        self.false = _false(self.n)
        self.refs: dict[str, Vec] = {}  # each reference read once per evaluation, whatever the rules sharing it


def _false(n: int) -> np.ndarray:
    """All False, shared and read-only (a Vec's ``blank`` is never written in place)."""
    out = _FALSE.get(n)
    if out is None:
        out = np.zeros(n, bool)
        out.flags.writeable = False
        if len(_FALSE) > 64:
            _FALSE.clear()
        _FALSE[n] = out
    return out


_FALSE: dict[int, np.ndarray] = {}


Compiled = Callable[[Columns, np.ndarray], Vec]  # (columns, unsure mask to update) -> value


def compile_vector(node: Node) -> Compiled:
    if isinstance(node, Num):
        value = float(node.value)
        return lambda cols, unsure: Vec(NUM, np.full(cols.n, value), cols.false)
    if isinstance(node, Str):
        text = node.value
        return lambda cols, unsure: Vec(STR, np.full(cols.n, text, dtype=object), cols.false)
    if isinstance(node, BoolLit):
        flag = node.value
        return lambda cols, unsure: Vec(BOOL, np.full(cols.n, flag), cols.false)
    if isinstance(node, Ref):
        return _compile_ref(node.key)  # PREV(A1_01A) is a column of its own: last year's figures
    if isinstance(node, Unary):
        inner = compile_vector(node.operand)
        sign = -1.0 if node.op == "-" else 1.0

        def unary(cols: Columns, unsure: np.ndarray) -> Vec:
            operand = inner(cols, unsure)
            v = _as_number(operand, unsure)
            return Vec(NUM, sign * v, cols.false, err=_err(operand))

        return unary
    if isinstance(node, Binary):
        return _compile_binary(node.op, compile_vector(node.left), compile_vector(node.right))
    assert isinstance(node, Call)
    args = tuple(compile_vector(a) for a in node.args)
    return _FUNCTIONS[node.func](args)


def _compile_ref(name: str) -> Compiled:
    def ref(cols: Columns, unsure: np.ndarray) -> Vec:
        known = cols.refs.get(name)
        if known is not None:
            return known
        if name in cols.constants:
            v = Vec(NUM, np.full(cols.n, float(cols.constants[name])), cols.false)
        elif name in cols.texts:
            raw = cols.texts[name]
            blank = np.array([t is None or t == "" for t in raw], dtype=bool)
            data = np.array(["" if t is None else t for t in raw], dtype=object)
            v = Vec(STR, data, blank, ref=True)
        else:
            values = cols.numbers[name]
            blank = np.isnan(values)
            v = Vec(NUM, np.where(blank, 0.0, values), blank, ref=True)
        cols.refs[name] = v
        return v

    return ref


def _nonzero(e: np.ndarray | float) -> bool:
    """Whether a bound is anywhere above 0 (a plain 0.0 is checked without numpy's overhead)."""
    if isinstance(e, float):
        return e != 0.0
    return bool(e.any())


def _err(v: Vec) -> np.ndarray | float:
    return v.err if v.kind == NUM else 0.0


_EXACT = 2.0**53  # integers below this are exact in a double, as they are in Python's int


def _rounding(out: np.ndarray, propagated: np.ndarray | float) -> np.ndarray | float:
    """The bound of one operation's result. From exact inputs (bound 0) one IEEE operation gives the same
    double as the scalar path's float operation, and as its exact int arithmetic while the result stays
    below 2^53; past that, or with inexact inputs, a rounding of the result is added."""
    magnitude = np.abs(out)
    if not _nonzero(propagated):
        large = magnitude >= _EXACT
        return np.where(large, _EPS * magnitude, 0.0) if large.any() else 0.0
    exact = (propagated == 0) & (magnitude < _EXACT)
    return np.where(exact, 0.0, propagated * (1 + _EPS) + _EPS * magnitude)


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
        if _nonzero(v.err):
            unsure |= (np.abs(v.data) <= v.err) & (v.err > 0)  # zero or not: closer to 0 than the bound
        return v.data != 0
    upper = np.array([str(t).upper() for t in v.data], dtype=object)
    unsure |= ~v.blank & (upper != "TRUE") & (upper != "FALSE")
    return upper == "TRUE"


def _compile_binary(op: str, left: Compiled, right: Compiled) -> Compiled:
    if op in ("=", "<>", "<", ">", "<=", ">="):
        return lambda cols, unsure: _compare(op, left(cols, unsure), right(cols, unsure), unsure)

    def arithmetic(cols: Columns, unsure: np.ndarray) -> Vec:
        va, vb = left(cols, unsure), right(cols, unsure)
        a, b = _as_number(va, unsure), _as_number(vb, unsure)
        ea, eb = _err(va), _err(vb)
        if op in ("+", "-"):
            out = a + b if op == "+" else a - b
            err = _rounding(out, ea + eb)
        elif op == "*":
            out = a * b
            err = _rounding(out, ea * np.abs(b) + eb * np.abs(a) + ea * eb)
        elif op == "/":
            # #DIV/0! (or a divisor within its bound of 0): the scalar evaluator says how the rule is skipped
            zero = np.abs(b) <= eb
            unsure |= zero
            safe = np.where(zero, 1.0, b)
            out = np.where(zero, 0.0, a / safe)
            exact = not _nonzero(ea) and not _nonzero(eb)
            err = 0.0 if exact else _rounding(out, (ea + np.abs(out) * eb) / np.where(zero, 1.0, np.abs(safe) - eb))
        else:  # ^ and & are rare in 审核公式: the scalar evaluator does them
            unsure |= True
            out = np.zeros(cols.n)
            err = 0.0
        bad = ~np.isfinite(out)
        if not isinstance(err, float):
            bad |= ~np.isfinite(err)
        if bad.any():
            unsure |= bad
            out, err = np.where(bad, 0.0, out), np.where(bad, 0.0, err)
        return Vec(NUM, out, cols.false, err=err)

    if op == "&":
        def concat(cols: Columns, unsure: np.ndarray) -> Vec:
            left(cols, unsure), right(cols, unsure)
            unsure |= True
            return Vec(STR, np.full(cols.n, "", dtype=object), cols.false)

        return concat
    return arithmetic


def _compare(op: str, a: Vec, b: Vec, unsure: np.ndarray) -> Vec:
    n = len(a.data)
    if a.kind == NUM and b.kind == NUM:
        # Two blanks are 0 and 0 here: equal, as Excel has them. Only the answer asked for is computed.
        x, y = a.data, b.data
        scale = np.maximum(np.abs(x), np.abs(y))
        diff = x - y
        size = np.abs(diff)
        equal = size < scale * 2.0**-48
        equal |= diff == 0
        near = size <= scale * _EDGE
        err = a.err + b.err
        if _nonzero(err):
            # Equal or not, and which side is larger, cannot be told closer than the two bounds.
            unsure |= (size <= scale * _EDGE + 2 * err * (1 + _EPS)) & ((err > 0) | ~equal)
        else:
            unsure |= near & ~equal  # within a few bits of equal: let the scalar say
        if op == "=":
            result = equal
        elif op == "<>":
            result = ~equal
        elif op == "<":
            result = ~equal & (diff < 0)
        elif op == ">":
            result = ~equal & (diff > 0)
        elif op == "<=":
            result = equal | (diff < 0)
        else:
            result = equal | (diff > 0)
        return Vec(BOOL, result, _false(n))
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
    return Vec(BOOL, np.asarray(result, dtype=bool), _false(n))


def _numbers_in(args: tuple[Compiled, ...], cols: Columns, unsure: np.ndarray
                ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray | float]]:
    """(values, counted, bound) per argument: by reference SUM/MIN/MAX skip empty cells and text, as Excel does."""
    out: list[tuple[np.ndarray, np.ndarray, np.ndarray | float]] = []
    for arg in args:
        v = arg(cols, unsure)
        if v.ref:
            if v.kind == NUM:
                out.append((v.data, ~v.blank, v.err))
            else:
                out.append((np.zeros(cols.n), cols.false, 0.0))
        else:
            out.append((_as_number(v, unsure), np.ones(cols.n, bool), _err(v)))
    return out


def _fn_sum(args: tuple[Compiled, ...]) -> Compiled:
    def fn(cols: Columns, unsure: np.ndarray) -> Vec:
        err: np.ndarray | float = 0.0
        columns = []
        for values, counted, e in _numbers_in(args, cols, unsure):
            # A blank reference is 0 in its data and text is not counted: either way the term is 0.
            columns.append(values)
            err = err + np.where(counted, e, 0.0) if _nonzero(e) else err
        terms = len(columns)
        table = np.column_stack(columns) if columns else np.zeros((cols.n, 1))
        total = table.sum(axis=1)
        magnitude = np.abs(table).sum(axis=1)
        whole = (table == np.trunc(table)).all(axis=1)
        # The scalar path sums with math.fsum (exactly rounded); a running sum may be off by a few ulps a term.
        # Exact terms: two are one IEEE addition, as fsum rounds it; whole numbers below 2^53 add exactly.
        exact = (err == 0) & (whole & (magnitude < _EXACT) if terms > 2 else np.abs(total) < _EXACT)
        err = np.where(exact, 0.0, err * (1 + _EPS) + _EPS * (terms + 1) * magnitude)
        return Vec(NUM, total, cols.false, err=err)

    return fn


def _fn_extreme(pick: Callable[[np.ndarray, np.ndarray], np.ndarray], empty: float) -> Callable[[tuple[Compiled, ...]], Compiled]:
    def build(args: tuple[Compiled, ...]) -> Compiled:
        def fn(cols: Columns, unsure: np.ndarray) -> Vec:
            best = np.full(cols.n, np.nan)
            err: np.ndarray | float = 0.0
            for values, counted, e in _numbers_in(args, cols, unsure):
                candidate = np.where(counted, values, np.nan)
                best = np.where(np.isnan(best), candidate, np.where(np.isnan(candidate), best, pick(best, candidate)))
                err = err + e  # the extreme of values each within its bound is within the largest bound
            return Vec(NUM, np.where(np.isnan(best), empty, best), cols.false, err=err)

        return fn

    return build


def _flags(args: tuple[Compiled, ...], cols: Columns, unsure: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(truth, counted) per argument of AND/OR: blank and text cells given by reference are skipped."""
    out = []
    for arg in args:
        v = arg(cols, unsure)
        if v.ref and v.kind == STR:
            out.append((cols.false, cols.false))
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
        return Vec(BOOL, result, cols.false)

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
        return Vec(BOOL, result, cols.false)

    return fn


def _fn_not(args: tuple[Compiled, ...]) -> Compiled:
    (arg,) = args
    return lambda cols, unsure: Vec(BOOL, ~truth(arg(cols, unsure), unsure), cols.false)


def _fn_abs(args: tuple[Compiled, ...]) -> Compiled:
    (arg,) = args
    def fn(cols: Columns, unsure: np.ndarray) -> Vec:
        v = arg(cols, unsure)
        return Vec(NUM, np.abs(_as_number(v, unsure)), cols.false, err=_err(v))

    return fn


def _fn_isblank(args: tuple[Compiled, ...]) -> Compiled:
    (arg,) = args

    def fn(cols: Columns, unsure: np.ndarray) -> Vec:
        v = arg(cols, unsure)
        return Vec(BOOL, v.blank.copy() if v.ref else cols.false, cols.false)

    return fn


def _fn_round(args: tuple[Compiled, ...]) -> Compiled:
    value, digits = args

    def fn(cols: Columns, unsure: np.ndarray) -> Vec:
        vx, vd = value(cols, unsure), digits(cols, unsure)
        x = _as_number(vx, unsure)
        d = _as_number(vd, unsure)
        k = int(d[0]) if len(d) else 0
        if (len(d) and not np.all(d == d[0])) or _nonzero(_err(vd)) or not 0 <= k <= 10 or (len(d) and k != d[0]):
            unsure |= True  # digits that vary, are not whole or are negative: rare, scalar
            return Vec(NUM, x, cols.false)
        scale = 10.0**k
        scaled = x * scale
        magnitude = np.abs(scaled)
        frac = np.abs(scaled - np.trunc(scaled))
        # A half, by the bound of x, the float product and the 15 significant digits the scalar path rounds
        # on: Excel rounds it away from zero on what it shows. Past 10^12 the 15 digits reach the half itself.
        band = 1e-6 + magnitude * 1e-13 + np.asarray(_err(vx)) * scale * 2
        unsure |= (np.abs(frac - 0.5) < band) | (magnitude >= 1e12)
        rounded = np.sign(scaled) * np.floor(magnitude + 0.5) / scale
        # Off a half, both paths round to the same integer n and give the double nearest n / 10^k: exact.
        return Vec(NUM, rounded, cols.false)

    return fn


def _fn_if(args: tuple[Compiled, ...]) -> Compiled:
    cond, then = args[0], args[1]
    other = args[2] if len(args) == 3 else None

    def fn(cols: Columns, unsure: np.ndarray) -> Vec:
        t = truth(cond(cols, unsure), unsure)
        local_a, local_b = np.zeros(cols.n, bool), np.zeros(cols.n, bool)
        a = then(cols, local_a)
        b = other(cols, local_b) if other is not None else Vec(BOOL, cols.false, cols.false)
        unsure |= np.where(t, local_a, local_b)  # only the branch taken can be unsure
        if a.kind != b.kind:
            if {a.kind, b.kind} == {NUM, BOOL}:
                unsure |= True  # mixed result kinds: rare, scalar
            else:
                unsure |= True
            return a
        err = np.where(t, a.err, b.err) if a.kind == NUM else 0.0
        return Vec(a.kind, np.where(t, a.data, b.data), np.where(t, a.blank, b.blank), ref=False, err=err)

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
    with np.errstate(all="ignore"):  # overflow, 0/0 …: the rows they touch are marked unsure
        value = compiled(cols, unsure)
        return truth(value, unsure), unsure


__all__ = ["Columns", "compile_vector", "evaluate_truth", "formula"]
