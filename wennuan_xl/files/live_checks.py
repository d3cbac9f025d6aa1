"""The live checks inside a blank template: the 审核公式 as Excel formulas, no macros.

Beside the form (columns F and G of the form sheet):

* F "审核": on each field's row, the messages of the rules and field checks that row's field leads (the
  rule's first field, as in the engine's findings), prefixed 【错误】/【提示】/【已说明】, while the clerk
  types;
* G "说明": an unlocked cell named ``<field>_NOTE`` (``A1_10I_NOTE``) where the unit explains a 提示 on
  that row ("今年新增包机一架"): a 说明 on the row of any field of a rule explains the rule's 提示, as in
  the engine (``check.explanation_of``). An explained 提示 no longer counts as open; a 错误 stays open
  whatever is written;
* above the table, a count of open 错误 / 提示.

A second sheet, 审核, lists every rule of the annex and every field check of every field with its text in
words (“02(B) 其中困难农民工 不得大于 02(A) 当地困难职工总数”), its live result (错误 / 提示 / 已说明, or
empty when it holds) and message; beside it, a reading table holds each input cell as the engine reads it
(``core.excel_reading``: ``30人`` is 30, ``约30`` not a number), which every rule and field check uses. It
is the single place the formulas live, hidden (the form prints without it), and what the LibreOffice
agreement tests read. Conditional formatting colours the input cells of a violated rule: red 错误,
yellow 提示, green an explained 提示. Everything except the input and 说明 cells stays locked.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core import messages
from ..core.excel_formulas import (
    BLANK,
    LiveCell,
    LiveCheck,
    Source,
    applicable,
    explanation_formula,
    live_cells,
    live_rules,
    string,
)
from ..core.excel_reading import ReadingCells, reading_formulas
from ..core.findings import Severity
from ..core.forms import Campaign, Field, Form, Kind
from ..core.layout import (
    CHECK_HEADER,
    NOTE_HEADER,
    VALUE_COL,
    FormLayout,
    SideColumns,
    layout_for,
    note_name,
    side_columns,
)
from ..core.rules import FieldCheck, Rule, RuleSet
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
# The checklist, printed when the sheet is shown: a row per rule, the F-BLANKS row, then a row per field
# with its cell checks (data validation stops typing, not pasting: ``约30`` pasted is F-NUMBER).
ID_COL, SEVERITY_COL, FIELDS_COL, WORDS_COL, RESULT_COL, MESSAGE_COL, EXPLAIN_COL = range(1, 8)
CHECK_HEADERS = ("规则编号", "类别", "涉及指标", "审核规则", "结果", "问题说明", "单位说明")
CHECK_WIDTHS = (18, 6, 20, 42, 7, 46, 22)
CHECK_TEXT_SIZE = 10
# Beside it, not printed: on a field's row, how many 错误, 提示 and unexplained 提示 its cell checks found
# (a cell can break two at once: -1.5 人 is negative and no whole number); on the F-BLANKS row, the
# number of empty input cells; then, on a field's row, how its input cell reads, as the engine reads it
# (core.excel_reading; its 说明, trimmed, is the row's 单位说明).
ERRORS_COL, WARNINGS_COL, OPEN_COL, COUNT_COL = 8, 9, 10, 11
READING_COL = 12
READING_HEADERS = ("规整后", "去掉本栏单位", "去掉正负号", "非数字", "其他单位", "单位前的数", "其非数字", "状态", "读作")
READING_COLUMNS = {
    **{key: READING_COL + i for i, key in enumerate(
        f.name for f in dataclasses.fields(ReadingCells) if f.name != "note")},
    "note": EXPLAIN_COL,
}
RESULT_ERROR, RESULT_WARNING, RESULT_EXPLAINED = "错误", "提示", "已说明"
# The 规则编号 of a field's row; its words say its checks (F-NUMBER …) in rules_fields.yaml's order. One id a
# line would be more exact, but LibreOffice prints lines of Latin glyphs alone into each other.
CELL_CHECKS = "单元格检查"
LEGEND = "红色：错误，须修改；黄色：提示，请核实，数字无误请在任一黄色行的“说明”栏写明原因；绿色：已说明。"


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True)
class Checklist:
    """Where everything of the 审核 sheet goes, and the checks compiled for those places."""

    rule_rows: list[tuple[int, LiveCheck]]  # (row, rule), in rule-file order
    blanks_row: int | None  # F-BLANKS, after the rules
    cell_rows: list[tuple[int, LiveCell]]  # (row, a field's cell checks and reading), in the form's order
    sources: dict[str, Source]  # field name -> its reading cells
    last: int  # the last row

    @property
    def first_cell_row(self) -> int:
        return self.cell_rows[0][0] if self.cell_rows else self.last + 1


def checklist(campaign: Campaign, form: Form, rules: RuleSet, columns: SideColumns | None = None) -> Checklist:
    """The 审核 sheet of ``form``'s template, planned: the rules that can be checked in it (all their fields
    on the form), F-BLANKS, then one row per field, each field read from its row's reading cells. With a
    上年数 column (``columns.previous``, a personalised template) the 上年同期 rules are live too, PREV(x)
    read from x's 上年数 cell."""
    layout = layout_for(form)
    columns = columns or side_columns(False)
    row_of = {r.field.name: r.row for r in layout.rows if r.field is not None}
    cell_of = {f.name: f"{form.sheet}!{column_letter(VALUE_COL)}{row_of[f.name]}" for f in form.fields}
    available = {f.name for f in form.fields}
    with_previous = {f.code for f in form.fields} if columns.previous is not None else set()
    blanks = any(c.check == "blanks" for c in rules.form_checks)
    first_cell_row = FIRST_RULE_ROW + sum(applicable(r, available, with_previous) for r in rules.rules) + blanks
    field_row = {f.name: first_cell_row + i for i, f in enumerate(form.fields)}
    previous_cell = {f.name: (f"{_quoted(form.sheet)}!${column_letter(columns.previous)}${row_of[f.name]}"
                              if columns.previous is not None else "") for f in form.fields}
    sources = {f.name: _source(f, field_row[f.name], previous_cell[f.name]) for f in form.fields}
    compiled = live_rules(rules.rules, campaign, available, rules.constants, lambda f: cell_of.get(f.name, ""),
                          lambda f: sources[f.name], with_previous)
    cells = live_cells(rules.field_checks, form.fields, campaign, rules.constants, form.sheet,
                       lambda f: cell_of[f.name], lambda f: sources[f.name])
    return Checklist(
        rule_rows=list(zip(range(FIRST_RULE_ROW, first_cell_row), compiled)),
        blanks_row=first_cell_row - 1 if blanks else None,
        cell_rows=[(field_row[cell.field.name], cell) for cell in cells],
        sources=sources,
        last=max(first_cell_row + len(form.fields), FIRST_RULE_ROW + 1) - 1,
    )


