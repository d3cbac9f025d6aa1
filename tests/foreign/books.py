"""Whole workbooks, one builder per kind of return: which sheets, in which order, what sits around the
table. Each builder takes the return's ``Data`` and gives a ``sheets.Book``.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field, replace
from pathlib import Path

from wennuan_xl.core.forms import Campaign, Form

from .layouts import (
    SLOT,
    Cover,
    Extras,
    Placed,
    TableStyle,
    TableWriter,
    codes_block,
    cover_block,
    footer_block,
    notes_block,
    number_text,
    prose_block,
    prose_split_block,
    table_width,
    title_block,
)
from .sheets import Book, Sheet
from .wording import NOTICE_NOTE, PROSE, TITLES

AUTHORS = ("Administrator", "微软用户", "User", "lenovo", "PC", "dell")


@dataclass
class Data:
    """One unit's return: what the person reading it sees, and what the clerk typed to show it."""

    campaign: Campaign
    annexes: tuple[str, ...]
    values: dict[str, object]  # field code -> the value a person reads (None: blank)
    typed: dict[str, object]  # field code -> what is in the cell (a number, text as typed, None)
    last: dict[str, object]  # last year's figures (上年同期), where a layout shows them
    cover: Cover
    rng: random.Random
    old: dict[str, object] = field(default_factory=dict)  # an older return's figures, for junk copies

    def form(self, form_id: str) -> Form:
        return self.campaign.form(form_id)

    def book(self, sheets: list[Sheet]) -> Book:
        d = self.cover.date or dt.date(2017, 1, 10)
        created = dt.datetime(d.year, d.month, d.day, 8 + self.rng.randint(0, 9), self.rng.randint(0, 59))
        return Book(sheets, created, author=self.rng.choice(AUTHORS))


@dataclass(frozen=True)
class Frame:
    """What surrounds a table: title wording, the 附件 line, the cover, notes, the footer."""

    title: int = 0  # index into wording.TITLES
    annex: str = "line"  # line | fused | none
    cover: str = "cells"  # notice | cells | legend | inline | footer | split
    notes: bool = True
    footer: bool = False  # the signature line under the table (with cover="footer")
    blank_rows: int = 0  # rows the clerk left empty above the title


