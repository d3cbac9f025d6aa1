"""A rule in words, from its formula: what must hold, as a clerk reads it.

``A1_02B<=A1_02A`` reads “02(B) 其中困难农民工 不得大于 02(A) 当地困难职工总数”; a ``when`` condition
comes first (“07(I) … 大于 0 且 07(J) … 大于 0 时，…”); ``NOT(AND(p,q))`` reads as “p 时，q 不得成立”
in q's own words; ``ROUND(ABS(a-b),4)<=TOLERANCE`` as “a 应等于 b（允许误差 0.01 万元）”. The words
are built from the AST and the captions the messages use (``Field.caption``), never from the formula's
text, so no name or operator of the formula language is left in them. Plain text in, plain text out:
the 审核 sheet of the templates shows them, and any other surface may.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from . import formula, messages
from .forms import Campaign, Field, Kind
from .rules import CONSTANTS, FieldCheck, Rule


@dataclass(frozen=True)
class Term:
    """What the words call a name of a formula: a field's caption, a list's total, a constant's value."""

    caption: str
    unit: str = ""
    number: str = ""  # a field's item number and letter, ``09(C)``: a long sum names its fields by these


Terms = Callable[[str], Term]

_MUST = {"<=": "不得大于", ">=": "不得小于", "<": "应小于", ">": "应大于", "=": "应等于", "<>": "不得等于"}
_FACT = {"<=": "不大于", ">=": "不小于", "<": "小于", ">": "大于", "=": "等于", "<>": "不等于"}
_OPPOSITE = {"<=": ">", ">=": "<", "<": ">=", ">": "<=", "=": "<>", "<>": "="}
_COMPARE = frozenset(_MUST)


def campaign_terms(campaign: Campaign, constants: Mapping[str, float], extra: Mapping[str, Term] | None = None) -> Terms:
    """Terms for the campaign's fields (their captions), its constants (their values) and ``extra`` names
    (the 实名制 list's totals)."""

    def term(name: str) -> Term:
        if extra and name in extra:
            return extra[name]
        if name in constants:
            return Term(messages.format_number(constants[name]))
        f = campaign.field(name)
        return Term(f.caption, f.unit, f.number if f.letter else "")

    return term


def rule_words(rule: Rule, campaign: Campaign, constants: Mapping[str, float]) -> str:
    """The rule's condition in words: “02(B) 其中困难农民工 不得大于 02(A) 当地困难职工总数”."""
    return formula_words(rule.node, rule.when, campaign_terms(campaign, constants))


def formula_words(node: formula.Node, when: formula.Node | None, terms: Terms) -> str:
    """What must hold (``node``), under ``when``, in words."""
    words = _Words(terms)
    said = words.must(node)
    if when is not None:
        said = f"{words.fact(when)} 时，{said}"
    return said


def field_check_words(check: FieldCheck, field: Field) -> str:
    """A field check for one field in words: “02(A) 当地困难职工总数 应为整数”."""
    return f"{field.caption} {_check_phrase(check, field)}"


def cell_checks_words(checks: Iterable[FieldCheck], field: Field) -> str:
    """Every field check of one field in one sentence: “02(A) 当地困难职工总数 应填写数字，…，应为整数”."""
    return f"{field.caption} {'，'.join(_check_phrase(c, field) for c in checks)}"


def _check_phrase(check: FieldCheck, field: Field) -> str:
    params = {k: messages.format_number(v) for k, v in check.params.items()}
    unit = f" {field.unit}" if field.kind is not Kind.YESNO else ""
    return {
        "located": "应能在表中找到",
        "number": "应填写数字",
        "unit": f"应按“{field.unit}”填写，不带其他计量单位",
        "min": f"不得小于 {params.get('min', '')}{unit}",
        "max": f"不得大于 {params.get('max', '')}{unit}",
        "integer": "应为整数",
        "yesno": "应填“是”或“否”",
    }[check.check]


