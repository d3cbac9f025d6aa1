"""The roster as a clerk keeps it: rows of a CSV file, of a workbook's first sheet or of the master's 单位名单
sheet, made into ``RosterUnit`` s.

Column 1 is the unit's name and column 2 (optional) 是/否 for 选择汇总, as always. A header row (单位名称 …)
may name more columns, in any order: 联系人, 联系电话 (or 电话, 手机), 电子邮箱 (or 邮箱, E-mail); the 催报清单
prints them. A phone or an e-mail that does not look like one is kept as typed and said, naming the row; a
roster without a header whose rows hold more than two columns has those cells left unread and said, since
nothing tells a person's name from a phone or an address there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import PurePath

from .forms import CampaignError, RosterUnit

NAME_HEADERS = ("单位名称", "单位", "填报单位")
NO = ("否", "N", "n", "no", "0", "False", "FALSE", "false")
_EMAIL = re.compile(r"^[^@\s，,；;]+@[^@\s，,；;]+\.[A-Za-z]{2,}$")
PHONE_HINT = "手机 11 位，或固定电话如 0833-2133419"
HEADER_HINT = "单位名称、选择汇总、联系人、联系电话、电子邮箱"


def roster_from_rows(rows: Sequence[Sequence[object]], source: str) -> tuple[RosterUnit, ...]:
    units: list[RosterUnit] = []
    columns: dict[str, list[int]] | None = None
    place = _place(source)
    for i, row in enumerate(rows, start=1):
        cells = [cell_text(c) for c in row]
        if not cells or not cells[0]:
            continue
        if i == 1 and cells[0] in NAME_HEADERS:
            columns = header_columns(cells)
            continue
        units.append(_unit(cells, columns, f"{place}第 {i} 行（{cells[0]}）"))
    if not units:
        raise CampaignError(f"{source}: 单位名单为空")
    return tuple(units)


def cell_text(value: object) -> str:
    """A roster cell as text: a phone typed into a number cell (13912345678.0 as Excel keeps it) as its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def header_columns(header: Sequence[str]) -> dict[str, list[int]]:
    """Which columns hold what, by the header's words; column 2 is 选择汇总 unless its header says otherwise
    (rosters before contacts had any header there)."""
    columns: dict[str, list[int]] = {"name": [0]}
    for j, text in enumerate(header[1:], start=1):
        key = column_key(text)
        if key is None and j == 1:
            key = "included"
        if key is not None and key != "name":
            columns.setdefault(key, []).append(j)
    return columns


def column_key(text: str) -> str | None:
    words = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()
    if not words:
        return None
    if words in NAME_HEADERS:
        return "name"
    if "汇总" in words or "计入" in words:
        return "included"
    if "邮" in words or "mail" in words:
        return "email"
    if "电话" in words or "手机" in words or "联系方式" in words:
        return "phone"
    if "联系人" in words or "经办人" in words or words == "姓名":
        return "person"
    return None


def _unit(cells: list[str], columns: dict[str, list[int]] | None, where: str) -> RosterUnit:
    def value(key: str) -> str:
        assert columns is not None
        return "、".join(cells[j] for j in columns.get(key, []) if j < len(cells) and cells[j])

    if columns is None:  # no header: the two columns rosters always had
        flag = cells[1] if len(cells) > 1 else ""
        extra = [c for c in cells[2:] if c]
        unread = (f"{where}：第 3 列起的“{'”“'.join(extra[:3])}”未读取——名单第一行没有表头，无法判断哪一列是联系人、"
                  f"电话或邮箱；请在第一行写上表头：{HEADER_HINT}")
        problems: tuple[str, ...] = (unread,) if extra else ()
        return RosterUnit(cells[0], flag not in NO, problems=problems)
    flag = value("included") if "included" in columns else ""
    person, phone, email = value("person"), value("phone"), value("email")
    problems = tuple(p for p in (phone_problem(phone, where), email_problem(email, where)) if p)
    return RosterUnit(cells[0], flag not in NO, person=person, phone=phone, email=email, problems=problems)


def phone_ok(text: str) -> bool:
    """Every number of ``text`` (several separated by 、 , ; /) a mobile or landline number, as the cover
    check H-PHONE reads a 联系电话 (full-width digits and brackets allowed)."""
    from .check import _valid_phone

    digits = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", text)).replace("—", "-")
    parts = [p for p in re.split(r"[,，;；/、]", digits) if p]
    return bool(parts) and all(_valid_phone(p) for p in parts)


def phone_problem(phone: str, where: str) -> str | None:
    if not phone or phone_ok(phone):
        return None
    return f"{where}：联系电话“{phone}”不像有效号码（{PHONE_HINT}），催报清单照原样列出，请核对"


def email_problem(email: str, where: str) -> str | None:
    if not email:
        return None
    parts = [p.strip() for p in re.split(r"[、,，;；\s]+", unicodedata.normalize("NFKC", email)) if p.strip()]
    if parts and all(_EMAIL.match(p) for p in parts):
        return None
    return f"{where}：电子邮箱“{email}”不像邮箱地址（应形如 lsszghbzb@126.com），催报清单照原样列出，请核对"


def _place(source: str) -> str:
    name = PurePath(source).name if source else ""
    if not name or name == "单位名单":  # the master's 单位名单 sheet
        return "“单位名单”表"
    return f"单位名单 {name} "
