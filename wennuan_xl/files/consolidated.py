"""The consolidated workbook: 汇总 sheets in each annex's layout, 上报情况, 审核结果, 明细, 来源, a chart.

Written with xlsxwriter in constant-memory mode (rows stream to disk, so ten thousand units cost no
more memory than sixteen), to a temp file that replaces the target in one step. Every text goes
through ``write_string``: a unit's "=…" can never become a formula.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Iterable

import xlsxwriter

from ..core.consolidate import REPORTED, TOTAL_UNIT, Consolidation, UnitRow
from ..core.findings import Severity
from ..core.forms import Campaign, Field, Kind
from ..core.layout import CODE_COL, HEADERS, ITEM_COL, LABEL_COL, UNIT_COL, VALUE_COL, layout_for
from ..core.values import NO, YES
from ..core.workbook import column_letter
from .atomic import atomic_path

FIXED_TIME = dt.datetime(2016, 11, 7, 9, 0, 0)
OUTPUT_MARK = "wennuan_xl"  # custom document property: this workbook is our output, not a unit's return
STATUS_SHEET, FINDINGS_SHEET, DETAIL_SHEET, SOURCE_SHEET, CHART_SHEET = "上报情况", "审核结果", "明细", "来源", "图表"


def is_consolidated_output(path: Path) -> bool:
    """A workbook this tool wrote (so a later run may skip and replace it), not a unit's return."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return OUTPUT_MARK.encode() in zf.read("docProps/custom.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def total_sheet_name(campaign: Campaign, form_id: str) -> str:
    return f"汇总-{campaign.form(form_id).annex}"


def write_consolidated(result: Consolidation, campaign: Campaign, out: Path | str, protect: Iterable[Path] = ()) -> Path:
    out = Path(out)
    with atomic_path(out, protect=protect) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": f"{campaign.name}统计汇总", "author": campaign.issuer, "created": FIXED_TIME})
        wb.set_custom_property(OUTPUT_MARK, "consolidated")
        styles = _Styles(wb)
        for form in campaign.forms:
            _write_total_sheet(wb, styles, result, campaign, form.id)
        _write_status(wb, styles, result, campaign)
        _write_findings(wb, styles, result, campaign)
        detail_rows = _write_detail(wb, styles, result, campaign)
        _write_sources(wb, styles, result, campaign)
        _write_chart(wb, result, campaign, detail_rows)
        wb.close()
    return out