class _Words:
    def __init__(self, terms: Terms):
        self.terms = terms

    # --- statements: what must hold ----------------------------------------------------------------

    def must(self, node: formula.Node) -> str:
        if isinstance(node, formula.Binary) and node.op in _COMPARE:
            return self._compare(node)
        if isinstance(node, formula.Call):
            if node.func == "AND":
                between = self._between(node)
                return between if between else "，且 ".join(self.must(a) for a in node.args)
            if node.func == "OR":
                return "，或 ".join(self.must(a) for a in node.args)
            if node.func == "NOT":
                return self.must_not(node.args[0])
        return f"应满足：{self.fact(node)}"

    def must_not(self, node: formula.Node) -> str:
        """That ``node`` must not hold, in its own words: NOT(a>0) is “a 不得大于 0”."""
        if isinstance(node, formula.Binary) and node.op in _COMPARE and not self._boolean(node.left):
            return self._compare(formula.Binary(_OPPOSITE[node.op], node.left, node.right))
        if isinstance(node, formula.Call):
            if node.func == "OR":
                return "，且 ".join(self.must_not(a) for a in node.args)
            if node.func == "NOT":
                return self.must(node.args[0])
            if node.func == "AND" and len(node.args) >= 2:
                # NOT(AND(p, q)): when p holds, q must not: the premise first, as a clerk says it.
                *premise, last = node.args
                return f"{' 且 '.join(self.fact(a) for a in premise)} 时，{self.must_not(last)}"
        return f"不得出现：{self.fact(node)}"

    def _compare(self, node: formula.Binary) -> str:
        op, left, right = node.op, node.left, node.right
        equal = self._equal_within(node)
        if equal:
            return equal
        if op == "=" and self._boolean(left) and self._boolean(right):
            both = self._both_positive(left, right)
            if both:
                return both
            return f"“{self.fact(left)}”与“{self.fact(right)}”应同时成立或同时不成立"
        left, spare_l = self._without_constant(left)
        right, spare_r = self._without_constant(right)
        verb = _MUST[op]
        if op in ("=", "<>") and isinstance(right, (formula.Num, formula.Str)):
            verb = "应为" if op == "=" else "不得为"
        return f"{self.noun(left)} {verb} {self.noun(right)}{self._allowance(spare_l or spare_r)}"

    def _equal_within(self, node: formula.Binary) -> str:
        """``ROUND(ABS(a-b),4)<=TOLERANCE``: a equals b within the tolerance."""
        if node.op not in ("<=", "<") or not self._constant(node.right):
            return ""
        inner = node.left
        if isinstance(inner, formula.Call) and inner.func == "ROUND":
            inner = inner.args[0]
        if not (isinstance(inner, formula.Call) and inner.func == "ABS"):
            return ""
        diff = inner.args[0]
        if not (isinstance(diff, formula.Binary) and diff.op == "-"):
            return ""
        spare = (node.right, self._unit(diff))
        return f"{self.noun(diff.left)} 应等于 {self.noun(diff.right)}{self._allowance(spare)}"

    def _both_positive(self, left: formula.Node, right: formula.Node) -> str:
        """``(A>0)=(B>0)``: both filled or both 0."""
        sides = []
        for side in (left, right):
            if not (isinstance(side, formula.Binary) and side.op == ">" and isinstance(side.right, formula.Num)
                    and side.right.value == 0):
                return ""
            sides.append(side.left)
        return f"{self.noun(sides[0])} 与 {self.noun(sides[1])} 应同时大于 0 或同时为 0"

    def _between(self, node: formula.Call) -> str:
        """AND(x>=lo, x<=hi): “x 应在 lo～hi 之间”."""
        if len(node.args) != 2:
            return ""
        low = high = None
        for arg in node.args:
            if not (isinstance(arg, formula.Binary) and arg.op in (">=", "<=")):
                return ""
            if arg.op == ">=":
                low = arg
            else:
                high = arg
        if low is None or high is None or low.left != high.left:
            return ""
        return f"{self.noun(low.left)} 应在 {self.noun(low.right)}～{self.noun(high.right)} 之间"

    def _without_constant(self, node: formula.Node) -> tuple[formula.Node, tuple[formula.Node, str] | None]:
        """``x+TOLERANCE`` (also inside ``(x+TOLERANCE)*10000``) as x, and the constant with x's unit."""
        if isinstance(node, formula.Binary) and node.op in ("+", "-"):
            if self._constant(node.right) and not self._constant(node.left):
                return node.left, (node.right, self._unit(node.left))
            if node.op == "+" and self._constant(node.left) and not self._constant(node.right):
                return node.right, (node.left, self._unit(node.right))
        if isinstance(node, formula.Binary) and node.op in ("*", "/"):
            inner, spare = self._without_constant(node.left)
            if spare is not None:
                return formula.Binary(node.op, inner, node.right), spare
        return node, None

    def _allowance(self, spare: tuple[formula.Node, str] | None) -> str:
        if spare is None:
            return ""
        constant, unit = spare
        return f"（允许误差 {self.noun(constant)}{' ' + unit if unit else ''}）"

    def _constant(self, node: formula.Node) -> bool:
        return isinstance(node, formula.Ref) and node.name in CONSTANTS

    def _unit(self, node: formula.Node) -> str:
        units = {self.terms(n).unit for n in formula.refs(node) if n not in CONSTANTS}
        return units.pop() if len(units) == 1 else ""

    @staticmethod
    def _boolean(node: formula.Node) -> bool:
        if isinstance(node, formula.BoolLit):
            return True
        if isinstance(node, formula.Binary):
            return node.op in _COMPARE
        return isinstance(node, formula.Call) and node.func in ("AND", "OR", "NOT", "ISBLANK")

    # --- facts: a condition as it stands ---------------------------------------------------------

    def fact(self, node: formula.Node) -> str:
        if isinstance(node, formula.Binary) and node.op in _COMPARE:
            verb = _FACT[node.op]
            if node.op in ("=", "<>") and isinstance(node.right, (formula.Num, formula.Str)):
                verb = "为" if node.op == "=" else "不为"
            return f"{self.noun(node.left)} {verb} {self.noun(node.right)}"
        if isinstance(node, formula.Call):
            if node.func == "AND":
                return " 且 ".join(self.fact(a) for a in node.args)
            if node.func == "OR":
                return " 或 ".join(self.fact(a) for a in node.args)
            if node.func == "NOT":
                inner = node.args[0]
                if isinstance(inner, formula.Binary) and inner.op in _COMPARE:
                    return self.fact(formula.Binary(_OPPOSITE[inner.op], inner.left, inner.right))
                return f"并非 {self.fact(inner)}"
            if node.func == "ISBLANK":
                return f"{self.noun(node.args[0])} 未填"
        if isinstance(node, formula.BoolLit):
            return "成立" if node.value else "不成立"
        return self.noun(node)

    # --- nouns: a value ------------------------------------------------------------------------------

    def noun(self, node: formula.Node) -> str:
        if isinstance(node, formula.Ref):
            caption = self.terms(node.name).caption
            return f"上年的 {caption}" if node.previous else caption
        if isinstance(node, formula.Num):
            return messages.format_number(node.value)
        if isinstance(node, formula.Str):
            return f"“{node.value}”"
        if isinstance(node, formula.BoolLit):
            return "“是”" if node.value else "“否”"
        if isinstance(node, formula.Unary):
            return f"负 {self._operand(node.operand)}" if node.op == "-" else self.noun(node.operand)
        if isinstance(node, formula.Binary):
            if node.op in ("+", "-"):
                return self._sum(node)
            if node.op in ("*", "/"):
                return f"{self._operand(node.left)} {'×' if node.op == '*' else '÷'} {self._operand(node.right)}"
            if node.op == "^":
                return f"{self._operand(node.left)} 的 {self._operand(node.right)} 次方"
            if node.op == "&":
                return f"{self.noun(node.left)}接{self.noun(node.right)}"
            return self.fact(node)
        return self._call(node)

    def _call(self, node: formula.Call) -> str:
        args = node.args
        if node.func == "SUM":
            return self._terms_sum(list(args))
        if node.func == "ABS":
            return f"{self._operand(args[0])} 的绝对值"
        if node.func == "ROUND":
            return f"{self._operand(args[0])}（保留 {self.noun(args[1])} 位小数）"
        if node.func in ("MIN", "MAX"):
            return f"{'、'.join(self.noun(a) for a in args)} 中的{'较小' if node.func == 'MIN' else '较大'}者"
        if node.func == "IF":
            otherwise = f"，否则为 {self.noun(args[2])}" if len(args) == 3 else ""
            return f"（{self.fact(args[0])} 时为 {self.noun(args[1])}{otherwise}）"
        if node.func in ("AND", "OR", "NOT", "ISBLANK"):
            return self.fact(node)
        raise ValueError(f"函数 {node.func} 还没有文字写法（core/rule_words.py）")

    def _operand(self, node: formula.Node) -> str:
        """A value inside a product or a quotient: a sum in brackets."""
        text = self.noun(node)
        compound = (isinstance(node, formula.Binary) and node.op in ("+", "-")) or (
            isinstance(node, formula.Call) and node.func == "SUM")
        return f"（{text}）" if compound else text

    def _sum(self, node: formula.Binary) -> str:
        terms: list[tuple[str, formula.Node]] = []

        def flatten(n: formula.Node, sign: str) -> None:
            if isinstance(n, formula.Binary) and n.op in ("+", "-"):
                flatten(n.left, sign)
                flatten(n.right, sign if n.op == "+" else ("-" if sign == "+" else "+"))
            else:
                terms.append((sign, n))

        flatten(node, "+")
        if all(sign == "+" for sign, _ in terms):
            return self._terms_sum([n for _, n in terms])
        out = self.noun(terms[0][1]) if terms[0][0] == "+" else f"负 {self._operand(terms[0][1])}"
        for sign, n in terms[1:]:
            out += f" {'加' if sign == '+' else '减去'} {self._operand(n)}"
        return out

    def _terms_sum(self, nodes: list[formula.Node]) -> str:
        if len(nodes) == 1:
            return self.noun(nodes[0])
        numbers = [self.terms(n.name).number if isinstance(n, formula.Ref) else "" for n in nodes]
        if len(nodes) > 3 and all(numbers):
            # Many fields: their numbers only, the item said once while it stays the same (09(C)、(E)、(G)).
            shown: list[str] = []
            item = None
            for number in numbers:
                head, _, letter = number.partition("(")
                shown.append(f"({letter}" if head == item else number)
                item = head
            return f"{'、'.join(shown)} 之和"
        names = [self.noun(n) for n in nodes]
        return f"{'、'.join(names[:-1])} 与 {names[-1]} 之和"
