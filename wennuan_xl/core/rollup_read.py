"""A consolidated workbook of this program read back: as a lower union's return (层层汇总), and, on the
master, as the record 溯源 lists a total's sources from.

It is recognised by its own sheets (汇总-附件N, 上报情况, 明细, 来源), never guessed at, and read by the
places and headers this program writes: each 汇总 sheet's field rows by the codes they print, its
填报单位 and 单位个数; 明细's units and their values; 来源's chain; 下级明细's lower units. Everything is held
against everything else (each total against the units counted in 明细, each roll-up's figures against its
units below, 单位个数 against 明细): a workbook edited by hand or damaged is refused, naming the sheet and
the cell, rather than read with figures whose source cannot be shown.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .findings import ReturnUnusable
from .forms import Campaign, Field, Form, Kind
from .layout import CODE_COL, HEADERS, VALUE_COL, layout_for
from .locate import LocatedForm, ReturnData
from .provenance import LOWER_FIXED, LOWER_SHEET, SOURCE_HEADER_ROW, SOURCE_HEADERS
from .rollup import CHAIN, READ_METHODS, Origin, Rollup, StatusLine, counted_origins
from .roster_rows import cell_text as _text
from .tables import (
    DETAIL_HEADER_ROWS,
    DETAIL_SHEET,
    DETAIL_TOTAL_LABEL,
    SOURCE_SHEET,
    STATUS_SHEET,
    detail_fixed,
    total_sheet_name,
    whole,
)
from .values import NO, YES
from .workbook import CellRef, SheetData, WorkbookData, column_letter

STATUS_HEADER_ROW = 4  # 1-based, as core/tables.status_table writes it
STATUS_COLUMNS = ("序号", "单位", "上报情况", "文件", "计入汇总")
_COUNT_LINE = re.compile(r"单位个数：本表汇总 (\d+) 个单位（名单中应报 (\d+) 个）")
_YES_NO = re.compile(r"是 (\d+) 个，否 (\d+) 个")
_MOVED_SPLIT = re.compile(r"；(?=[A-Za-z0-9]+\.[A-Za-z0-9]+=)")


class RollupError(Exception):
    """What in a consolidated workbook is not as this program writes it; the text names the sheet and the cell."""


class NoResults(RollupError):
    """A master (or a copy of it) that has not been consolidated: its 汇总 sheets hold only their hints."""


@dataclass(frozen=True)
class Record:
    """What a consolidated workbook says: who made it, its totals, and every return behind them."""

    unit: str
    sheets: dict[str, str]  # form -> its 汇总 sheet
    cover: dict[str, dict[str, object]]  # form -> cover key -> as written
    totals: dict[str, object]  # code -> number, None (blank) or {"是": n, "否": m}
    counts: dict[str, int]  # form -> 单位个数
    expected: int
    origins: tuple[Origin, ...]
    statuses: tuple[StatusLine, ...] = ()


def marked(book: WorkbookData, campaign: Campaign) -> bool:
    """A workbook with a 汇总 sheet of the campaign's annexes and two of 上报情况, 明细, 来源: one of ours."""
    names = {s.name for s in book.sheets}
    ours = len(names & {STATUS_SHEET, DETAIL_SHEET, SOURCE_SHEET})
    return ours >= 2 and any(total_sheet_name(campaign, f.id) in names for f in campaign.forms)


def read_rollup(book: WorkbookData, campaign: Campaign) -> tuple[ReturnData, Rollup]:
    """A lower union's consolidated workbook as its return: the 汇总 sheets' figures as its own, and what
    it records below them. ReturnUnusable, in Chinese naming the sheet and cell, when it cannot be trusted."""
    try:
        record = read_record(book, campaign)
    except NoResults as exc:
        raise ReturnUnusable(book.source, f"这是本程序的主工作簿（或汇总工作簿），但其中还没有汇总结果（{exc}），没有可用的数；"
                                          "请报送单位点“汇总”后再发送") from None
    except RollupError as exc:
        raise ReturnUnusable(book.source, f"这是本程序生成的汇总表，但{exc}：表格可能被改动过或已损坏，无法确定各数的来历，"
                                          "未读取；请报送单位重新汇总后直接发送程序生成的文件，不要改动其中的表格") from None
    sent = [f for f in campaign.forms if record.counts.get(f.id)]
    if not sent:
        raise ReturnUnusable(book.source, f"这是{record.unit}用本程序生成的汇总表，但其中没有计入汇总的单位（各汇总表的单位个数都是 0），"
                                          "没有可用的数")
    forms = tuple(_located(campaign, form, record) for form in sent)
    yes_no = {code: dict(v) for code, v in record.totals.items() if isinstance(v, dict)}
    rollup = Rollup(record.unit, dict(record.counts), record.expected, yes_no, record.statuses, record.origins)
    return ReturnData(book.source, forms), rollup


