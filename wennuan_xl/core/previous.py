"""上年同期: last year's figures, by this year's roster unit and this year's field code.

What ``PREV(A1_01A)`` reads in a rule (the same unit's 01(A) last year), and what a personalised template
can print in a locked 上年数 column beside each value cell: ``PreviousYear.values(unit)`` is plain data,
this year's field code -> last year's number (or 是/否), only the figures that are known.

Two sources, both read by the shells (``files/previous.py``) and turned into a ``PreviousYear`` here:

* last year's consolidated workbook written by this program: its 明细 sheet (units × field codes, the
  codes in a header row beside 单位), read as a grid of cells (``previous_from_detail``); last year's totals
  are the sums over the rows its 计入汇总 column says were counted, as its SUMIFS row sums them;
* a folder of last year's returns, read and consolidated as this year's are (``previous_from_consolidation``).

Fields are matched by code; campaign.yaml's ``previous_year.fields`` (``Campaign.previous_fields``) says
which of this year's fields were renamed, merged or added. Units are matched against this year's roster as
a return's 填报单位 is (exact or normalised; a merely similar name is never taken). Whatever cannot be
matched is left out and said in ``notes``; a file that is not such a workbook is refused (``PreviousUnusable``)
with a reason naming it. The core opens no file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .forms import Campaign, Field, Kind
from .values import NO, YES, Status, as_number, clean, raw_text
from .workbook import SheetData, WorkbookData, column_letter

if TYPE_CHECKING:
    from .consolidate import Consolidation

Value = int | float | str  # a number, or 是/否

DETAIL_SHEET, STATUS_SHEET = "明细", "上报情况"  # as core/tables.py names them (not imported: tables imports the check)
UNIT_HEADER, TOTAL_PREFIX, CELLS_LABEL = "单位", "合计", "模板单元格"
HEADER_ROWS_SEARCHED = 20  # a clerk may put a title or two above the header
_LISTED = 8  # names or codes quoted in one note


class PreviousUnusable(Exception):
    """Last year's source cannot be used; ``reason`` says why in Chinese, naming the file or folder."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PreviousYear:
    """Last year's figures, as this year's forms and roster name them."""

    source: str  # the file or folder, as the clerk named it
    units: dict[str, dict[str, Value]]  # this year's roster unit -> this year's field code -> last year's value
    totals: dict[str, Value]  # this year's field code -> last year's consolidated total
    notes: tuple[str, ...] = ()  # what was left out, and why
    title: str = ""  # last year's campaign, when the workbook says it (“2016年元旦春节送温暖活动”)
    folder: bool = False  # read from a folder of last year's returns (else a consolidated workbook)

    def values(self, unit: str) -> dict[str, Value]:
        """Last year's figures of a roster unit, by this year's field code (empty: none known)."""
        return self.units.get(unit, {})

    def summary(self) -> str:
        """One line for the clerk: where last year's figures come from and how many units they cover."""
        what = f"上年退回表文件夹“{self.source}”" if self.folder else f"上年汇总工作簿“{self.source}”"
        if self.title:
            what += f"（{self.title}）"
        return f"上年同期数据：{what}，{len(self.units)} 个单位的上年数" + ("，含上年汇总数" if self.totals else "")


# --- fields: last year's codes -> this year's ---------------------------------------------------------------


def last_year_codes(campaign: Campaign, f: Field) -> tuple[str, ...]:
    """The codes of last year's fields that this year's ``f`` compares with (none: no comparable figure)."""
    return campaign.previous_fields.get(f.code, (f.code,))


def same_meaning(campaign: Campaign) -> frozenset[str]:
    """This year's fields that last year's form had under the same code with the same meaning: what a
    folder of last year's returns, read with this year's forms, gives reliably. A field the mapping renames,
    merges or adds is not one, nor a code the mapping says last year meant another field."""
    moved = {old for code, olds in campaign.previous_fields.items() for old in olds if olds != (code,)}
    return frozenset(f.code for f in campaign.fields()
                     if campaign.previous_fields.get(f.code, (f.code,)) == (f.code,) and f.code not in moved)