def add_live_checks(book: Workbook, ws: Worksheet, campaign: Campaign, form: Form, layout: FormLayout,
                    rules: RuleSet, columns: SideColumns | None = None) -> Checklist:
    """Add the 审核 sheet, the 审核 / 说明 columns and the colouring; returns the plan it followed.
    ``columns``: where 审核 and 说明 go, and the 上年数 column the PREV of the rules reads (none by default)."""
    columns = columns or side_columns(False)
    check_col, note_col = columns.check, columns.note
    form_ref = _quoted(ws.title)
    check = book.create_sheet(CHECK_SHEET)
    check_ref = _quoted(CHECK_SHEET)
    plan = checklist(campaign, form, rules, columns)
    rule_rows, cell_rows, sources, last = plan.rule_rows, plan.cell_rows, plan.sources, plan.last
    compiled = [live for _, live in rule_rows]
    first_cell_row = plan.first_cell_row
    blanks = next((c for c in rules.form_checks if c.check == "blanks"), None)
    summary = _summary_formula(check_ref, FIRST_RULE_ROW, first_cell_row, last)

    # --- the 审核 sheet: one row per rule, one per field ------------------------------------------
    for col, width in enumerate(CHECK_WIDTHS, start=1):
        check.column_dimensions[column_letter(col)].width = width
    title = check.cell(1, 1, f"{form.annex} 审核公式（随填随审，自动计算，请勿修改本表）")
    title.font = Font(name=FONT, size=14, bold=True)
    check.row_dimensions[1].height = style.lines_height(1, 14)
    check.cell(2, 1, "=" + summary.text).font = Font(name=FONT, size=12, bold=True)
    check.row_dimensions[2].height = style.lines_height(1, 12)
    check.cell(3, 1, LEGEND).font = Font(name=FONT, size=CHECK_TEXT_SIZE)
    for col, text in enumerate(CHECK_HEADERS, start=1):
        _header(check.cell(4, col, text))
    for col, text in ((ERRORS_COL, "错误数"), (WARNINGS_COL, "提示数"), (OPEN_COL, "未说明"), (COUNT_COL, "空格数"),
                      *enumerate(READING_HEADERS, start=READING_COL)):
        _header(check.cell(4, col, text), size=8)
        check.column_dimensions[column_letter(col)].width = 9
    rule_of = {r.id: r for r in rules.rules}
    for row, live in rule_rows:
        fields = [campaign.field(n) for n in live.names]
        sev = f"${column_letter(SEVERITY_COL)}{row}"
        explain = f"{column_letter(EXPLAIN_COL)}{row}"
        values = (
            live.id,
            live.severity.label,
            _numbers(fields),
            live.words,
            (f'=IF({live.fired},IF({sev}="{RESULT_ERROR}","{RESULT_ERROR}",'
             f'IF({explain}="","{RESULT_WARNING}","{RESULT_EXPLAINED}")),"")'),
            f'=IF({column_letter(RESULT_COL)}{row}="","",{live.message})',
            "=" + explanation_formula(sources[f.name].note for f in fields),
        )
        _checklist_row(check, row, values, _sample(rule_of[live.id].message, campaign))
    if blanks is not None and plan.blanks_row is not None:
        _blanks_row(check, plan.blanks_row, blanks.id, blanks.severity.label, form, first_cell_row)
    for row, cell in cell_rows:
        _cell_row(check, row, cell, rules, campaign, form.sheet)
        _reading_cells(check, row, cell.field, campaign)
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

    placed: list[tuple[int, tuple[str, ...]]] = [(row, live.names) for row, live in rule_rows]
    placed += [(row, (cell.field.name,)) for row, cell in cell_rows]
    # --- the form sheet: count on top, 审核 and 说明 columns, colours --------------------------
    ws.column_dimensions[column_letter(check_col)].width = CHECK_WIDTH
    ws.column_dimensions[column_letter(note_col)].width = 24
    top = (layout.cover_cells and min(r for r, _ in layout.cover_cells.values())) or layout.title_row + 1
    count = ws.cell(top, check_col, "=" + summary.text)
    # Green while nothing is found (a blank form is no error), red with a 错误, dark yellow with a 提示.
    count.font = Font(name=FONT, size=11, bold=True, color=style.OK_TEXT)
    count_a1 = count.coordinate
    for total, colour in ((summary.errors, style.RED_TEXT), (summary.warnings, style.WARNING_TEXT)):
        ws.conditional_formatting.add(count_a1, FormulaRule(
            formula=[f"{total}>0"], font=Font(bold=True, color=colour), stopIfTrue=True))
    ws.merge_cells(start_row=top, start_column=check_col, end_row=top, end_column=note_col)
    legend = ws.cell(top + 1, check_col, LEGEND)
    legend.font = Font(name=FONT, size=9)
    legend.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=top + 1, start_column=check_col, end_row=top + 1, end_column=note_col)
    for col, text in ((check_col, CHECK_HEADER), (note_col, NOTE_HEADER)):
        _header(ws.cell(layout.header_row, col, text), size=11)
    anchored: dict[str, list[int]] = {}
    touching: dict[str, list[int]] = {}
    for row, names in placed:
        anchored.setdefault(names[0], []).append(row)
        for name in names:
            touching.setdefault(name, []).append(row)
    for r in layout.rows:
        for col in (check_col, note_col):
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
            msg = ws.cell(r.row, check_col, f"=MID({'&'.join(parts)},2,4000)")
        else:
            msg = ws.cell(r.row, check_col)
        msg.font = Font(name=FONT, size=CHECK_SIZE)
        msg.alignment = Alignment(wrap_text=True, vertical="center")
        # Room for the longest message of the row's rules. Not for a field check's: those appear only when
        # text was pasted into the cell, which the red cell and the first line already say.
        lines = _lines([rule_of[c.id] for c in compiled if c.names[0] == f.name], campaign)
        if lines > 1:
            # Spreadsheets do not grow a row for a formula's text: leave room for the longest message.
            ws.row_dimensions[r.row].height = max(ws.row_dimensions[r.row].height or 0, style.lines_height(min(lines, 4), 9))
        note_cell = ws.cell(r.row, note_col)
        note_cell.protection = Protection(locked=False)
        note_cell.font = Font(name=FONT, size=10, color=style.ENTRY_TEXT)
        note_cell.alignment = Alignment(wrap_text=True, vertical="center")
        book.defined_names[note_name(f)] = DefinedName(
            note_name(f), attr_text=f"{form_ref}!${column_letter(note_col)}${r.row}"
        )
        ws.add_data_validation(_note_validation(f, f"{column_letter(note_col)}{r.row}"))
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
            f_a1 = f"{column_letter(check_col)}{r.row}"
            for text, fill in ((RESULT_ERROR, ERROR_FILL), (RESULT_WARNING, WARNING_FILL)):
                ws.conditional_formatting.add(
                    f_a1, FormulaRule(formula=[f'ISNUMBER(SEARCH("【{text}】",{f_a1}))'], fill=fill, stopIfTrue=True)
                )
    return plan