def _located(campaign: Campaign, form: Form, record: Record) -> LocatedForm:
    layout = layout_for(form)
    sheet = record.sheets[form.id]
    cells: dict[str, CellRef | None] = {}
    raw: dict[str, object] = {}
    for r in layout.rows:
        if r.field is None:
            continue
        cells[r.field.code] = CellRef(sheet, r.row, VALUE_COL)
        total = record.totals.get(r.field.code)
        if isinstance(total, dict):  # the roll-up as one unit answers 是 when any of its units does
            raw[r.field.code] = YES if total.get(YES) else (NO if total.get(NO) else None)
        else:
            raw[r.field.code] = total
    cover_cells: dict[str, CellRef | None] = {k: CellRef(sheet, *rc) for k, rc in layout.cover_cells.items()}
    return LocatedForm(form.id, sheet, "rollup", cells, raw, cover_cells, dict(record.cover[form.id]),
                       how={code: "code" for code in cells})


def read_record(book: WorkbookData, campaign: Campaign, statuses: bool = True) -> Record:
    """Every sheet of a consolidated workbook checked and read; RollupError names what is not as written.
    ``statuses``: read 上报情况 too (a roll-up's); 溯源 on the master needs only the totals and the chain."""
    needed = [DETAIL_SHEET, SOURCE_SHEET] + ([STATUS_SHEET] if statuses else [])
    for name in needed:
        if book.sheet(name) is None:
            raise RollupError(f"缺少“{name}”工作表")
    totals: dict[str, object] = {}
    counts: dict[str, int] = {}
    cover: dict[str, dict[str, object]] = {}
    sheets: dict[str, str] = {}
    units: dict[str, str] = {}
    expected = 0
    for form in campaign.forms:
        name = total_sheet_name(campaign, form.id)
        sheet = book.sheet(name)
        if sheet is None:
            continue
        if not any(_text(v) for row in sheet.rows[1:] for v in row):  # one line at most: the master's hint
            raise NoResults(f"工作表“{name}”是空的")
        unit, form_cover, form_totals, counts[form.id], expected = _total_sheet(sheet, form)
        units[name], cover[form.id], sheets[form.id] = unit, form_cover, name
        totals.update(form_totals)
    if not sheets:
        raise RollupError(f"没有{'、'.join(f'“{total_sheet_name(campaign, f.id)}”' for f in campaign.forms)}工作表")
    if len(set(units.values())) > 1:
        shown = "、".join(f"“{n}”中是“{u}”" for n, u in units.items())
        raise RollupError(f"各汇总表的填报单位不一致（{shown}）")
    unit = next(iter(units.values()))
    detail = _units(_sheet(book, DETAIL_SHEET), campaign, lower=False)
    sources = _sheet(book, SOURCE_SHEET)
    # 下级明细 is read when 来源 lists returns below a roll-up, and must then be there; without them, a sheet of
    # that name is not looked at (the master keeps one, emptied, after a consolidation without roll-ups).
    lower = _units(_sheet(book, LOWER_SHEET), campaign, lower=True) if _has_lower(sources) else {}
    origins = _sources(sources, campaign, detail, lower)
    _check_sums(campaign, origins, totals, counts, sheets)
    lines = _statuses(_sheet(book, STATUS_SHEET)) if statuses else ()
    return Record(unit, sheets, cover, totals, counts, expected, tuple(origins), lines)


def _sheet(book: WorkbookData, name: str) -> SheetData:
    sheet = book.sheet(name)
    if sheet is None:
        raise RollupError(f"缺少“{name}”工作表")
    return sheet


def _where(sheet: SheetData, row: int, col: int) -> str:
    return f"工作表“{sheet.name}”的 {column_letter(col)}{row}"


def _shown(value: object) -> str:
    return "空白" if value in (None, "") else f"“{value}”"