def read_value(raw: object, f: Field, campaign: Campaign) -> Value | None:
    """A cell of last year's as this year's field reads it (None: blank, or not a figure)."""
    if raw is None or raw == "":
        return None
    c = clean(raw, f, campaign.placeholders, tuple(campaign.units))
    if c.status not in (Status.OK, Status.PLACEHOLDER) or c.value is None:
        return None
    value = c.value
    if f.kind is Kind.YESNO:
        return value if value in (YES, NO) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return as_number(value)


def _read_as(campaign: Campaign) -> dict[str, Field]:
    """Last year's code -> this year's field its cells are read as (the field it compares with)."""
    out: dict[str, Field] = {}
    for f in campaign.fields():
        for code in last_year_codes(campaign, f):
            out.setdefault(code, f)
    return out


def comparable(campaign: Campaign, old: Mapping[str, object]) -> dict[str, Value]:
    """This year's field code -> last year's figure, from last year's cells by last year's code ``old``.
    A field made of several of last year's gets their sum, when each of them is known."""
    out: dict[str, Value] = {}
    for f in campaign.fields():
        codes = last_year_codes(campaign, f)
        values = [read_value(old.get(code), f, campaign) for code in codes]
        if not values or any(v is None for v in values):
            continue
        if len(values) == 1:
            out[f.code] = values[0]  # type: ignore[assignment]
        else:
            out[f.code] = as_number(round(math.fsum(float(v) for v in values), 6))  # type: ignore[arg-type]
    return out


# --- last year's consolidated workbook (its 明细) -----------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    row: int  # 1-based
    unit_col: int  # 1-based
    codes: dict[str, int]  # last year's field code -> column
    counted: dict[str, int]  # form id -> its 计入汇总 column


def previous_from_detail(book: WorkbookData, campaign: Campaign) -> PreviousYear:
    """Last year's figures from the 明细 sheet of a consolidated workbook this program wrote (also as a clerk
    re-saved it: rows or a title added above, columns moved, the 模板单元格 row deleted, a sheet renamed)."""
    shown = book.source
    _not_this_year(book, campaign)
    sheet, header = _detail_sheet(book, campaign)
    known = {f.code for f in campaign.fields()} | {o for olds in campaign.previous_fields.values() for o in olds}
    unknown = sorted(c for c in header.codes if c not in known)
    if len(unknown) == len(header.codes):
        raise PreviousUnusable(f"“{shown}”的“{sheet.name}”表中的指标代码（{_listed(unknown)}）与今年的表样都对不上，"
                               "不能作为上年同期数据；如果今年改了指标代码，请在 campaign.yaml 的 previous_year 中写明对应关系")
    notes: list[str] = []
    rows = _unit_rows(sheet, header)
    if not rows:
        raise PreviousUnusable(f"“{shown}”的“{sheet.name}”表中没有任何单位的数据，不能作为上年同期数据")
    old_rows: list[tuple[int, str, dict[str, object]]] = []
    sums: dict[str, list[float]] = {}
    forms = {f.id for f in campaign.forms}
    read_as = _read_as(campaign)
    for r, name in rows:
        sent = {form: raw_text(sheet.value(r, col)).strip() for form, col in header.counted.items()}
        values: dict[str, object] = {}
        for code, col in header.codes.items():
            form = code.split(".", 1)[0]
            if code not in read_as or sent.get(form, YES) == "":
                continue  # a code of no field this year compares with; an annex not sent is blank in 明细
            value = read_value(sheet.value(r, col), read_as[code], campaign)
            if value is None:
                continue
            values[code] = value
            if sent.get(form) == YES and form in forms and not isinstance(value, str):
                sums.setdefault(code, []).append(float(value))
        old_rows.append((r, name, values))
    units = _by_roster_unit(old_rows, campaign, shown, sheet.name, notes)
    uncounted = [f.annex for f in campaign.forms if f.id not in header.counted]
    if uncounted:
        notes.append(f"“{sheet.name}”表中没有“{'”“'.join(a + '计入汇总' for a in uncounted)}”列，"
                     f"不知道上年哪些单位计入了合计，{'、'.join(uncounted)}的汇总数不作上年同期比较")
    old_totals = {code: as_number(round(math.fsum(v), 6)) for code, v in sums.items()}
    totals: dict[str, Value] = {code: v for code, v in comparable(campaign, old_totals).items()
                                if not isinstance(v, str) and campaign.field(code).form_id in header.counted}
    if unknown:
        notes.append(f"上年明细中的指标 {_listed(unknown)} 今年没有对应的指标，未使用")
    absent = [f.code for f in campaign.fields()
              if last_year_codes(campaign, f) and not all(c in header.codes for c in last_year_codes(campaign, f))]
    if absent:
        notes.append(f"上年明细中没有以下指标，不作上年同期比较：{_listed(absent)}")
    return PreviousYear(shown, units, totals, tuple(notes), _title(book))


