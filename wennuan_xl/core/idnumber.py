"""公民身份号码 (GB 11643-1999): reading what a clerk typed, the check digit, what the number says, masking.

An 18-character number is 6 digits of administrative division (GB/T 2260), 8 of birth date, 3 of sequence
(the last of them odd for men, even for women) and an ISO 7064 MOD 11-2 check character (``X`` for 10). A
15-digit number of the first-generation cards has a 2-digit year and no check character; it converts to 18.

Excel keeps 15 significant digits of a number: an 18-digit ID typed into a number cell is stored as
511102198001011000 and shown as 5.11102E+17. Such a value is never taken for an ID: the digits are gone.

Everything here is pure: no file, no spreadsheet library.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import operator
import re
import unicodedata
from enum import Enum
from typing import NamedTuple

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # check character for sum(digit * weight) mod 11 = 0, 1, 2 ...

_DROP = re.compile(r"[\s\u3000\-_－—–'‘’`\"“”]")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d{1,2}$")
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")
_LIKE_ID = re.compile(r"^[\dX]+$")


class IdStatus(Enum):
    BLANK = "blank"
    ID18 = "id18"  # 18 characters of the right kind (check digit, date and region still to be checked)
    ID15 = "id15"  # a first-generation 15-digit number, converted to 18
    ROUNDED = "rounded"  # typed into a number cell: Excel kept 15 digits, the rest are lost
    LENGTH = "length"  # digits (and X) but not 15 or 18 of them
    CHARS = "chars"  # other characters


class IdReading(NamedTuple):  # a tuple: built for every row of a list, ten times faster than a frozen dataclass
    status: IdStatus
    id: str = ""  # the 18-character number (converted from 15 digits for ID15); "" when none
    typed: str = ""  # what the cell holds, as text (never shown unmasked)
    length: int = 0  # characters after normalising

    @property
    def usable(self) -> bool:
        return self.status in (IdStatus.ID18, IdStatus.ID15)


_ZERO = ord("0") * sum(WEIGHTS)


def check_char(first17: str) -> str:
    """The check character of the first 17 digits (ASCII, or full-width digits)."""
    head = first17[:17]
    if head.isascii():  # the bytes are the digits' codes: no int() per digit
        return CHECK_CHARS[(sum(map(operator.mul, head.encode(), WEIGHTS)) - _ZERO) % 11]
    return CHECK_CHARS[sum(map(operator.mul, map(int, head), WEIGHTS)) % 11]


def checksum_ok(id18: str) -> bool:
    return len(id18) == 18 and id18[:17].isdigit() and check_char(id18[:17]) == id18[17]


def from_15(id15: str) -> str:
    """The 18-character number of a first-generation 15-digit one (born 19YY)."""
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_char(first17)


def make_id(region: str, birth: dt.date, sequence: int) -> str:
    """A well-formed number (for tests and samples, never a real person's): region, birth date, sequence
    0-999 (odd for a man), and its check character."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def fill_check(text: str) -> str:
    """Examples in the rule files write ``?`` for "the right check character" and ``!`` for a wrong one:
    ``51110219800101123?`` stays valid however the other digits are edited."""
    if len(text) == 18 and text[-1] in "?!":
        right = check_char(text[:17])
        if text[-1] == "?":
            return text[:17] + right
        return text[:17] + CHECK_CHARS[(CHECK_CHARS.index(right) + 1) % 11]
    return text


def read_id(raw: object) -> IdReading:
    """What a cell of the ID column holds, as a clerk meant it: full-width digits, spaces and dashes inside,
    a lower-case ``x`` or ``×`` are read; a number that lost its last digits is ROUNDED, never an ID."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return IdReading(IdStatus.BLANK)
    if isinstance(raw, bool):
        return IdReading(IdStatus.CHARS, typed=str(raw), length=len(str(raw)))
    if isinstance(raw, (int, float)):
        return _read_number(raw)
    if isinstance(raw, str) and len(raw) == 18 and raw.isascii() and _ID18.match(raw):
        return IdReading(IdStatus.ID18, raw, raw, 18)  # typed as it should be: the common case, fast
    text = unicodedata.normalize("NFKC", str(raw))
    compact = _DROP.sub("", text).upper()
    if compact.endswith("×"):
        compact = compact[:-1] + "X"
    if _SCIENTIFIC.match(compact):
        return IdReading(IdStatus.ROUNDED, typed=text.strip(), length=len(compact))
    if compact.endswith(".0") and compact[:-2].isdigit():
        compact = compact[:-2]  # a number that reached us as text, from a CSV or a conversion
    if _ID18.match(compact):
        return IdReading(IdStatus.ID18, compact, text.strip(), 18)
    if _ID15.match(compact):
        return IdReading(IdStatus.ID15, from_15(compact), text.strip(), 15)
    if _LIKE_ID.match(compact):
        return IdReading(IdStatus.LENGTH, typed=text.strip(), length=len(compact))
    return IdReading(IdStatus.CHARS, typed=text.strip(), length=len(compact))


def _read_number(value: float) -> IdReading:
    if isinstance(value, float) and not math.isfinite(value):
        return IdReading(IdStatus.CHARS, typed=str(value), length=len(str(value)))
    if isinstance(value, float) and not value.is_integer():
        return IdReading(IdStatus.LENGTH, typed=repr(value), length=len(repr(value)))
    digits = str(int(value))
    if len(digits) > 15:
        digits = str(int(decimal.Decimal(f"{value:.15g}")))  # as Excel shows it: 511102198001011000
        # Excel keeps 15 significant digits: whatever the file holds after them is not what was typed.
        return IdReading(IdStatus.ROUNDED, typed=digits, length=len(digits))
    if len(digits) == 15:
        return IdReading(IdStatus.ID15, from_15(digits), digits, 15)
    return IdReading(IdStatus.LENGTH, typed=digits, length=len(digits))


def birth_date(id18: str) -> dt.date | None:
    try:
        return dt.date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))
    except ValueError:
        return None


def sex_of(id18: str) -> str:
    """男 when the 17th digit is odd, 女 when even."""
    return "男" if int(id18[16]) % 2 else "女"


def mask(text: str) -> str:
    """An ID as shown anywhere but the clerk's own consolidated list: ``511102********1234``.

    The first six digits (the place) and the last four stay, so a clerk can still find the row; the birth
    date is hidden. Short texts (a stray ``123``) say nothing about a person and are kept."""
    text = str(text)
    if len(text) < 10:
        return text
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


_IN_TEXT_18 = re.compile(r"(?<![0-9A-Za-z.])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z.])")
_IN_TEXT_15 = re.compile(r"(?<![0-9A-Za-z.])(\d{6})(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3})(?![0-9A-Za-z.])")


def mask_text(text: str) -> str:
    """Every 18-character or 15-digit ID-shaped number inside a text, masked (the last screen before a log
    line, a message or JSON leaves the program)."""
    if not any(ch.isdigit() for ch in text):
        return text
    text = _IN_TEXT_18.sub(lambda m: m.group(1) + "*" * 8 + m.group(3), text)
    return _IN_TEXT_15.sub(lambda m: m.group(1) + "*" * 5 + m.group(2)[-1] + m.group(3), text)


def looks_like_id(value: object, strict: bool = False) -> bool:
    """Could this cell be an ID? ``strict``: only when its check digit is right (or it is a number that lost
    its last digits, which is an ID all the same): what tells an ID column by its content."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not (isinstance(value, int) or math.isfinite(value)):
            return False
        return abs(value) >= 1e16 or (not strict and 1e14 <= abs(value) < 1e15)
    if not isinstance(value, str) or not 15 <= len(value.strip()) <= 30:
        return False
    reading = read_id(value)
    if reading.status is IdStatus.ROUNDED:
        return True
    if not reading.usable:
        return False
    return not strict or reading.status is IdStatus.ID15 or checksum_ok(reading.id)