CHECK_WIDTH, CHECK_SIZE = 46, 9  # the 审核 column: its width and font size
LINE_WIDTH = int((CHECK_WIDTH - 1) / (CHECK_SIZE / style.FONT_SIZE) / 1.05)  # half-width characters a line


def _checklist_row(check: Worksheet, row: int, values: tuple, sample: str) -> None:
    """One row of the checklist, as tall as its words and (``sample``) its message when it shows."""
    for col, value in enumerate(values, start=1):
        cell = check.cell(row, col, value)
        cell.font = Font(name=FONT, size=CHECK_TEXT_SIZE)
        cell.border = BOX
        cell.alignment = Alignment(vertical="center", wrap_text=col in (FIELDS_COL, WORDS_COL, MESSAGE_COL, EXPLAIN_COL))
    shown = ((FIELDS_COL, values[FIELDS_COL - 1]), (WORDS_COL, values[WORDS_COL - 1]), (MESSAGE_COL, sample))
    check.row_dimensions[row].height = style.row_height(
        [(text, CHECK_WIDTHS[col - 1], CHECK_TEXT_SIZE) for col, text in shown])


def _cell_row(check: Worksheet, row: int, cell: LiveCell, rules: RuleSet, campaign: Campaign, sheet: str) -> None:
    """The field checks of one input cell: the 错误 and 提示 they find counted beside the row, the result
    the worst of them, the message theirs joined by “；” (each as the engine words it)."""
    def count(severity: Severity) -> str:
        fired = [f"IF({c.fired},1,0)" for c in cell.checks if c.severity is severity]
        return "=" + ("+".join(fired) or "0")

    errors, warnings = (f"${column_letter(col)}${row}" for col in (ERRORS_COL, WARNINGS_COL))
    explain = f"{column_letter(EXPLAIN_COL)}{row}"
    messages_ = "&".join(f'IF({c.fired},"；"&{c.message},"")' for c in cell.checks)
    values = (
        CELL_CHECKS,
        "、".join(dict.fromkeys(c.severity.label for c in cell.checks)),
        cell.field.number,
        cell.words,
        (f'=IF({errors}>0,"{RESULT_ERROR}",IF({warnings}>0,IF({explain}="","{RESULT_WARNING}",'
         f'"{RESULT_EXPLAINED}"),""))'),
        f"=MID({messages_},2,4000)" if cell.checks else "",
        None,  # the reading's 说明 cell (_reading_cells)
    )
    longest = max((_sample(_field_check(rules, c.id).message, campaign, cell.field, sheet) for c in cell.checks),
                  key=len, default="")
    _checklist_row(check, row, values, longest)
    small = Font(name=FONT, size=8, color=style.GREY_TEXT)
    for col, formula_ in ((ERRORS_COL, count(Severity.ERROR)), (WARNINGS_COL, count(Severity.WARNING)),
                          (OPEN_COL, f'=IF({explain}="",{warnings},0)')):
        check.cell(row, col, formula_).font = small