def _not_this_year(book: WorkbookData, campaign: Campaign) -> None:
    heading = _heading(book)
    if heading and heading.replace(" ", "") == f"{campaign.name}{STATUS_SHEET}".replace(" ", ""):
        raise PreviousUnusable(f"“{book.source}”是今年（{campaign.name}）的汇总结果，不是上年的；"
                               "上年同期数据请选择上年的汇总工作簿，或上年各单位退回表所在的文件夹")


def _heading(book: WorkbookData) -> str:
    sheet = book.sheet(STATUS_SHEET)
    return raw_text(sheet.value(1, 1)).strip() if sheet is not None else ""


def _title(book: WorkbookData) -> str:
    heading = _heading(book)
    return heading[: -len(STATUS_SHEET)].strip() if heading.endswith(STATUS_SHEET) else ""


def _detail_sheet(book: WorkbookData, campaign: Campaign) -> tuple[SheetData, _Header]:
    named = book.sheet(DETAIL_SHEET)
    candidates = [named] if named is not None else list(book.sheets)
    for sheet in candidates:
        header = _header(sheet, campaign, book.source)
        if header is not None:
            return sheet, header
    expected = f"表头应有一行写着“{UNIT_HEADER}”和各项指标代码，如 {next(campaign.fields()).code}"
    if named is not None:
        raise PreviousUnusable(f"“{book.source}”的“{DETAIL_SHEET}”表的表头不是本程序写出的格式（{expected}），"
                               "不能作为上年同期数据")
    raise PreviousUnusable(f"“{book.source}”中没有本程序写出的“{DETAIL_SHEET}”表（{expected}），不能作为上年同期数据；"
                           "请选择上年用本程序汇总得到的工作簿，或上年各单位退回表所在的文件夹")


def _looks_like_code(text: str) -> bool:
    head, dot, tail = text.partition(".")
    return bool(dot) and len(head) >= 2 and head[0].isalpha() and head[1:].isdigit() and tail[:2].isdigit()


def _header(sheet: SheetData, campaign: Campaign, shown: str) -> _Header | None:
    """The row holding 单位 and field codes to its right, among the first rows; None when there is none."""
    annexes = {f"{form.annex}计入汇总": form.id for form in campaign.forms}
    for r in range(1, min(len(sheet.rows), HEADER_ROWS_SEARCHED) + 1):
        texts = {c: raw_text(v).strip() for c, v in enumerate(sheet.rows[r - 1], start=1) if raw_text(v).strip()}
        unit_cols = [c for c, t in texts.items() if t == UNIT_HEADER]
        codes: dict[str, list[int]] = {}
        for c, t in texts.items():
            code = t.upper()
            if _looks_like_code(code) and unit_cols and c > unit_cols[0]:
                codes.setdefault(code, []).append(c)
        if not unit_cols or not codes:
            continue
        twice = {code: cols for code, cols in codes.items() if len(cols) > 1}
        if twice:
            code, cols = next(iter(twice.items()))
            raise PreviousUnusable(f"“{shown}”的“{sheet.name}”表中指标代码 {code} 出现在 {len(cols)} 列"
                                   f"（{'、'.join(column_letter(c) for c in cols)}），无法判断用哪一列，不能作为上年同期数据")
        counted = {annexes[t]: c for c, t in texts.items() if t in annexes}
        return _Header(r, unit_cols[0], {code: cols[0] for code, cols in codes.items()}, counted)
    return None


