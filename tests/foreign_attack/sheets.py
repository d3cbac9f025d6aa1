"""Pieces every case lays out: a unit's figures and cover, the form's rows as a clerk retypes them, a
retyped table, the title and the cover lines. Each case in ``cases.py`` combines and bends these.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from wennuan_xl.core.forms import Campaign, Kind
from wennuan_xl.samples import consistent_values

from .notice import CODES, INTROS, LABELS, UNITS, item_of, letter_of
from .writer import Book, Sheet

SURNAMES = "罗冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = ("晓东", "丽华", "建国", "小燕", "国强", "春梅", "志刚", "秀英", "文静", "海燕", "明", "勇", "霞", "琴")


@dataclass(frozen=True)
class Cover:
    unit: str  # 填报单位 as typed
    person: str
    phone: str  # as typed
    date: dt.date | None
    date_text: str = ""  # how the date is typed; "" -> 2017年1月5日
    expect_unit: str = ""  # what a person reads as the unit, when it is less than what is typed

    def expected(self) -> dict[str, str]:
        return {"UNIT": self.expect_unit or self.unit, "PERSON": self.person, "PHONE": self.phone,
                "DATE": self.date.isoformat() if self.date else ""}

    @property
    def typed_date(self) -> str:
        if self.date is None:
            return ""
        return self.date_text or f"{self.date.year}年{self.date.month}月{self.date.day}日"


@dataclass
class Ctx:
    campaign: Campaign
    annexes: tuple[str, ...]
    values: dict[str, object]  # what a careful person reads: the expected values
    typed: dict[str, object]  # what the cells hold (text forms, faults)
    last: dict[str, object]  # the same unit's figures a year earlier
    cover: Cover
    rng: random.Random

    def codes(self, annex: str) -> list[str]:
        return CODES[annex]

    def kind(self, code: str) -> Kind:
        return self.campaign.field(code).kind


def seed_of(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def earlier(values: dict[str, object], rng: random.Random) -> dict[str, object]:
    out: dict[str, object] = {}
    for c, v in values.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            out[c] = v
        elif isinstance(v, int):
            out[c] = int(v * rng.uniform(0.75, 1.1)) + (1 if v else 0)
        else:
            out[c] = round(v * rng.uniform(0.75, 1.1) + 0.01, 2)
    return out


def base_ctx(name: str, annexes: tuple[str, ...], campaign: Campaign, *, blanks: tuple[str, ...] = (),
             changes: Callable[[dict[str, object]], dict[str, object]] | None = None,
             unit: str, phone: str = "", date: dt.date | None = None, date_text: str = "",
             no_date: bool = False, no_phone: bool = False) -> Ctx:
    seed = seed_of(name)
    rng = random.Random(seed ^ 0xA77AC)
    size = rng.choice((0.4, 0.7, 1.0, 1.5))
    base = consistent_values(random.Random(seed), size)
    codes = [c for a in annexes for c in CODES[a]]
    values = {c: base[c] for c in codes}
    for item in blanks:
        for c in codes:
            if c == item or (c.startswith(item) and c[len(item):].isalpha()):
                values[c] = None
    if changes is not None:
        values.update(changes(values))
    person = rng.choice(SURNAMES) + rng.choice(GIVEN)
    if not phone:
        phone = f"0833-{rng.randint(2100000, 5999999)}" if rng.random() < 0.5 else f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}"
    day = date or dt.date(2017, 1, rng.randint(4, 19))
    cover = Cover(unit, person, "" if no_phone else phone, None if no_date else day, date_text)
    last = earlier(values, random.Random(seed + 7))
    return Ctx(campaign, annexes, values, dict(values), last, cover, rng)


def number_text(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return str(v)


# --- the form's rows as a clerk retypes them ----------------------------------------------------------


@dataclass
class Row:
    code: str | None  # None: a row that holds no field (intro, heading, note)
    item: str = ""  # "04" on the row that prints the item number
    letter: str = ""
    label: str = ""
    unit: str = ""
    value: object = None
    last: object = None
    extra: dict[str, object] = field(default_factory=dict)


def field_rows(ctx: Ctx, annex: str, words: int = 0, intros: bool = True) -> list[Row]:
    """The form's fields in the form's order, one row each; the item number on its first row; the intro
    line of items 04/07/08 as a row of its own (as the notice prints it)."""
    out: list[Row] = []
    seen: set[str] = set()
    for code in CODES[annex]:
        item = item_of(code)
        first = item not in seen
        seen.add(item)
        intro = INTROS.get((annex, item))
        if first and intro and intros:
            out.append(Row(None, item=item, label=intro))
            first = False
        out.append(Row(code, item=item if first else "", letter=letter_of(code), label=LABELS[code][words],
                       unit=UNITS[code], value=ctx.typed.get(code), last=ctx.last.get(code)))
    return out


def relabel(rows: list[Row], fn: Callable[[Row], str]) -> list[Row]:
    return [replace(r, label=fn(r)) for r in rows]


ItemFmt = Callable[[str], object]
LetterFmt = Callable[[str], str]


def item_plain(item: str) -> object:
    return item


def letter_paren(letter: str) -> str:
    return f"（{letter}）" if letter else ""


@dataclass
class Table:
    """A retyped table: which column holds what, the headers, how items and letters are printed."""

    columns: tuple[str, ...]  # item | letter | label | unit | value | last | remark | code | sub | ...
    headers: tuple[str, ...]
    item: ItemFmt = item_plain
    letter: LetterFmt = letter_paren
    fuse_letter: bool = True  # the letter printed at the start of the label (when no letter column)
    first_col: int = 1
    money_format: str = "0.00"


def put_rows(sheet: Sheet, top: int, rows: list[Row], t: Table,
             extra: Callable[[Row, str], object] | None = None) -> int:
    """The rows under a header row at ``top``; returns the next free row."""
    for k, h in enumerate(t.headers):
        if h:
            sheet.put(top, t.first_col + k, h)
            sheet.bold.add((top, t.first_col + k))
    r = top + 1
    for row in rows:
        for k, kind in enumerate(t.columns):
            c = t.first_col + k
            sheet.put(r, c, cell_for(row, kind, t, extra))
            if kind in ("value", "last") and row.unit == "万元" and isinstance(sheet.cells.get((r, c)), float):
                sheet.formats[(r, c)] = t.money_format
        r += 1
    sheet.border_from, sheet.border_to = min(sheet.border_from or top, top), max(sheet.border_to, r - 1)
    return r


def cell_for(row: Row, kind: str, t: Table, extra: Callable[[Row, str], object] | None) -> object:
    if row.code is None and kind in row.extra:
        return row.extra[kind]
    if kind == "item":
        return t.item(row.item) if row.item else None
    if kind == "letter":
        return t.letter(row.letter) if row.code else None
    if kind == "label":
        if "letter" not in t.columns and t.fuse_letter and row.code:
            return t.letter(row.letter) + row.label
        return row.label
    if kind == "unit":
        return row.unit if row.code else None
    if kind == "value":
        return row.value if row.code else row.extra.get("value")
    if kind == "last":
        return row.last if row.code else None
    if kind == "code":
        return row.code
    if kind in row.extra:
        return row.extra[kind]
    return extra(row, kind) if extra is not None else None


# --- title and cover -------------------------------------------------------------------------------------


def title(sheet: Sheet, row: int, text: str, width: int, col: int = 1) -> None:
    sheet.merge(row, col, row, col + width - 1, text)
    sheet.bold.add((row, col))


def cover_two_lines(sheet: Sheet, row: int, c: Cover, col: int = 1, width: int = 4) -> int:
    """The notice's two cover lines, each typed into one merged cell: 填报单位 … 日期 / 填报人 … 电话."""
    sheet.merge(row, col, row, col + width - 1, f"填报单位：{c.unit}　　　　{c.typed_date}")
    sheet.merge(row + 1, col, row + 1, col + width - 1, f"填 报 人：{c.person}　　　联系电话：{c.phone}")
    return row + 2


