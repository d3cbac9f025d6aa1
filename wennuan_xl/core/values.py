"""Turning what a clerk typed into a value: full-width digits, separators, units, placeholders.

Text is never silently counted as 0: what cannot be read as a number comes back with a status that the
field checks turn into a finding quoting the text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from .forms import Field, Kind
from .formula import BLANK, Blank

YES, NO = "是", "否"

# Units a clerk may append that do not belong to the field: "2000万" in a 人 field, "12.5元" in 万元.
FOREIGN_UNITS = ("万元", "千元", "亿元", "元", "万人", "万", "千", "亿", "%", "％")
ZERO_WORDS = ("零", "〇")
_TICKED = re.compile(r"[☑✓✔√■●☒](是|否)|(?<![□○☐])(是|否)[☑✓✔√]")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+)(\.\d+)?$")
_SPLIT_UNIT = re.compile(r"^([+-]?(?:[\d,]+(?:\.\d*)?|\.\d+))(\D+)$")
# Digits that are not typed as digits: superscripts and subscripts, circled, bracketed and dotted numbers,
# mathematical digits. NFKC makes each a plain digit, so ``67930¹`` (a figure with its footnote mark) would
# read 679301 and ``28.76①`` 28.761; a cell holding one is no plain number.
_MARKED_DIGITS = re.compile("[\u00b2\u00b3\u00b9\u2070-\u209f\u2150-\u218f\u2460-\u24ff\u2776-\u2793\u3220-\u325f"
                            "\u3280-\u32bf\U0001d7ce-\U0001d7ff\U0001f100-\U0001f10c]")


class Status(Enum):
    OK = "ok"
    BLANK = "blank"
    PLACEHOLDER = "placeholder"  # "—", "无" ... read as 0, with a note
    NOT_NUMBER = "not_number"
    WRONG_UNIT = "wrong_unit"
    NOT_YESNO = "not_yesno"


@dataclass(frozen=True)
class Cleaned:
    value: int | float | str | Blank  # BLANK for empty; the raw text when unusable
    status: Status
    text: str = ""  # what was typed, for messages
    unit_found: str = ""  # the unit typed after the number, when it is not the field's

    @property
    def usable(self) -> bool:
        return self.status in (Status.OK, Status.BLANK, Status.PLACEHOLDER)


# A whole number this large has no double (float() overflows): it is no figure of a return, and reads as text.
_HUGE = 10**300


def as_number(value: float) -> int | float:
    """Whole numbers stay integers whatever reader produced them (calamine returns 3752.0)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def raw_text(raw: object) -> str:
    """How a raw cell value is quoted back to the clerk."""
    if raw is None or isinstance(raw, Blank):
        return ""
    if isinstance(raw, float):
        return repr(as_number(raw)) if math.isfinite(raw) else str(raw)
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d %H:%M") if (raw.hour or raw.minute) else raw.strftime("%Y-%m-%d")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def clean(
    raw: object, field: Field, placeholders: tuple[str, ...], units: tuple[str, ...] = ()
) -> Cleaned:
    """Read one input cell. ``units`` are all the campaign's units, to recognise a wrong one."""
    kind = type(raw)
    plain = (kind is float and math.isfinite(raw)) or (kind is int and -_HUGE < raw < _HUGE)  # type: ignore[arg-type, operator]
    if plain and field.kind is not Kind.YESNO:
        return Cleaned(as_number(raw), Status.OK)  # type: ignore[arg-type]
    if raw is None or isinstance(raw, Blank):
        return Cleaned(BLANK, Status.BLANK)
    if isinstance(raw, str) and not raw.strip():
        return Cleaned(BLANK, Status.BLANK)
    if field.kind is Kind.YESNO:
        return _clean_yesno(raw)
    return _clean_number(raw, field, placeholders, units)


def _clean_yesno(raw: object) -> Cleaned:
    text = raw_text(raw)
    squeezed = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if squeezed in (YES, NO):
        return Cleaned(squeezed, Status.OK, text)
    ticked = {a or b for a, b in _TICKED.findall(squeezed)}
    if len(ticked) == 1:  # ``☑是□否``: the box ticked
        return Cleaned(ticked.pop(), Status.OK, text)
    return Cleaned(text, Status.NOT_YESNO, text)


def _clean_number(
    raw: object, field: Field, placeholders: tuple[str, ...], units: tuple[str, ...]
) -> Cleaned:
    if isinstance(raw, (bool, dt.date, dt.time, dt.timedelta)):
        text = raw_text(raw)
        return Cleaned(text, Status.NOT_NUMBER, text)
    if isinstance(raw, (int, float)):
        if (isinstance(raw, float) and not math.isfinite(raw)) or (isinstance(raw, int) and not -_HUGE < raw < _HUGE):
            return Cleaned(str(raw), Status.NOT_NUMBER, str(raw))
        return Cleaned(as_number(raw), Status.OK, raw_text(raw))
    text = str(raw)
    if _MARKED_DIGITS.search(text):
        return Cleaned(text, Status.NOT_NUMBER, text)
    squeezed = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if text.strip() in placeholders or squeezed in placeholders:
        return Cleaned(0, Status.PLACEHOLDER, text)
    if squeezed in ZERO_WORDS:
        return Cleaned(0, Status.OK, text)
    if squeezed.endswith(field.unit) and len(squeezed) > len(field.unit):
        squeezed = squeezed[: -len(field.unit)]
    elif field.unit == "万元" and squeezed.endswith("万") and len(squeezed) > 1:
        squeezed = squeezed[:-1]  # ``6.95万`` in a 万元 column is 6.95 万元
    elif squeezed.startswith(field.unit) and len(squeezed) > len(field.unit):
        squeezed = squeezed[len(field.unit):]  # ``人 286``: the unit typed first
    number = _parse_number(squeezed)
    if number is not None and -_HUGE < number < _HUGE:
        return Cleaned(as_number(number), Status.OK, text)
    m = _SPLIT_UNIT.match(squeezed)
    if m and _parse_number(m.group(1)) is not None and m.group(2) in FOREIGN_UNITS + units:
        return Cleaned(text, Status.WRONG_UNIT, text, unit_found=m.group(2))
    return Cleaned(text, Status.NOT_NUMBER, text)


def _parse_number(text: str) -> float | None:
    if _NUMBER.match(text):
        value = float(text)
        return value if math.isfinite(value) else None
    m = _GROUPED.match(text)
    if m:
        return float(m.group(1) + m.group(2).replace(",", "") + (m.group(3) or ""))
    return None


def parse_date(raw: object) -> dt.date | None:
    """填报日期 as typed: a date cell, ``2017-01-15``, ``2017/1/15``, ``2017年1月15日``, ``20170115``."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 20000 < raw < 80000:  # an Excel serial date that reached us as a plain number
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(raw))
        raw = str(as_number(raw))
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw or "")))
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