def _unit_rows(sheet: SheetData, header: _Header) -> list[tuple[int, str]]:
    """(row, unit name) of each unit below the header: not the labels row, nor 模板单元格, nor the 合计 row."""
    out = []
    for r in range(header.row + 1, len(sheet.rows) + 1):
        name = raw_text(sheet.value(r, header.unit_col)).strip()
        if not name or name == CELLS_LABEL or name.startswith(TOTAL_PREFIX):
            continue
        out.append((r, name))
    return out


def _by_roster_unit(rows: Sequence[tuple[int, str, dict[str, object]]], campaign: Campaign, shown: str,
                    sheet: str, notes: list[str]) -> dict[str, dict[str, Value]]:
    """Each row's figures under this year's roster unit its name matches exactly or once normalised; a name
    matching no unit, or a unit two rows match, gets none (said in ``notes``)."""
    from .roster import roster_index

    index = roster_index(campaign)
    claimed: dict[str, list[tuple[int, str, dict[str, object]]]] = {}
    off: list[str] = []
    for row in rows:
        match = index.match(row[1])
        if match.confirmed and match.unit is not None:
            claimed.setdefault(match.unit.name, []).append(row)
        else:
            off.append(f"“{row[1]}”" + (f"（名单中相近的是“{match.unit.name}”）" if match.unit is not None else ""))
    units: dict[str, dict[str, Value]] = {}
    for unit, found in claimed.items():
        if len(found) > 1:
            lines = "、".join(f"第 {r} 行“{name}”" for r, name, _ in found)
            notes.append(f"“{sheet}”表中{lines}都是今年名单中的“{unit}”，无法判断用哪一行，该单位不作上年同期比较")
            continue
        values = comparable(campaign, found[0][2])
        if values:
            units[unit] = values
    if off:
        notes.append(f"“{sheet}”表中的 {len(off)} 个单位不在今年的单位名单中，未用于上年同期比较："
                     + "、".join(off[:_LISTED]) + (" 等" if len(off) > _LISTED else ""))
    if not units:
        notes.append(f"“{shown}”中没有一个单位与今年的单位名单对得上，各单位的报表不作上年同期比较")
    return units


def _listed(codes: Sequence[str]) -> str:
    return "、".join(codes[:_LISTED]) + (f" 等 {len(codes)} 项" if len(codes) > _LISTED else "")


# --- a folder of last year's returns ------------------------------------------------------------------------


def previous_from_consolidation(result: Consolidation, campaign: Campaign, source: str) -> PreviousYear:
    """Last year's figures from last year's returns, read and consolidated with this year's forms: each roster
    unit's return in use, and the totals of the units counted. Only fields that kept their code and meaning
    (``same_meaning``) are taken: last year's forms printed a renamed or new field's code for another field."""
    keep = same_meaning(campaign)
    fields = list(campaign.fields())
    roster = {u.name for u in campaign.roster}
    units: dict[str, dict[str, Value]] = {}
    for used in result.used:
        if used.unit not in roster:
            continue
        mine = units.setdefault(used.unit, {})
        returned = used.returned
        for i, f in enumerate(fields):
            if f.form_id != used.form or f.code not in keep:
                continue
            raw: object = returned.texts.get(f.code) if f.kind is Kind.YESNO else (
                returned.values[i] if i < len(returned.values) else None)
            value = read_value(None if isinstance(raw, float) and math.isnan(raw) else raw, f, campaign)
            if value is not None:
                mine[f.code] = value
    units = {u: v for u, v in units.items() if v}
    totals: dict[str, Value] = {code: as_number(v) for code, v in result.totals.items()
                                if code in keep and isinstance(v, (int, float)) and not isinstance(v, bool)}
    notes = []
    left_out = [f.code for f in fields if f.code not in keep]
    if left_out:
        notes.append("上年的退回表按今年的表样读取；今年改了代码、合并或新增的指标不作上年同期比较："
                     + _listed(left_out))
    unread = [r.file for r in result.returns if r.error]
    if unread:
        notes.append(f"上年的文件夹中有 {len(unread)} 个文件无法读取，未使用：" + "、".join(unread[:_LISTED])
                     + (" 等" if len(unread) > _LISTED else ""))
    if not units:
        raise PreviousUnusable(f"“{source}”中没有读到今年名单中任何单位的退回表，不能作为上年同期数据")
    return PreviousYear(source, units, totals, tuple(notes), folder=True)