class _Styles:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
        box = {**base, "border": 1, "border_color": "#808080"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
        self.heading = wb.add_format({**base, "bold": True, "font_size": 14})
        self.bold = wb.add_format({**base, "bold": True})
        self.text = wb.add_format(base)
        self.wrap = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.header = wb.add_format({**box, "bold": True, "bg_color": "#D9D9D9", "align": "center", "text_wrap": True})
        self.cell = wb.add_format(box)
        self.cell_wrap = wb.add_format({**box, "text_wrap": True})
        self.center = wb.add_format({**box, "align": "center"})
        self.code = wb.add_format({**box, "align": "center", "font_size": 9, "font_color": "#808080"})
        self.count = wb.add_format({**box, "num_format": "#,##0"})
        self.money = wb.add_format({**box, "num_format": "#,##0.00##"})
        self.total_count = wb.add_format({**box, "num_format": "#,##0", "bold": True, "bg_color": "#F2F2F2"})
        self.total_money = wb.add_format({**box, "num_format": "#,##0.00##", "bold": True, "bg_color": "#F2F2F2"})
        self.total_text = wb.add_format({**box, "bold": True, "bg_color": "#F2F2F2"})
        self.error = wb.add_format({**box, "bg_color": "#FFC7CE"})
        self.warning = wb.add_format({**box, "bg_color": "#FFEB9C"})
        self.missing = wb.add_format({**box, "bg_color": "#FCE4D6"})
        self.grey = wb.add_format({**box, "font_color": "#808080"})
        self.link = wb.add_format({**box, "font_color": "#0563C1", "underline": 1})

    def number(self, field: Field, total: bool = False):
        if field.kind is Kind.MONEY:
            return self.total_money if total else self.money
        return self.total_count if total else self.count


def _yes_no_text(counts: dict) -> str:
    return f"是 {counts.get(YES, 0)} 个，否 {counts.get(NO, 0)} 个"


def _write_total_sheet(wb, s: _Styles, result: Consolidation, campaign: Campaign, form_id: str) -> None:
    form = campaign.form(form_id)
    layout = layout_for(form)
    ws = wb.add_worksheet(total_sheet_name(campaign, form_id))
    for col, width in {ITEM_COL: 11, LABEL_COL: 50, CODE_COL: 10, UNIT_COL: 9, VALUE_COL: 18}.items():
        ws.set_column(col - 1, col - 1, width)
    ws.set_row(layout.title_row - 1, 30)
    ws.write_string(layout.annex_row - 1, 0, form.annex, s.bold)
    ws.merge_range(layout.title_row - 1, 0, layout.title_row - 1, VALUE_COL - 1, f"{form.title}（汇总）", s.title)
    cover_text = {"UNIT": campaign.issuer}
    by_row: dict[int, list[tuple[int, str]]] = {}
    for c in form.cover:
        row, col = layout.cover_labels[c.key]
        by_row.setdefault(row, []).append((col, c.label + "："))
        vrow, vcol = layout.cover_cells[c.key]
        by_row.setdefault(vrow, []).append((vcol, cover_text.get(c.key, "")))
    for row in sorted(by_row):
        for col, text in sorted(by_row[row]):
            if text:
                ws.write_string(row - 1, col - 1, text, s.text)
    notes = list(form.notes)
    counted = result.unit_counts.get(form_id, 0)
    expected = sum(1 for u in campaign.roster if u.included)
    notes_rows = list(layout.note_rows)
    for row, text in zip(notes_rows, notes):
        ws.merge_range(row - 1, 0, row - 1, VALUE_COL - 1, text, s.text)
    header = layout.header_row - 1
    for col, text in enumerate(HEADERS):
        ws.write_string(header, col, text, s.header)
    for r in layout.rows:
        if len(r.text) > 30:
            ws.set_row(r.row - 1, 30)
        ws.write_string(r.row - 1, ITEM_COL - 1, r.item, s.center)
        ws.write_string(r.row - 1, LABEL_COL - 1, r.text, s.cell_wrap)
        if r.field is None:
            for col in (CODE_COL, UNIT_COL, VALUE_COL):
                ws.write_blank(r.row - 1, col - 1, None, s.cell)
            continue
        ws.write_string(r.row - 1, CODE_COL - 1, r.field.code, s.code)
        ws.write_string(r.row - 1, UNIT_COL - 1, r.field.unit, s.center)
        total = result.totals.get(r.field.code)
        if isinstance(total, dict):
            ws.write_string(r.row - 1, VALUE_COL - 1, _yes_no_text(total), s.cell)
        elif total is None:
            ws.write_blank(r.row - 1, VALUE_COL - 1, None, s.cell)
        else:
            ws.write_number(r.row - 1, VALUE_COL - 1, total, s.number(r.field))
    last = layout.rows[-1].row
    ws.merge_range(
        last + 1, 0, last + 1, VALUE_COL - 1,
        f"单位个数：本表汇总 {counted} 个单位（名单中应报 {expected} 个）。", s.bold,
    )
    ws.print_area(0, 0, last + 1, VALUE_COL - 1)
    ws.repeat_rows(header)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")


def _write_status(wb, s: _Styles, result: Consolidation, campaign: Campaign) -> None:
    ws = wb.add_worksheet(STATUS_SHEET)
    headers = ("序号", "单位", "上报情况", "附件", "文件", "表内填报单位", "填报人", "联系电话", "填报日期", "错误", "提示", "计入汇总", "备注")
    widths = (6, 24, 10, 14, 40, 24, 10, 16, 12, 6, 6, 9, 50)
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    rows = result.rows
    reported = {r.unit for r in rows if r.status == REPORTED}
    expected = [u for u in campaign.roster]
    summary = (
        f"应报 {len(expected)} 个单位：已报 {sum(1 for u in expected if u.name in reported)} 个，"
        f"未报 {sum(1 for r in rows if r.status == '未报')} 个，无法读取的文件 {sum(1 for r in rows if r.status == '无法读取')} 个，"
        f"被替代的文件 {sum(1 for r in rows if r.status == '已被替代')} 个，名单外 {sum(1 for r in rows if r.status == '名单外')} 个。"
        + "汇总单位个数：" + "，".join(f"{campaign.form(f).annex} {n} 个" for f, n in result.unit_counts.items())
    )
    ws.write_string(0, 0, f"{campaign.name} 上报情况", s.heading)
    ws.write_string(1, 0, summary, s.text)
    for col, text in enumerate(headers):
        ws.write_string(3, col, text, s.header)
    annex = {f.id: f.annex for f in campaign.forms}
    for i, row in enumerate(rows, start=1):
        r = 3 + i
        fmt = s.cell
        status_fmt = {"未报": s.missing, "无法读取": s.error, "已被替代": s.grey, "名单外": s.warning}.get(row.status, s.cell)
        ws.write_number(r, 0, i, s.center)
        ws.write_string(r, 1, row.unit, fmt)
        ws.write_string(r, 2, row.status, status_fmt)
        ws.write_string(r, 3, "、".join(annex[f] for f in row.forms), fmt)
        ws.write_string(r, 4, row.file, fmt)
        ws.write_string(r, 5, row.typed, fmt)
        ws.write_string(r, 6, row.person, fmt)
        ws.write_string(r, 7, row.phone, fmt)
        ws.write_string(r, 8, row.date, fmt)
        ws.write_number(r, 9, row.errors, s.error if row.errors else s.center)
        ws.write_number(r, 10, row.warnings, s.warning if row.warnings else s.center)
        ws.write_string(r, 11, "是" if row.included else "否", s.center)
        ws.write_string(r, 12, row.remark, s.cell_wrap)
    ws.freeze_panes(4, 2)
    ws.autofilter(3, 0, 3 + len(rows), len(headers) - 1)
    _landscape(ws, header_row=3)


def _write_findings(wb, s: _Styles, result: Consolidation, campaign: Campaign) -> None:
    ws = wb.add_worksheet(FINDINGS_SHEET)
    headers = ("序号", "单位", "附件", "文件", "单元格", "规则编号", "类别", "填写值", "问题说明")
    for i, w in enumerate((6, 22, 8, 34, 12, 16, 6, 12, 80)):
        ws.set_column(i, i, w)
    items = result.findings()
    errors = sum(1 for _, _, f in items if f.severity is Severity.ERROR)
    ws.write_string(0, 0, f"审核结果：共 {errors} 个错误、{len(items) - errors} 个提示", s.heading)
    for col, text in enumerate(headers):
        ws.write_string(2, col, text, s.header)
    annex = {f.id: f.annex for f in campaign.forms}
    for i, (unit, file, f) in enumerate(items, start=1):
        r = 2 + i
        first = f.codes[0] if f.codes else ""
        value = f.values.get(first)
        ws.write_number(r, 0, i, s.center)
        ws.write_string(r, 1, unit, s.cell)
        ws.write_string(r, 2, annex.get(first.split(".")[0], ""), s.cell)
        ws.write_string(r, 3, file, s.cell)
        where = f.cells[0] if f.cells else ""
        if unit == TOTAL_UNIT and "!" in where:
            # The totals' cells are on this workbook's 汇总 sheets: link straight to them.
            sheet, a1 = where.rsplit("!", 1)
            form_id = next((fm.id for fm in campaign.forms if fm.sheet == sheet), None)
            if form_id is not None:
                where = f"{total_sheet_name(campaign, form_id)}!{a1}"
                ws.write_url(r, 4, f"internal:'{total_sheet_name(campaign, form_id)}'!{a1}", s.link, where)
            else:
                ws.write_string(r, 4, where, s.cell)
        else:
            ws.write_string(r, 4, where, s.cell)
        ws.write_string(r, 5, f.rule, s.cell)
        ws.write_string(r, 6, f.severity.label, s.error if f.severity is Severity.ERROR else s.warning)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            ws.write_number(r, 7, value, s.cell)
        else:
            ws.write_string(r, 7, "" if value is None else str(value), s.cell)
        ws.write_string(r, 8, f.message, s.cell_wrap)
    ws.freeze_panes(3, 2)
    if items:
        ws.autofilter(2, 0, 2 + len(items), len(headers) - 1)
    _landscape(ws, header_row=2)


def _landscape(ws, header_row: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _detail_fixed(campaign: Campaign) -> tuple[str, ...]:
    # 计入汇总 per annex: with --exclude-errors a unit's 附件1 may be left out while its 附件2 counts,
    # and each annex's total formulas sum by that annex's column.
    return ("单位", "上报情况") + tuple(f"{f.annex}计入汇总" for f in campaign.forms)


def _write_detail(wb, s: _Styles, result: Consolidation, campaign: Campaign) -> int:
    """One row per unit, one column per field, a total row. Returns the number of unit rows."""
    ws = wb.add_worksheet(DETAIL_SHEET)
    fields = list(campaign.fields())
    fixed = _detail_fixed(campaign)
    first_field_col = len(fixed)
    form_col = {f.id: 2 + k for k, f in enumerate(campaign.forms)}  # the annex's 计入汇总 column
    ws.set_column(0, 0, 24)
    ws.set_column(1, first_field_col - 1, 9)
    ws.set_column(first_field_col, first_field_col + len(fields) - 1, 11)
    ws.set_row(1, 60)  # before any write: constant-memory rows cannot be revisited
    # Row by row: in constant-memory mode, writing to a later row flushes the earlier ones.
    for col, text in enumerate(fixed):
        ws.write_string(0, col, text, s.header)
    for i, f in enumerate(fields):
        ws.write_string(0, first_field_col + i, f.code, s.header)
    for col in range(first_field_col):
        ws.write_string(1, col, "", s.header)
    for i, f in enumerate(fields):
        ws.write_string(1, first_field_col + i, f"{f.number} {f.short or f.label}（{f.unit}）", s.header)
    for col in range(first_field_col):
        ws.write_string(2, col, "模板单元格" if col == 0 else "", s.header)
    for i, f in enumerate(fields):
        row, col = layout_for(campaign.form(f.form_id)).field_cell(f.code)
        ws.write_string(2, first_field_col + i, f"{campaign.form(f.form_id).sheet}!{column_letter(col)}{row}", s.code)
    # One row per unit: its annexes may come from different files.
    units: dict[str, dict[str, object]] = {}
    for u in result.used:
        units.setdefault(u.unit, {})[u.form] = u
    status = {r.unit: r.status for r in result.rows if r.status in (REPORTED, "名单外")}
    order = [u.name for u in campaign.roster if u.name in units] + sorted(n for n in units if n not in {u.name for u in campaign.roster})
    index = {f.code: i for i, f in enumerate(fields)}
    r = 3
    for name in order:
        per_form = units[name]
        ws.write_string(r, 0, name, s.cell)
        ws.write_string(r, 1, status.get(name, ""), s.cell)
        for form_id, col in form_col.items():
            sent = per_form.get(form_id)
            ws.write_string(r, col, "" if sent is None else ("是" if sent.included else "否"), s.center)  # type: ignore[attr-defined]
        for f in fields:
            col = first_field_col + index[f.code]
            used = per_form.get(f.form_id)
            if used is None:
                ws.write_blank(r, col, None, s.cell)
                continue
            returned = used.returned  # type: ignore[attr-defined]
            text = returned.texts.get(f.code)
            value = returned.values[index[f.code]]
            fmt = s.number(f) if used.included else s.grey  # type: ignore[attr-defined]
            if text is not None:
                ws.write_string(r, col, text, s.cell if f.kind is Kind.YESNO else s.error)
            elif math.isnan(value):
                ws.write_blank(r, col, None, fmt)
            else:
                ws.write_number(r, col, int(value) if value.is_integer() else value, fmt)
        r += 1
    unit_rows = r - 3
    ws.write_string(r, 0, f"合计（计入汇总的单位）", s.total_text)
    for col in range(1, first_field_col):
        ws.write_string(r, col, "", s.total_text)
    for f in fields:
        col = first_field_col + index[f.code]
        total = result.totals.get(f.code)
        letter = column_letter(col + 1)
        if isinstance(total, dict):
            ws.write_string(r, col, _yes_no_text(total), s.total_text)
        elif unit_rows:
            crit = column_letter(form_col[f.form_id] + 1)
            formula = f'=SUMIFS({letter}4:{letter}{r},${crit}$4:${crit}${r},"是")'
            ws.write_formula(r, col, formula, s.number(f, total=True), total if total is not None else 0)
        else:
            ws.write_blank(r, col, None, s.total_text)
    ws.freeze_panes(3, 1)
    return unit_rows


def _write_sources(wb, s: _Styles, result: Consolidation, campaign: Campaign) -> None:
    ws = wb.add_worksheet(SOURCE_SHEET)
    headers = ("单位", "附件", "文件", "工作表", "读取方式", "与模板位置不同的单元格")
    for i, w in enumerate((24, 8, 44, 14, 16, 80)):
        ws.set_column(i, i, w)
    ws.write_string(0, 0, "数据来源：明细表中每个数字取自下列文件的对应工作表；单元格位置见明细表第 3 行，位置不同的在此列出。", s.text)
    for col, text in enumerate(headers):
        ws.write_string(2, col, text, s.header)
    annex = {f.id: f.annex for f in campaign.forms}
    for i, u in enumerate(result.used, start=1):
        r = 2 + i
        returned = u.returned
        ws.write_string(r, 0, u.unit, s.cell)
        ws.write_string(r, 1, annex[u.form], s.cell)
        ws.write_string(r, 2, returned.file, s.cell)
        ws.write_string(r, 3, returned.sheets.get(u.form, ""), s.cell)
        moved = {c: ref for c, ref in (returned.cells or {}).items() if c.startswith(u.form + ".")}
        ws.write_string(r, 4, "按表内文字定位" if moved else "单元格名称", s.cell)
        ws.write_string(r, 5, "；".join(f"{c}={ref}" for c, ref in moved.items()), s.cell)
    _landscape(ws, header_row=2)


def _write_chart(wb, result: Consolidation, campaign: Campaign, unit_rows: int) -> None:
    """筹集款物 by source per unit, from the 明细 sheet: a native stacked column chart."""
    if not unit_rows or not campaign.has_field("A1.05A"):
        return
    fields = [f.code for f in campaign.fields()]
    sources = [c for c in ("A1.05A", "A1.05B", "A1.05C", "A1.05D", "A1.05E") if c in fields]
    shown = min(unit_rows, 60)
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    for code in sources:
        col = len(_detail_fixed(campaign)) + fields.index(code)
        chart.add_series({
            "name": campaign.field(code).label,
            "categories": [DETAIL_SHEET, 3, 0, 3 + shown - 1, 0],
            "values": [DETAIL_SHEET, 3, col, 3 + shown - 1, col],
        })
    chart.set_title({"name": "各单位送温暖筹集款物（万元）", "name_font": {"name": "宋体", "size": 14}})
    chart.set_y_axis({"name": "万元", "num_format": "#,##0"})
    chart.set_x_axis({"num_font": {"rotation": -45, "name": "宋体"}})
    chart.set_legend({"position": "bottom", "font": {"name": "宋体"}})
    chart.set_size({"width": 960, "height": 480})
    ws = wb.add_worksheet(CHART_SHEET)
    ws.write_string(0, 0, "各单位送温暖活动筹集款物总额按来源（附件1 第05项）" + ("，仅显示前 60 个单位" if unit_rows > 60 else ""))
    ws.insert_chart(2, 0, chart)
