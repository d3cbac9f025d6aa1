"""Formulas computed again stay bounded whatever a workbook holds: each formula cell once, a budget of cells read.

(What they compute is held to LibreOffice in tests/files/test_recalculated.py; here, workbooks built in memory whose
formulas would take a naive evaluator forever.)
"""

from __future__ import annotations

from wennuan_xl.core.cell_formulas import not_as_saved
from wennuan_xl.core.workbook import SheetData, WorkbookData


def _book(cells: dict[tuple[int, int], object], formulas: dict[tuple[int, int], str], recalc_on_load=True):
    rows = max(r for r, _ in [*cells, *formulas]) + 1
    grid = [[None] * 3 for _ in range(rows)]
    for (r, c), v in cells.items():
        grid[r - 1][c - 1] = v
    sheet = SheetData("附件1", tuple(tuple(r) for r in grid), recalc=tuple((r, c, f) for (r, c), f in formulas.items()))
    return WorkbookData("内存", (sheet,), {}, None, recalc_on_load), sheet


def test_a_chain_of_doublings_is_computed_once_a_cell():
    # A1 = A2+A2, A2 = A3+A3, … A30 = A31+A31, A31 = 1: 2**30 visits for an evaluator without a memory.
    formulas = {(i, 1): f"=A{i + 1}+A{i + 1}" for i in range(1, 31)}
    cells = {(31, 1): 1, (1, 1): 2.0**29}  # the saved result of A1, stale (the right one is 2**30)
    book, sheet = _book(cells, formulas)
    [(row, col, said)] = not_as_saved(book, sheet, [(1, 1)])
    assert (row, col) == (1, 1) and "按公式算得 1,073,741,824" in said


def test_formulas_reading_more_cells_than_the_budget_are_not_known():
    # Each of 40 fields sums three 10,000-cell ranges: 1.2 million cells, more than one workbook may read.
    big = "+".join(["SUM(C1:C10000)"] * 3)
    formulas = {(i, 1): f"={big}" for i in range(1, 41)}
    cells = {(i, 1): 0 for i in range(1, 41)} | {(10000, 3): 5}
    book, sheet = _book(cells, formulas)
    found = not_as_saved(book, sheet, [(i, 1) for i in range(1, 41)])
    assert len(found) == 40  # the first few computed (15 ≠ 0), the rest not known: refused, as the book asks
    assert "按公式算得 15" in found[0][2] and "本程序无法按公式核算" in found[-1][2]
    lenient, sheet2 = _book(cells, formulas, recalc_on_load=False)
    computed = not_as_saved(lenient, sheet2, [(i, 1) for i in range(1, 41)])
    assert 0 < len(computed) < 40 and all("按公式算得 15" in said for _, _, said in computed)  # the rest trusted


def test_circular_references_and_deep_brackets_are_not_known():
    formulas = {(1, 1): "=A2+1", (2, 1): "=A1+1", (3, 1): "=" + "(" * 5000 + "1" + ")" * 5000}
    book, sheet = _book({(1, 1): 5, (2, 1): 6, (3, 1): 1}, formulas)
    found = {(r, c): said for r, c, said in not_as_saved(book, sheet, [(1, 1), (3, 1)])}
    assert "本程序无法按公式核算" in found[(1, 1)] and "本程序无法按公式核算" in found[(3, 1)]
