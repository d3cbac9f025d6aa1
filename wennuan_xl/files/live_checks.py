"""The live checks inside a blank template: the 审核公式 as Excel formulas, no macros.

Beside the form (columns F and G of the form sheet):

* F "审核": on each field's row, the messages of the rules that row's field leads (the rule's first
  field, as in the engine's findings), prefixed 【错误】/【提示】/【已说明】, while the clerk types;
* G "说明": an unlocked cell named ``<field>_NOTE`` (``A1_10I_NOTE``) where the unit explains a 提示 on
  that row ("今年新增包机一架"). The engine reads it back (``core.locate``): an explained 提示 no
  longer counts as open; a 错误 stays open whatever is written;
* above the table, a count of open 错误 / 提示.

A second sheet, 审核, lists every rule of the annex with its live result (错误 / 提示 / 已说明, or
empty when it holds) and message: it is the single place the formulas live, prints as a checklist,
and is what the LibreOffice agreement test reads. Conditional formatting colours the input cells of a
violated rule: red 错误, yellow 提示, green an explained 提示. Everything except the input and 说明 cells
stays locked.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core.excel_formulas import LiveRule, live_rules, string
from ..core.forms import Campaign, Field, Form
from ..core.layout import CHECK_COL, CHECK_HEADER, NOTE_COL, NOTE_HEADER, VALUE_COL, FormLayout, note_name
from ..core.rules import RuleSet
from ..core.workbook import column_letter
from . import style
from .sheet_setup import show

CHECK_SHEET = "审核"
ERROR_FILL = PatternFill("solid", start_color=style.ERROR, end_color=style.ERROR)
WARNING_FILL = PatternFill("solid", start_color=style.WARNING, end_color=style.WARNING)
EXPLAINED_FILL = PatternFill("solid", start_color=style.EXPLAINED, end_color=style.EXPLAINED)
ERROR_FONT = Font(color=style.ERROR_TEXT)
WARNING_FONT = Font(color=style.WARNING_TEXT)
HEADER_FILL = PatternFill("solid", fgColor=style.HEADER)
THIN = Side(style="thin", color=style.BORDER)
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = style.FONT
FIRST_RULE_ROW = 5
ID_COL, SEVERITY_COL, FIELDS_COL, RESULT_COL, MESSAGE_COL, EXPLAIN_COL = 1, 2, 3, 4, 5, 6
CHECK_HEADERS = ("规则编号", "类别", "涉及指标", "结果", "问题说明", "单位说明")
RESULT_ERROR, RESULT_WARNING, RESULT_EXPLAINED = "错误", "提示", "已说明"
LEGEND = "红色：错误，须修改；黄色：提示，请核实，数字无误请在本行“说明”栏写明原因；绿色：已说明。"


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def add_live_checks(book: Workbook, ws: Worksheet, campaign: Campaign, form: Form, layout: FormLayout, rules: RuleSet) -> list[LiveRule]:
    """Add the 审核 sheet, the 审核 / 说明 columns and the colouring; returns the rules compiled."""
    form_ref = _quoted(ws.title)
    row_of = {r.field.name: r.row for r in layout.rows if r.field is not None}
    cell_of = {f.name: f"{ws.title}!{column_letter(VALUE_COL)}{row_of[f.name]}" for f in form.fields}
    compiled = live_rules(
        rules.rules, campaign, {f.name for f in form.fields}, rules.constants, lambda f: cell_of.get(f.name, "")
    )
    check = book.create_sheet(CHECK_SHEET)
    check_ref = _quoted(CHECK_SHEET)
    blanks = next((c for c in rules.form_checks if c.check == "blanks"), None)
    last = FIRST_RULE_ROW + max(len(compiled) + (blanks is not None), 1) - 1
    results = f"{check_ref}!${column_letter(RESULT_COL)}${FIRST_RULE_ROW}:${column_letter(RESULT_COL)}${last}"
    summary = _summary_formula(results)

    # --- the 审核 sheet: one row per rule ---------------------------------------------------------
    for col, width in zip(range(1, 7), (16, 7, 30, 8, 70, 30)):
        check.column_dimensions[column_letter(col)].width = width
    title = check.cell(1, 1, f"{form.annex} 审核公式（随填随审，自动计算，请勿修改本表）")
    title.font = Font(name=FONT, size=14, bold=True)
    check.row_dimensions[1].height = style.lines_height(1, 14)
    check.cell(2, 1, "=" + summary).font = Font(name=FONT, size=12, bold=True)
    check.row_dimensions[2].height = style.lines_height(1, 12)
    check.cell(3, 1, LEGEND).font = Font(name=FONT, size=10)
    for col, text in enumerate(CHECK_HEADERS, start=1):
        cell = check.cell(4, col, text)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center")
    anchored: dict[str, list[int]] = {}
    touching: dict[str, list[int]] = {}
    for i, live in enumerate(compiled):
        row = FIRST_RULE_ROW + i
        rule = live.rule
        anchor = rule.names[0]
        anchored.setdefault(anchor, []).append(row)
        for name in rule.names:
            touching.setdefault(name, []).append(row)
        note = f"{form_ref}!${column_letter(NOTE_COL)}${row_of[anchor]}"
        sev = f"${column_letter(SEVERITY_COL)}{row}"
        values = (
            rule.id,
            rule.severity.label,
            "、".join(campaign.field(n).number for n in rule.names),
            (f'=IF({live.fired},IF({sev}="{RESULT_ERROR}","{RESULT_ERROR}",'
            f'IF({column_letter(EXPLAIN_COL)}{row}="","{RESULT_WARNING}","{RESULT_EXPLAINED}")),"")'),
            f'=IF({column_letter(RESULT_COL)}{row}="","",{live.message})',
            f'=IF(TRIM({note})="","",{note})',  # as the engine, spaces alone explain nothing
        )
        for col, value in enumerate(values, start=1):
            cell = check.cell(row, col, value)
            cell.font = Font(name=FONT, size=10)
            cell.border = BOX
            cell.alignment = Alignment(vertical="center", wrap_text=col in (FIELDS_COL, MESSAGE_COL, EXPLAIN_COL))
        message_lines = -(-_lines([live], campaign) * LINE_WIDTH // int(
            (check.column_dimensions[column_letter(MESSAGE_COL)].width - 1) / (10 / style.FONT_SIZE) / 1.05))
        check.row_dimensions[row].height = style.row_height(
            [(values[FIELDS_COL - 1], check.column_dimensions[column_letter(FIELDS_COL)].width, 10)],
            style.lines_height(message_lines, 10))
    if blanks is not None:
        _blanks_row(check, FIRST_RULE_ROW + len(compiled), blanks.id, form, [cell_of[f.name] for f in form.fields])
    result_range = f"{column_letter(RESULT_COL)}{FIRST_RULE_ROW}:{column_letter(RESULT_COL)}{last}"
    first_result = f"${column_letter(RESULT_COL)}{FIRST_RULE_ROW}"
    for text, fill, font in ((RESULT_ERROR, ERROR_FILL, ERROR_FONT), (RESULT_WARNING, WARNING_FILL, WARNING_FONT),
                             (RESULT_EXPLAINED, EXPLAINED_FILL, None)):
        check.conditional_formatting.add(
            result_range, FormulaRule(formula=[f'{first_result}="{text}"'], fill=fill, font=font, stopIfTrue=True)
        )
    check.freeze_panes = check.cell(FIRST_RULE_ROW, 1)
    style.openpyxl_page(check, style.Page(landscape=True, repeat_rows=(3, 3), area=(0, 0, last - 1, EXPLAIN_COL - 1)))
    # Where the formulas live: the form prints without it (a hidden sheet is not printed), the clerk sees
    # every message on the form itself, in column 审核.
    check.sheet_state = "hidden"
    check.protection.sheet = True
    check.protection.formatColumns = False
    check.protection.formatRows = False

    # --- the form sheet: count on top, 审核 and 说明 columns, colours --------------------------
    ws.column_dimensions[column_letter(CHECK_COL)].width = CHECK_WIDTH
    ws.column_dimensions[column_letter(NOTE_COL)].width = 24
    top = (layout.cover_cells and min(r for r, _ in layout.cover_cells.values())) or layout.title_row + 1
    count = ws.cell(top, CHECK_COL, "=" + summary)
    # Green while nothing is found (a blank form is no error), red with a 错误, dark yellow with a 提示.
    count.font = Font(name=FONT, size=11, bold=True, color=style.OK_TEXT)
    count_a1 = count.coordinate
    for text, colour in ((RESULT_ERROR, style.RED_TEXT), (RESULT_WARNING, style.WARNING_TEXT)):
        ws.conditional_formatting.add(count_a1, FormulaRule(
            formula=[f'COUNTIF({results},"{text}")>0'], font=Font(bold=True, color=colour), stopIfTrue=True))
    ws.merge_cells(start_row=top, start_column=CHECK_COL, end_row=top, end_column=NOTE_COL)
    legend = ws.cell(top + 1, CHECK_COL, LEGEND)
    legend.font = Font(name=FONT, size=9)
    legend.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=top + 1, start_column=CHECK_COL, end_row=top + 1, end_column=NOTE_COL)
    for col, text in ((CHECK_COL, CHECK_HEADER), (NOTE_COL, NOTE_HEADER)):
        cell = ws.cell(layout.header_row, col, text)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet_ref = form_ref
    for r in layout.rows:
        for col in (CHECK_COL, NOTE_COL):
            ws.cell(r.row, col).border = BOX
        if r.field is None:
            continue
        f = r.field
        rows = anchored.get(f.name, [])
        msg: Cell | MergedCell
        if rows:
            parts = [
                f'IF({check_ref}!${column_letter(MESSAGE_COL)}${i}="","",CHAR(10)&"【"&{check_ref}!${column_letter(RESULT_COL)}${i}'
                f'&"】"&{check_ref}!${column_letter(MESSAGE_COL)}${i})'
                for i in rows
            ]
            msg = ws.cell(r.row, CHECK_COL, f"=MID({'&'.join(parts)},2,4000)")
        else:
            msg = ws.cell(r.row, CHECK_COL)
        msg.font = Font(name=FONT, size=CHECK_SIZE)
        msg.alignment = Alignment(wrap_text=True, vertical="center")
        lines = _lines([c for c in compiled if c.rule.names[0] == f.name], campaign)
        if lines > 1:
            # Spreadsheets do not grow a row for a formula's text: leave room for the longest message.
            ws.row_dimensions[r.row].height = max(ws.row_dimensions[r.row].height or 0, style.lines_height(min(lines, 4), 9))
        note_cell = ws.cell(r.row, NOTE_COL)
        note_cell.protection = Protection(locked=False)
        note_cell.font = Font(name=FONT, size=10, color=style.ENTRY_TEXT)
        note_cell.alignment = Alignment(wrap_text=True, vertical="center")
        book.defined_names[note_name(f)] = DefinedName(
            note_name(f), attr_text=f"{sheet_ref}!${column_letter(NOTE_COL)}${r.row}"
        )
        ws.add_data_validation(_note_validation(f, f"{column_letter(NOTE_COL)}{r.row}"))
        a1 = f"{column_letter(VALUE_COL)}{r.row}"
        mine = touching.get(f.name, [])
        if mine:
            for text, fill, font in ((RESULT_ERROR, ERROR_FILL, ERROR_FONT), (RESULT_WARNING, WARNING_FILL, WARNING_FONT),
                                     (RESULT_EXPLAINED, EXPLAINED_FILL, None)):
                cond = ",".join(f'{check_ref}!${column_letter(RESULT_COL)}${i}="{text}"' for i in mine)
                ws.conditional_formatting.add(
                    a1, FormulaRule(formula=[f"OR({cond})" if len(mine) > 1 else cond], fill=fill, font=font, stopIfTrue=True)
                )
        if rows:
            f_a1 = f"{column_letter(CHECK_COL)}{r.row}"
            for text, fill in ((RESULT_ERROR, ERROR_FILL), (RESULT_WARNING, WARNING_FILL)):
                ws.conditional_formatting.add(
                    f_a1, FormulaRule(formula=[f'ISNUMBER(SEARCH("【{text}】",{f_a1}))'], fill=fill, stopIfTrue=True)
                )
    return compiled


CHECK_WIDTH, CHECK_SIZE = 46, 9  # the 审核 column: its width and font size
LINE_WIDTH = int((CHECK_WIDTH - 1) / (CHECK_SIZE / style.FONT_SIZE) / 1.05)  # half-width characters a line


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _lines(anchored: list[LiveRule], campaign: Campaign) -> int:
    """Lines the longest message of a row may take (a number counted 8 characters wide)."""
    longest = 0
    for live in anchored:
        width = 8  # 【错误】
        for p in live.rule.message.pieces:
            if p.kind == "text":
                width += _width(p.text)
            elif p.kind == "field":
                f = campaign.field(p.text)
                width += _width(f"{f.caption}  {f.unit}") + 8
            else:
                width += 8
        longest = max(longest, width)
    return -(-longest // LINE_WIDTH)


def _blanks_row(check: Worksheet, row: int, rule_id: str, form: Form, cells: list[str]) -> None:
    """The engine's blank-fields 提示 (F-BLANKS), live: some input cells filled and some still empty.
    A form with nothing filled yet is being filled, not a blank return: it shows nothing here."""
    count_col = EXPLAIN_COL + 1  # the number of empty input cells, beside the row (not printed)
    empty = "+".join(f'(TRIM({_quoted_cell(c)})="")' for c in cells)
    count = f"${column_letter(count_col)}${row}"
    values = (
        rule_id,
        RESULT_WARNING,
        "各项",
        f'=IF(AND({count}>0,{count}<{len(cells)}),"{RESULT_WARNING}","")',
        f'=IF({column_letter(RESULT_COL)}{row}="","","以下 "&{count}&" 项未填写，汇总时按 0 计；没有的请填 0")',
        "",
    )
    for col, value in enumerate(values, start=1):
        cell = check.cell(row, col, value)
        cell.font = Font(name=FONT, size=10)
        cell.border = BOX
        cell.alignment = Alignment(vertical="center", wrap_text=col in (FIELDS_COL, MESSAGE_COL, EXPLAIN_COL))
    check.cell(row, count_col, f"={empty}").font = Font(name=FONT, size=8, color=style.GREY_TEXT)


def _quoted_cell(ref: str) -> str:
    sheet, _, a1 = ref.rpartition("!")
    return f"{_quoted(sheet)}!{a1}"


def _summary_formula(results: str) -> str:
    errors = f'COUNTIF({results},"{RESULT_ERROR}")'
    warnings = f'COUNTIF({results},"{RESULT_WARNING}")'
    explained = f'COUNTIF({results},"{RESULT_EXPLAINED}")'
    text = (
        f'"审核：错误 "&{errors}&" 个（须修改），提示 "&{warnings}&" 个（请核实或说明）"'
        f'&IF({explained}>0,"，已说明 "&{explained}&" 个","")'
    )
    return f'IF({errors}+{warnings}+{explained}=0,{string("审核：未发现问题（随填随审）")},{text})'


def _note_validation(field: Field, ref: str) -> DataValidation:
    dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200", allow_blank=True)
    dv.promptTitle = "说明"
    dv.prompt = "本行出现黄色“提示”而数字确实无误时，请在此写明原因，如“今年新增包机一架”。错误不能以说明代替修改。"
    dv.errorTitle = "说明过长"
    dv.error = "说明请控制在 200 字以内。"
    return show(dv, ref)
