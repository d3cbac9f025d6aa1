"""Checking one 实名制 list: every row, duplicates inside it, its own 合计 row, the columns found.

The result is a ``ListReport``: the people as read (``Person``, with the ID normalised to 18 characters),
the list's totals (``L_AMOUNT`` …) for the reconciliation, and ``Finding``s whose messages and values show an
ID only masked (511102********1234). Codes: ``L.<column>`` (``L.ID``) and ``L.R<row>`` for the row.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .. import messages
from ..check import _valid_phone
from ..findings import Finding, Severity
from ..forms import Field, Kind
from ..idnumber import IdReading, IdStatus, birth_date, check_char, checksum_ok, mask, read_id, sex_of
from ..printed import nfkc, squeeze
from ..values import Cleaned, Status, clean, parse_date, raw_text
from ..workbook import CellRef
from .locate import ListData, ListSheet, RawRow
from .spec import Check, ListSpec

_YUAN = Field("L.AMOUNT", "金额（元）", "元", Kind.MONEY, "L", "", "")
_SEX = {"男": "男", "男性": "男", "男士": "男", "M": "男", "女": "女", "女性": "女", "女士": "女", "F": "女"}
_MOBILE = re.compile(r"1[3-9]\d{9}")


class Person(NamedTuple):
    """One row of a list as read: what the consolidated 实名制汇总 sheet shows and duplicates are found on.
    A tuple (immutable, and cheap to build for each of a hundred thousand rows)."""

    sheet: str
    row: int
    name: str
    sex: str  # 男 / 女, or what was typed
    id: str  # the 18-character number ("" when the cell holds none that can be used)
    id_typed: str  # the cell as text (for the unit's own list only)
    address: str
    category: str  # one of the choices, or what was typed
    form: str
    amount: float | None
    goods: float | None
    date: str  # ISO date, or what was typed
    phone: str
    remark: str
    id_cell: str  # "实名制!D17"

    @property
    def shown_id(self) -> str:
        return mask(self.id or self.id_typed)


@dataclass(frozen=True)
class ListReport:
    file: str
    unit: str  # 填报单位 as found ("" when none)
    sheets: tuple[str, ...]
    people: tuple[Person, ...]
    totals: dict[str, float]  # L_AMOUNT … (namelist.yaml's totals)
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()
    cover: dict[str, str] = field(default_factory=dict)  # key -> text
    title: str = ""

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def to_dict(self, show_ids: bool = False) -> dict:
        return {
            "file": self.file,
            "unit": self.unit,
            "kind": "namelist",
            "sheets": list(self.sheets),
            "cover": dict(self.cover),
            "totals": dict(self.totals),
            "people": [person_dict(p, show_ids) for p in self.people],
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
        }


def person_dict(p: Person, show_ids: bool = False) -> dict:
    return {
        "sheet": p.sheet, "row": p.row, "name": p.name, "sex": p.sex,
        "id": (p.id or p.id_typed) if show_ids else p.shown_id,
        "address": p.address, "category": p.category, "form": p.form, "amount": p.amount, "goods": p.goods,
        "date": p.date, "phone": p.phone, "remark": p.remark,
    }


def check_list(data: ListData, spec: ListSpec, unit_fallback: str = "") -> ListReport:
    """``unit_fallback``: the 填报单位 of the annex in the same workbook, for a list sheet without its own."""
    findings: list[Finding] = []
    people: list[Person] = []
    notes: list[str] = []
    tests = _tests_by_id_state(spec)
    for sheet in data.sheets:
        notes.extend(sheet.notes)
        for raw in sheet.rows:
            person, found = _check_row(raw, sheet, spec, tests)
            people.append(person)
            findings.extend(found)
    totals = list_totals(people, spec)
    cover = {k: raw_text(v).strip() for k, v in data.cover_raw.items() if v not in (None, "")}
    unit = cover.get("UNIT", "") or unit_fallback or unit_in_title(data.title)
    findings.extend(_list_findings(data, spec, people, totals, unit))
    findings.sort(key=_order(data))
    return ListReport(data.source, unit, tuple(s.sheet for s in data.sheets), tuple(people), totals, tuple(findings),
                      tuple(notes), cover, data.title)


def _order(data: ListData):
    sheets = {s.sheet: i for i, s in enumerate(data.sheets)}

    def key(f: Finding) -> tuple:
        cell = f.cells[0] if f.cells else ""
        sheet, _, a1 = cell.rpartition("!")
        m = re.search(r"\d+$", a1)
        return (sheets.get(sheet, -1), int(m.group(0)) if m else 0)

    return key


def list_totals(people: list[Person] | tuple[Person, ...], spec: ListSpec) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, total in spec.totals.items():
        chosen = [p for p in people if not total.of or p.category in total.of]
        if total.sum:
            value = sum((getattr(p, total.sum.lower()) or 0.0) for p in chosen)
            out[name] = round(float(value), 2)
        else:
            out[name] = float(len(chosen))
    return out


# --- one row ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    raw: RawRow
    sheet: ListSheet
    spec: ListSpec
    name: str
    reading: IdReading
    sex_text: str
    sex: str  # normalised, "" when blank or not 男/女
    category_text: str
    category: str
    form_text: str
    form: str
    amount: object  # Cleaned
    goods: object
    date_raw: object
    date: dt.date | None
    phone: str
    valid: str = ""  # the 18-character number when its check digit holds
    amount_n: float | None = None  # 金额 as a number, None when blank or not one
    goods_n: float | None = None

    def cell(self, key: str) -> str:
        return self.sheet.cell(key, self.raw.row)


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else raw_text(value).strip()


def _name(value: object) -> str:
    if isinstance(value, str):
        return value if value.isalpha() else squeeze(value)  # 张 秀英 -> 张秀英; a plain name as it is
    return _text(value)


def _choice(text: str, column) -> str:
    if text in column.choices:
        return text
    key = squeeze(text)
    if key in column.choices:
        return key
    return column.synonyms.get(key, "")


def _check_row(raw: RawRow, sheet: ListSheet, spec: ListSpec, tests) -> tuple[Person, list[Finding]]:
    v = raw.values
    reading = read_id(v.get("ID"))
    sex_text = _text(v.get("SEX"))
    category_text = _text(v.get("CATEGORY"))
    form_text = _text(v.get("FORM"))
    category_col, form_col = _columns(spec)
    amount = _amount(v.get("AMOUNT"))
    goods = _amount(v.get("GOODS"))
    date_raw = v.get("DATE")
    row = _Row(
        raw, sheet, spec,
        name=_name(v.get("NAME")),
        reading=reading,
        sex_text=sex_text, sex=(_SEX.get(sex_text) or _SEX.get(squeeze(sex_text).upper(), "")) if sex_text else "",
        category_text=category_text, category=_choice(category_text, category_col) if category_text else "",
        form_text=form_text, form=_choice(form_text, form_col) if form_text else "",
        amount=amount, goods=goods,
        date_raw=date_raw, date=parse_date(date_raw) if date_raw is not None else None,
        phone=_text(v.get("PHONE")),
    )
    if reading.status is IdStatus.ID15 or (reading.status is IdStatus.ID18 and checksum_ok(reading.id)):
        row.valid = reading.id
    row.amount_n, row.goods_n = _number(amount), _number(goods)
    found = []
    state = "valid" if row.valid else reading.status.value
    for test, check in tests[state]:
        words = test(row, check)
        if words is not None:
            found.append(_finding(check, row, words))
    person = Person(
        sheet=sheet.sheet, row=raw.row, name=row.name, sex=row.sex or sex_text, id=reading.id,
        id_typed=reading.typed, address=_text(v.get("ADDRESS")), category=row.category or category_text,
        form=row.form or form_text, amount=row.amount_n, goods=row.goods_n,
        date=row.date.isoformat() if row.date else _text(date_raw), phone=row.phone, remark=_text(v.get("REMARK")),
        id_cell=row.cell("ID"),
    )
    return person, found


# Which checks of the number can fire in each state of the ID cell: the others are not asked, row after row.
_ID_TESTS = {
    "blank": {"id_missing"},
    "rounded": {"id_rounded"},
    "length": {"id_length"},
    "chars": {"id_chars"},
    "id18": {"id_checksum"},  # 18 characters whose check digit is wrong
    "id15": {"id_birth", "id_region", "id_province", "id_old", "id_sex"},
    "valid": {"id_birth", "id_region", "id_province", "id_old", "id_sex"},
}


def _tests_by_id_state(spec: ListSpec) -> dict[str, tuple]:
    cached = spec.__dict__.get("_tests_by_state")
    if cached is None:
        about_id = set().union(*_ID_TESTS.values())
        cached = {state: tuple((_ROW_TESTS[c.check], c) for c in spec.row_checks
                               if c.check not in about_id or c.check in wanted)
                  for state, wanted in _ID_TESTS.items()}
        object.__setattr__(spec, "_tests_by_state", cached)
    return cached


_BLANK = clean(None, _YUAN, ())


def _amount(raw: object) -> Cleaned:
    if raw is None:
        return _BLANK
    kind = type(raw)
    if kind is int or kind is float:
        return _number_amount(raw)
    return clean(raw, _YUAN, ())


@functools.lru_cache(maxsize=4096, typed=True)
def _number_amount(raw: float) -> Cleaned:
    # Lists repeat a few amounts (300, 500, 1,000 元) thousands of times: read each once.
    return Cleaned(raw, Status.OK) if math.isfinite(raw) else clean(raw, _YUAN, ())


def _columns(spec: ListSpec):
    cached = spec.__dict__.get("_choice_columns")
    if cached is None:
        cached = (spec.column("CATEGORY"), spec.column("FORM"))
        object.__setattr__(spec, "_choice_columns", cached)
    return cached


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


_CELL_OF = {
    "name_missing": "NAME", "sex_value": "SEX", "id_sex": "SEX", "category": "CATEGORY", "form": "FORM",
    "amount_missing": "AMOUNT", "amount_number": "AMOUNT", "amount_positive": "AMOUNT", "amount_max": "AMOUNT",
    "goods_number": "GOODS", "goods_negative": "GOODS", "goods_over": "GOODS", "form_goods": "FORM",
    "date_text": "DATE", "date_period": "DATE", "phone": "PHONE", "hidden": "NAME",
}


def _finding(check: Check, row: _Row, words: dict[str, object]) -> Finding:
    key = _CELL_OF.get(check.check, "ID")
    shown = mask(row.reading.id or row.reading.typed) if row.reading.status is not IdStatus.BLANK else "（未填）"
    all_words: dict[str, object] = {
        "sheet": row.sheet.sheet, "row": str(row.raw.row), "cell": row.cell(key), "name": row.name or "（未填姓名）",
        "id": shown, "text": shown, **words,
    }
    value: object = shown if key == "ID" else words.get("value", words.get("text", ""))
    cells = (row.cell(key),) if key == "ID" else (row.cell(key), row.cell("ID"))
    return Finding(
        rule=check.id, severity=check.severity, codes=(f"L.{key}", f"L.R{row.raw.row}"),
        cells=cells if "ID" in row.sheet.columns else (row.cell(key),),
        values={f"L.{key}": value}, message=messages.render(check.message, _no_field, _no_lookup, all_words),
    )


def _no_field(name: str) -> messages.FieldView:
    raise KeyError(name)


def _no_lookup(name: str):
    raise KeyError(name)


def _money(value: object) -> object:
    """Amounts go into the words as numbers: the message renders them (8,000; 500.5), values keep them."""
    return value


def _has_person(row: _Row) -> bool:
    return bool(row.name) or row.reading.status is not IdStatus.BLANK


# Each test returns the words of its message when the check fires, None when it holds.


def _t_name_missing(row: _Row, check: Check):
    return {} if not row.name and row.reading.status is not IdStatus.BLANK else None


def _t_id_missing(row: _Row, check: Check):
    return {} if row.reading.status is IdStatus.BLANK and "ID" in row.sheet.columns else None


def _t_id_rounded(row: _Row, check: Check):
    if row.reading.status is not IdStatus.ROUNDED:
        return None
    return {"text": mask(row.reading.typed)}


def _t_id_length(row: _Row, check: Check):
    if row.reading.status is not IdStatus.LENGTH:
        return None
    return {"text": mask(row.reading.typed), "length": str(row.reading.length)}


def _t_id_chars(row: _Row, check: Check):
    return {"text": mask(row.reading.typed)} if row.reading.status is IdStatus.CHARS else None


def _t_id_checksum(row: _Row, check: Check):
    r = row.reading
    if r.status is IdStatus.ID18 and not row.valid:
        return {"expected": check_char(r.id[:17])}
    return None


def _valid_id(row: _Row) -> str:
    """The 18-character number when its check digit holds (other checks of the number then make sense)."""
    return row.valid


def _t_id_birth(row: _Row, check: Check):
    number = _valid_id(row)
    if not number:
        return None
    born = birth_date(number)
    return {} if born is None or born.year < 1900 or born > row.spec.period_to else None


def _t_id_region(row: _Row, check: Check):
    number = _valid_id(row)
    if not number or number[:6] in row.spec.divisions:
        return None
    return {"region": number[:6]}


def _t_id_province(row: _Row, check: Check):
    number = _valid_id(row)
    if not number or number[:6] not in row.spec.divisions or number.startswith(row.spec.province):
        return None
    code = number[:6]
    divisions = row.spec.divisions
    parts = [divisions[c].name for c in (code[:2] + "0000", code[:4] + "00", code) if c in divisions]
    return {"region": code, "region_name": "".join(dict.fromkeys(parts)), "province": row.spec.province_name}


def _t_id_old(row: _Row, check: Check):
    if row.reading.status is not IdStatus.ID15:
        return None
    return {"text": mask(row.reading.typed)}


def _t_id_sex(row: _Row, check: Check):
    number = _valid_id(row)
    if not number or not row.sex:
        return None
    by_id = sex_of(number)
    return {"sex": row.sex_text, "sex_id": by_id} if by_id != row.sex else None


def _t_sex_value(row: _Row, check: Check):
    return {"text": row.sex_text, "value": row.sex_text} if row.sex_text and not row.sex else None


def _t_category(row: _Row, check: Check):
    if row.category or not _has_person(row) or "CATEGORY" not in row.sheet.columns:
        return None
    column = row.spec.column("CATEGORY")
    return {"text": row.category_text or "（未填）", "value": row.category_text, "choices": "、".join(column.choices)}


def _t_form(row: _Row, check: Check):
    if not row.form_text or row.form:
        return None
    return {"text": row.form_text, "value": row.form_text, "choices": "、".join(row.spec.column("FORM").choices)}


def _number(cleaned) -> float | None:
    value = cleaned.value
    if (cleaned.status is Status.OK or cleaned.status is Status.PLACEHOLDER) and isinstance(value, (int, float)):
        return float(value)
    return None


def _t_amount_missing(row: _Row, check: Check):
    if "AMOUNT" not in row.sheet.columns or not _has_person(row):
        return None
    return {} if row.amount.status is Status.BLANK else None  # type: ignore[attr-defined]


def _t_amount_number(row: _Row, check: Check):
    status = row.amount.status  # type: ignore[attr-defined]
    if status in (Status.NOT_NUMBER, Status.WRONG_UNIT):
        return {"text": row.amount.text, "value": row.amount.text}  # type: ignore[attr-defined]
    return None


def _t_amount_positive(row: _Row, check: Check):
    value = row.amount_n
    return {"value": _money(value)} if value is not None and value <= 0 else None


def _t_amount_max(row: _Row, check: Check):
    value = row.amount_n
    limit = check.params["max"]
    return {"value": _money(value), "max": _money(limit)} if value is not None and value > limit else None


def _t_goods_number(row: _Row, check: Check):
    if row.goods.status in (Status.NOT_NUMBER, Status.WRONG_UNIT):  # type: ignore[attr-defined]
        return {"text": row.goods.text, "value": row.goods.text}  # type: ignore[attr-defined]
    return None


def _t_goods_negative(row: _Row, check: Check):
    value = row.goods_n
    return {"value": _money(value)} if value is not None and value < 0 else None


def _t_goods_over(row: _Row, check: Check):
    goods, amount = row.goods_n, row.amount_n
    if goods is None or amount is None or amount <= 0 or goods <= amount + 0.005:  # 金额 ≤ 0 is its own 错误
        return None
    return {"goods": _money(goods), "amount": _money(amount), "value": _money(goods)}


def _t_form_goods(row: _Row, check: Check):
    if not row.form:
        return None
    goods, amount = row.goods_n, row.amount_n
    if goods is None or amount is None or amount <= 0 or goods > amount + 0.005 or goods < 0:
        return None
    cash_only, goods_only, both = (row.form == c for c in row.spec.column("FORM").choices[:3])
    odd = (cash_only and goods > 0) or (goods_only and abs(goods - amount) > 0.005) or (both and (goods <= 0 or abs(goods - amount) <= 0.005))
    return {"form": row.form, "goods": _money(goods), "amount": _money(amount), "value": row.form} if odd else None


def _t_date_text(row: _Row, check: Check):
    if row.date_raw is None or row.date is not None:
        return None
    text = _text(row.date_raw)
    return {"text": text, "value": text}


def _t_date_period(row: _Row, check: Check):
    day = row.date
    spec = row.spec
    if day is None or spec.period_from <= day <= spec.period_to:
        return None
    return {"text": day.isoformat(), "value": day.isoformat(), "from": spec.period_from.isoformat(), "to": spec.period_to.isoformat()}


def _t_phone(row: _Row, check: Check):
    if not row.phone or _MOBILE.fullmatch(row.phone):
        return None
    digits = re.sub(r"[\s()（）]", "", nfkc(row.phone)).replace("—", "-")
    if any(_valid_phone(p) for p in re.split(r"[,，;；/、]", digits) if p):
        return None
    return {"text": row.phone, "value": row.phone}


def _t_hidden(row: _Row, check: Check):
    return {} if row.raw.hidden else None


_ROW_TESTS = {name[3:]: fn for name, fn in globals().items() if name.startswith("_t_")}


# --- the whole list ----------------------------------------------------------------------------------


def _list_findings(data: ListData, spec: ListSpec, people: list[Person], totals: dict[str, float], unit: str) -> list[Finding]:
    out: list[Finding] = []
    by_id: dict[str, list[Person]] = {}
    by_birth: dict[tuple[str, str], dict[str, Person]] = {}
    for p in people:
        if p.id:
            by_id.setdefault(p.id, []).append(p)
            if p.name:
                by_birth.setdefault((p.name, p.id[6:14]), {}).setdefault(p.id, p)
    first_sheet = data.sheets[0]
    for check in spec.list_checks:
        if check.check == "dup_id":
            for group in by_id.values():
                if len(group) > 1:
                    cells = tuple(p.id_cell for p in group)
                    out.append(_list_finding(check, "ID", group[0].row, cells, {
                        "name": group[0].name or "（未填姓名）", "id": mask(group[0].id), "count": str(len(group)),
                        "cells": "、".join(cells)}, mask(group[0].id)))
        elif check.check == "dup_name_birth":
            for (name, _), ids in by_birth.items():
                if len(ids) > 1:
                    group = list(ids.values())
                    cells = tuple(p.id_cell for p in group)
                    out.append(_list_finding(check, "ID", group[0].row, cells, {
                        "name": name, "count": str(len(group)), "cells": "、".join(cells),
                        "ids": "、".join(mask(p.id) for p in group)}, mask(group[0].id)))
        elif check.check == "total_row":
            for sheet in data.sheets:
                if sheet.total is None:
                    continue
                ref, raw = sheet.total
                stated = clean(raw, _YUAN, ())
                value = _number(stated)
                mine = round(sum(p.amount or 0.0 for p in people if p.sheet == sheet.sheet), 2)
                if value is not None and abs(value - mine) > 0.005:
                    out.append(_list_finding(check, "AMOUNT", ref.row, (str(ref),), {
                        "cell": str(ref), "stated": _money(value), "sum": _money(mine), "sheet": sheet.sheet}, value))
        elif check.check == "empty":
            if not people:
                out.append(_list_finding(check, "NAME", first_sheet.header_row, (f"{first_sheet.sheet}!A{first_sheet.header_row}",),
                                         {"sheet": first_sheet.sheet}, None))
        elif check.check in ("column_missing", "column_ambiguous"):
            for sheet in data.sheets:
                for problem in sheet.problems:
                    if problem.check == check.check:
                        out.append(_list_finding(check, "COLUMN", sheet.header_row, problem.cells, problem.words, problem.words.get("column")))
        elif check.check == "unit_missing" and not unit:
                out.append(_list_finding(check, "UNIT", 1, (f"{first_sheet.sheet}!A1",), {"sheet": first_sheet.sheet}, None))
    return out


_TITLE_UNIT = re.compile(r"^\s*([^\d\s“”\"'（(]{2,30}?(?:总工会|工会))")


def unit_in_title(title: str) -> str:
    """The unit a title starts with (“市中区总工会2017年送温暖……”), for a list without a 填报单位 line."""
    m = _TITLE_UNIT.match(title or "")
    return m.group(1) if m else ""


def _list_finding(check: Check, key: str, row: int, cells: tuple[str, ...], words: Mapping[str, object], value: object) -> Finding:
    all_words = {"sheet": "", "row": str(row), "cell": cells[0] if cells else "", "cells": "", "name": "", "id": "",
                 "ids": "", "count": "", "column": "", "columns": "", "stated": "", "sum": "", **words}
    return Finding(
        rule=check.id, severity=check.severity, codes=(f"L.{key}", f"L.R{row}"), cells=cells,
        values={f"L.{key}": value}, message=messages.render(check.message, _no_field, _no_lookup, all_words),
    )


def cell_of(sheet: str, row: int, col: int) -> str:
    return str(CellRef(sheet, row, col))


def check_book(book, spec: ListSpec, campaign, skip: frozenset[str] = frozenset(), unit_fallback: str = "") -> ListReport | None:
    """Locate and check the list in a workbook; None when it holds none."""
    from .locate import locate_list

    data = locate_list(book, spec, campaign, skip)
    return None if data is None else check_list(data, spec, unit_fallback)
