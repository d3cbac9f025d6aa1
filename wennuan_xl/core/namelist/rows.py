"""One row of a 实名制 list: what it holds (``Person``) and every row check of ``rules_namelist.yaml``.

Each ``check:`` of the rule file is a ``_t_<check>`` function here that returns the words of its message when the
check fires and None when it holds; the engine (``check.py``) asks them row by row. Only the checks of the number
that can fire in the state the ID cell is in are asked (a blank cell is not asked for its check digit).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass
from typing import NamedTuple

from .. import messages
from ..check import _valid_phone
from ..findings import Finding
from ..forms import Field, Kind
from ..idnumber import IdReading, IdStatus, birth_date, check_char, checksum_ok, mask, read_id, sex_of
from ..printed import nfkc, squeeze
from ..values import Cleaned, Status, clean, parse_date, raw_text
from .locate import ListSheet, RawRow
from .spec import Check, ListSpec

YUAN = Field("L.AMOUNT", "金额（元）", "元", Kind.MONEY, "L", "", "")
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


def check_row(raw: RawRow, sheet: ListSheet, spec: ListSpec, tests) -> tuple[Person, list[Finding]]:
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
    row.amount_n, row.goods_n = number(amount), number(goods)
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


def tests_by_id_state(spec: ListSpec) -> dict[str, tuple]:
    cached = spec.__dict__.get("_tests_by_state")
    if cached is None:
        about_id = set().union(*_ID_TESTS.values())
        cached = {state: tuple((_ROW_TESTS[c.check], c) for c in spec.row_checks
                               if c.check not in about_id or c.check in wanted)
                  for state, wanted in _ID_TESTS.items()}
        object.__setattr__(spec, "_tests_by_state", cached)
    return cached


_BLANK = clean(None, YUAN, ())


def _amount(raw: object) -> Cleaned:
    if raw is None:
        return _BLANK
    kind = type(raw)
    if kind is int or kind is float:
        return _number_amount(raw)
    return clean(raw, YUAN, ())


@functools.lru_cache(maxsize=4096, typed=True)
def _number_amount(raw: float) -> Cleaned:
    # Lists repeat a few amounts (300, 500, 1,000 元) thousands of times: read each once.
    return Cleaned(raw, Status.OK) if math.isfinite(raw) else clean(raw, YUAN, ())


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
        values={f"L.{key}": value}, message=messages.render(check.message, no_field, no_lookup, all_words),
    )


def no_field(name: str) -> messages.FieldView:
    raise KeyError(name)


def no_lookup(name: str):
    raise KeyError(name)


def money(value: object) -> object:
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


def number(cleaned) -> float | None:
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
    return {"value": money(value)} if value is not None and value <= 0 else None


def _t_amount_max(row: _Row, check: Check):
    value = row.amount_n
    limit = check.params["max"]
    return {"value": money(value), "max": money(limit)} if value is not None and value > limit else None


def _t_goods_number(row: _Row, check: Check):
    if row.goods.status in (Status.NOT_NUMBER, Status.WRONG_UNIT):  # type: ignore[attr-defined]
        return {"text": row.goods.text, "value": row.goods.text}  # type: ignore[attr-defined]
    return None


def _t_goods_negative(row: _Row, check: Check):
    value = row.goods_n
    return {"value": money(value)} if value is not None and value < 0 else None


def _t_goods_over(row: _Row, check: Check):
    goods, amount = row.goods_n, row.amount_n
    if goods is None or amount is None or amount <= 0 or goods <= amount + 0.005:  # 金额 ≤ 0 is its own 错误
        return None
    return {"goods": money(goods), "amount": money(amount), "value": money(goods)}


def _t_form_goods(row: _Row, check: Check):
    if not row.form:
        return None
    goods, amount = row.goods_n, row.amount_n
    if goods is None or amount is None or amount <= 0 or goods > amount + 0.005 or goods < 0:
        return None
    cash_only, goods_only, both = (row.form == c for c in row.spec.column("FORM").choices[:3])
    odd = (cash_only and goods > 0) or (goods_only and abs(goods - amount) > 0.005) or (both and (goods <= 0 or abs(goods - amount) <= 0.005))
    return {"form": row.form, "goods": money(goods), "amount": money(amount), "value": row.form} if odd else None


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
