"""The live checks as written into the committed templates: the rules compiled, portable, protected."""

from __future__ import annotations

import re

import openpyxl
import pytest

from wennuan_xl.core.excel_formulas import applicable, compile_rule
from wennuan_xl.core.layout import CHECK_COL, NOTE_COL, VALUE_COL, layout_for, note_name
from wennuan_xl.files.live_checks import CHECK_SHEET, FIRST_RULE_ROW
from wennuan_xl.files.template import template_filename

from .conftest import REPO

# What Excel 2010+, WPS and LibreOffice all evaluate; no LET, TEXTJOIN, IFS or dynamic arrays.
PORTABLE = {"IF", "AND", "OR", "NOT", "ABS", "ROUND", "SUM", "MIN", "MAX", "COUNTA", "COUNTIF", "ISBLANK",
            "ISNUMBER", "IFERROR", "TEXT", "MID", "CHAR", "SEARCH", "TRIM"}
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
    ids = [ws.cell(r, 1).value for r in range(FIRST_RULE_ROW, ws.max_row + 1) if ws.cell(r, 1).value]
    names = {f.name for f in form.fields}
    blanks = next(c.id for c in rules.form_checks if c.check == "blanks")
    assert ids == [r.id for r in rules.rules if applicable(r, names)] + [blanks]  # the blank fields last
    assert len(ids) == len([r for r in rules.rules if r.forms == {form.id} and not r.previous]) + 1
    assert "X-10L" not in ids  # needs both annexes in one workbook
    assert not [i for i in ids if i.startswith("PY-")]  # needs a 上年数 cell a blank template has not


def test_the_formulas_are_the_rules_compiled(committed, campaign, rules) -> None:
    form, book = committed
    ws = book[CHECK_SHEET]
    blanks = {c.id for c in rules.form_checks}
    for r in range(FIRST_RULE_ROW, ws.max_row + 1):
        rid = ws.cell(r, 1).value
        if rid in blanks:
            # Every input cell counted once when empty (spaces too, as the engine), and the form being
            # filled (some filled, some not) is what fires it.
            count = ws.cell(r, 7).value
            assert count.count("TRIM(") == len(form.fields) and count.count('="")') == len(form.fields)
            assert f"<{len(form.fields)}" in ws.cell(r, 4).value
            continue
        live = compile_rule(rules.rule(rid), campaign, rules.constants)
        assert live.fired in ws.cell(r, 4).value, rid
        assert live.message in ws.cell(r, 5).value, rid
    if form.id == "A1":
        fired = compile_rule(rules.rule("A1-02"), campaign, rules.constants).fired
        assert fired == ("IFERROR(AND(COUNTA(A1_02B,A1_02A)>0,OR(ISBLANK(A1_02B),ISNUMBER(A1_02B)),"
                         "OR(ISBLANK(A1_02A),ISNUMBER(A1_02A)),NOT(A1_02B<=A1_02A)),FALSE)")
        assert "<=0.01" in compile_rule(rules.rule("A1-05-SUM"), campaign, rules.constants).fired  # TOLERANCE
        per = compile_rule(rules.rule("A1-07-PER"), campaign, rules.constants)
        assert "AND(A1_07I>0,A1_07J>0)" in per.fired and 'TEXT(((A1_07J*10000)/A1_07I),"#,##0")' in per.message


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
