"""An in-memory return: values by field code, placed where the template puts them.

For tests, fuzzing and generated samples: ``workbook_from_values`` gives the same WorkbookData a reader
would produce from a filled template, so the whole locate-and-check path runs without files.
"""

from __future__ import annotations

from collections.abc import Mapping

from .forms import Campaign
from .layout import CODE_COL, HEADERS, ITEM_COL, LABEL_COL, UNIT_COL, VALUE_COL, layout_for
from .locate import ReturnData, locate
from .workbook import CellRef, SheetData, WorkbookData


def workbook_from_values(
    campaign: Campaign,
    values: Mapping[str, object],
    cover: Mapping[str, object] | None = None,
    forms: tuple[str, ...] | None = None,
    source: str = "内存中的报表",
    with_names: bool = True,
) -> WorkbookData:
    """``values`` by code (``A1.02B``) or name (``A1_02B``); ``cover`` by key (UNIT, DATE, PERSON, PHONE)."""
    by_code = {campaign.field(k).code: v for k, v in values.items()}
    wanted = forms or tuple(
        f.id for f in campaign.forms if any(code.startswith(f.id + ".") for code in by_code)
    ) or tuple(f.id for f in campaign.forms)
    sheets, names = [], {}
    for form in campaign.forms:
        if form.id not in wanted:
            continue
        layout = layout_for(form)
        height = layout.rows[-1].row if layout.rows else layout.header_row
        grid: list[list[object]] = [[None] * VALUE_COL for _ in range(height)]

        def put(row: int, col: int, value: object, grid: list[list[object]] = grid) -> None:
            grid[row - 1][col - 1] = value

        put(layout.annex_row, ITEM_COL, form.annex)
        put(layout.title_row, ITEM_COL, form.title)
        for c in form.cover:
            put(*layout.cover_labels[c.key], c.label + "：")
            row, col = layout.cover_cells[c.key]
            put(row, col, (cover or {}).get(c.key))
            names[c.name(form.id).upper()] = CellRef(form.sheet, row, col)
        for row, note in zip(layout.note_rows, form.notes):
            put(row, ITEM_COL, note)
        for col, text in enumerate(HEADERS, start=ITEM_COL):
            put(layout.header_row, col, text)
        for r in layout.rows:
            put(r.row, ITEM_COL, r.item or None)
            put(r.row, LABEL_COL, r.text)
            if r.field is None:
                continue
            put(r.row, CODE_COL, r.field.code)
            put(r.row, UNIT_COL, r.field.unit)
            put(r.row, VALUE_COL, by_code.get(r.field.code))
            names[r.field.name.upper()] = CellRef(form.sheet, r.row, VALUE_COL)
        sheets.append(SheetData(form.sheet, tuple(tuple(row) for row in grid)))
    return WorkbookData(source, tuple(sheets), names if with_names else {})


def return_from_values(campaign: Campaign, values: Mapping[str, object], **kwargs) -> ReturnData:
    return locate(workbook_from_values(campaign, values, **kwargs), campaign)