def cover_cells(sheet: Sheet, row: int, c: Cover, col: int = 1) -> int:
    """Cover labels and values in cells of their own: 填报单位： | X | 填报日期： | Y; 填报人： | … ."""
    sheet.put(row, col, "填报单位：")
    sheet.put(row, col + 1, c.unit)
    sheet.put(row, col + 2, "填报日期：")
    sheet.put(row, col + 3, c.typed_date)
    sheet.put(row + 1, col, "填报人：")
    sheet.put(row + 1, col + 1, c.person)
    sheet.put(row + 1, col + 2, "联系电话：")
    sheet.put(row + 1, col + 3, c.phone)
    return row + 2


def new_book(*sheets: Sheet) -> Book:
    return Book(list(sheets))


def std_table(columns: tuple[str, ...] = ("item", "label", "unit", "value"),
              headers: tuple[str, ...] = ("项目", "指标名称", "计量单位", "数值"), **kw: object) -> Table:
    return Table(columns, headers, **kw)  # type: ignore[arg-type]


def simple_form(ctx: Ctx, annex: str, sheet_name: str, rows: list[Row] | None = None, t: Table | None = None,
                title_text: str = "", cover: str = "two") -> Sheet:
    """A plain retyped form: 附件 line, title, cover lines, one table."""
    t = t or std_table()
    sheet = Sheet(sheet_name, widths={1: 8, 2: 48, 3: 10, 4: 14, 5: 14, 6: 14})
    sheet.put(1, 1, "附件1" if annex == "A1" else "附件2")
    title(sheet, 2, title_text or ("2017年工会送温暖活动统计表" if annex == "A1" else "2016年度困难职工帮扶中心工作统计表"),
          len(t.columns))
    r = 3
    if cover == "two":
        r = cover_two_lines(sheet, 3, ctx.cover, width=len(t.columns))
    elif cover == "cells":
        r = cover_cells(sheet, 3, ctx.cover)
    put_rows(sheet, r, rows if rows is not None else field_rows(ctx, annex), t)
    return sheet
