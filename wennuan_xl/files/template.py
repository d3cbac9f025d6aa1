"""The blank fill-in templates: one workbook per annex, laid out like the notice's forms.

Input cells are unlocked, tinted and named (``A1_02B``), with data validation and Chinese input
messages; everything else is protected without a password. The rules run live inside the template
(``live_checks``: 审核 column, 说明 column, a 审核 sheet, colours). The build is deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core.forms import Campaign, Field, Form, Kind
from ..core.layout import (
    CODE_COL,
    HEADERS,
    ITEM_COL,
    LABEL_COL,
    PREVIOUS_HEADER,
    UNIT_COL,
    VALUE_COL,
    FormLayout,
    layout_for,
    side_columns,
)
from ..core.previous import PreviousYear, Value
from ..core.rules import RuleSet
from ..core.workbook import column_letter
from . import style
from .atomic import Inputs, atomic_path
from .campaign_files import load_rules
from .live_checks import add_live_checks
from .sheet_setup import show

FONT = style.FONT
INPUT_FILL = PatternFill("solid", fgColor=style.INPUT)  # unlike every severity colour
HEADER_FILL = PatternFill("solid", fgColor=style.HEADER)
THIN = Side(style="thin", color=style.BORDER)
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNDERLINE = Border(bottom=THIN)
NUMBER_FORMATS = {Kind.COUNT: style.COUNT_FORMAT, Kind.MONEY: style.MONEY_FORMAT, Kind.YESNO: "@"}
FIXED_TIME = dt.datetime(2016, 11, 7, 9, 0, 0)  # the notice's date: keeps the build reproducible
WIDTHS = {ITEM_COL: 11, LABEL_COL: 50, CODE_COL: 10, UNIT_COL: 9, VALUE_COL: 15}


def template_filename(form: Form) -> str:
    return f"{form.annex}-{form.title}.xlsx"


def write_templates(campaign: Campaign, out_dir: Path | str, rules: RuleSet | None = None) -> list[Path]:
    rules = rules if rules is not None else load_rules(campaign)
    out = []
    for form in campaign.forms:
        target = Path(out_dir) / template_filename(form)
        book = build_template(campaign, form, rules)
        with atomic_path(target) as tmp:
            book.save(tmp)
        out.append(target)
    return out


def personal_filename(unit: str, form: Form) -> str:
    """``市中区总工会-附件1-2017年工会送温暖活动统计表.xlsx``: the unit's name first, as clerks name returns."""
    safe = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in unit).strip(" .") or "单位"
    return f"{safe}-{template_filename(form)}"


def write_personal_templates(campaign: Campaign, out_dir: Path | str, rules: RuleSet | None = None,
                             previous: PreviousYear | None = None,
                             protect: Inputs | Iterable[Path | str] = ()) -> list[Path]:
    """``wennuan template --for-units``: for every unit of the roster counted in the consolidation (选择汇总
    是), each annex with its 填报单位 filled in and locked; with ``previous``, a locked 上年数 column holding
    the unit's figures of last year and the 上年同期 rules live. Never written over an input (``protect``)."""
    rules = rules if rules is not None else load_rules(campaign)
    out = []
    for unit in campaign.roster:
        if not unit.included:
            continue
        last_year = previous.values(unit.name) if previous is not None else None
        for form in campaign.forms:
            target = Path(out_dir) / personal_filename(unit.name, form)
            book = build_template(campaign, form, rules, unit.name, last_year,
                                  previous_label(previous) if previous is not None else "")
            with atomic_path(target, protect) as tmp:
                book.save(tmp)
            out.append(target)
    return out


def previous_label(previous: PreviousYear) -> str:
    """Where the 上年数 come from, for the column's header: the file or folder's own name."""
    name = Path(previous.source).name or previous.source
    return f"上年退回表文件夹“{name}”" if previous.folder else f"上年汇总表“{name}”"