def yoy(values: dict[str, object], last: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for code, v in values.items():
        before = last.get(code)
        if isinstance(v, (int, float)) and isinstance(before, (int, float)) and before:
            out[code] = round((v - before) / before * 100, 1)
    return out


def remarks(rng: random.Random, codes: list[str]) -> dict[str, object]:
    """备注 as clerks fill it: a 文号, a year, a 同比 percentage, a count of documents — numbers among
    them."""
    notes: list[object] = [
        2017,
        12.5,
        "乐工发〔2016〕44号",
        3,
        "含物资折款",
        "同比增长8%",
        2016,
        0.35,
        "市总下拨",
    ]
    chosen = rng.sample(codes, k=min(len(notes), len(codes)))
    return dict(zip(chosen, notes))


def form_on_sheet(
    sheet: Sheet,
    row: int,
    data: Data,
    form_id: str,
    style: TableStyle,
    frame: Frame,
    extras: Extras | None = None,
    typed: dict[str, object] | None = None,
    cover: Cover | None = None,
) -> Placed:
    width = table_width(style)
    row += frame.blank_rows
    row = title_block(sheet, row, form_id, TITLES[form_id][frame.title], frame.annex, width)
    row = cover_block(sheet, row, cover or data.cover, frame.cover, width)
    if frame.notes:
        row = notes_block(sheet, row, form_id, width)
    writer = TableWriter(
        sheet, data.form(form_id), typed if typed is not None else data.typed, style, extras or Extras()
    )
    placed = writer.write(row)
    if frame.footer:
        placed.next_row = footer_block(sheet, placed.next_row + 1, cover or data.cover, width)
    return placed


def default_sheet_name(form_id: str) -> str:
    return f"附件{form_id[1]}"


def table_book(
    data: Data,
    style: TableStyle,
    frame: Frame = Frame(),
    names: dict[str, str] | None = None,
    extras: str = "",
    empty_sheets: tuple[str, ...] = (),
) -> Book:
    """Each annex on its own sheet, as a retyped table. ``extras``: "last" (上年同期 numbers), "remarks",
    "yoy" (同比 % beside), comma-separated."""
    sheets = []
    for form_id in data.annexes:
        sheet = Sheet((names or {}).get(form_id, default_sheet_name(form_id)))
        form_on_sheet(sheet, 0, data, form_id, style, frame, _extras(data, form_id, extras))
        sheets.append(sheet)
    sheets.extend(Sheet(name) for name in empty_sheets)
    return data.book(sheets)


def _extras(data: Data, form_id: str, which: str) -> Extras:
    codes = [f.code for f in data.form(form_id).fields]
    out = Extras()
    if "last" in which or "yoy" in which:
        out.last = {c: data.last.get(c) for c in codes}
    if "remarks" in which:
        out.remarks = remarks(data.rng, [c for c in codes if data.values.get(c) is not None])
    if "yoy" in which:
        out.yoy = yoy({c: data.values.get(c) for c in codes}, data.last)
    return out


def one_sheet_book(data: Data, style: TableStyle, frame: Frame = Frame(), name: str = "Sheet1") -> Book:
    """Both annexes on one sheet, annex 2 under annex 1."""
    sheet = Sheet(name)
    row = 0
    for form_id in data.annexes:
        placed = form_on_sheet(sheet, row, data, form_id, style, frame)
        row = placed.next_row + 3
    return data.book([sheet])


def prose_book(data: Data, split: bool = False, grouped: bool = False, name: str = "") -> Book:
    """The notice's 附件 pasted from Word: a line a row in column A (``split``: retyped in cells)."""
    sheets = []
    for form_id in data.annexes:
        sheet = Sheet(name or default_sheet_name(form_id))
        sheet.put(0, 0, f"附件{form_id[1]}")
        sheet.put(1, 0, TITLES[form_id][0])
        row = cover_block(sheet, 2, data.cover, "split" if split else "notice", 1)
        for note in NOTICE_NOTE[form_id]:
            sheet.put(row, 0, note)
            row += 1
        if split:
            prose_split_block(sheet, row, form_id, data.typed)
        else:
            prose_block(sheet, row, form_id, data.typed, data.rng, grouped)
        sheet.widths[0] = 90 if not split else 40
        sheets.append(sheet)
    return data.book(sheets)


def codes_book(data: Data, with_unit: bool) -> Book:
    sheets = []
    for form_id in data.annexes:
        sheet = Sheet(default_sheet_name(form_id))
        row = title_block(sheet, 0, form_id, TITLES[form_id][0], "fused", 3)
        row = cover_block(sheet, row, data.cover, "inline", 3)
        codes_block(sheet, row + 1, data.form(form_id), data.typed, with_unit)
        sheets.append(sheet)
    return data.book(sheets)


SHIFT = 2


def shifted_names_book(data: Data, style: TableStyle, frame: Frame) -> Book:
    """A workbook whose cells were named (A1_01A …) and whose content then moved down two rows: every name
    now points two rows above its number — the first ones at the header word 数值 and the 甲乙丙 row."""
    book = table_book(data, style, frame)
    for sheet, form_id in zip(book.sheets, data.annexes):
        placed = form_on_sheet(Sheet("scratch"), 0, data, form_id, style, frame)
        for code, (row, col) in placed.cells.items():
            book.names[code.replace(".", "_")] = (sheet.name, row - SHIFT, col)
        unit_row = frame.blank_rows + (2 if frame.annex == "line" else 1)
        last = max(table_width(style) - 1, 3)
        for key, (row, col) in {
            "UNIT": (unit_row, 1),
            "DATE": (unit_row, last),
            "PERSON": (unit_row + 1, 1),
            "PHONE": (unit_row + 1, last),
        }.items():
            book.names[f"{form_id}_{key}"] = (sheet.name, row - SHIFT, col)
    return book


def last_year(cover: Cover) -> Cover:
    """The cover of the return the same unit sent a year earlier."""
    return replace(cover, date=dt.date(2016, 1, 14), person=cover.boss, date_form="cn")


def hidden_old_table_book(data: Data, style: TableStyle, frame: Frame, hide: frozenset[str]) -> Book:
    """Last year's table kept above this year's, its rows hidden; some of this year's rows hidden too."""
    sheets = []
    for form_id in data.annexes:
        sheet = Sheet(default_sheet_name(form_id))
        old_frame = replace(frame, title=0)
        old = form_on_sheet(
            sheet, 0, data, form_id, style, old_frame, typed=data.old, cover=last_year(data.cover)
        )
        title_row = 1 if frame.annex == "line" else 0
        old_title = (
            str(sheet.cells[(title_row, 0)]).replace("2017年", "2016年").replace("2016年度", "2015年度")
        )
        sheet.put(title_row, 0, old_title, "title")
        sheet.hide_rows(0, old.next_row)
        form_on_sheet(sheet, old.next_row + 1, data, form_id, style, frame, Extras(hide=hide))
        sheets.append(sheet)
    return data.book(sheets)


def hidden_old_sheet_book(data: Data, style: TableStyle, frame: Frame, hide: frozenset[str]) -> Book:
    """A hidden copy of last year's sheet in front of this year's."""
    sheets = []
    for form_id in data.annexes:
        old = Sheet(f"{default_sheet_name(form_id)}(2015年)", hidden=True)
        form_on_sheet(old, 0, data, form_id, style, frame, typed=data.old, cover=last_year(data.cover))
        current = Sheet(default_sheet_name(form_id))
        form_on_sheet(current, 0, data, form_id, style, frame, Extras(hide=hide))
        sheets.extend([old, current])
    book = data.book(sheets)
    book.active = 1
    return book


def two_columns_book(data: Data, this_year_left: bool) -> Book:
    """Two columns of numbers under one 数值 header, nothing saying which year is which."""
    style = TableStyle(
        columns=("item", "label", "unit", "value", "last")
        if this_year_left
        else ("item", "label", "unit", "last", "value"),
        headers=("项目", "指标名称", "计量单位", "", ""),
    )
    sheets = []
    for form_id in data.annexes:
        sheet = Sheet(default_sheet_name(form_id))
        placed = form_on_sheet(sheet, 0, data, form_id, style, Frame(), _extras(data, form_id, "last"))
        header = min(r for r, _ in placed.cells.values()) - 1
        sheet.merge(header, 3, header, 4, "数值", "head")
        sheets.append(sheet)
    return data.book(sheets)


def picture_book(data: Data) -> Book:
    """The form filled in elsewhere and pasted in as a screenshot: the title and cover in cells, no
    numbers."""
    sheets = []
    for form_id in data.annexes:
        sheet = Sheet(default_sheet_name(form_id))
        row = title_block(sheet, 0, form_id, TITLES[form_id][0], "line", 5)
        row = cover_block(sheet, row, data.cover, "cells", 5)
        sheet.put(row, 0, "（本表数据见下图）")
        sheet.pictures.append((row + 1, 0, screenshot(data, form_id)))
        sheets.append(sheet)
    return data.book(sheets)


def textbox_book(data: Data) -> Book:
    """The form typed into a text box over the sheet: readable on screen, not in any cell."""
    sheets = []
    for form_id in data.annexes:
        sheet = Sheet(default_sheet_name(form_id))
        row = title_block(sheet, 0, form_id, TITLES[form_id][1], "line", 5)
        row = cover_block(sheet, row, data.cover, "cells", 5)
        text = "\n".join(_filled_prose(data, form_id))
        sheet.textboxes.append((row + 1, 0, text))
        sheets.append(sheet)
    return data.book(sheets)


def _filled_prose(data: Data, form_id: str) -> list[str]:
    return [
        SLOT.sub(lambda m: f" {number_text(data.typed.get(m.group(1))) or '    '} ", t)
        for t in PROSE[form_id]
    ]


def screenshot(data: Data, form_id: str) -> bytes:
    """A PNG of the filled form as a person would see it (CJK text when a CJK font is installed)."""
    from PIL import Image, ImageDraw, ImageFont

    lines = _filled_prose(data, form_id)
    font_file = next((p for p in _CJK_FONTS if Path(p).exists()), None)
    font = ImageFont.truetype(font_file, 15) if font_file else ImageFont.load_default()
    image = Image.new("RGB", (900, 24 * len(lines) + 20), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        text = line if font_file else "".join(ch if ord(ch) < 128 else " " for ch in line)
        draw.text((10, 10 + 24 * i), text, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
