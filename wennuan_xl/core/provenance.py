"""Where every number of a consolidation came from, at every level recorded: 来源, 下级明细 and 溯源.

The chain of a consolidation is a list of ``Origin``s, depth first: each return read (level 1), and under
a roll-up (a lower union's consolidated workbook) the returns that workbook records, down to the base
unions' files and cells. The 来源 sheet lists the chain, the 下级明细 sheet the lower units' figures
(the same columns as 明细), and a trace (溯源) lists the units, files, cells and values behind one total.
The consolidated workbook carries both sheets, so the next level up reads the chain back
(core/rollup_read.py) and extends it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from .consolidate import OFF_ROSTER, REPORTED, Consolidation, Used
from .forms import Campaign, Field, Kind
from .layout import layout_for
from .messages import format_number
from .rollup import READ_BY_NAME, READ_BY_TEXT, READ_ROLLUP, Origin, counted_origins, shown_unit, via_text
from .tables import (
    DETAIL_FIELD_WIDTH,
    DETAIL_FIXED_WIDTH,
    DETAIL_HEADER_ROWS,
    DETAIL_UNIT_WIDTH,
    SOURCE_SHEET,
    Cell,
    Lazy,
    Row,
    Table,
    detail_fixed,
    detail_header,
    detail_labels,
    number_style,
    text_height,
    total_sheet_name,
    whole,
    yes_no_text,
)
from .workbook import column_letter

SOURCE_HEADERS = ("层级", "经由", "单位", "附件", "文件", "工作表", "读取方式", "计入汇总", "与模板位置不同的单元格")
SOURCE_HEADER_ROW = 2  # 0-based: the header is row 3
SOURCE_INTRO = (
    "数据来源：明细表中每个数取自下列文件的对应工作表，单元格位置见明细表第 3 行，位置不同的在此列出。层级 1 是直接报送本单位的文件；"
    f"读取方式为“{READ_ROLLUP}”的是下级单位用本程序汇总后报送的汇总工作簿，紧接其下的层级 2、3……各行是该汇总表记录的"
    "下级单位的文件（“经由”写明经过哪些汇总表，近的在前），这些单位的数见“下级明细”表。"
)
LOWER_SHEET = "下级明细"
LOWER_FIXED = ("层级", "经由")  # then 明细's own fixed columns: 单位, 上报情况, 附件N计入汇总
LOWER_HINT = "点“汇总”后，下级单位报送了用本程序汇总的汇总表（层层汇总）时，这里是汇总表中记录的下级单位的填报数。"
TRACE_SHEET = "溯源"
TRACE_HINT = "在“汇总-附件1”或“汇总-附件2”表中点选一个汇总数，再点“溯源”：这里列出它来自哪些单位、哪些文件的哪个单元格。"
TRACE_HEADERS = ("层级", "经由", "单位", "附件", "文件", "单元格", "数值", "计入汇总", "说明")
TRACE_HEADER_ROW = 3


def level_one(u: Used, campaign: Campaign, status: str = "", fields: list[Field] | None = None,
              with_values: bool = True) -> Origin:
    """The return a consolidation counted for one unit and annex, as the first link of its chain
    (``with_values=False``: without its figures, for the 来源 sheet, which lists only where they came from)."""
    fields = fields if fields is not None else list(campaign.fields())
    r = u.returned
    values: dict[str, object] = {}
    for i, f in enumerate(fields if with_values else ()):
        if f.form_id != u.form:
            continue
        text = r.texts.get(f.code)
        if text is not None:
            values[f.code] = text
        elif i < len(r.values) and not math.isnan(r.values[i]):
            values[f.code] = whole(r.values[i])
    moved = {c: ref for c, ref in (r.cells or {}).items() if c.startswith(u.form + ".")}
    method = READ_ROLLUP if r.rollup is not None else (READ_BY_TEXT if moved else READ_BY_NAME)
    return Origin(1, (), u.unit, u.form, r.file, r.sheets.get(u.form, ""), method, u.included, moved, values, status)


def chain(result: Consolidation, campaign: Campaign) -> list[Origin]:
    """Every return behind the consolidation, depth first: each return it read, and under each roll-up the
    returns that roll-up records (one level further down, ``via`` the roll-up's unit)."""
    return list(walk(result, campaign))


def walk(result: Consolidation, campaign: Campaign, with_values: bool = True) -> Iterator[Origin]:
    """``chain`` one origin at a time (``with_values=False``: the level-one origins without their figures)."""
    fields = list(campaign.fields())
    status = {r.unit: r.status for r in result.rows if r.status in (REPORTED, OFF_ROSTER)}
    for u in result.used:
        yield level_one(u, campaign, status.get(u.unit, ""), fields, with_values)
        rollup = u.returned.rollup
        if rollup is not None:
            yield from (replace(o, level=o.level + 1, via=(u.unit, *o.via)) for o in rollup.origins if o.form == u.form)


def lower(origins: Iterable[Origin]) -> list[Origin]:
    return [o for o in origins if o.level > 1]


def below_rollups(result: Consolidation) -> list[Origin]:
    """The origins a consolidation's roll-ups record below them (``lower(chain(...))`` without making the
    level-one origins)."""
    return [replace(o, level=o.level + 1, via=(u.unit, *o.via))
            for u in result.used if u.returned.rollup is not None for o in u.returned.rollup.origins if o.form == u.form]


def sources_table(result: Consolidation, campaign: Campaign, origins: Iterable[Origin] | None = None) -> Table:
    """来源: a line per return behind the consolidation (``origins``, default the whole chain, walked as the
    sheet is written: one origin at a time)."""
    annex = {f.id: f.annex for f in campaign.forms}

    def make() -> Iterator[Row]:
        yield 0, {0: Cell(SOURCE_INTRO, "text")}
        yield SOURCE_HEADER_ROW, {col: Cell(text, "header") for col, text in enumerate(SOURCE_HEADERS)}
        for i, o in enumerate(origins if origins is not None else walk(result, campaign, with_values=False),
                              start=SOURCE_HEADER_ROW + 1):
            yield i, {
                0: Cell(o.level, "center"), 1: Cell(via_text(o.via)), 2: Cell(o.unit), 3: Cell(annex[o.form]),
                4: Cell(o.file), 5: Cell(o.sheet), 6: Cell(o.method), 7: Cell("是" if o.included else "否", "center"),
                8: Cell("；".join(f"{c}={ref}" for c, ref in o.moved.items()), "cell_wrap"),
            }

    widths = tuple((i, i, float(w)) for i, w in enumerate((6, 24, 24, 8, 44, 14, 14, 9, 80)))
    return Table(SOURCE_SHEET, Lazy(make), widths, header_row=SOURCE_HEADER_ROW)


def lower_detail_table(result: Consolidation, campaign: Campaign, origins: list[Origin] | None = None) -> Table | None:
    """下级明细: one row per unit below a roll-up (its level, the roll-ups it came through), the columns of 明细.
    These figures are already inside the roll-ups' own figures in 明细: the sheet has no total row. None
    when no roll-up records anything below it."""
    below = lower(origins) if origins is not None else below_rollups(result)
    if not below:
        return None
    fields = tuple(campaign.fields())
    fixed = LOWER_FIXED + detail_fixed(campaign)
    header = detail_header(campaign, fixed)
    rows: dict[tuple[int, tuple[str, ...], str], dict[str, Origin]] = {}
    for o in below:
        rows.setdefault((o.level, o.via, o.unit), {})[o.form] = o
    first = len(fixed)
    out: list[Row] = list(header)
    for r, ((level, via, unit), per_form) in enumerate(rows.items(), start=DETAIL_HEADER_ROWS):
        any_origin = next(iter(per_form.values()))
        cells = {0: Cell(level, "center"), 1: Cell(via_text(via)), 2: Cell(unit), 3: Cell(any_origin.status)}
        for k, form in enumerate(campaign.forms):
            sent = per_form.get(form.id)
            cells[4 + k] = Cell("" if sent is None else ("是" if sent.included else "否"), "center")
        for i, f in enumerate(fields):
            sent = per_form.get(f.form_id)
            value = sent.values.get(f.code) if sent is not None else None
            if value is None:
                cells[first + i] = Cell(None)
            elif isinstance(value, str):
                cells[first + i] = Cell(value, "cell" if f.kind is Kind.YESNO else "error")
            else:
                cells[first + i] = Cell(value, number_style(f) if sent is not None and sent.included else "grey")
        out.append((r, cells))
    widths = ((0, 0, 6.0), (1, 1, DETAIL_UNIT_WIDTH), (2, 2, DETAIL_UNIT_WIDTH), (3, first - 1, DETAIL_FIXED_WIDTH),
              (first, first + len(fields) - 1, DETAIL_FIELD_WIDTH))
    heights = {0: max(text_height(t, DETAIL_FIXED_WIDTH) for t in fixed),
               1: max(text_height(t, DETAIL_FIELD_WIDTH) for t in detail_labels(campaign))}
    return Table(LOWER_SHEET, out, widths, heights, freeze=(DETAIL_HEADER_ROWS, 3), page="wide", header_row=0)


# --- 溯源: the units, files and cells behind one total -------------------------------------------------


@dataclass(frozen=True)
class TraceLine:
    origin: Origin
    value: object  # number, text, or None (blank)
    cell: str  # "sheet!A1" in the origin's file
    counted: bool  # inside the total traced: counted at its level and every roll-up above it counted


def trace(origins: Iterable[Origin], code: str, campaign: Campaign) -> list[TraceLine]:
    """Every origin of ``code``'s annex, in chain order, with its value and cell."""
    form = campaign.field(code).form_id
    mine = [o for o in origins if o.form == form]
    counted = {o.key for o in counted_origins(mine, form)}
    return [TraceLine(o, o.values.get(code), o.cell(code, campaign), o.key in counted) for o in mine]


def caption(f: Field) -> str:
    return f"{f.number} {f.short or f.label}"


def _amount(value: object, f: Field) -> str:
    if isinstance(value, dict):
        return yes_no_text(value)
    if value is None:
        return "（空白）"
    if isinstance(value, str):
        return f"“{value}”"
    return f"{format_number(value, f.kind is Kind.MONEY)} {f.unit}"


def _sum(lines: list[TraceLine]) -> object:
    numbers = [line.value for line in lines if isinstance(line.value, (int, float)) and not isinstance(line.value, bool)]
    return whole(round(sum(float(v) for v in numbers), 6)) if numbers else None


def _yes_no(lines: list[TraceLine]) -> dict[str, int]:
    return {"是": sum(1 for line in lines if line.value == "是"), "否": sum(1 for line in lines if line.value == "否")}


def trace_summary(lines: list[TraceLine], code: str, total: object, campaign: Campaign) -> list[str]:
    """One sentence per level and roll-up: what the counted lines add up to."""
    f = campaign.field(code)
    add = _yes_no if f.kind is Kind.YESNO else _sum
    top = [line for line in lines if line.origin.level == 1 and line.counted]
    out = [f"层级 1：计入汇总的 {len(top)} 个单位合计 {_amount(add(top), f)}，汇总数为 {_amount(total, f)}。"]
    for line in lines:
        if not (line.origin.rollup and line.counted):
            continue
        level, via = line.origin.below(line.origin.unit)
        children = [x for x in lines if x.origin.level == level and x.origin.via == via and x.counted]
        out.append(f"{shown_unit(line.origin.unit, line.origin.via)}的汇总表（层级 {line.origin.level}）：其下计入汇总的 "
                   f"{len(children)} 个单位合计 {_amount(add(children), f)}，该汇总表中的数为 {_amount(line.value, f)}。")
    return out


def trace_table(lines: list[TraceLine], code: str, total: object, campaign: Campaign) -> Table:
    f = campaign.field(code)
    form = campaign.form(f.form_id)
    annex = form.annex
    where = f"{total_sheet_name(campaign, f.form_id)}!" + _a1(campaign, code)
    out: list[Row] = [
        (0, {0: Cell(f"溯源：{caption(f)}（{f.unit}），{where} 的汇总数 {_amount(total, f)}", "heading")}),
        (1, {0: Cell("下表列出这个数来自哪些单位的哪个文件、哪个单元格：层级 1 是直接报送本单位的文件；层级 2 起是下级汇总表中记录的"
                     "各单位的文件（“经由”写明经过哪些汇总表，近的在前）。计入汇总为“否”的数不在汇总数内。", "text")}),
        (TRACE_HEADER_ROW - 1, {c: Cell(t, "header") for c, t in enumerate(TRACE_HEADERS)}),
    ]
    row = TRACE_HEADER_ROW
    for line in lines:
        o = line.origin
        value = line.value
        if isinstance(value, str) and f.kind is not Kind.YESNO:
            note, shown = f"不是数字，未计入（填写的是“{value}”）", Cell(value, "error")
        elif value is None:
            note, shown = "未填", Cell(None)
        else:
            note, shown = "", Cell(value, number_style(f) if line.counted else "grey")
        if o.rollup:
            note = "；".join(x for x in (f"{READ_ROLLUP}，其下各单位见下面层级 {o.level + 1} 的各行", note) if x)
        if not line.counted and o.included:
            note = "；".join(x for x in ("所在的下级汇总表未计入汇总", note) if x)
        out.append((row, {
            0: Cell(o.level, "center"), 1: Cell(via_text(o.via)), 2: Cell("　" * (o.level - 1) + o.unit), 3: Cell(annex),
            4: Cell(o.file), 5: Cell(line.cell), 6: shown, 7: Cell("是" if o.included else "否", "center"),
            8: Cell(note, "cell_wrap"),
        }))
        row += 1
    row += 1
    for sentence in trace_summary(lines, code, total, campaign):
        out.append((row, {0: Cell(sentence, "text")}))
        row += 1
    widths = tuple((i, i, float(w)) for i, w in enumerate((6, 24, 28, 8, 40, 16, 14, 9, 44)))
    return Table(TRACE_SHEET, out, widths, freeze=(TRACE_HEADER_ROW, 3), header_row=TRACE_HEADER_ROW - 1)


def trace_message(lines: list[TraceLine], code: str, total: object, campaign: Campaign) -> str:
    """The message box after 溯源: the total, how many returns at each level, where the list is."""
    f = campaign.field(code)
    top = [line for line in lines if line.origin.level == 1]
    rollups = [line for line in top if line.origin.rollup and line.counted]
    deeper = [line for line in lines if line.origin.level > 1 and line.counted and not line.origin.rollup]
    text = (f"{caption(f)}：汇总数 {_amount(total, f)}，来自 {sum(1 for x in top if x.counted)} 个单位报送的文件"
            + (f"（另有 {sum(1 for x in top if not x.counted)} 个未计入汇总）" if any(not x.counted for x in top) else ""))
    if rollups:
        text += f"，其中 {len(rollups)} 个是下级汇总表，共含 {len(deeper)} 个下级单位的报表"
    return text + f"。\n各单位、文件、单元格和数值已列在“{TRACE_SHEET}”表中。"


def _a1(campaign: Campaign, code: str) -> str:
    row, col = layout_for(campaign.form(campaign.field(code).form_id)).field_cell(code)
    return f"{column_letter(col)}{row}"
