"""The engine's reading of an input cell (``values.clean``) as Excel formulas, for the live checks.

Data validation stops a clerk typing text into a number cell, not pasting it: ``30人``, ``３０``,
``1,234`` arrive as text. The engine reads them as numbers, ``—`` as 0 (with a note), and reports
``约30`` (F-NUMBER) or ``2000万`` in a 人 field (F-UNIT). The template reads every input cell the same
way, in a row of reading cells beside its 审核 checklist, and its rules and field checks use that
reading (``excel_formulas.Source``): so a pasted ``30人`` takes part in the rules as 30, and ``约30`` is
a live 错误, as in ``wennuan check``.

The steps are ``values.clean``'s, in its order: NFKC of what clerks paste (full-width digits and signs,
``NORMALISE``) with white space removed; a placeholder; 零/〇; the field's own unit stripped (after
the number, ``万`` for 万元, or before it); a number (``123``, ``-1.5``, ``.5``, ``1,234`` grouped by
threes); else a number followed by a known unit; else not a number. Where Excel cannot follow Python —
NFKC beyond ``NORMALISE`` (①, ligatures), a grouped number of more than 14 digits, a date pasted as a
date, a ☑ ticked 是/否 — the template says 错误 where the engine may read a value; README says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .excel_formulas import BLANK, NOT_NUMBER, NOT_YESNO, PLACEHOLDER, READ, WRONG_UNIT, string
from .forms import Campaign, Field, Kind
from .values import FOREIGN_UNITS, NO, YES, ZERO_WORDS

# What NFKC does to the characters clerks paste into number cells: full-width digits, point, comma,
# signs, slash and per cent. ``tests/core`` checks each pair against ``unicodedata``.
NORMALISE: tuple[tuple[str, str], ...] = (
    *((chr(0xFF10 + d), str(d)) for d in range(10)),
    ("．", "."), ("，", ","), ("＋", "+"), ("－", "-"), ("／", "/"), ("％", "%"),
)
# White space that ``values.clean`` squeezes out: literal characters, or CHAR() for the control ones.
SPACES = ('" "', string("\u3000"), string("\u00a0"), "CHAR(9)", "CHAR(10)", "CHAR(13)")
DIGITS = tuple(str(d) for d in range(10))


@dataclass(frozen=True)
class ReadingCells:
    """The A1 references (``$J$7``) of one field's reading cells, in the order they are computed."""

    norm: str  # what was typed, NFKC'd and squeezed ("" for a number or a blank)
    stripped: str  # without the field's own unit
    body: str  # without a leading sign
    residue: str  # the body's non-digits: "" / "." for a number, "," / ",." grouped by threes
    unit: str  # a known unit the text ends with (the longest), ""
    prefix_body: str  # the text before that unit, without a leading sign
    prefix_residue: str  # its non-digits
    status: str  # excel_formulas.BLANK … NOT_YESNO
    value: str  # the number (是/否), "" when blank or unreadable
    note: str  # the 说明 of the field's row, trimmed


def reading_formulas(f: Field, raw: str, note: str, cells: ReadingCells, campaign: Campaign) -> Mapping[str, str]:
    """The formula (without ``=``) of each reading cell of field ``f`` whose input cell is ``raw`` and
    whose 说明 cell is ``note``: ReadingCells' attribute name -> formula. A yes/no field needs only
    norm, status, value and note."""
    c = cells
    note_text = _spaced(f'{note}&""')
    out = {
        "norm": f'IFERROR(IF(ISTEXT({raw}),{_squeezed(raw)},""),"")',
        "note": f'IFERROR(IF(OR(ISBLANK({note}),ISLOGICAL({note})),"",TRIM({note_text})),"")',
    }
    if f.kind is Kind.YESNO:
        out["status"] = (f"IFERROR(IF(ISTEXT({raw}),IF({c.norm}=\"\",{BLANK},IF(OR({c.norm}={string(YES)},"
                         f"{c.norm}={string(NO)}),{READ},{NOT_YESNO})),IF(ISBLANK({raw}),{BLANK},{NOT_YESNO})),{NOT_YESNO})")
        out["value"] = f'IF({c.status}={READ},{c.norm},"")'
        return out
    placeholders = sorted({_normalised(p) for p in campaign.placeholders})
    zero = f"OR({','.join(f'{c.norm}={string(w)}' for w in ZERO_WORDS)})"
    text_status = (
        f'IF({c.norm}="",{BLANK},'
        f"IF(OR({','.join(f'{c.norm}={string(p)}' for p in placeholders)}),{PLACEHOLDER},"
        f"IF({zero},{READ},"
        f"IF({_number(c.body, c.residue)},{READ},"
        f'IF(AND({c.unit}<>"",{_number(c.prefix_body, c.prefix_residue)}),{WRONG_UNIT},{NOT_NUMBER})))))'
    )
    sign = f'IF(LEFT({c.stripped},1)="-",-1,1)'
    number = f'{sign}*VALUE("0"&SUBSTITUTE({c.body},",","")&IF(RIGHT({c.body},1)=".","0",""))'
    out.update({
        "stripped": _stripped(f, c.norm),
        "body": _unsigned(c.stripped),
        "residue": _without_digits(c.body),
        "unit": _unit_found(c.stripped, campaign),
        "prefix_body": _unsigned(f"LEFT({c.stripped},LEN({c.stripped})-LEN({c.unit}))"),
        "prefix_residue": _without_digits(c.prefix_body),
        "status": f"IFERROR(IF(ISNUMBER({raw}),{READ},IF(ISTEXT({raw}),{text_status},"
                  f"IF(ISBLANK({raw}),{BLANK},{NOT_NUMBER}))),{NOT_NUMBER})",
        "value": f'IFERROR(IF({c.status}={READ},IF(ISNUMBER({raw}),{raw},IF({zero},0,{number})),'
                 f'IF({c.status}={PLACEHOLDER},0,"")),"")',
    })
    return out


