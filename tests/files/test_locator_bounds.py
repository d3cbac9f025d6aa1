"""The locator's input limits (source.check_locator_input) are skipped for a workbook whose guard counts are
under them: those counts must be upper bounds of what calamine gives, on files we did not write. Every .xlsx of
the corpora (returns retyped, pasted, saved by WPS and LibreOffice, attacks), and cells written here with
openpyxl and xlsxwriter in the shapes the guard counts least: error cells, escapes, shared strings used many times,
formulas with cached text, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from wennuan_xl.core.findings import ReturnUnusable
from wennuan_xl.files import limits
from wennuan_xl.files.read import read_workbook
from wennuan_xl.files.source import check_locator_input, sheet_content

ROOT = Path(__file__).resolve().parents[2]
CORPORA = sorted(p for d in ("tests/foreign", "tests/foreign_attack", "workbooks") for p in (ROOT / d).rglob("*.xlsx"))


def exact(book) -> tuple[int, int]:
    """What check_locator_input counts, cell by cell."""
    counts = [sheet_content(sheet) for sheet in book.sheets]
    return sum(c for c, _ in counts), sum(t for _, t in counts)


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name)
def test_the_guard_counts_at_least_what_the_locator_would(path):
    assert len(CORPORA) > 60
    try:
        book = read_workbook(path)
    except ReturnUnusable:
        return  # refused before the locator: nothing to bound
    assert book.at_most is not None, path
    cells, text = exact(book)
    assert cells <= book.at_most[0] and text <= book.at_most[1], (path, (cells, text), book.at_most)


def test_cells_the_guard_counts_as_little_text_are_still_bounded(tmp_path):
    path = tmp_path / "odd.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件1"
    long = "困难职工" * 200
    for r in range(1, 301):
        ws.cell(r, 1, long)  # one shared string, 300 times
        ws.cell(r, 2, "=1/0")
        ws.cell(r, 3, "a<b&c>\"d'")  # escapes: more bytes in the XML than in the text
        ws.cell(r, 4, dt.date(2017, 1, 20))
        ws.cell(r, 5, True)
    wb.save(path)
    # and the error as a cached value, as Excel saves it (t="e"): xlsxwriter writes the cached result
    errors = tmp_path / "errors.xlsx"
    xw = xlsxwriter.Workbook(str(errors))
    sheet = xw.add_worksheet("附件1")
    for r in range(500):
        sheet.write_formula(r, 0, "=1/0", None, "#DIV/0!")
        sheet.write_formula(r, 1, '="x"&"y"', None, "xy")
        sheet.write_formula(r, 2, "=NA()", None, "#GETTING_DATA")
    xw.close()
    for p in (path, errors):
        book = read_workbook(p)
        cells, text = exact(book)
        assert book.at_most is not None and cells <= book.at_most[0] and text <= book.at_most[1], (p, cells, text, book.at_most)


def test_a_workbook_over_the_limits_is_still_refused_by_the_count(tmp_path):
    """The bound only lets through what it proves small; a workbook the guard admits with more cells than the
    locator takes is counted and refused, naming its sheet."""
    path = tmp_path / "附件1.xlsx"
    xw = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = xw.add_worksheet("附件1")
    for r in range(limits.LOCATOR_CELLS // 10 + 10):
        for c in range(10):
            ws.write_number(r, c, r + c)
    xw.close()
    book = read_workbook(path)
    assert book.at_most is not None and book.at_most[0] > limits.LOCATOR_CELLS
    with pytest.raises(ReturnUnusable) as caught:
        check_locator_input(book, path.name)
    assert "“附件1”" in caught.value.reason and f"{limits.LOCATOR_CELLS:,}" in caught.value.reason