def _bad(sheet: SheetData, row: int, col: int, wanted: str) -> RollupError:
    return RollupError(f"{_where(sheet, row, col)} 应为{wanted}，现在是{_shown(sheet.value(row, col))}")


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _total_sheet(sheet: SheetData, form: Form) -> tuple[str, dict[str, object], dict[str, object], int, int]:
    layout = layout_for(form)
    for col, text in enumerate(HEADERS, start=1):
        if _text(sheet.value(layout.header_row, col)) != text:
            raise _bad(sheet, layout.header_row, col, f"表头“{text}”")
    totals: dict[str, object] = {}
    for r in layout.rows:
        if r.field is None:
            continue
        f = r.field
        if _text(sheet.value(r.row, CODE_COL)) != f.code:
            raise _bad(sheet, r.row, CODE_COL, f"指标代码 {f.code}")
        value = sheet.value(r.row, VALUE_COL)
        if f.kind is Kind.YESNO:
            m = _YES_NO.fullmatch(_text(value))
            if not m:
                raise _bad(sheet, r.row, VALUE_COL, f"{f.number} 的汇总“是 N 个，否 M 个”")
            totals[f.code] = {YES: int(m.group(1)), NO: int(m.group(2))}
        elif value is None or _number(value):
            totals[f.code] = whole(value)
        else:
            raise _bad(sheet, r.row, VALUE_COL, f"{f.number} {f.short or f.label}的汇总数（数字）")
    row = layout.rows[-1].row + 2
    m = _COUNT_LINE.match(_text(sheet.value(row, 1)))
    if not m:
        raise _bad(sheet, row, 1, "“单位个数：本表汇总 N 个单位（名单中应报 M 个）”")
    cover = {c.key: sheet.value(*layout.cover_cells[c.key]) for c in form.cover}
    unit = _text(cover.get("UNIT"))
    if not unit:
        raise _bad(sheet, *layout.cover_cells["UNIT"], "填报单位")
    return unit, cover, totals, int(m.group(1)), int(m.group(2))


@dataclass(frozen=True)
class _Unit:
    row: int
    status: str
    sent: dict[str, bool]  # form -> 计入汇总, for the annexes the unit sent
    values: dict[str, object]  # code -> number or text


def _units(sheet: SheetData, campaign: Campaign, lower: bool) -> dict[tuple[int, tuple[str, ...], str], _Unit]:
    """明细's unit rows by (1, (), unit), or 下级明细's by (level, via, unit)."""
    fields = list(campaign.fields())
    fixed = (LOWER_FIXED if lower else ()) + detail_fixed(campaign)
    for col, text in enumerate(fixed + tuple(f.code for f in fields), start=1):
        if _text(sheet.value(1, col)) != text:
            raise _bad(sheet, 1, col, f"表头“{text}”")
    offset = len(LOWER_FIXED) if lower else 0
    first = len(fixed)
    out: dict[tuple[int, tuple[str, ...], str], _Unit] = {}
    row = DETAIL_HEADER_ROWS + 1
    name_col = offset + 1
    while True:
        if row > len(sheet.rows):
            if lower:
                break
            raise RollupError(f"工作表“{sheet.name}”没有“{DETAIL_TOTAL_LABEL}”一行")
        name = _text(sheet.value(row, name_col))
        if not lower and name == DETAIL_TOTAL_LABEL:
            break
        if lower and not any(_text(v) for v in sheet.rows[row - 1]):
            break
        if not name:
            raise _bad(sheet, row, name_col, "单位名称")
        level, via = (_level(sheet, row), _via(sheet, row)) if lower else (1, ())
        if lower and len(via) != level - 1:
            raise _bad(sheet, row, 2, f"层级 {level} 的经由（{level - 1} 个单位，以“{CHAIN.strip()}”隔开）")
        sent: dict[str, bool] = {}
        for k, form in enumerate(campaign.forms):
            col = offset + 3 + k
            flag = _text(sheet.value(row, col))
            if flag in (YES, NO):
                sent[form.id] = flag == YES
            elif flag:
                raise _bad(sheet, row, col, "“是”“否”或空白")
        values: dict[str, object] = {}
        for i, f in enumerate(fields):
            v = sheet.value(row, first + 1 + i)
            if v is None or v == "":
                continue
            if _number(v):
                values[f.code] = whole(v)
            elif isinstance(v, str):
                values[f.code] = v
            else:
                raise _bad(sheet, row, first + 1 + i, f"{f.code} 的数值")
        key = (level, via, name)
        if key in out:
            raise RollupError(f"{_where(sheet, row, name_col)}：单位“{name}”出现了两次（第 {out[key].row} 行和第 {row} 行）")
        out[key] = _Unit(row, _text(sheet.value(row, offset + 2)), sent, values)
        row += 1
    return out


def _has_lower(sources: SheetData) -> bool:
    level = SOURCE_HEADERS.index("层级")
    return any(len(r) > level and _number(r[level]) and r[level] > 1 for r in sources.rows[SOURCE_HEADER_ROW + 1:])  # type: ignore[operator]


