"""Chinese message templates: parsed when the rules load, rendered when a finding is made.

In a template, ``{A1_02B}`` is the field as a clerk reads it ("02(B) 其中困难农民工 1,250 人"),
``{A1_02B.value}`` / ``.label`` / ``.cell`` its parts, ``{PREV(A1_02B)}`` the same unit's value last year
with its unit ("1,100 人"), ``{=SUM(A1_05A,A1_05B)}`` a computed number and ``{=A1_07J*10000/A1_07I:0}`` one
with a fixed number of decimals. Other ``{words}`` are supplied by the
check that raises the finding (``{text}``, ``{caption}`` ...). Unknown placeholders fail at load time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import formula
from .formula import Blank

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_PREVIOUS = re.compile(r"PREV\s*\(\s*(\w+)\s*\)", re.IGNORECASE)


def format_number(value: object, money: bool = False, decimals: int | None = None) -> str:
    if value is None or isinstance(value, Blank):
        return "（未填）"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"“{value}”"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    # Halves round away from zero, as Excel's TEXT does in the templates' live messages: 2.5 -> "3".
    if decimals is not None:
        return f"{formula.excel_round(value, decimals):,.{decimals}f}"
    if money:
        text = f"{formula.excel_round(value, 4):,.4f}".rstrip("0")
        whole, _, frac = text.partition(".")
        return f"{whole}.{frac.ljust(2, '0')}"
    if isinstance(value, float) and not value.is_integer():
        return f"{formula.excel_round(value, 4):,.4f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


@dataclass(frozen=True)
class Piece:
    text: str = ""  # literal text, or the placeholder's word
    kind: str = "text"  # text | field | part | previous | expr | word
    node: formula.Node | None = None
    attr: str = ""
    decimals: int | None = None


@dataclass(frozen=True)
class Template:
    source: str
    pieces: tuple[Piece, ...]

    def words(self) -> set[str]:
        return {p.text for p in self.pieces if p.kind == "word"}

    def refs(self) -> list[str]:
        out: list[str] = []
        for p in self.pieces:
            names = [p.text] if p.kind in ("field", "part", "previous") else formula.all_refs(p.node) if p.node else []
            out.extend(n for n in names if n not in out)
        return out

    def previous_refs(self) -> list[str]:
        """The names whose last year's value the message prints (``{PREV(x)}``, ``{=…PREV(x)…}``)."""
        out: list[str] = []
        for p in self.pieces:
            names = [p.text] if p.kind == "previous" else formula.previous_refs(p.node) if p.node else []
            out.extend(n for n in names if n not in out)
        return out


def parse_template(source: str, is_field: Callable[[str], bool]) -> Template:
    pieces: list[Piece] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(source):
        if m.start() > pos:
            pieces.append(Piece(source[pos : m.start()]))
        inner = m.group(1).strip()
        previous = _PREVIOUS.fullmatch(inner)
        if inner.startswith("="):
            expr, decimals = inner[1:], None
            dm = re.fullmatch(r"(.*):(\d)", expr)
            if dm:
                expr, decimals = dm.group(1), int(dm.group(2))
            pieces.append(Piece(inner, "expr", formula.parse(expr), decimals=decimals))
        elif previous is not None and is_field(previous.group(1).upper()):
            pieces.append(Piece(previous.group(1).upper(), "previous"))
        elif "." in inner and is_field(inner.split(".", 1)[0].upper()):
            name, attr = inner.split(".", 1)
            if attr not in ("value", "label", "cell", "caption"):
                raise ValueError(f"占位符 {{{inner}}}：只能用 .value、.label、.caption 或 .cell")
            pieces.append(Piece(name.upper(), "part", attr=attr))
        elif is_field(inner.upper()):
            pieces.append(Piece(inner.upper(), "field"))
        else:
            pieces.append(Piece(inner, "word"))
        pos = m.end()
    if pos < len(source):
        pieces.append(Piece(source[pos:]))
    return Template(source, tuple(pieces))


class FieldView:
    """What a template needs to know of a field to print it."""

    def __init__(self, caption: str, label: str, unit: str, money: bool, value: object, cell: str):
        self.caption, self.label, self.unit = caption, label, unit
        self.money, self.value, self.cell = money, value, cell

    def value_text(self) -> str:
        if isinstance(self.value, str):
            return f"“{self.value}”"
        return format_number(self.value, self.money)

    def amount(self) -> str:
        """The value with its unit, "1,250 人" (a blank or a text as ``value_text`` shows it)."""
        if self.value is None or isinstance(self.value, (Blank, str)):
            return self.value_text()
        return f"{self.value_text()} {self.unit}"

    def phrase(self) -> str:
        return f"{self.caption} {self.amount()}"


def render(
    template: Template,
    fields: Callable[[str], FieldView],
    lookup: formula.Lookup,
    words: dict[str, object] | None = None,
    money: Callable[[formula.Node], bool] = lambda node: False,
) -> str:
    out = []
    for p in template.pieces:
        if p.kind == "text":
            out.append(p.text)
        elif p.kind == "field":
            out.append(fields(p.text).phrase())
        elif p.kind == "part":
            view = fields(p.text)
            out.append(view.value_text() if p.attr == "value" else str(getattr(view, p.attr)))
        elif p.kind == "previous":
            view = fields(p.text)
            out.append(FieldView(view.caption, view.label, view.unit, view.money,
                                 lookup(formula.previous_key(p.text)), view.cell).amount())
        elif p.kind == "expr":
            assert p.node is not None
            try:
                value = formula.evaluate(p.node, lookup)
            except formula.FormulaError as exc:
                out.append(exc.code)
                continue
            out.append(format_number(value, money(p.node), p.decimals))
        else:
            word = (words or {}).get(p.text, "")
            out.append(format_number(word) if isinstance(word, (int, float)) and not isinstance(word, bool) else str(word))
    return "".join(out)