def _numbers(fields: list[Field]) -> str:
    """The fields' numbers, the item said once while it stays the same: ``09(A)、(C)、(E)、10``; a list that
    wraps ends with how many there are, so that its last line is not digits alone (LibreOffice sets a line of
    Latin glyphs alone into the one above it)."""
    out: list[str] = []
    item = None
    for f in fields:
        out.append(f"({f.letter})" if f.letter and f.item == item else f.number)
        item = f.item
    text = "、".join(out)
    room = (CHECK_WIDTHS[FIELDS_COL - 1] - 1) / (CHECK_TEXT_SIZE / style.FONT_SIZE)
    return text + f"（{len(fields)} 项）" if style.text_width(text) > 0.8 * room else text


def _source(f: Field, row: int, previous: str = "") -> Source:
    """Where the reading cells of the field on ``row`` are (and its 上年数 cell, when there is one)."""
    cells = ReadingCells(**{key: f"${column_letter(col)}${row}" for key, col in READING_COLUMNS.items()})
    return Source(f.name, cells.value, cells.status, cells.note, cells.unit, previous)


def _reading_cells(check: Worksheet, row: int, f: Field, campaign: Campaign) -> None:
    """The engine's reading of the field's input cell, beside its row of the checklist."""
    cells = ReadingCells(**{key: f"${column_letter(col)}${row}" for key, col in READING_COLUMNS.items()})
    small = Font(name=FONT, size=8, color=style.GREY_TEXT)
    for key, text in reading_formulas(f, f.name, note_name(f), cells, campaign).items():
        cell = check.cell(row, READING_COLUMNS[key], "=" + text)
        if key != "note":
            cell.font = small