def _level(sheet: SheetData, row: int, col: int = 1) -> int:
    value = sheet.value(row, col)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not float(value).is_integer() or value < 1:
        raise _bad(sheet, row, col, "层级（1、2、3……）")
    return int(value)


def _via(sheet: SheetData, row: int, col: int = 2) -> tuple[str, ...]:
    text = _text(sheet.value(row, col))
    return tuple(part.strip() for part in text.split(CHAIN.strip())) if text else ()


def _sources(sheet: SheetData, campaign: Campaign, detail: dict, lower: dict) -> list[Origin]:
    header = SOURCE_HEADER_ROW + 1
    for col, text in enumerate(SOURCE_HEADERS, start=1):
        if _text(sheet.value(header, col)) != text:
            raise _bad(sheet, header, col, f"表头“{text}”")
    annexes = {f.annex: f.id for f in campaign.forms}
    at = {text: i for i, text in enumerate(SOURCE_HEADERS, start=1)}
    origins: list[Origin] = []
    seen: dict[tuple, int] = {}
    row = header + 1
    while row <= len(sheet.rows) and any(_text(v) for v in sheet.rows[row - 1]):
        level, via = _level(sheet, row, at["层级"]), _via(sheet, row, at["经由"])
        if len(via) != level - 1:
            raise _bad(sheet, row, at["经由"], f"层级 {level} 的经由（{level - 1} 个单位，以“{CHAIN.strip()}”隔开）")
        unit = _text(sheet.value(row, at["单位"]))
        if not unit:
            raise _bad(sheet, row, at["单位"], "单位名称")
        form = annexes.get(_text(sheet.value(row, at["附件"])))
        if form is None:
            raise _bad(sheet, row, at["附件"], "、".join(annexes))
        method = _text(sheet.value(row, at["读取方式"]))
        if method not in READ_METHODS:
            raise _bad(sheet, row, at["读取方式"], "、".join(READ_METHODS))
        included = _text(sheet.value(row, at["计入汇总"]))
        if included not in (YES, NO):
            raise _bad(sheet, row, at["计入汇总"], "“是”或“否”")
        moved = _moved(sheet, row, at["与模板位置不同的单元格"], campaign, form)
        key = (level, via, unit, form)
        if key in seen:
            raise RollupError(f"{_where(sheet, row, at['单位'])}：{unit}的{campaign.form(form).annex}出现了两次（第 {seen[key]} 行和第 {row} 行）")
        seen[key] = row
        units, where = (detail, DETAIL_SHEET) if level == 1 else (lower, LOWER_SHEET)
        found = units.get((level, via, unit))
        if found is None or form not in found.sent:
            raise RollupError(f"{_where(sheet, row, at['单位'])} 的{unit}（{campaign.form(form).annex}）在“{where}”表中没有对应的一行")
        if found.sent[form] != (included == YES):
            raise RollupError(f"{_where(sheet, row, at['计入汇总'])} 的计入汇总“{included}”与“{where}”表第 {found.row} 行不一致")
        values = {c: v for c, v in found.values.items() if c.startswith(form + ".")}
        origins.append(Origin(level, via, unit, form, _text(sheet.value(row, at["文件"])), _text(sheet.value(row, at["工作表"])),
                              method, included == YES, moved, values, found.status))
        row += 1
    listed = {(o.level, o.via, o.unit, o.form) for o in origins}
    for units, where in ((detail, DETAIL_SHEET), (lower, LOWER_SHEET)):
        for (level, via, unit), found in units.items():
            for form in found.sent:
                if (level, via, unit, form) not in listed:
                    raise RollupError(f"“{where}”表第 {found.row} 行的{unit}（{campaign.form(form).annex}）在“{SOURCE_SHEET}”表中没有来源")
    by_key = {o.key: o for o in origins}
    for o in origins:
        parent = o.parent
        if parent is not None and (parent not in by_key or not by_key[parent].rollup):
            raise RollupError(f"“{SOURCE_SHEET}”表第 {seen[o.key]} 行的{o.unit}经由“{CHAIN.join(o.via)}”，"
                              f"但该表中没有对应的下级汇总表")
    return origins


def _moved(sheet: SheetData, row: int, col: int, campaign: Campaign, form: str) -> dict[str, str]:
    text = _text(sheet.value(row, col))
    out: dict[str, str] = {}
    if not text:
        return out
    for part in _MOVED_SPLIT.split(text):
        code, sep, ref = part.partition("=")
        if not sep or "!" not in ref or not campaign.has_field(code) or not code.startswith(form + "."):
            raise _bad(sheet, row, col, "“指标代码=工作表!单元格”，以“；”隔开")
        out[code] = ref
    return out


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 + 1e-9 * max(abs(a), abs(b))