def build_template(campaign: Campaign, form: Form, rules: RuleSet | None = None, unit: str | None = None,
                   previous: Mapping[str, Value] | None = None, previous_source: str = "") -> Workbook:
    """The blank form with its live checks (``live_checks``): the rules run while the clerk types.

    Personalised (``unit``): the 填报单位 is filled in and locked. With ``previous`` (the unit's figures of
    last year by code, perhaps none) a locked 上年数 column beside the value column holds them, its header
    naming ``previous_source``, and the 上年同期 rules run live on it; a figure not known stays blank and
    its rules do not fire, as in the engine."""
    book = Workbook()
    ws = book.active
    assert isinstance(ws, Worksheet)  # a new Workbook's one sheet
    ws.title = form.sheet
    layout = fill_form_sheet(ws, campaign, form)
    columns = side_columns(previous is not None)
    if unit is not None:
        _fixed_unit(ws, layout, unit)
    if previous is not None:
        _previous_column(ws, form, layout, previous, previous_source)
    book.properties.creator = campaign.issuer
    book.properties.lastModifiedBy = campaign.issuer
    book.properties.title = form.title
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    add_defined_names(book, ws, form, layout_for(form))
    add_live_checks(book, ws, campaign, form, layout, rules if rules is not None else load_rules(campaign), columns)
    last_row = (layout.rows[-1].row if layout.rows else layout.header_row) + 2  # with the signature lines
    # The form with its 审核 and 说明 columns, landscape; the title centred over all of it.
    ws.unmerge_cells(start_row=layout.title_row, start_column=ITEM_COL, end_row=layout.title_row, end_column=VALUE_COL)
    ws.merge_cells(start_row=layout.title_row, start_column=ITEM_COL, end_row=layout.title_row, end_column=columns.note)
    style.openpyxl_page(ws, style.Page(landscape=True, repeat_rows=(layout.header_row - 1, layout.header_row - 1),
                                       area=(0, 0, last_row - 1, columns.note - 1), centered=True))
    style.openpyxl_fit_rows(ws, layout.header_row + 1)
    return book


def _fixed_unit(ws: Worksheet, layout: FormLayout, unit: str) -> None:
    """The 填报单位 typed in for the unit and locked: the form is this unit's."""
    if "UNIT" not in layout.cover_cells:
        return
    row, col = layout.cover_cells["UNIT"]
    cell = ws.cell(row, col, unit)
    cell.protection = Protection(locked=True)
    cell.fill = PatternFill(fill_type=None)
    cell.font = Font(name=FONT, size=11, bold=True)


def _previous_column(ws: Worksheet, form: Form, layout: FormLayout, previous: Mapping[str, Value],
                     source: str) -> None:
    """The locked 上年数 column: last year's figure of each field on its row, blank when not known."""
    col = side_columns(True).previous
    assert col is not None
    ws.column_dimensions[column_letter(col)].width = WIDTHS[VALUE_COL]
    header = ws.cell(layout.header_row, col, f"{PREVIOUS_HEADER}\n（{source}）" if source else PREVIOUS_HEADER)
    header.font = Font(name=FONT, size=9, bold=True)
    header.fill = HEADER_FILL
    header.border = BOX
    header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[layout.header_row].height = max(ws.row_dimensions[layout.header_row].height or 0, 40)
    for r in layout.rows:
        cell = ws.cell(r.row, col)
        cell.border = BOX
        cell.font = Font(name=FONT, size=11, color=style.GREY_TEXT)
        if r.field is None:
            continue
        value = previous.get(r.field.code)
        cell.value = value
        cell.number_format = NUMBER_FORMATS[r.field.kind]
        cell.alignment = Alignment(horizontal="right" if r.field.kind is not Kind.YESNO else "center", vertical="center")
        cell.protection = Protection(locked=True)


