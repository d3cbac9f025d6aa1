"""One defined-name precedence for every reader: a workbook-level name wins over a sheet-level one of the
same name, whatever order workbook.xml lists them in; among names of one level the first wins. The file
reader (workbook.xml as a unit's Excel saved it) and the Excel reader (xlwings' Names) agree."""

from __future__ import annotations

import io
import re
import zipfile
from types import SimpleNamespace

import openpyxl
import pytest

from wennuan_xl.core.workbook import CellRef, name_table
from wennuan_xl.excel.book import defined_names as excel_names
from wennuan_xl.files.read import read_bytes

WORKBOOK_LEVEL = '<definedName name="A1_01A">\'附件1\'!$E$9</definedName>'
SHEET_LEVEL = '<definedName name="A1_01A" localSheetId="0">\'附件1\'!$E$30</definedName>'
SECOND_WORKBOOK_LEVEL = '<definedName name="A1_01A">\'附件1\'!$E$40</definedName>'


def workbook_with(names: str) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "附件1"
    book.active["A1"] = "附件1"
    buf = io.BytesIO()
    book.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                text = re.sub(r"<definedNames>.*?</definedNames>|<definedNames/>", "", data.decode())
                data = text.replace("</sheets>", f"</sheets><definedNames>{names}</definedNames>").encode()
            dst.writestr(item, data)
    return out.getvalue()


def as_excel_lists(entries: list[tuple[str, str, bool]]):
    """xlwings' Names as Excel reports them: "附件1!A1_01A" for a sheet-level name, "=附件1!$E$9" targets."""
    return SimpleNamespace(names=[SimpleNamespace(name=f"附件1!{n}" if scoped else n, refers_to=f"={t}")
                                  for n, t, scoped in entries])


@pytest.mark.parametrize("order", ["sheet first", "workbook first"])
def test_the_workbook_level_name_wins_in_the_file_reader_and_in_excel(order):
    names = SHEET_LEVEL + WORKBOOK_LEVEL if order == "sheet first" else WORKBOOK_LEVEL + SHEET_LEVEL
    data = read_bytes(workbook_with(names), "r.xlsx")
    assert data.names["A1_01A"] == CellRef("附件1", 9, 5)
    entries = [("A1_01A", "'附件1'!$E$30", True), ("A1_01A", "'附件1'!$E$9", False)]
    if order == "workbook first":
        entries.reverse()
    assert excel_names(as_excel_lists(entries)) == {"A1_01A": CellRef("附件1", 9, 5)}


def test_among_names_of_one_level_the_first_wins():
    data = read_bytes(workbook_with(WORKBOOK_LEVEL + SECOND_WORKBOOK_LEVEL), "r.xlsx")
    assert data.names["A1_01A"] == CellRef("附件1", 9, 5)
    assert name_table([("a", CellRef("S", 1, 1), True), ("A", CellRef("S", 2, 1), True)]) == {"A": CellRef("S", 1, 1)}


def test_a_name_that_points_at_no_cell_gives_way_to_one_that_does():
    assert name_table([("A1_01A", None, False), ("A1_01A", CellRef("S", 3, 5), True)]) == {"A1_01A": CellRef("S", 3, 5)}