def _check_sums(campaign: Campaign, origins: list[Origin], totals: dict[str, object], counts: dict[str, int],
                sheets: dict[str, str]) -> None:
    """Each total equals its counted units; each roll-up's figures equal its counted units below."""
    for form_id, sheet in sheets.items():
        form = campaign.form(form_id)
        top = [o for o in origins if o.level == 1 and o.form == form_id and o.included]
        if counts[form_id] != len(top):
            row = layout_for(form).rows[-1].row + 2
            raise RollupError(f"工作表“{sheet}”的 A{row} 写明本表汇总 {counts[form_id]} 个单位，但“{DETAIL_SHEET}”表中计入汇总的有 {len(top)} 个")
        # 是/否 totals count the answers of the base returns (a roll-up's own 是 stands for its units as a whole)
        leaves = [o for o in counted_origins(origins, form_id) if not o.rollup]
        for f in form.fields:
            problem = _mismatch(f, totals.get(f.code), leaves if f.kind is Kind.YESNO else top)
            if problem:
                row, col = layout_for(form).field_cell(f.code)
                where = DETAIL_SHEET if f.kind is not Kind.YESNO or all(o.level == 1 for o in leaves) else f"{DETAIL_SHEET}”“{LOWER_SHEET}"
                raise RollupError(f"工作表“{sheet}”的 {column_letter(col)}{row}（{f.number} {f.short or f.label}）是 {problem[0]}，"
                                  f"而“{where}”表中计入汇总的各单位合计 {problem[1]}")
    children: dict[tuple, list[Origin]] = {}
    for o in origins:
        if o.parent is not None and o.included:
            children.setdefault(o.parent, []).append(o)
    for o in origins:
        if not o.rollup:
            continue
        for f in campaign.form(o.form).fields:
            if f.kind is Kind.YESNO:
                continue  # a roll-up's own 是/否 answers for its units as a whole; its units' answers are counted apart
            problem = _mismatch(f, o.values.get(f.code), children.get(o.key, []))
            if problem:
                where = DETAIL_SHEET if o.level == 1 else LOWER_SHEET
                raise RollupError(f"“{where}”表中{o.unit}（下级汇总表）的 {f.code} 是 {problem[0]}，而“{LOWER_SHEET}”表中"
                                  f"它计入汇总的下级单位合计 {problem[1]}")


def _mismatch(f: Field, total: object, units: list[Origin]) -> tuple[str, str] | None:
    """(total shown, sum shown) when ``total`` is not what ``units`` add up to; None when it is."""
    values = [o.values.get(f.code) for o in units]
    if f.kind is Kind.YESNO:
        counted = {YES: sum(1 for v in values if v == YES), NO: sum(1 for v in values if v == NO)}
        if isinstance(total, dict) and {YES: total.get(YES, 0), NO: total.get(NO, 0)} != counted:
            return (f"是 {total.get(YES, 0)} 个，否 {total.get(NO, 0)} 个", f"是 {counted[YES]} 个，否 {counted[NO]} 个")
        return None
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and _number(v)]
    if not numbers:
        return None if total is None else (_text(total), "空白")
    added = sum(numbers)
    if not isinstance(total, (int, float)) or not _number(total) or not _close(float(total), added):
        return ("空白" if total is None else _text(total), _text(whole(round(added, 6))))
    return None


def _statuses(sheet: SheetData) -> tuple[StatusLine, ...]:
    header = {_text(sheet.value(STATUS_HEADER_ROW, c)): c for c in range(1, len(sheet.rows[STATUS_HEADER_ROW - 1]) + 1)
              } if len(sheet.rows) >= STATUS_HEADER_ROW else {}
    for name in STATUS_COLUMNS:
        if name not in header:
            raise RollupError(f"工作表“{sheet.name}”第 {STATUS_HEADER_ROW} 行没有“{name}”栏")
    out: list[StatusLine] = []
    row = STATUS_HEADER_ROW + 1
    while _text(sheet.value(row, header["序号"])):
        status = _text(sheet.value(row, header["上报情况"]))
        if not status:
            raise _bad(sheet, row, header["上报情况"], "上报情况（已报、未报……）")
        out.append(StatusLine(_text(sheet.value(row, header["单位"])), status, _text(sheet.value(row, header["文件"])),
                              _text(sheet.value(row, header["计入汇总"])) == YES))
        row += 1
    return tuple(out)