def add_defined_names(book: Workbook, ws: Worksheet, form: Form, layout: FormLayout) -> None:
    sheet_ref = "'" + ws.title.replace("'", "''") + "'"
    for cover in form.cover:
        row, col = layout.cover_cells[cover.key]
        _name(book, cover.name(form.id), f"{sheet_ref}!${column_letter(col)}${row}")
    for r in layout.rows:
        if r.field is not None:
            _name(book, r.field.name, f"{sheet_ref}!${column_letter(VALUE_COL)}${r.row}")


def _name(book: Workbook, name: str, ref: str) -> None:
    book.defined_names[name] = DefinedName(name, attr_text=ref)


def fill_form_sheet(ws: Worksheet, campaign: Campaign, form: Form) -> FormLayout:
    layout = layout_for(form)
    for col, width in WIDTHS.items():
        ws.column_dimensions[column_letter(col)].width = width
    base = Font(name=FONT, size=11)

    ws.cell(layout.annex_row, ITEM_COL, form.annex).font = Font(name=FONT, size=11, bold=True)
    title = ws.cell(layout.title_row, ITEM_COL, form.title)
    title.font = Font(name=FONT, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=layout.title_row, start_column=ITEM_COL, end_row=layout.title_row, end_column=VALUE_COL)
    ws.row_dimensions[layout.title_row].height = 30

    for cover in form.cover:
        lrow, lcol = layout.cover_labels[cover.key]
        label = ws.cell(lrow, lcol, cover.label + "：")
        label.font = base
        label.alignment = Alignment(horizontal="right" if lcol != ITEM_COL else "left")
        if lcol == CODE_COL:
            ws.merge_cells(start_row=lrow, start_column=CODE_COL, end_row=lrow, end_column=UNIT_COL)
        row, col = layout.cover_cells[cover.key]
        _input_cell(ws, row, col, "@" if cover.key != "DATE" else "yyyy\"年\"m\"月\"d\"日\"")
        ws.cell(row, col).border = UNDERLINE
        ws.add_data_validation(_cover_validation(campaign, cover.key, cover.label, f"{column_letter(col)}{row}"))
    if form.cover:
        # The first cover label sits in the narrow item column: let it run into the label column.
        for (row, col) in layout.cover_labels.values():
            if col == ITEM_COL:
                ws.cell(row, col).alignment = Alignment(horizontal="left", shrink_to_fit=False)

    for row, text in zip(layout.note_rows, form.notes):
        cell = ws.cell(row, ITEM_COL, text)
        cell.font = Font(name=FONT, size=10)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.merge_cells(start_row=row, start_column=ITEM_COL, end_row=row, end_column=VALUE_COL)

    for col, text in enumerate(HEADERS, start=ITEM_COL):
        cell = ws.cell(layout.header_row, col, text)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center")

    for r in layout.rows:
        item = ws.cell(r.row, ITEM_COL, r.item or None)
        item.alignment = Alignment(horizontal="center", vertical="center")
        label = ws.cell(r.row, LABEL_COL, r.text)
        label.alignment = Alignment(wrap_text=True, vertical="center")
        for col in range(ITEM_COL, VALUE_COL + 1):
            ws.cell(r.row, col).border = BOX
            ws.cell(r.row, col).font = base
        if r.field is None:
            continue
        code = ws.cell(r.row, CODE_COL, r.field.code)
        code.font = Font(name=FONT, size=9, color=style.GREY_TEXT)
        code.alignment = Alignment(horizontal="center", vertical="center")
        unit = ws.cell(r.row, UNIT_COL, r.field.unit)
        unit.alignment = Alignment(horizontal="center", vertical="center")
        _input_cell(ws, r.row, VALUE_COL, NUMBER_FORMATS[r.field.kind])
        ws.cell(r.row, VALUE_COL).border = BOX
        ws.add_data_validation(_field_validation(r.field, f"{column_letter(VALUE_COL)}{r.row}"))
        if len(r.text) > 30:
            ws.row_dimensions[r.row].height = 30

    last_row = signature_lines(ws, layout)
    ws.freeze_panes = ws.cell(layout.header_row + 1, ITEM_COL).coordinate
    style.openpyxl_page(ws, style.Page(landscape=False, repeat_rows=(layout.header_row - 1, layout.header_row - 1),
                                       area=(0, 0, last_row - 1, VALUE_COL - 1), centered=True))
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    return layout


