"""The 审核公式 compiled to Excel formulas, for the live checks inside the blank templates.

The same rule source the Python engine runs (``rules_annex*.yaml``) becomes, per rule:

* a *fired* formula, TRUE exactly when the engine reports the rule: the rule's own formula
  (``formula.unparse`` of its AST, ``TOLERANCE`` written as its number) wrapped in the engine's
  semantics — a rule whose cells are all blank does not fire (``COUNTA``), a cell holding something
  that is not a number (or not 是/否) makes the rule "cannot evaluate" (``ISNUMBER``), ``when`` must
  hold, and an Excel error such as #DIV/0! means "not fired" (``IFERROR``);
* a *message* formula: the Chinese message template as an Excel string formula, numbers printed with
  ``TEXT(…,"#,##0")`` / ``"#,##0.00##"`` as ``messages.format_number`` prints them.

Only functions that Excel 2010+, WPS and LibreOffice all evaluate are used: IF, AND, OR, NOT, ABS,
ROUND, SUM, MIN, MAX, COUNTA, ISBLANK, ISNUMBER, IFERROR, TEXT. No LET, TEXTJOIN, IFS or dynamic
arrays. Pure text in, text out: this module knows nothing of workbooks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from . import formula, messages
from .forms import Campaign, Field, Kind
from .rules import CONSTANTS, Rule

# Excel's own limit is 8,192 characters; the templates' longest formula is far below.
MAX_FORMULA = 8192
NOT_FILLED = "（未填）"
COUNT_FORMAT = "#,##0"
MONEY_FORMAT = "#,##0.00##"
FREE_FORMAT = "#,##0.####"


@dataclass(frozen=True)
class LiveRule:
    """One rule as the template evaluates it (formula texts without the leading ``=``)."""

    rule: Rule
    fired: str  # TRUE when the rule fires, FALSE otherwise (never an error)
    message: str  # the Chinese message, as the engine words it


def string(text: str) -> str:
    """An Excel string literal."""
    return '"' + text.replace('"', '""') + '"'


def applicable(rule: Rule, names: Iterable[str]) -> bool:
    """A rule can be checked in a workbook only when all its fields are in it (cross-form rules need
    both annexes in one workbook). A rule reading last year's figures (PREV) needs a 上年数 cell for each,
    which a blank template has not: it is left to the engine."""
    available = set(names)
    return not rule.previous and all(n in available for n in rule.names)


def with_constants(node: formula.Node, constants: Mapping[str, float]) -> formula.Node:
    """The formula with ``TOLERANCE`` and other constants written as numbers."""
    if isinstance(node, formula.Ref):
        return formula.Num(constants[node.name]) if node.name in constants else node
    if isinstance(node, formula.Unary):
        return formula.Unary(node.op, with_constants(node.operand, constants))
    if isinstance(node, formula.Binary):
        return formula.Binary(node.op, with_constants(node.left, constants), with_constants(node.right, constants))
    if isinstance(node, formula.Call):
        return formula.Call(node.func, tuple(with_constants(a, constants) for a in node.args))
    return node


def excel(node: formula.Node, constants: Mapping[str, float]) -> str:
    return formula.unparse(with_constants(node, constants))


def usable(f: Field) -> str:
    """TRUE when the engine can use the cell: blank, a number, or 是/否 for a yes/no field."""
    if f.kind is Kind.YESNO:
        return f'OR(ISBLANK({f.name}),{f.name}="是",{f.name}="否")'
    return f"OR(ISBLANK({f.name}),ISNUMBER({f.name}))"


def fired_formula(rule: Rule, campaign: Campaign, constants: Mapping[str, float]) -> str:
    fields = [campaign.field(n) for n in rule.names if n not in CONSTANTS]
    parts = [f"COUNTA({','.join(f.name for f in fields)})>0"]
    parts += [usable(f) for f in fields]
    if rule.when is not None:
        parts.append(excel(rule.when, constants))
    parts.append(f"NOT({excel(rule.node, constants)})")
    return f"IFERROR(AND({','.join(parts)}),FALSE)"


def number_text(expr: str, money: bool, decimals: int | None = None) -> str:
    """``expr`` printed as ``messages.format_number`` prints it."""
    if decimals is not None:
        return f'TEXT({expr},"{COUNT_FORMAT}{"." + "0" * decimals if decimals else ""}")'
    if money:
        return f'TEXT({expr},"{MONEY_FORMAT}")'
    return f'IF({expr}=ROUND({expr},0),TEXT({expr},"{COUNT_FORMAT}"),TEXT({expr},"{FREE_FORMAT}"))'


def value_text(f: Field) -> str:
    """The field's value as a clerk reads it: 1,250 / 12.50 / “是” / （未填）."""
    if f.kind is Kind.YESNO:
        shown = f'"“"&{f.name}&"”"'
    else:
        shown = number_text(f.name, f.kind is Kind.MONEY)
    return f"IF(ISBLANK({f.name}),{string(NOT_FILLED)},{shown})"


def phrase(f: Field) -> str:
    """``{A1_02B}``: "02(B) 其中困难农民工 1,250 人"."""
    if f.kind is Kind.YESNO:
        return f"{string(f.caption + ' ')}&{value_text(f)}"
    blank = string(f"{f.caption} {NOT_FILLED}")
    return f"IF(ISBLANK({f.name}),{blank},{string(f.caption + ' ')}&{number_text(f.name, f.kind is Kind.MONEY)}&{string(' ' + f.unit)})"


def message_formula(
    template: messages.Template,
    campaign: Campaign,
    constants: Mapping[str, float],
    cell_of: Callable[[Field], str] = lambda f: "",
) -> str:
    """The message template as one Excel string formula."""
    out: list[str] = []
    for p in template.pieces:
        if p.kind == "text":
            out.append(string(p.text))
        elif p.kind == "field":
            out.append(phrase(campaign.field(p.text)))
        elif p.kind == "part":
            f = campaign.field(p.text)
            if p.attr == "value":
                out.append(value_text(f))
            elif p.attr == "cell":
                out.append(string(cell_of(f)))
            else:
                out.append(string(str(getattr(f, p.attr))))
        elif p.kind == "expr":
            assert p.node is not None
            money = any(
                n not in CONSTANTS and campaign.field(n).kind is Kind.MONEY for n in formula.all_refs(p.node)
            )
            text = number_text(f"({excel(p.node, constants)})", money, p.decimals)
            out.append(f'IFERROR({text},"#VALUE!")')
        else:
            out.append(string("{" + p.text + "}"))  # formula rules have no words; kept visible if any
    return "&".join(out) or '""'


def compile_rule(
    rule: Rule, campaign: Campaign, constants: Mapping[str, float], cell_of: Callable[[Field], str] = lambda f: ""
) -> LiveRule:
    live = LiveRule(rule, fired_formula(rule, campaign, constants), message_formula(rule.message, campaign, constants, cell_of))
    for text in (live.fired, live.message):
        if len(text) + 1 > MAX_FORMULA:
            raise ValueError(f"规则 {rule.id} 编译成的 Excel 公式过长（{len(text)} 个字符）")
    return live


def live_rules(
    rules: Iterable[Rule], campaign: Campaign, names: Iterable[str], constants: Mapping[str, float],
    cell_of: Callable[[Field], str] = lambda f: "",
) -> list[LiveRule]:
    """Every rule whose fields are all among ``names``, compiled, in rule-file order."""
    available = set(names)
    return [compile_rule(r, campaign, constants, cell_of) for r in rules if applicable(r, available)]