def _header(cell: Cell, size: float = CHECK_TEXT_SIZE + 1) -> None:
    cell.font = Font(name=FONT, size=size, bold=True)
    cell.fill = HEADER_FILL
    cell.border = BOX
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _field_check(rules: RuleSet, check_id: str) -> FieldCheck:
    return next(c for c in rules.field_checks if c.id == check_id)


def _sample(template: messages.Template, campaign: Campaign, field: Field | None = None, sheet: str = "") -> str:
    """The message as it shows with five-digit figures: what its row must leave room for."""
    def view(name: str) -> messages.FieldView:
        f = campaign.field(name)
        return messages.FieldView(f.caption, f.label, f.unit, f.kind is Kind.MONEY, 12345.67 if f.kind is Kind.MONEY else 12345, "")

    words: dict[str, object] = {}
    if field is not None:
        words = {"caption": field.caption, "name": field.name, "code": field.code, "label": field.label,
                 "unit": field.unit, "text": "约12345", "value": "12,345", "unit_found": "万元", "sheet": sheet,
                 "cell": f"{sheet}!E99", "min": "0", "max": "10,000"}
    return messages.render(template, view, lambda name: 12345, words)


def _lines(anchored: list[Rule], campaign: Campaign) -> int:
    """Lines the longest message of a row may take (a number counted 8 characters wide)."""
    longest = 0
    for rule in anchored:
        width = 8  # 【错误】
        for p in rule.message.pieces:
            if p.kind == "text":
                width += _width(p.text)
            elif p.kind == "field":
                f = campaign.field(p.text)
                width += _width(f"{f.caption}  {f.unit}") + 8
            else:
                width += 8
        longest = max(longest, width)
    return -(-longest // LINE_WIDTH)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _blanks_row(check: Worksheet, row: int, rule_id: str, severity: str, form: Form, first_field_row: int) -> None:
    """The engine's blank-fields 提示 (F-BLANKS), live: some input cells filled and some still empty, as
    the reading cells say (spaces alone are empty). A form with nothing filled yet is being filled, not a
    blank return: it shows nothing here."""
    status = column_letter(READING_COLUMNS["status"])
    statuses = f"${status}${first_field_row}:${status}${first_field_row + len(form.fields) - 1}"
    count = f"${column_letter(COUNT_COL)}${row}"
    message = f'"以下 "&{count}&" 项未填写，汇总时按 0 计；没有的请填 0"'
    values = (
        rule_id,
        severity,
        "各项",
        "各项都应填写，没有的填 0",
        f'=IF(AND({count}>0,{count}<{len(form.fields)}),"{RESULT_WARNING}","")',
        f'=IF({column_letter(RESULT_COL)}{row}="","",{message})',
        "",
    )
    _checklist_row(check, row, values, "以下 12 项未填写，汇总时按 0 计；没有的请填 0")
    check.cell(row, COUNT_COL, f"=COUNTIF({statuses},{BLANK})").font = Font(name=FONT, size=8, color=style.GREY_TEXT)


@dataclass(frozen=True)
class Summary:
    """The checklist's totals as formulas: 错误, open 提示, explained 提示, and the line the form shows."""

    errors: str
    warnings: str
    explained: str
    text: str


def _summary_formula(sheet: str, first: int, first_cell: int, last: int) -> Summary:
    """Rules and F-BLANKS count one finding a row (rows ``first`` .. ``first_cell``-1), the cells' field
    checks as many as each row counts beside it (``first_cell`` .. ``last``)."""
    def col(c: int, a: int, b: int) -> str:
        return f"{sheet}!${column_letter(c)}${a}:${column_letter(c)}${b}"

    results = col(RESULT_COL, first, first_cell - 1)

    def rows(text: str) -> str:
        return f'COUNTIF({results},"{text}")'

    if last >= first_cell:
        errors = f"({rows(RESULT_ERROR)}+SUM({col(ERRORS_COL, first_cell, last)}))"
        warnings = f"({rows(RESULT_WARNING)}+SUM({col(OPEN_COL, first_cell, last)}))"
        explained = (f"({rows(RESULT_EXPLAINED)}+SUM({col(WARNINGS_COL, first_cell, last)})"
                     f"-SUM({col(OPEN_COL, first_cell, last)}))")
    else:
        errors, warnings, explained = rows(RESULT_ERROR), rows(RESULT_WARNING), rows(RESULT_EXPLAINED)
    text = (
        f'"审核：错误 "&{errors}&" 个（须修改），提示 "&{warnings}&" 个（请核实或说明）"'
        f'&IF({explained}>0,"，已说明 "&{explained}&" 个","")'
    )
    return Summary(errors, warnings, explained,
                   f'IF({errors}+{warnings}+{explained}=0,{string("审核：未发现问题（随填随审）")},{text})')


def _note_validation(field: Field, ref: str) -> DataValidation:
    dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200", allow_blank=True)
    dv.promptTitle = "说明"
    dv.prompt = "本行出现黄色“提示”而数字确实无误时，请在此写明原因，如“今年新增包机一架”。错误不能以说明代替修改。"
    dv.errorTitle = "说明过长"
    dv.error = "说明请控制在 200 字以内。"
    return show(dv, ref)
