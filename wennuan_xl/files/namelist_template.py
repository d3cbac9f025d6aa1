"""The blank 实名制 list template: the notice asks for the list but prints no form, so this is ours.

One sheet, laid out as a clerk expects a 花名册: title, 填报单位 / 填报日期 / 填报人 / 联系电话, the two 说明 lines,
one header row, then ``template_rows`` input rows. The ID column is formatted as text (a number cell would keep
15 digits), every column has its data validation and Chinese prompt, and a 审核 column checks each row while
the clerk types: length, check digit (ISO 7064 MOD 11-2), the same number twice, 性别 against the 17th digit,
物资折款 above 金额. Built deterministically, like the annexes' templates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core.forms import Campaign
from ..core.idnumber import WEIGHTS
from ..core.namelist.spec import ListSpec, namelist_spec
from ..core.workbook import column_letter
from . import style
from .atomic import atomic_path
from .sheet_setup import show

FONT = style.FONT
INPUT_FILL = PatternFill("solid", fgColor=style.INPUT)  # as the annexes' templates: unlike every severity colour
HEADER_FILL = PatternFill("solid", fgColor=style.HEADER)
ERROR_FILL = PatternFill("solid", bgColor=style.ERROR)
THIN = Side(style="thin", color=style.BORDER)
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FIXED_TIME = dt.datetime(2016, 11, 7, 9, 0, 0)
TITLE_ROW, UNIT_ROW, PERSON_ROW, NOTES_ROW = 1, 2, 3, 4
CHECK_HEADER = "审核"
FORMATS = {"id": style.TEXT_FORMAT, "phone": style.TEXT_FORMAT, "text": style.TEXT_FORMAT, "name": style.TEXT_FORMAT,
           "yuan": style.YUAN_FORMAT, "date": style.DATE_FORMAT, "seq": "0"}


def list_template_filename(spec: ListSpec) -> str:
    return f"{spec.annex}-{spec.title}.xlsx".replace("“", "").replace("”", "")


def write_list_template(campaign: Campaign, out_dir: Path | str) -> Path | None:
    spec = namelist_spec(campaign)
    if spec is None:
        return None
    target = Path(out_dir) / list_template_filename(spec)
    book = build_list_template(campaign, spec)
    with atomic_path(target) as tmp:
        book.save(tmp)
    return target


def header_row(spec: ListSpec) -> int:
    return NOTES_ROW + len(spec.notes)


def build_list_template(campaign: Campaign, spec: ListSpec) -> Workbook:
    book = Workbook()
    ws = book.active
    assert isinstance(ws, Worksheet)
    ws.title = spec.sheet
    for prop in ("creator", "lastModifiedBy"):
        setattr(book.properties, prop, campaign.issuer)
    book.properties.title = spec.title
    book.properties.created = book.properties.modified = FIXED_TIME
    columns = spec.columns
    last_col = len(columns) + 1  # the 审核 column after the spec's columns
    head = header_row(spec)
    first, last = head + 1, head + spec.template_rows
    col = {c.key: i for i, c in enumerate(columns, start=1)}
    letter = {k: column_letter(i) for k, i in col.items()}

    title = ws.cell(TITLE_ROW, 1, spec.title)
    title.font = Font(name=FONT, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last_col)
    ws.row_dimensions[TITLE_ROW].height = 30
    half = max(2, len(columns) // 2)
    for row, pairs in ((UNIT_ROW, (("填报单位", 1), ("填报日期", half + 1))), (PERSON_ROW, (("填报人", 1), ("联系电话", half + 1)))):
        for label, at in pairs:
            ws.cell(row, at, f"{label}：").font = Font(name=FONT, size=11)
            cell = ws.cell(row, at + 1)
            cell.fill = INPUT_FILL
            cell.number_format = "yyyy\"年\"m\"月\"d\"日\"" if label == "填报日期" else "@"
            cell.border = Border(bottom=THIN)
            ws.merge_cells(start_row=row, start_column=at + 1, end_row=row, end_column=at + 3)
    for i, note in enumerate(spec.notes):
        cell = ws.cell(NOTES_ROW + i, 1, note)
        cell.font = Font(name=FONT, size=10)
        ws.merge_cells(start_row=NOTES_ROW + i, start_column=1, end_row=NOTES_ROW + i, end_column=last_col)
    for c in columns:
        _header(ws, head, col[c.key], c.label)
        ws.column_dimensions[letter[c.key]].width = c.width
    _header(ws, head, last_col, CHECK_HEADER)
    ws.column_dimensions[column_letter(last_col)].width = 30

    for r in range(first, last + 1):
        for c in columns:
            cell = ws.cell(r, col[c.key])
            cell.number_format = FORMATS.get(c.kind, style.TEXT_FORMAT)
            cell.border = BOX
            cell.font = Font(name=FONT, size=11)
        check = ws.cell(r, last_col, _check_formula(r, letter, first, last))
        check.font = Font(name=FONT, size=10, color=style.RED_TEXT)
        check.border = BOX

    _validations(ws, spec, letter, first, last)
    check_letter = column_letter(last_col)
    ws.conditional_formatting.add(f"A{first}:{check_letter}{last}",
                                  FormulaRule(formula=[f'LEN(${check_letter}{first})>0'], fill=ERROR_FILL))
    ws.freeze_panes = ws.cell(first, 1).coordinate
    ws.print_title_rows = f"{head}:{head}"
    ws.print_area = f"A1:{check_letter}{last}"
    style.openpyxl_page(ws, style.Page(landscape=True, centered=True))
    return book


def _header(ws: Worksheet, row: int, col: int, text: str) -> None:
    cell = ws.cell(row, col, text)
    cell.font = Font(name=FONT, size=11, bold=True)
    cell.fill = HEADER_FILL
    cell.border = BOX
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _check_formula(r: int, letter: dict[str, str], first: int, last: int) -> str:
    """The row's live 审核: "" when fine, else what is wrong. Only IF, AND, OR, LEN, MID, MOD, SUMPRODUCT, UPPER,
    RIGHT, COUNTIF, IFERROR: Excel 2010+, WPS and LibreOffice."""
    d, sex, name = f"{letter['ID']}{r}", f"{letter['SEX']}{r}", f"{letter['NAME']}{r}"
    amount, goods = f"{letter['AMOUNT']}{r}", f"{letter['GOODS']}{r}"
    ids = f"${letter['ID']}${first}:${letter['ID']}${last}"
    positions = ",".join(str(i) for i in range(1, 18))
    weights = ",".join(str(w) for w in WEIGHTS)
    checksum = f'MID("10X98765432",MOD(SUMPRODUCT(MID({d},{{{positions}}},1)*{{{weights}}}),11)+1,1)'
    number = (f'IF({d}="","未填公民身份号码；",IF(LEN({d})<>18,"公民身份号码应为18位；",'
              f'IF({checksum}<>UPPER(RIGHT({d},1)),"校验码不对，号码有误；","")))')
    twice = f'IF(AND({d}<>"",COUNTIF({ids},{d}&"*")>1),"号码重复；","")'
    sex_check = f'IF(AND({sex}<>"",LEN({d})=18,{sex}<>IF(MOD(MID({d},17,1),2)=1,"男","女")),"性别与号码不符；","")'
    money = f'IF(AND({amount}<>"",{goods}<>"",{goods}>{amount}),"物资折款大于金额；","")'
    body = f'IFERROR({number},"公民身份号码有误；")&IFERROR({twice}&{sex_check},"")&IFERROR({money},"")'
    return f'=IF(AND({name}="",{d}=""),"",{body})'


def _validations(ws: Worksheet, spec: ListSpec, letter: dict[str, str], first: int, last: int) -> None:
    def rng(key: str) -> str:
        return f"{letter[key]}{first}:{letter[key]}{last}"

    ids = f"${letter['ID']}${first}:${letter['ID']}${last}"
    d = f"{letter['ID']}{first}"
    dv = DataValidation(type="custom", formula1=f'AND(LEN({d})=18,COUNTIF({ids},{d}&"*")=1)', allow_blank=True)
    dv.errorStyle = "warning"
    _texts(dv, "公民身份号码", "请填写 18 位公民身份号码（本列为文本格式，不要改成数值）；末位 X 用大写。",
           "公民身份号码应为 18 位，且同一号码在名单中只能出现一次。")
    ws.add_data_validation(show(dv, rng("ID")))
    for key in ("SEX", "CATEGORY", "FORM"):
        column = spec.column(key)
        choices = column.choices or ("男", "女")
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        _texts(dv, column.label, f"请从下拉列表选择：{'、'.join(choices)}。", f"只能填写：{'、'.join(choices)}。")
        ws.add_data_validation(show(dv, rng(key)))
    amount_max = next((c.params.get("max") for c in spec.row_checks if c.check == "amount_max"), None)
    dv = DataValidation(type="decimal", operator="greaterThan", formula1="0", allow_blank=True)
    extra = f"超过 {amount_max:,.0f} 元的请在备注中说明原因。" if amount_max else ""
    _texts(dv, "金额（元）", f"单位：元。发给本人的现金与物资折款合计，应大于 0。{extra}", "金额应为大于 0 的数（单位：元）。")
    ws.add_data_validation(show(dv, rng("AMOUNT")))
    dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    _texts(dv, "其中物资折款（元）", "单位：元。所发物资折合的金额，不超过金额；没有物资的填 0。", "物资折款应为不小于 0 的数（单位：元）。")
    ws.add_data_validation(show(dv, rng("GOODS")))
    start, end = spec.period_from, spec.period_to
    dv = DataValidation(type="date", operator="between", formula1=f"DATE({start.year},{start.month},{start.day})",
                        formula2=f"DATE({end.year},{end.month},{end.day})", allow_blank=True)
    dv.errorStyle = "warning"
    _texts(dv, "发放日期", f"请填写发放日期，如 {end.year}-1-15。", f"发放日期应在活动期间 {start.isoformat()} 至 {end.isoformat()} 内。")
    ws.add_data_validation(show(dv, rng("DATE")))


def _texts(dv: DataValidation, title: str, prompt: str, error: str) -> None:
    dv.promptTitle = title[:32]
    dv.prompt = prompt[:255]
    dv.errorTitle = "填写有误"
    dv.error = error[:255]
