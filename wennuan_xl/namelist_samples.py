"""An in-memory list, laid out as our template lays it out: for the rule examples, tests and benchmarks.

``list_workbook`` gives the same WorkbookData a reader produces from a filled template, so locating and
checking run without files. Rows are dicts by column key (``{"NAME": …, "ID": …}``); an ID ending in ``?``
gets its right check character, in ``!`` a wrong one (``idnumber.fill_check``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from .core.idnumber import fill_check
from .core.namelist.spec import ListSpec
from .core.workbook import SheetData, WorkbookData

# A row every check passes; examples change only what they are about.
GOOD_ROW: dict[str, object] = {
    "SEQ": 1, "NAME": "张秀英", "SEX": "女", "ID": "51110219800101124?", "ADDRESS": "市中区某机械厂",
    "CATEGORY": "困难职工", "FORM": "现金", "AMOUNT": 500, "GOODS": 0, "DATE": dt.date(2017, 1, 10),
    "PHONE": "13912345678", "REMARK": "",
}
TITLE_ROW, COVER_ROW, COVER_ROW2, HEADER_ROW = 1, 2, 3, 4


def fill(value: object) -> object:
    return fill_check(value) if isinstance(value, str) else value


def list_rows(spec: ListSpec, rows: Sequence[Mapping[str, object]], base: Mapping[str, object] | None = GOOD_ROW) -> list[dict[str, object]]:
    """Rows completed from ``base`` (a good row), numbered, IDs' check characters filled."""
    out = []
    for i, row in enumerate(rows, start=1):
        full = {**(base or {}), "SEQ": i, **row}
        out.append({k: fill(v) for k, v in full.items()})
    return out


def list_sheet(
    spec: ListSpec,
    rows: Sequence[Mapping[str, object]],
    unit: str = "市中区总工会",
    headers: Mapping[str, str] | None = None,
    total: object = None,
    hidden: Sequence[int] = (),
    name: str | None = None,
    person: str = "李华",
    phone: str = "0833-2133419",
    date: object = dt.date(2017, 1, 15),
    formulas: Sequence[str] = (),
    errors: Sequence[str] = (),
    shown: Mapping[str, str] | None = None,
    recalc: Mapping[str, object] | None = None,
    comments: Mapping[str, str] | None = None,
) -> SheetData:
    """``headers``: column key -> header text, in the order of the sheet's columns (default: the template's
    columns and headers); a key not in the spec (``ID2``) is a column of its own holding the row's ``ID``.
    ``formulas``: columns whose ``=…`` values are formulas saved without a result (read empty, as calamine
    reads a workbook written by a program that computes nothing). ``errors``: columns whose values are error
    values (``#DIV/0!``, read empty). ``shown``: column -> why its cells show another figure than they store.
    ``recalc``: column -> the saved result of its ``=…`` formulas, in a workbook that asks for a recalculation.
    ``comments``: column -> the comment (批注) each of its cells carries."""
    heads = dict(headers) if headers is not None else {c.key: c.label for c in spec.columns}
    keys = list(heads)
    pad: list[object] = [None] * max(0, len(keys) - 5)
    grid: list[list[object]] = [
        [spec.title, *([None] * (len(keys) - 1))],
        ["填报单位：", unit, None, "填报日期：", date, *pad],
        ["填报人：", person, None, "联系电话：", phone, *pad],
        list[object](heads.values()),
    ]
    uncached: list[tuple[int, int, str]] = []
    error_cells: list[tuple[int, int, str]] = []
    shown_cells: list[tuple[int, int, str]] = []
    recalc_cells: list[tuple[int, int, str]] = []
    comment_cells: list[tuple[int, int, str]] = []
    for row in rows:
        cells: list[object] = [row.get(k if k in row else k.rstrip("0123456789")) for k in keys]
        at = len(grid) + 1
        for col, key in enumerate(keys):
            formula = isinstance(cells[col], str) and str(cells[col]).startswith("=")
            if key in formulas and formula:
                uncached.append((at, col + 1, str(cells[col])))
                cells[col] = ""
            elif recalc and key in recalc and formula:
                recalc_cells.append((at, col + 1, str(cells[col])))
                cells[col] = recalc[key]
            elif key in errors:
                error_cells.append((at, col + 1, str(cells[col])))
                cells[col] = None
            elif shown and key in shown and cells[col] not in (None, ""):
                shown_cells.append((at, col + 1, shown[key]))
            if comments and key in comments:
                comment_cells.append((at, col + 1, comments[key]))
        grid.append(cells)
    hidden_rows = frozenset(HEADER_ROW + 1 + i for i in hidden)
    if total is not None:
        label_col = keys.index("SEQ") if "SEQ" in keys else 0
        line: list[object] = [None] * len(keys)
        line[label_col] = "合计"
        if "AMOUNT" in keys:
            line[keys.index("AMOUNT")] = total
        grid.append(line)
    return SheetData(name or spec.sheet, tuple(tuple(r) for r in grid), hidden_rows=hidden_rows, uncached=tuple(uncached),
                     errors=tuple(error_cells), shown=tuple(shown_cells), recalc=tuple(recalc_cells),
                     comments=tuple(comment_cells))


def list_workbook(spec: ListSpec, rows: Sequence[Mapping[str, object]], source: str = "内存中的名单", **kwargs) -> WorkbookData:
    return WorkbookData(source, (list_sheet(spec, rows, **kwargs),))
