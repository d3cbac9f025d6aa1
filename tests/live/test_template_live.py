"""The live checks as written into the committed templates: the rules and cell checks compiled, every one
in words from the start, portable, protected."""

from __future__ import annotations

import re

import openpyxl
import pytest

from wennuan_xl.core.excel_formulas import applicable, compile_rule
from wennuan_xl.core.layout import CHECK_COL, NOTE_COL, VALUE_COL, layout_for, note_name
from wennuan_xl.files.live_checks import (
    CHECK_SHEET,
    COUNT_COL,
    ERRORS_COL,
    FIELDS_COL,
    FIRST_RULE_ROW,
    MESSAGE_COL,
    READING_COLUMNS,
    RESULT_COL,
    WARNINGS_COL,
    WORDS_COL,
    checklist,
)
from wennuan_xl.files.template import template_filename

from .conftest import REPO

# What Excel 2010+, WPS and LibreOffice all evaluate; no LET, TEXTJOIN, IFS or dynamic arrays.
PORTABLE = {"IF", "AND", "OR", "NOT", "ABS", "ROUND", "SUM", "MIN", "MAX", "COUNTIF", "ISBLANK", "ISNUMBER",
            "ISTEXT", "ISLOGICAL", "ISERROR", "IFERROR", "N", "INT", "TEXT", "VALUE", "MID", "LEFT", "RIGHT", "LEN",
            "FIND", "SUBSTITUTE", "EXACT", "CHAR", "SEARCH", "TRIM"}
_STRING = re.compile(r'"(?:[^"]|"")*"')
_CALL = re.compile(r"([A-Z][A-Z0-9._]*)\(")


@pytest.fixture(scope="module", params=["A1", "A2"])
def committed(request, campaign):
    form = campaign.form(request.param)
    return form, openpyxl.load_workbook(REPO / "workbooks" / template_filename(form))


def _formulas(book) -> list[str]:
    out = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
           if isinstance(c.value, str) and c.value.startswith("=")]
    for ws in book.worksheets:
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                out.extend(rule.formula)
    return out


def test_every_rule_of_the_annex_is_live_and_cross_form_and_last_year_rules_are_not(committed, campaign, rules) -> None:
    form, book = committed
    ws = book[CHECK_SHEET]
    plan = checklist(campaign, form, rules)
    ids = [ws.cell(r, 1).value for r in range(FIRST_RULE_ROW, plan.first_cell_row)]
    names = {f.name for f in form.fields}
    blanks = next(c.id for c in rules.form_checks if c.check == "blanks")
    assert ids == [r.id for r in rules.rules if applicable(r, names)] + [blanks]  # the blank fields last
    assert len(ids) == len([r for r in rules.rules if r.forms == {form.id} and not r.previous]) + 1
    assert "X-10L" not in ids  # needs both annexes in one workbook
    assert not [i for i in ids if i.startswith("PY-")]  # needs a 上年数 cell a blank template has not
    # Then one row per field, its cell checks: every check of the field's kind that a template can meet.
    numbers = [ws.cell(r, FIELDS_COL).value for r in range(plan.first_cell_row, plan.last + 1)]
    assert numbers == [f.number for f in form.fields] and plan.last == ws.max_row
    row = plan.first_cell_row + [f.code for f in form.fields].index(f"{form.id}.01A" if form.id == "A1" else "A2.01")
    assert ws.cell(row, 1).value == "单元格检查"


def test_every_check_shows_its_words_from_the_start(committed, campaign, rules) -> None:
    """Before anything is typed, each row of the checklist says in words what must hold."""
    form, book = committed
    ws = book[CHECK_SHEET]
    words = {ws.cell(r, 1).value: ws.cell(r, WORDS_COL).value for r in range(FIRST_RULE_ROW, ws.max_row + 1)}
    if form.id == "A1":
        assert words["A1-02"] == "02(B) 其中困难农民工 不得大于 02(A) 当地困难职工总数"
        assert words["A1-05-SUM"] == "05 筹集款物总额 应等于 05(A)、(B)、(C)、(D)、(E) 之和（允许误差 0.01 万元）"
        first = checklist(campaign, form, rules).first_cell_row
        assert ws.cell(first, WORDS_COL).value == (
            "01(A) 当地职工总数 应填写数字，应按“人”填写，不带其他计量单位，不得小于 0 人，应为整数")
    else:
        assert words["A2-06-YES"] == "06(B) 资金是否纳入财政预算 为 “是” 时，06(A) 省级财政建立专项帮扶资金 不得为 0"
    for r in range(FIRST_RULE_ROW, ws.max_row + 1):
        text = ws.cell(r, WORDS_COL).value
        assert isinstance(text, str) and text and not text.startswith("="), (r, text)


