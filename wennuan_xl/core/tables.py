"""The consolidated workbook's sheets as plain rows: what each cell holds, with light formatting hints.

One source of truth for every shell that writes the consolidation: the xlsxwriter file writer
(files/consolidated.py) and the live Excel writer (excel/write.py) render these tables, each in its own
way. A ``Cell`` carries its value and a style name ("header", "error", "count", ...) that each writer maps
to its own formats; a row is ``(row, {col: Cell})`` with 0-based row and column, in ascending row order.
The long sheets' rows are generated lazily (``Lazy``), and each table only when a writer comes to it, so the
file writer keeps its constant memory.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from .consolidate import MISSING, REPORTED, TOTAL_UNIT, UNREADABLE, Consolidation, Used
from .dates import chinese_date
from .findings import Finding, Severity
from .findings_table import BLANK, ERROR, EXPLAINED, HEADING, NOTE, WARNING, Column, FindingRow, finding_rows
from .findings_table import columns as findings_columns
from .forms import Campaign, Field, Kind
from .layout import CODE_COL, HEADERS, ITEM_COL, LABEL_COL, UNIT_COL, VALUE_COL, layout_for
from .values import NO, YES
from .workbook import column_letter

STATUS_SHEET, FINDINGS_SHEET, DETAIL_SHEET, SOURCE_SHEET, CHART_SHEET = "上报情况", "审核结果", "明细", "来源", "图表"


@dataclass(frozen=True)
class Cell:
    value: object = None  # str (always written as text), int/float, or None (a blank cell with a style)
    style: str = "cell"
    link: str | None = None  # an internal hyperlink target: "'汇总-附件1'!E9"
    formula: str | None = None  # an Excel formula; ``value`` is its result when the workbook is opened


Row = tuple[int, dict[int, Cell]]
T = TypeVar("T")


class Lazy(Generic[T]):
    """A table's rows, made again by ``make`` each time they are iterated: a sheet of one line per unit (上报情况,
    明细, 来源) is never held whole, so ten thousand units cost the writer no more memory than sixteen, and a
    writer that reads the rows twice (the live Excel writer) gets them twice."""

    def __init__(self, make: Callable[[], Iterator[T]]):
        self.make = make

    def __iter__(self) -> Iterator[T]:
        return self.make()


@dataclass
class Table:
    name: str
    rows: Iterable[Row]
    widths: tuple[tuple[int, int, float], ...] = ()  # (first col, last col, width)
    heights: dict[int, float] = field(default_factory=dict)  # 0-based row -> height
    merges: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # top-left -> bottom-right
    freeze: tuple[int, int] | None = None
    autofilter: tuple[int, int, int, int] | None = None
    page: str = "landscape"  # "form": portrait, centred, with a print area; "landscape": a list
    header_row: int = 0  # repeated on every printed page
    print_area: tuple[int, int, int, int] | None = None


def total_sheet_name(campaign: Campaign, form_id: str) -> str:
    return f"汇总-{campaign.form(form_id).annex}"


def number_style(f: Field, total: bool = False) -> str:
    return ("total_" if total else "") + ("money" if f.kind is Kind.MONEY else "count")


def yes_no_text(counts: dict) -> str:
    return f"是 {counts.get(YES, 0)} 个，否 {counts.get(NO, 0)} 个"


def consolidation_tables(result: Consolidation, campaign: Campaign, day: dt.date | None = None,
                         resubmit_by: dt.date | None = None) -> Iterator[Table]:
    """Every sheet of the consolidated workbook except the chart, in workbook order; ``day`` is the
    汇总 sheets' 填报日期 (blank without one) and the 催报清单's date (today without one), which asks for
    returns to correct by ``resubmit_by`` (None: ``day`` plus the campaign's working days). Each table is
    made when the writer comes to it, after the one before was written."""
    from .remind import remind_dates, remind_table

    for form in campaign.forms:
        yield total_table(result, campaign, form.id, day)
    yield status_table(result, campaign)
    yield remind_table(result, campaign, remind_dates(campaign, day or dt.date.today(), resubmit_by))
    yield findings_table(result, campaign)
    yield detail_table(result, campaign)
    yield from provenance_tables(result, campaign)
    if result.lists is not None:  # issue #16: 实名制汇总, 实名制重复, 实名制核对
        from .namelist.spec import namelist_spec
        from .namelist.tables import namelist_tables

        spec = namelist_spec(campaign)
        if spec is not None:
            yield from namelist_tables(result.lists, campaign, spec)


def provenance_tables(result: Consolidation, campaign: Campaign) -> list[Table]:
    """来源, and 下级明细 when a roll-up records returns below it (core/provenance.py)."""
    from .provenance import lower_detail_table, sources_table

    lower = lower_detail_table(result, campaign)
    return [sources_table(result, campaign), *([lower] if lower is not None else [])]


def unit_count_line(result: Consolidation, campaign: Campaign, form_id: str) -> str:
    """The 汇总 sheet's 单位个数, with the base returns inside the lower unions' roll-ups (层层汇总)."""
    counted = result.unit_counts.get(form_id, 0)
    expected = sum(1 for u in campaign.roster if u.included)
    line = f"单位个数：本表汇总 {counted} 个单位（名单中应报 {expected} 个）。"
    rollups = sum(1 for u in result.used if u.form == form_id and u.included and u.returned.rollup is not None)
    if rollups:
        line += f"其中 {rollups} 个是下级单位的汇总表，按最基层的报表计共 {result.base_counts.get(form_id, counted)} 个单位。"
    return line


def total_table(result: Consolidation, campaign: Campaign, form_id: str, day: dt.date | None = None) -> Table:
    """The annex's form with the totals: filled in by the issuer (填报单位), its contact (填报人, 联系电话)
    and the day of the consolidation (填报日期), frozen under its header row."""
    form = campaign.form(form_id)
    layout = layout_for(form)
    rows: dict[int, dict[int, Cell]] = {}

    def put(row: int, col: int, cell: Cell) -> None:  # 1-based, as the layout counts
        rows.setdefault(row - 1, {})[col - 1] = cell

    merges = {}
    heights = {layout.title_row - 1: 30.0}
    put(layout.annex_row, 1, Cell(form.annex, "bold"))
    put(layout.title_row, 1, Cell(f"{form.title}（汇总）", "title"))
    merges[(layout.title_row - 1, 0)] = (layout.title_row - 1, VALUE_COL - 1)
    cover_text = {"UNIT": campaign.issuer, "PERSON": campaign.contact.person, "PHONE": campaign.contact.phone,
                  "DATE": chinese_date(day) if day is not None else ""}
    for c in form.cover:
        row, col = layout.cover_labels[c.key]
        put(row, col, Cell(c.label + "：", "text"))
        vrow, vcol = layout.cover_cells[c.key]
        if cover_text.get(c.key):
            put(vrow, vcol, Cell(cover_text[c.key], "text"))
    for row, text in zip(layout.note_rows, form.notes):
        put(row, 1, Cell(text, "text"))
        merges[(row - 1, 0)] = (row - 1, VALUE_COL - 1)
    for col, text in enumerate(HEADERS, start=1):
        put(layout.header_row, col, Cell(text, "header"))
    put(layout.header_row, REMARK_COL, Cell("备注", "header"))
    for r in layout.rows:
        if len(r.text) > 30:
            heights[r.row - 1] = 30.0
        lacking = result.lacking.get(r.field.code, ()) if r.field is not None else ()
        if lacking:
            names = "、".join(lacking[:3]) + ("等" if len(lacking) > 3 else "")
            put(r.row, REMARK_COL, Cell(f"缺 {len(lacking)} 个单位的数（{names}）", "cell_wrap"))
        put(r.row, ITEM_COL, Cell(r.item, "center"))
        put(r.row, LABEL_COL, Cell(r.text, "cell_wrap"))
        if r.field is None:
            for col in (CODE_COL, UNIT_COL, VALUE_COL):
                put(r.row, col, Cell(None))
            continue
        put(r.row, CODE_COL, Cell(r.field.code, "code"))
        put(r.row, UNIT_COL, Cell(r.field.unit, "center"))
        total = result.totals.get(r.field.code)
        if isinstance(total, dict):
            put(r.row, VALUE_COL, Cell(yes_no_text(total)))
        elif total is None:
            put(r.row, VALUE_COL, Cell(None))
        else:
            put(r.row, VALUE_COL, Cell(total, number_style(r.field)))
    last = layout.rows[-1].row  # 1-based last row = 0-based row after it
    rows.setdefault(last + 1, {})[0] = Cell(unit_count_line(result, campaign, form_id), "bold")
    merges[(last + 1, 0)] = (last + 1, VALUE_COL - 1)
    widths = tuple((col - 1, col - 1, float(w)) for col, w in
                   {ITEM_COL: 11, LABEL_COL: 50, CODE_COL: 10, UNIT_COL: 9, VALUE_COL: 18, REMARK_COL: 28}.items())
    return Table(
        total_sheet_name(campaign, form_id), sorted(rows.items()), widths, heights, merges,
        freeze=(layout.header_row, 0),
        page="form", header_row=layout.header_row - 1, print_area=(0, 0, last + 1, REMARK_COL - 1),
    )


REMARK_COL = VALUE_COL + 1  # beside each total: the units whose return gave no number for it


# 提示: open 提示; 已说明: 提示 the unit explained in the template's 说明 column (no longer open).
STATUS_HEADERS = ("序号", "单位", "上报情况", "附件", "文件", "表内填报单位", "填报人", "联系电话", "填报日期", "错误", "提示", "已说明", "计入汇总", "备注")
STATUS_STYLE = {"未报": "missing", "无法读取": "error", "已被替代": "grey", "名单外": "warning"}


def status_table(result: Consolidation, campaign: Campaign) -> Table:
    rows = result.rows
    reported = {r.unit for r in rows if r.status == REPORTED}
    expected = list(campaign.roster)
    summary = (
        f"应报 {len(expected)} 个单位：已报 {sum(1 for u in expected if u.name in reported)} 个，"
        f"未报 {sum(1 for r in rows if r.status == '未报')} 个，无法读取的文件 {sum(1 for r in rows if r.status == '无法读取')} 个，"
        f"被替代的文件 {sum(1 for r in rows if r.status == '已被替代')} 个，名单外 {sum(1 for r in rows if r.status == '名单外')} 个。"
         "汇总单位个数：" + "，".join(f"{campaign.form(f).annex} {n} 个" for f, n in result.unit_counts.items())
    )
    annex = {f.id: f.annex for f in campaign.forms}

    def make() -> Iterator[Row]:
        yield 0, {0: Cell(f"{campaign.name} 上报情况", "heading")}
        yield 1, {0: Cell(summary, "text")}
        yield 2, {0: Cell("未报、有错误或文件无法读取的单位，连同联系人和可复制的催报短信，见“催报清单”工作表。", "text")}
        yield 3, {col: Cell(text, "header") for col, text in enumerate(STATUS_HEADERS)}
        for i, row in enumerate(rows, start=1):
            read = row.status not in (MISSING, UNREADABLE)  # no return read: its counts are blank, not 0
            yield 3 + i, {
                0: Cell(i, "center"), 1: Cell(row.unit), 2: Cell(row.status, STATUS_STYLE.get(row.status, "cell")),
                3: Cell("、".join(annex[f] for f in row.forms)), 4: Cell(row.file, "cell_wrap"), 5: Cell(row.typed, "cell_wrap"),
                6: Cell(row.person), 7: Cell(row.phone), 8: Cell(row.date),
                9: Cell(row.errors if read else None, "error" if row.errors else "center"),
                10: Cell(row.warnings if read else None, "warning" if row.warnings else "center"),
                11: Cell(row.explained if read else None, "center"),
                12: Cell("是" if row.included else "否", "center"), 13: Cell(row.remark, "cell_wrap"),
            }

    widths = tuple((i, i, float(w)) for i, w in enumerate((6, 24, 10, 14, 40, 24, 10, 16, 12, 6, 6, 7, 9, 50)))
    return Table(STATUS_SHEET, Lazy(make), widths, freeze=(4, 2), autofilter=(3, 0, 3 + len(rows), len(STATUS_HEADERS) - 1),
                 header_row=3)


NUMBER_HEADING = "序号"  # a sheet numbers its rows of findings in front of the findings table's columns
LEVEL_STYLE = {ERROR: "error", WARNING: "warning", EXPLAINED: "explained", NOTE: "center"}
_WRAPPED = {"file", "field", "message", "explanation", "action"}
FINDINGS_COLUMNS = findings_columns()  # the consolidated 审核结果: every column
FINDINGS_HEADERS = (NUMBER_HEADING, *(c.heading for c in FINDINGS_COLUMNS))


def finding_cells(number: int, row: FindingRow, cols: tuple[Column, ...], link: str | None = None) -> dict[int, Cell]:
    """One row of a sheet of findings: 序号, then ``cols`` of the findings table; ``link`` makes 单元格 a
    link (an internal target, "'附件1'!E9"). 填写值 is a number cell where the value is a number."""
    out = {0: Cell(number, "center")}
    for c, col in enumerate(cols, start=1):
        value = row.get(col.key)
        if col.key == "level":
            out[c] = Cell(value, LEVEL_STYLE[str(value)])
        elif col.key == "value":
            out[c] = Cell(value, row.kind) if row.kind else Cell(value, "center" if value == BLANK else "cell")
        elif col.key == "cell" and link is not None:
            out[c] = Cell(value, "link", link=link)
        else:
            out[c] = Cell(value, "cell_wrap" if col.key in _WRAPPED else "cell")
    return out


def findings_widths(cols: tuple[Column, ...]) -> tuple[tuple[int, int, float], ...]:
    return ((0, 0, 6.0), *((i, i, float(col.width)) for i, col in enumerate(cols, start=1)))


def findings_table(result: Consolidation, campaign: Campaign) -> Table:
    """审核结果 of the consolidated workbook: every finding of the returns in use (注意 too), then the totals',
    with every column of the findings table; a totals' 单元格 links to its 汇总 sheet."""
    out: list[Row] = [
        (0, {0: Cell(f"审核结果：{result.audit_line()}", "heading")}),
        (2, {col: Cell(text, "header") for col, text in enumerate(FINDINGS_HEADERS)}),
    ]
    if result.previous is not None:  # where the 上年同期 rules' figures came from
        out.insert(1, (1, {0: Cell(f"{result.previous.summary()}（上年同期的提示与同一单位上年的数、汇总数与上年的汇总数比较）")}))
    totals = {fm.sheet: total_sheet_name(campaign, fm.id) for fm in campaign.forms}
    rows = finding_rows(campaign, [*result.findings(), *previous_notes(result)])
    for i, row in enumerate(rows, start=1):
        link = None
        if row.unit == TOTAL_UNIT and "!" in row.cell:
            # The totals' cells are on this workbook's 汇总 sheets: link straight to them.
            sheet, a1 = row.cell.rsplit("!", 1)
            if sheet in totals:
                row = replace(row, cell=f"{totals[sheet]}!{a1}")
                link = f"'{totals[sheet]}'!{a1}"
        out.append((2 + i, finding_cells(i, row, FINDINGS_COLUMNS, link)))
    last = 2 + len(rows)
    return Table(
        FINDINGS_SHEET, out, findings_widths(FINDINGS_COLUMNS), freeze=(3, 2),
        autofilter=(2, 0, last, len(FINDINGS_HEADERS) - 1) if rows else None, header_row=2,
    )


PREVIOUS_UNIT = "上年同期"  # the 单位 of a note about last year's figures in 审核结果
PREVIOUS_NOTE_RULE = "F-PREVIOUS"  # a 注意 about last year's figures (PY- are the 上年同期 rules)


def previous_notes(result: Consolidation) -> list[tuple[str, str, Finding]]:
    """What of last year's figures could not be compared, and why: 注意 lines at the end of 审核结果."""
    if result.previous is None:
        return []
    return [(PREVIOUS_UNIT, result.previous.source, Finding(PREVIOUS_NOTE_RULE, Severity.NOTE, (), (), {}, note))
            for note in result.previous.notes]


FILE_COLUMN = FINDINGS_HEADERS.index(HEADING["file"])
MAX_LINK = 255  # HYPERLINK's link_location: Excel refuses longer strings


def with_file_links(table: Table, target_of: Callable[[str], str]) -> Table:
    """审核结果 with each 文件 cell a link (a HYPERLINK formula) that opens the unit's file: ``target_of``
    gives the path of a file named as the table names it (relative to the returns folder)."""
    source = table.rows

    def make() -> Iterator[Row]:
        for r, cells in source:
            cell = cells.get(FILE_COLUMN)
            if r > 2 and cell is not None and isinstance(cell.value, str) and cell.value:
                target = target_of(cell.value)
                if len(target) <= MAX_LINK:
                    formula = f'=HYPERLINK("{_q(target)}","{_q(cell.value)}")'
                    cells = {**cells, FILE_COLUMN: Cell(cell.value, "link", formula=formula)}
            yield r, cells

    return replace(table, rows=Lazy(make))


def _q(text: str) -> str:
    return text.replace('"', '""')


def detail_fixed(campaign: Campaign) -> tuple[str, ...]:
    # 计入汇总 per annex: with --exclude-errors a unit's 附件1 may be left out while its 附件2 counts,
    # and each annex's total formulas sum by that annex's column.
    return ("单位", "上报情况") + tuple(f"{f.annex}计入汇总" for f in campaign.forms)


def detail_units(result: Consolidation, campaign: Campaign) -> list[str]:
    """The units of 明细, one row each, roster order first."""
    units = {u.unit for u in result.used}
    roster = [u.name for u in campaign.roster]
    on_roster = set(roster)
    return [n for n in roster if n in units] + sorted(n for n in units if n not in on_roster)


DETAIL_TOTAL_LABEL = "合计（计入汇总的单位）"  # the first cell of 明细's last row
DETAIL_HEADER_ROWS = 3  # 指标代码, 指标名称 (short label and unit), 模板单元格; units from row 4
DETAIL_UNIT_WIDTH, DETAIL_FIXED_WIDTH, DETAIL_FIELD_WIDTH = 24.0, 9.0, 12.0
LINE_HEIGHT = 14.25  # points per wrapped line of the sheets' 11-point font


@dataclass(frozen=True)
class DetailRow:
    """One unit of 明细. ``fixed``: its name, 上报情况 and 计入汇总 cells; then one entry per field, in
    campaign order: ``values`` a number, a text (是/否, or what could not be read) or None (blank: not
    filled, or the annex was not sent), ``styles`` its style name: count/money (counted), grey (not
    counted), cell (text, not sent), error/warning (a finding of the unit's return names the field)."""

    fixed: tuple[Cell, ...]
    values: list[object]
    styles: list[str]


@dataclass
class DetailSheet:
    """明细 as header rows of cells, unit rows generated lazily (constant memory) and a total row."""

    name: str
    fields: tuple[Field, ...]
    fixed: tuple[str, ...]
    header: list[Row]
    units: Iterable[DetailRow]
    unit_count: int
    total: Row
    widths: tuple[tuple[int, int, float], ...]
    heights: dict[int, float]
    freeze: tuple[int, int]
    repeat_rows: tuple[int, int] = (0, DETAIL_HEADER_ROWS - 1)  # printed on every page, with column A

    @property
    def first_field_col(self) -> int:
        return len(self.fixed)

    def table(self) -> Table:
        """The same sheet as a plain ``Table`` of cells (what the live Excel writer renders)."""
        return Table(self.name, Lazy(self._rows), self.widths, self.heights, freeze=self.freeze, page="")

    def _rows(self) -> Iterator[Row]:
        yield from self.header
        first = self.first_field_col
        for r, row in enumerate(self.units, start=DETAIL_HEADER_ROWS):
            cells = dict(enumerate(row.fixed))
            for i, (value, style) in enumerate(zip(row.values, row.styles)):
                cells[first + i] = Cell(whole(value), style)
            yield r, cells
        yield self.total


def whole(value: object) -> object:
    """3752.0 -> 3752: a whole number is shown and passed on as an integer."""
    if isinstance(value, float) and value.is_integer() and -1e15 < value < 1e15:
        return int(value)
    return value


def text_height(text: str, width: float) -> float:
    """Points a wrapped cell of ``width`` (Excel's column width) needs for ``text``: a CJK character is two
    units wide, others one (xlsxwriter and openpyxl do not autofit; this errs on the generous side)."""
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    lines = max(1, math.ceil(units / max(width - 1.5, 1)))
    return lines * LINE_HEIGHT + 3


def detail_table(result: Consolidation, campaign: Campaign) -> Table:
    """One row per unit, one column per field, a total row (SUMIFS over the included units)."""
    return detail_sheet(result, campaign).table()


def detail_labels(campaign: Campaign) -> list[str]:
    return [f"{f.number} {f.short or f.label}（{f.unit}）" for f in campaign.fields()]


def detail_header(campaign: Campaign, fixed: tuple[str, ...]) -> list[Row]:
    """明细's three header rows (also 下级明细's): the fixed columns, then per field its code, its short label
    with the unit, and its cell in the template."""
    fields = tuple(campaign.fields())
    first = len(fixed)
    labels = detail_labels(campaign)
    header: list[Row] = [
        (0, {**{c: Cell(t, "header") for c, t in enumerate(fixed)}, **{first + i: Cell(f.code, "header") for i, f in enumerate(fields)}}),
        (1, {**{c: Cell("", "header") for c in range(first)}, **{first + i: Cell(t, "header") for i, t in enumerate(labels)}}),
    ]
    cells = {}
    layouts = {form.id: (form.sheet, layout_for(form)) for form in campaign.forms}
    for i, f in enumerate(fields):
        sheet, layout = layouts[f.form_id]
        row, col = layout.field_cell(f.code)
        cells[first + i] = Cell(f"{sheet}!{column_letter(col)}{row}", "code")
    header.append((2, {**{c: Cell("模板单元格" if c == 0 else "", "header") for c in range(first)}, **cells}))
    return header


def detail_sheet(result: Consolidation, campaign: Campaign) -> DetailSheet:
    fields = tuple(campaign.fields())
    fixed = detail_fixed(campaign)
    first = len(fixed)
    labels = detail_labels(campaign)
    header = detail_header(campaign, fixed)
    units = detail_units(result, campaign)
    heights = {
        0: max(text_height(t, DETAIL_FIXED_WIDTH) for t in fixed[1:]),
        1: max(text_height(t, DETAIL_FIELD_WIDTH) for t in labels),
    }
    widths = ((0, 0, DETAIL_UNIT_WIDTH), (1, first - 1, DETAIL_FIXED_WIDTH), (first, first + len(fields) - 1, DETAIL_FIELD_WIDTH))
    return DetailSheet(
        DETAIL_SHEET, fields, fixed, header, Lazy(lambda: _detail_units(result, campaign, fields, units)), len(units),
        _detail_total(result, campaign, fields, first, len(units)), widths, heights, freeze=(DETAIL_HEADER_ROWS, 1),
    )


def _detail_units(result: Consolidation, campaign: Campaign, fields: tuple[Field, ...], names: list[str]) -> Iterator[DetailRow]:
    # One row per unit: its annexes may come from different files.
    per_unit: dict[str, dict[str, Used]] = {}
    for u in result.used:
        per_unit.setdefault(u.unit, {})[u.form] = u
    status = {r.unit: r.status for r in result.rows if r.status in (REPORTED, "名单外")}
    index = {f.code: i for i, f in enumerate(fields)}
    spans: dict[str, tuple[int, int]] = {}  # form -> (first, last + 1) field index: campaign.fields() lists each form's fields together
    for i, f in enumerate(fields):
        start, _ = spans.get(f.form_id, (i, i))
        spans[f.form_id] = (start, i + 1)
    counted = {form: [number_style(f) for f in fields[a:b]] for form, (a, b) in spans.items()}
    yes_no = {f.code for f in fields if f.kind is Kind.YESNO}
    width = len(fields)
    for name in names:
        per_form = per_unit[name]
        fixed = [Cell(name), Cell(status.get(name, ""))]
        values: list[object] = [None] * width
        styles = ["cell"] * width
        for form in spans:
            sent = per_form.get(form)
            fixed.append(Cell("" if sent is None else ("是" if sent.included else "否"), "center"))
            if sent is None:
                continue  # the annex was not sent: blanks, never 0
            a, b = spans[form]
            returned = sent.returned
            values[a:b] = [None if v != v else v for v in returned.values[a:b]]  # NaN: no number
            styles[a:b] = counted[form] if sent.included else ["grey"] * (b - a)
            for code, text in returned.texts.items():
                i = index.get(code, -1)
                if a <= i < b:
                    values[i] = text
                    styles[i] = "cell" if code in yes_no else "error"
            for code, severity in _marks(returned.findings, form).items():
                i = index.get(code, -1)
                if a <= i < b:
                    styles[i] = severity
        yield DetailRow(tuple(fixed), values, styles)


def _marks(findings: Iterable[Finding], form: str) -> dict[str, str]:
    """Field code -> "error" / "warning" for the fields an open finding of this annex names, the worst
    finding winning (the flagged copy's colours); an explained 提示 is no longer open and colours nothing,
    nor does a 注意."""
    prefix = form + "."
    marks: dict[str, str] = {}
    for f in findings:
        if f.explained or f.severity is Severity.NOTE:
            continue
        style = "error" if f.severity is Severity.ERROR else "warning"
        for code in f.codes:
            if code.startswith(prefix) and marks.get(code) != "error":
                marks[code] = style
    return marks


def _detail_total(result: Consolidation, campaign: Campaign, fields: tuple[Field, ...], first: int, unit_rows: int) -> Row:
    form_col = {f.id: 2 + k for k, f in enumerate(campaign.forms)}  # the annex's 计入汇总 column
    r = DETAIL_HEADER_ROWS + unit_rows  # the total row, 0-based; the units are 1-based rows 4..r
    out = {0: Cell(DETAIL_TOTAL_LABEL, "total_text"), **{c: Cell("", "total_text") for c in range(1, first)}}
    for i, f in enumerate(fields):
        col = first + i
        total = result.totals.get(f.code)
        letter = column_letter(col + 1)
        if isinstance(total, dict):
            out[col] = Cell(yes_no_text(total), "total_text")
        elif unit_rows:
            crit = column_letter(form_col[f.form_id] + 1)
            formula = f'=SUMIFS({letter}4:{letter}{r},${crit}$4:${crit}${r},"是")'
            out[col] = Cell(total if total is not None else 0, number_style(f, total=True), formula=formula)
        else:
            out[col] = Cell(None, "total_text")
    return r, out


def grid(table: Table) -> list[list[Cell | None]]:
    """The table's cells as one rectangle from A1 (None where nothing is written), for a single 2-D write."""
    rows = list(table.rows)
    if not rows:
        return [[None]]
    width = max((max(cells) + 1 for _, cells in rows if cells), default=1)
    out: list[list[Cell | None]] = [[None] * width for _ in range(rows[-1][0] + 1)]
    for r, cells in rows:
        for c, cell in cells.items():
            out[r][c] = cell
    return out


CHECK_COLUMNS = findings_columns("unit", "file")  # one file of one unit: both said above the table
CHECK_HEADERS = (NUMBER_HEADING, *(c.heading for c in CHECK_COLUMNS))


def check_result_table(report, file_name: str, campaign: Campaign) -> Table:
    """The 审核结果 sheet written into a checked workbook (flagged copy, feedback copy, the Excel button): one
    row per finding, its 单元格 a link to the cell."""
    from .flags import split_cell, summary

    out: list[Row] = [
        (0, {0: Cell(f"审核结果：{summary(report.findings)}", "heading")}),
        (1, {0: Cell(f"文件：{file_name}    填报单位：{report.unit or '（未填）'}", "text")}),
        (3, {c: Cell(t, "header") for c, t in enumerate(CHECK_HEADERS)}),
    ]
    for i, row in enumerate(finding_rows(campaign, ((report.unit, file_name, f) for f in report.findings)), start=1):
        target = split_cell(row.cell)
        out.append((3 + i, finding_cells(i, row, CHECK_COLUMNS, f"'{target[0]}'!{target[1]}" if target else None)))
    return Table("审核结果", out, findings_widths(CHECK_COLUMNS), freeze=(4, 0), header_row=3)
