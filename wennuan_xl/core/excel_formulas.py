"""The 审核公式 and field checks compiled to Excel formulas, for the live checks inside the blank templates.

The same rule source the Python engine runs (``rules_*.yaml``) becomes, per rule or field check, a
``LiveCheck``:

* a *fired* formula, TRUE exactly when the engine reports it. A rule's own formula is compiled from its
  AST (``to_excel``), each field read where the template holds the engine's reading of the cell (a
  ``Source``: the number, 是/否, or "" when blank, and the reading's status, ``excel_reading``), wrapped
  in the engine's semantics: a rule whose cells are all blank does not fire, a cell that cannot be read
  as a number makes the rule "cannot evaluate", ``when`` must hold, and an Excel error such as #DIV/0!
  means "not fired" (``IFERROR``);
* a *message* formula: the Chinese message template as an Excel string formula, numbers printed with
  ``TEXT(…,"#,##0")`` / ``"#,##0.00##"`` as ``messages.format_number`` prints them;
* the check's text in words (``rule_words``), shown beside it before anything fires.

A blank cell and a cell holding "" differ in Excel where they do not in the engine, so each field is
compiled for the place it stands in (``Context``): a number where arithmetic wants one, the cell itself
where SUM/MIN/MAX/AND/OR skip blanks by reference, text beside text. A function of the formula
language is compiled by its entry in ``FUNCTIONS`` (one line for most: the same name, its arguments in
a context). Only functions that Excel 2010+, WPS and LibreOffice all evaluate are emitted. Pure text in,
text out: this module knows nothing of workbooks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from . import formula, messages
from .findings import Severity
from .forms import Campaign, Field, Kind
from .rule_words import cell_checks_words, field_check_words, rule_words
from .rules import CONSTANTS, FieldCheck, Rule

# Excel's own limit is 8,192 characters; the templates' longest formula is far below.
MAX_FORMULA = 8192
NOT_FILLED = "（未填）"
COUNT_FORMAT = "#,##0"
MONEY_FORMAT = "#,##0.00##"
FREE_FORMAT = "#,##0.####"

# The status of a cell's reading, as the template's reading cells hold it (values.Status).
BLANK, READ, PLACEHOLDER, NOT_NUMBER, WRONG_UNIT, NOT_YESNO = 0, 1, 2, 3, 4, 5
# Below this the engine can use the value (blank, a number, a placeholder read as 0).
UNUSABLE = 3
# Field checks the template runs live, and when each fires (``values.clean``'s status, or the value).
LIVE_FIELD_CHECKS = ("number", "unit", "yesno", "min", "max", "integer")


@dataclass(frozen=True)
class Source:
    """Where the live formulas read one field (Excel references or expressions)."""

    raw: str  # the input cell: its defined name (``A1_02B``)
    value: str  # the engine's reading: the number (是/否 for a yes/no field); "" when blank or unreadable
    status: str  # the reading's status: BLANK, READ, PLACEHOLDER, NOT_NUMBER ...
    note: str = '""'  # the unit's 说明 on the field's row, trimmed; "" when none
    unit_found: str = '""'  # the foreign unit typed after the number (``万`` of ``2000万``)
    previous: str = ""  # a personalised template's locked 上年数 cell of the field; "" when it has none


Sources = Callable[[Field], Source]


def named(f: Field) -> Source:
    """A field read straight from its input cell, without the template's reading cells: a number or a
    blank reads as typed, anything else cannot be used (as a rule's test on one cell shows it)."""
    n = f.name
    if f.kind is Kind.YESNO:
        status = f'IF(ISBLANK({n}),{BLANK},IF(OR({n}="是",{n}="否"),{READ},{NOT_YESNO}))'
    else:
        status = f"IF(ISBLANK({n}),{BLANK},IF(ISNUMBER({n}),{READ},{NOT_NUMBER}))"
    return Source(n, n, status)


@dataclass(frozen=True)
class LiveCheck:
    """One rule or field check as the template evaluates it (formula texts without the leading ``=``)."""

    id: str
    severity: Severity
    names: tuple[str, ...]  # the fields it reads, the one it leads (where its message shows) first
    fired: str  # TRUE when the engine reports it, FALSE otherwise (never an error)
    message: str  # the Chinese message, as the engine words it
    words: str  # what must hold, in words (“02(B) 其中困难农民工 不得大于 02(A) 当地困难职工总数”)


def string(text: str) -> str:
    """An Excel string literal."""
    return '"' + text.replace('"', '""') + '"'


def applicable(rule: Rule, names: Iterable[str], previous: Iterable[str] = ()) -> bool:
    """A rule can be checked in a workbook only when all its fields are in it (cross-form rules need
    both annexes in one workbook). A rule reading last year's figures (PREV) needs a 上年数 cell for each
    (``previous``: the codes of the fields that have one, in a personalised template); a blank template
    has none, and leaves such rules to the engine."""
    available = set(names)
    return set(rule.previous) <= set(previous) and all(n in available for n in rule.names)


# --- formulas ---------------------------------------------------------------------------------------


class Context(Enum):
    """Where a field stands in a formula, which decides how it is read there."""

    NUMBER = "number"  # arithmetic, a comparison with a number, a condition: blank is 0
    REFERENCE = "reference"  # an argument SUM/MIN/MAX/AND/OR skip when blank: the reading cell itself
    TEXT = "text"  # beside text (``="是"``, ``&``): blank is ""
    LOGICAL = "logical"  # compared with TRUE/FALSE: blank is FALSE


@dataclass(frozen=True)
class Compiler:
    """Formula ASTs to Excel text, each field read from its ``Source``."""

    campaign: Campaign
    constants: Mapping[str, float]
    sources: Sources = named

    def __call__(self, node: formula.Node, context: Context = Context.NUMBER) -> str:
        if isinstance(node, formula.Num):
            return formula.unparse(node)
        if isinstance(node, (formula.Str, formula.BoolLit)):
            return formula.unparse(node)
        if isinstance(node, formula.Ref):
            if node.name in self.constants:
                return formula.unparse(formula.Num(self.constants[node.name]))
            if node.previous:
                return self.previous(self.campaign.field(node.name), context)
            return self.field(self.campaign.field(node.name), context)
        if isinstance(node, formula.Unary):
            return f"{node.op}{self._paren(node.operand, Context.NUMBER)}"
        if isinstance(node, formula.Binary):
            if node.op == "&":
                left, right = Context.TEXT, Context.TEXT
            elif node.op in _COMPARISONS:
                left, right = self._beside(node.right), self._beside(node.left)
            else:
                left = right = Context.NUMBER
            return f"{self._paren(node.left, left)}{node.op}{self._paren(node.right, right)}"
        try:
            emit = FUNCTIONS[node.func]
        except KeyError:
            raise ValueError(f"函数 {node.func} 没有对应的 Excel 写法（excel_formulas.FUNCTIONS）") from None
        return emit(node, self, context)

    def field(self, f: Field, context: Context) -> str:
        """The field's reading where it stands: for a blank cell the engine's Blank, whatever the place."""
        src = self.sources(f)
        if context is Context.REFERENCE or context is Context.TEXT:
            return src.value  # "" when blank: skipped by reference, "" beside text
        if f.kind is Kind.YESNO:
            blank = "FALSE" if context is Context.LOGICAL else "0"
            return f"IF({src.status}={BLANK},{blank},{src.value})"
        if context is Context.LOGICAL:
            return f"IF({src.status}={BLANK},FALSE,N({src.value}))"
        return f"N({src.value})"

    def previous(self, f: Field, context: Context) -> str:
        """``PREV(f)``: the 上年数 cell. A rule that reads it fires only when it is filled (``fired_formula``),
        as the engine applies such a rule only when last year's figure is known."""
        cell = self.sources(f).previous
        if not cell:
            raise ValueError(f"规则读取 PREV({f.name})，但模板中没有 {f.caption} 的上年数单元格")
        if context is Context.REFERENCE or context is Context.TEXT:
            return cell
        return f"N({cell})"

    def call(self, name: str, args: Iterable[str]) -> str:
        return f"{name}({','.join(args)})"

    def _paren(self, node: formula.Node, context: Context) -> str:
        text = self(node, context)
        return f"({text})" if isinstance(node, (formula.Binary, formula.Unary)) else text

    def _beside(self, other: formula.Node) -> Context:
        """The context of one side of a comparison, from what the other side is."""
        if isinstance(other, formula.Str) or (isinstance(other, formula.Binary) and other.op == "&"):
            return Context.TEXT
        if isinstance(other, formula.Ref) and other.name not in self.constants and (
                self.campaign.field(other.name).kind is Kind.YESNO):
            return Context.TEXT
        if isinstance(other, formula.BoolLit) or (isinstance(other, formula.Binary) and other.op in _COMPARISONS) or (
                isinstance(other, formula.Call) and other.func in ("AND", "OR", "NOT", "ISBLANK")):
            return Context.LOGICAL
        return Context.NUMBER


_COMPARISONS = frozenset(("=", "<>", "<=", ">=", "<", ">"))
Emit = Callable[[formula.Call, Compiler, Context], str]


def same_name(args: Context = Context.NUMBER, by_reference: bool = False) -> Emit:
    """A function Excel has under the same name, its arguments compiled in ``args`` (a field given alone
    as an argument in REFERENCE context when the function skips blanks by reference)."""

    def emit(node: formula.Call, compile: Compiler, context: Context) -> str:
        def one(a: formula.Node) -> str:
            return compile(a, Context.REFERENCE if by_reference and isinstance(a, formula.Ref) else args)

        return compile.call(node.func, (one(a) for a in node.args))

    return emit


def _if(node: formula.Call, compile: Compiler, context: Context) -> str:
    condition, *branches = node.args
    return compile.call("IF", [compile(condition), *(compile(b, context) for b in branches)])


def _isblank(node: formula.Call, compile: Compiler, context: Context) -> str:
    (arg,) = node.args
    if isinstance(arg, formula.Ref) and arg.name not in compile.constants:
        return f"({compile.sources(compile.campaign.field(arg.name)).status}={BLANK})"
    return f"ISBLANK({compile(arg)})"  # of a value, not a cell: FALSE, as in the engine


# Every function of the formula language (formula.FUNCTIONS), as the templates write it.
FUNCTIONS: dict[str, Emit] = {
    "SUM": same_name(by_reference=True),
    "MIN": same_name(by_reference=True),
    "MAX": same_name(by_reference=True),
    "AND": same_name(by_reference=True),
    "OR": same_name(by_reference=True),
    "NOT": same_name(),
    "ABS": same_name(),
    "ROUND": same_name(),
    "IF": _if,
    "ISBLANK": _isblank,
}


def fired_formula(rule: Rule, compile: Compiler) -> str:
    fields = [compile.campaign.field(n) for n in rule.names if n not in CONSTANTS]
    statuses = ",".join(compile.sources(f).status for f in fields)
    parts = [f"MAX({statuses})>{BLANK}", f"MAX({statuses})<{UNUSABLE}"]  # something filled; all usable
    # Last year's figures it reads are all known (a blank 上年数 cell: the rule does not apply).
    parts += [f"NOT(ISBLANK({compile.sources(compile.campaign.field(n)).previous}))"
              for n in dict.fromkeys(_previous_names(rule))]
    if rule.when is not None:
        parts.append(compile(rule.when))
    parts.append(f"NOT({compile(rule.node)})")
    return f"IFERROR(AND({','.join(parts)}),FALSE)"


def _previous_names(rule: Rule) -> list[str]:
    names = formula.previous_refs(rule.node)
    return names + (formula.previous_refs(rule.when) if rule.when is not None else [])


def number_text(expr: str, money: bool, decimals: int | None = None) -> str:
    """``expr`` printed as ``messages.format_number`` prints it."""
    if decimals is not None:
        return f'TEXT({expr},"{COUNT_FORMAT}{"." + "0" * decimals if decimals else ""}")'
    if money:
        return f'TEXT({expr},"{MONEY_FORMAT}")'
    return f'IF({expr}=ROUND({expr},0),TEXT({expr},"{COUNT_FORMAT}"),TEXT({expr},"{FREE_FORMAT}"))'


def value_text(f: Field, src: Source) -> str:
    """The field's value as a clerk reads it: 1,250 / 12.50 / “是” / （未填）."""
    if f.kind is Kind.YESNO:
        shown = f'"“"&{src.value}&"”"'
    else:
        shown = number_text(src.value, f.kind is Kind.MONEY)
    return f"IF({src.status}={BLANK},{string(NOT_FILLED)},{shown})"


def phrase(f: Field, src: Source) -> str:
    """``{A1_02B}``: "02(B) 其中困难农民工 1,250 人"."""
    if f.kind is Kind.YESNO:
        return f"{string(f.caption + ' ')}&{value_text(f, src)}"
    blank = string(f"{f.caption} {NOT_FILLED}")
    number = number_text(src.value, f.kind is Kind.MONEY)
    return f"IF({src.status}={BLANK},{blank},{string(f.caption + ' ')}&{number}&{string(' ' + f.unit)})"


def message_formula(
    template: messages.Template,
    compile: Compiler,
    cell_of: Callable[[Field], str] = lambda f: "",
    words: Mapping[str, str] | None = None,
) -> str:
    """The message template as one Excel string formula; ``words`` are the Excel expressions of the
    template's other placeholders (a field check's ``{text}``, ``{unit_found}`` ...)."""
    campaign = compile.campaign
    out: list[str] = []
    for p in template.pieces:
        if p.kind == "text":
            out.append(string(p.text))
        elif p.kind == "field":
            f = campaign.field(p.text)
            out.append(phrase(f, compile.sources(f)))
        elif p.kind == "part":
            f = campaign.field(p.text)
            if p.attr == "value":
                out.append(value_text(f, compile.sources(f)))
            elif p.attr == "cell":
                out.append(string(cell_of(f)))
            else:
                out.append(string(str(getattr(f, p.attr))))
        elif p.kind == "previous":
            # ``{PREV(x)}``: last year's figure with its unit, “121,500 人” (messages.FieldView.amount)
            f = campaign.field(p.text)
            cell = compile.sources(f).previous
            out.append(f'IF(ISNUMBER({cell}),{number_text(cell, f.kind is Kind.MONEY)}&{string(" " + f.unit)},'
                       f'IF(ISBLANK({cell}),{string(NOT_FILLED)},"“"&{cell}&"”"))')
        elif p.kind == "expr":
            assert p.node is not None
            money = any(
                n not in CONSTANTS and campaign.field(n).kind is Kind.MONEY for n in formula.all_refs(p.node)
            )
            text = number_text(f"({compile(p.node)})", money, p.decimals)
            out.append(f'IFERROR({text},"#VALUE!")')
        elif words is not None and p.text in words:
            out.append(words[p.text])
        else:
            out.append(string("{" + p.text + "}"))  # a word no live check supplies: kept visible
    return "&".join(out) or '""'


def _checked(live: LiveCheck) -> LiveCheck:
    for text in (live.fired, live.message):
        if len(text) + 1 > MAX_FORMULA:
            raise ValueError(f"规则 {live.id} 编译成的 Excel 公式过长（{len(text)} 个字符）")
    return live


def compile_rule(
    rule: Rule, campaign: Campaign, constants: Mapping[str, float], cell_of: Callable[[Field], str] = lambda f: "",
    sources: Sources = named,
) -> LiveCheck:
    compile = Compiler(campaign, constants, sources)
    return _checked(LiveCheck(rule.id, rule.severity, rule.names, fired_formula(rule, compile),
                              message_formula(rule.message, compile, cell_of), rule_words(rule, campaign, constants)))


def live_rules(
    rules: Iterable[Rule], campaign: Campaign, names: Iterable[str], constants: Mapping[str, float],
    cell_of: Callable[[Field], str] = lambda f: "", sources: Sources = named, previous: Iterable[str] = (),
) -> list[LiveCheck]:
    """Every rule whose fields are all among ``names`` (and whose PREV fields all among ``previous``, the
    codes with a 上年数 cell), compiled, in rule-file order."""
    available, known = set(names), set(previous)
    return [compile_rule(r, campaign, constants, cell_of, sources) for r in rules if applicable(r, available, known)]


def field_check_fired(check: FieldCheck, src: Source) -> str:
    """TRUE when the engine's field check fires on the cell (``check._field_fires``)."""
    s, v = src.status, src.value
    read = f"OR({s}={READ},{s}={PLACEHOLDER})"  # the numeric checks look at a value read as a number
    test = {
        "number": f"{s}={NOT_NUMBER}",
        "unit": f"{s}={WRONG_UNIT}",
        "yesno": f"{s}={NOT_YESNO}",
        "min": f"AND({read},ISNUMBER({v}),{v}<{check.params.get('min', 0)})",
        "max": f"AND({read},ISNUMBER({v}),{v}>{check.params.get('max', 0)})",
        "integer": f"AND({read},ISNUMBER({v}),INT({v})<>{v})",
    }[check.check]
    return f"IFERROR({test},FALSE)"


def compile_field_check(
    check: FieldCheck, f: Field, campaign: Campaign, constants: Mapping[str, float], sheet: str, cell: str,
    sources: Sources,
) -> LiveCheck:
    """One field check on one field, live. The message's words are the ones ``check._render_field`` gives."""
    src = sources(f)
    typed = f"{src.raw}&\"\""  # what was typed, as the engine quotes it
    words = {
        "caption": string(f.caption), "name": string(f.name), "code": string(f.code), "label": string(f.label),
        "unit": string(f.unit), "text": typed, "unit_found": src.unit_found, "sheet": string(sheet),
        "cell": string(cell),
        "value": f"IF(ISNUMBER({src.value}),{number_text(src.value, f.kind is Kind.MONEY)},{typed})",
        **{k: string(messages.format_number(v)) for k, v in check.params.items()},
    }
    compile = Compiler(campaign, constants, sources)
    message = message_formula(check.message, compile, lambda g: cell if g == f else "", words)
    return _checked(LiveCheck(check.id, check.severity, (f.name,), field_check_fired(check, src), message,
                              field_check_words(check, f)))


@dataclass(frozen=True)
class LiveCell:
    """The field checks of one input cell, live: one row of the template's checklist."""

    field: Field
    checks: tuple[LiveCheck, ...]  # every field check of the field's kind, in rule-file order
    words: str  # all of them in one sentence


def live_cells(
    checks: Iterable[FieldCheck], fields: Iterable[Field], campaign: Campaign, constants: Mapping[str, float],
    sheet: str, cell_of: Callable[[Field], str], sources: Sources,
) -> list[LiveCell]:
    """For every field, the field checks of its kind that can fire in a template (not F-LOCATE: every field
    has its cell)."""
    live = [c for c in checks if c.check in LIVE_FIELD_CHECKS]
    out = []
    for f in fields:
        mine = [c for c in live if c.kinds is None or f.kind in c.kinds]
        compiled = tuple(compile_field_check(c, f, campaign, constants, sheet, cell_of(f), sources) for c in mine)
        out.append(LiveCell(f, compiled, cell_checks_words(mine, f) if mine else f"{f.caption}（无单元格检查）"))
    return out


def explanation_formula(notes: Iterable[str]) -> str:
    """The 说明 of a finding: the distinct notes on its fields' rows, in order, joined by “；” (as
    ``check.explanation_of``)."""
    notes = list(dict.fromkeys(notes))
    parts = []
    for i, note in enumerate(notes):
        seen = "".join(f",EXACT({note},{earlier})" for earlier in notes[:i])
        parts.append(f'IF(OR({note}=""{seen}),"","；"&{note})')
    return f"MID({'&'.join(parts)},2,4000)" if parts else '""'