SIGNATURE = ("单位负责人（签字）：", "（加盖单位公章）")


def signature_lines(ws: Worksheet, layout: FormLayout) -> int:
    """Under the table, what the notice asks of a paper return (纸质加盖公章): the head of the unit signs,
    the unit seals. Returns the last row printed."""
    below = (layout.rows[-1].row if layout.rows else layout.header_row) + 2
    head, seal = SIGNATURE
    ws.cell(below, ITEM_COL, head).font = Font(name=FONT, size=11)
    ws.cell(below, LABEL_COL).border = UNDERLINE
    ws.cell(below, CODE_COL, seal).font = Font(name=FONT, size=11)
    ws.cell(below, VALUE_COL).border = UNDERLINE
    ws.row_dimensions[below].height = 48  # room for the signature and the seal
    for col in (ITEM_COL, CODE_COL):
        ws.cell(below, col).alignment = Alignment(vertical="bottom", horizontal="left")
    return below


def _input_cell(ws: Worksheet, row: int, col: int, number_format: str) -> None:
    cell = ws.cell(row, col)
    cell.protection = Protection(locked=False)
    cell.fill = INPUT_FILL
    cell.number_format = number_format
    cell.font = Font(name=FONT, size=11, color=style.ENTRY_TEXT)
    cell.alignment = Alignment(horizontal="right" if number_format != "@" else "left", vertical="center")


def _field_validation(field: Field, ref: str) -> DataValidation:
    what = f"{field.number} {field.short or field.label}"
    if field.kind is Kind.YESNO:
        dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        prompt, error = "请从下拉列表选择“是”或“否”。", "只能填写“是”或“否”。"
    elif field.kind is Kind.COUNT:
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        prompt = f"单位：{field.unit}。请填写不小于 0 的整数；没有请填 0。"
        error = f"这里应填写不小于 0 的整数（单位：{field.unit}）。"
    else:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        prompt = "单位：万元（1 万元 = 10,000 元）。请填写不小于 0 的数，可保留 2～4 位小数。"
        error = "这里应填写不小于 0 的金额，单位为万元。"
    dv.promptTitle = _clip(what, 32)
    dv.prompt = _clip(prompt, 255)
    dv.errorTitle = "填写有误"
    dv.error = _clip(error, 255)
    return show(dv, ref)


def _cover_validation(campaign: Campaign, key: str, label: str, ref: str) -> DataValidation:
    if key == "DATE":
        start, end = campaign.report_from, campaign.report_to
        dv = DataValidation(
            type="date", operator="between", formula1=f"DATE({start.year},{start.month},{start.day})",
            formula2=f"DATE({end.year},{end.month},{end.day})", allow_blank=True,
        )
        dv.prompt = f"请填写填报日期，如 {campaign.deadline.year}-1-15。"
        dv.error = f"日期应在 {start.isoformat()} 至 {end.isoformat()} 之间。"
        dv.errorStyle = "warning"
    else:
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="100", allow_blank=True)
        dv.prompt = {
            "UNIT": "请填写单位全称，如“市中区总工会”。",
            "PERSON": "请填写填报人姓名。",
            "PHONE": "请填写联系电话：手机 11 位，或固定电话如 0833-2133419。",
        }.get(key, f"请填写{label}。")
        dv.error = f"{label}过长。"
    dv.promptTitle = label
    dv.errorTitle = "填写有误"
    return show(dv, ref)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