def _normalised(text: str) -> str:
    for a, b in NORMALISE:
        text = text.replace(a, b)
    return "".join(text.split())


def _squeezed(expr: str) -> str:
    for a, b in NORMALISE:
        expr = f"SUBSTITUTE({expr},{string(a)},{string(b)})"
    for space in SPACES:
        expr = f'SUBSTITUTE({expr},{space},"")'
    return expr


def _spaced(expr: str) -> str:
    """White space of every kind as plain spaces (TRIM then strips it as ``str.strip`` does)."""
    for space in SPACES[1:]:
        expr = f'SUBSTITUTE({expr},{space}," ")'
    return expr


def _stripped(f: Field, norm: str) -> str:
    """The field's own unit taken off, as ``values._clean_number`` does: after the number, ``万`` of 万元
    after it, or before it."""
    n, unit = len(f.unit), string(f.unit)
    after = f"IF(AND(LEN({norm})>{n},RIGHT({norm},{n})={unit}),LEFT({norm},LEN({norm})-{n}),"
    wan = f'IF(AND(LEN({norm})>1,RIGHT({norm},1)="万"),LEFT({norm},LEN({norm})-1),' if f.unit == "万元" else ""
    before = f"IF(AND(LEN({norm})>{n},LEFT({norm},{n})={unit}),MID({norm},{n + 1},LEN({norm})),{norm})"
    return after + wan + before + ")" * (2 if wan else 1)


def _unsigned(expr: str) -> str:
    return f'MID({expr},1+OR(LEFT({expr},1)="+",LEFT({expr},1)="-"),LEN({expr}))'


def _without_digits(expr: str) -> str:
    for d in DIGITS:
        expr = f'SUBSTITUTE({expr},"{d}","")'
    return expr


def _number(body: str, residue: str) -> str:
    """TRUE when the unsigned ``body`` (with its non-digits ``residue``) is a number ``values`` reads:
    digits with at most one point (``12``, ``12.5``, ``5.``, ``.5``), or grouped by threes with commas
    (``1,234``, ``12,345.67``)."""
    plain = f'AND(OR({residue}="",{residue}="."),LEN({residue})<LEN({body}))'
    whole = f'LEFT({body},FIND(".",{body}&".")-1)'
    marks = f'SUBSTITUTE({residue},",","")'
    # Commas, then at most one point, and digits after it; a first group of 1 to 3 digits; the digits with a
    # 1 in front (so that leading zeros count), grouped by TEXT, end as typed.
    grouped = (
        f'AND(LEFT({residue},1)=",",OR({marks}="",{marks}="."),FIND(".",{residue}&".")>=LEN({residue}),'
        f'RIGHT({body},1)<>".",FIND(",",{body})<5,'
        f'RIGHT(TEXT(VALUE("1"&SUBSTITUTE({whole},",","")),"#,##0"),LEN({whole}))={whole})'
    )
    # OR() is an error when any argument is: each test is caught on its own.
    return f"OR(IFERROR({plain},FALSE),IFERROR({grouped},FALSE))"


def _unit_found(stripped: str, campaign: Campaign) -> str:
    """The longest known unit the text ends with (``values._SPLIT_UNIT``'s unit when a number precedes it)."""
    units = list(dict.fromkeys(_normalised(u) for u in (*FOREIGN_UNITS, *campaign.units)))
    expr = '""'
    for n in sorted({len(u) for u in units}):
        tail = f"RIGHT({stripped},{n})"
        same = ",".join(f"{tail}={string(u)}" for u in units if len(u) == n)
        expr = f"IF(AND(LEN({stripped})>{n},OR({same})),{tail},{expr})"
    return expr