def test_the_formulas_are_the_rules_compiled(committed, campaign, rules) -> None:
    form, book = committed
    ws = book[CHECK_SHEET]
    plan = checklist(campaign, form, rules)
    for row, live in plan.rule_rows:
        assert ws.cell(row, 1).value == live.id
        assert live.fired in ws.cell(row, RESULT_COL).value, live.id
        assert live.message in ws.cell(row, MESSAGE_COL).value, live.id
    # F-BLANKS: the empty input cells as the reading cells count them (spaces alone are empty), and the form
    # being filled (some filled, some not) is what fires it.
    assert plan.blanks_row is not None
    status = openpyxl.utils.get_column_letter(READING_COLUMNS["status"])
    span = f"${status}${plan.first_cell_row}:${status}${plan.last}"
    assert ws.cell(plan.blanks_row, COUNT_COL).value == f"=COUNTIF({span},0)"
    assert f"<{len(form.fields)}" in ws.cell(plan.blanks_row, RESULT_COL).value
    for row, cell in plan.cell_rows:
        for live in cell.checks:
            counted = ERRORS_COL if live.severity.label == "错误" else WARNINGS_COL
            assert live.fired in ws.cell(row, counted).value and live.message in ws.cell(row, MESSAGE_COL).value
    if form.id == "A1":
        fired = compile_rule(rules.rule("A1-02"), campaign, rules.constants).fired
        # Read from the input cells themselves when no reading cells are given: a blank is Blank, 0 in the
        # comparison; any text makes the rule "cannot evaluate", as a number or a blank does not.
        assert fired == ("IFERROR(AND(MAX(IF(ISBLANK(A1_02B),0,IF(ISNUMBER(A1_02B),1,3)),"
                         "IF(ISBLANK(A1_02A),0,IF(ISNUMBER(A1_02A),1,3)))>0,"
                         "MAX(IF(ISBLANK(A1_02B),0,IF(ISNUMBER(A1_02B),1,3)),"
                         "IF(ISBLANK(A1_02A),0,IF(ISNUMBER(A1_02A),1,3)))<3,"
                         "NOT(N(A1_02B)<=N(A1_02A))),FALSE)")
        assert "<=0.01" in compile_rule(rules.rule("A1-05-SUM"), campaign, rules.constants).fired  # TOLERANCE
        per = compile_rule(rules.rule("A1-07-PER"), campaign, rules.constants)
        assert "AND(N(A1_07I)>0,N(A1_07J)>0)" in per.fired and 'TEXT(((N(A1_07J)*10000)/N(A1_07I)),"#,##0")' in per.message
        # In the template, each field is read from its reading cells on its own row of the checklist.
        live = dict((x.id, x) for _, x in plan.rule_rows)["A1-02"]
        value = {f.code: plan.sources[f.name].value for f in form.fields}
        assert f"NOT(N({value['A1.02B']})<=N({value['A1.02A']}))" in live.fired


def test_only_portable_functions(committed) -> None:
    _, book = committed
    used = set()
    for text in _formulas(book):
        used |= set(_CALL.findall(_STRING.sub('""', text)))
    assert used and used <= PORTABLE, used - PORTABLE


def test_check_cells_locked_note_cells_unlocked_and_named(committed) -> None:
    form, book = committed
    check = book[CHECK_SHEET]
    assert check.protection.sheet and not check.protection.password
    assert all(c.protection.locked for row in check.iter_rows() for c in row)
    ws = book[form.sheet]
    for r in layout_for(form).rows:
        if r.field is None:
            continue
        assert ws.cell(r.row, CHECK_COL).protection.locked, r.field.code
        note = ws.cell(r.row, NOTE_COL)
        assert not note.protection.locked and note.value is None, r.field.code
        sheet, coord = next(iter(book.defined_names[note_name(r.field)].destinations))
        assert (sheet, coord.replace("$", "")) == (form.sheet, note.coordinate)


def test_cells_of_every_rule_are_coloured(committed, campaign, rules) -> None:
    form, book = committed
    ws = book[form.sheet]
    coloured = {str(rng) for cf in ws.conditional_formatting for rng in cf.sqref.ranges}
    involved = {n for r in rules.rules if applicable(r, {f.name for f in form.fields}) for n in r.names}
    for r in layout_for(form).rows:
        if r.field is not None and r.field.name in involved:
            assert f"{openpyxl.utils.get_column_letter(VALUE_COL)}{r.row}" in coloured, r.field.code
