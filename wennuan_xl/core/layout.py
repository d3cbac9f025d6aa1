"""Where every part of a form sits on its sheet, computed from the form's data.

The template writer places cells here, and the locator uses the same geometry (relative column offsets)
when a returned workbook has lost its defined names. No cell address is written anywhere else.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .forms import Field, Form

ITEM_COL, LABEL_COL, CODE_COL, UNIT_COL, VALUE_COL = 1, 2, 3, 4, 5
HEADERS = ("项目", "指标名称", "代码", "计量单位", "数值")
# What other people call the value column when they retype the form.
VALUE_HEADERS = ("数值", "数量", "本期数", "本年数", "填报数", "数据", "合计")
SUBTOTAL_LEAD = "其中："
# Beside the form in the templates: the live 审核 messages and the unit's 说明 for a 提示 (issue 6).
CHECK_COL, NOTE_COL = 6, 7
CHECK_HEADER, NOTE_HEADER = "审核", "说明"
NOTE_SUFFIX = "_NOTE"
# A personalised template's locked column of last year's figures (issue 15), right of the value column;
# 审核 and 说明 move one column to the right. The reader never takes it for values: it reads the value
# column by its defined names or its header (VALUE_HEADERS), and 上年数 is none of them.
PREVIOUS_COL, PREVIOUS_HEADER = 6, "上年数"


@dataclass(frozen=True)
class SideColumns:
    """Where the columns beside the form are: 上年数 (None without last year's figures), 审核, 说明."""

    previous: int | None
    check: int
    note: int


def side_columns(with_previous: bool) -> SideColumns:
    if with_previous:
        return SideColumns(PREVIOUS_COL, CHECK_COL + 1, NOTE_COL + 1)
    return SideColumns(None, CHECK_COL, NOTE_COL)


@dataclass(frozen=True)
class Row:
    row: int
    item: str  # printed in the item column ("" on continuation rows)
    text: str  # printed in the label column
    field: Field | None  # None for an intro row without input


@dataclass(frozen=True)
class FormLayout:
    form: Form
    annex_row: int
    title_row: int
    cover_labels: dict[str, tuple[int, int]]  # key -> (row, col) of "填报单位："
    cover_cells: dict[str, tuple[int, int]]  # key -> (row, col) of the input cell
    note_rows: tuple[int, ...]
    header_row: int
    rows: tuple[Row, ...]
    last_col: int = VALUE_COL

    def field_cell(self, code: str) -> tuple[int, int]:
        for r in self.rows:
            if r.field is not None and r.field.code == code:
                return r.row, VALUE_COL
        raise KeyError(code)


def printed_label(field: Field, first_after_total: bool) -> str:
    lead = SUBTOTAL_LEAD if first_after_total else ""
    return f"{lead}（{field.letter}）{field.label}" if field.letter else field.label


def note_name(field: Field) -> str:
    """The defined name of a field's 说明 cell in the templates: ``A1_10I_NOTE``."""
    return field.name + NOTE_SUFFIX


@functools.lru_cache(maxsize=32)
def layout_for(form: Form) -> FormLayout:
    cover_labels: dict[str, tuple[int, int]] = {}
    cover_cells: dict[str, tuple[int, int]] = {}
    # Two cover fields a row: label A / input B, label C:D / input E — as the printed form does.
    for i, cover in enumerate(form.cover):
        row = 3 + i // 2
        if i % 2 == 0:
            cover_labels[cover.key], cover_cells[cover.key] = (row, ITEM_COL), (row, LABEL_COL)
        else:
            cover_labels[cover.key], cover_cells[cover.key] = (row, CODE_COL), (row, VALUE_COL)
    row = 3 + (len(form.cover) + 1) // 2
    note_rows = tuple(range(row, row + len(form.notes)))
    header_row = row + len(form.notes)
    rows: list[Row] = []
    row = header_row + 1
    for item in form.items:
        item_label = item.number
        if item.intro:
            rows.append(Row(row, item_label, item.intro + "：", None))
            row += 1
            item_label = ""
        has_total = any(not f.letter for f in item.fields)
        seen_lettered = False
        for f in item.fields:
            first_after_total = has_total and bool(f.letter) and not seen_lettered
            seen_lettered = seen_lettered or bool(f.letter)
            rows.append(Row(row, item_label, printed_label(f, first_after_total), f))
            item_label = ""
            row += 1
    return FormLayout(
        form=form,
        annex_row=1,
        title_row=2,
        cover_labels=cover_labels,
        cover_cells=cover_cells,
        note_rows=note_rows,
        header_row=header_row,
        rows=tuple(rows),
    )
