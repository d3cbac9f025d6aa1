"""Fixtures for the live-check tests: the templates as regenerated now, filling helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from sheet_rows import rows_under_header

from wennuan_xl.core.forms import Campaign, Form
from wennuan_xl.core.layout import note_name
from wennuan_xl.core.rules import RuleSet
from wennuan_xl.files.live_checks import (
    CHECK_SHEET,
    ERRORS_COL,
    FIELDS_COL,
    FIRST_RULE_ROW,
    MESSAGE_COL,
    OPEN_COL,
    READING_COLUMNS,
    RESULT_COL,
    WARNINGS_COL,
)
from wennuan_xl.files.template import template_filename, write_templates

REPO = Path(__file__).resolve().parents[2]
needs_soffice = pytest.mark.usefixtures("soffice_path")


@pytest.fixture(scope="session")
def templates(campaign: Campaign, rules: RuleSet, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """form id -> the template as ``wennuan template`` writes it now (equal to the committed one)."""
    out = tmp_path_factory.mktemp("templates")
    write_templates(campaign, out, rules)
    return {f.id: out / template_filename(f) for f in campaign.forms}


class Filler:
    """Fills one template many times: load once, set the named cells, save under another name."""

    def __init__(self, campaign: Campaign, form_id: str, template: Path):
        self.campaign, self.form = campaign, campaign.form(form_id)
        self.book = openpyxl.load_workbook(template)
        self.cells = {f.code: self._dest(f.name) for f in self.form.fields}
        self.notes = {f.code: self._dest(note_name(f)) for f in self.form.fields}
        self.cover = {c.key: self._dest(c.name(form_id)) for c in self.form.cover}

    def _dest(self, name: str):
        sheet, coord = next(iter(self.book.defined_names[name].destinations))
        return self.book[sheet][coord.replace("$", "")]

    def save(self, target: Path, values: dict, notes: dict | None = None, cover: dict | None = None) -> Path:
        for code, cell in self.cells.items():
            cell.value = values.get(code)
        for code, cell in self.notes.items():
            cell.value = (notes or {}).get(code)
        for key, cell in self.cover.items():
            cell.value = (cover or {}).get(key)
        self.book.save(target)
        return target


@dataclass(frozen=True)
class LiveCellRow:
    """A field's row of the 审核 sheet, recalculated: its cell checks' result and message, and the 错误 /
    提示 / unexplained 提示 they count; and the input cell as the template read it (status, value)."""

    result: str
    message: str
    errors: int
    warnings: int
    open: int
    status: int
    value: object


def _check_rows(path: Path) -> list[list]:
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_path(str(path))
    try:
        return book.get_sheet_by_name(CHECK_SHEET).to_python()
    finally:
        book.close()


def _is_cell_row(row: list) -> bool:
    return len(row) >= ERRORS_COL and isinstance(row[ERRORS_COL - 1], (int, float))


def live_results(path: Path) -> dict[str, tuple[str, str]]:
    """rule id -> (结果, 问题说明) on the 审核 sheet of a recalculated workbook, for the rules and F-BLANKS
    (not the fields' rows); 结果 is "错误", "提示", "已说明" or "" (the rule holds)."""
    rows = _check_rows(path)[FIRST_RULE_ROW - 1:]
    return {str(r[0]): (str(r[RESULT_COL - 1]), str(r[MESSAGE_COL - 1])) for r in rows if r and r[0] and not _is_cell_row(r)}


def live_cells(path: Path, form: Form) -> dict[str, LiveCellRow]:
    """field code -> its row of the 审核 sheet of a recalculated workbook (the rows after the rules, in the
    form's order)."""
    rows = [r for r in _check_rows(path)[FIRST_RULE_ROW - 1:] if r and _is_cell_row(r)]
    assert len(rows) == len(form.fields), (len(rows), len(form.fields))
    out = {}
    for f, r in zip(form.fields, rows):
        assert r[FIELDS_COL - 1] == f.number, (r[FIELDS_COL - 1], f.code)
        out[f.code] = LiveCellRow(str(r[RESULT_COL - 1]), str(r[MESSAGE_COL - 1]), int(r[ERRORS_COL - 1]),
                                  int(r[WARNINGS_COL - 1]), int(r[OPEN_COL - 1]), int(r[READING_COLUMNS["status"] - 1]),
                                  r[READING_COLUMNS["value"] - 1])
    return out


def live_summary(path: Path) -> str:
    """The count the form shows above its table (the 审核 sheet's second row holds the same formula)."""
    return str(_check_rows(path)[1][0])


_SUMMARY = re.compile(r"审核：错误 (\d+) 个（须修改），提示 (\d+) 个（请核实或说明）(?:，已说明 (\d+) 个)?")


def summary_counts(text: str) -> tuple[int, int, int]:
    """(错误, open 提示, 已说明) from the form's count line; "未发现问题" is (0, 0, 0)."""
    if text.startswith("审核：未发现问题"):
        return 0, 0, 0
    m = _SUMMARY.fullmatch(text)
    assert m, text
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


# --- a return with findings, some explained ----------------------------------------------------------

UNIT, OTHER_UNIT = "市中区总工会", "沙湾区总工会"
PLANE_NOTE, ERROR_NOTE = "今年新增包机一架", "数据以人社局统计为准"
NOTE_ON = {"A1.10J": PLANE_NOTE, "A1.02B": ERROR_NOTE}  # 说明 beside 10(J) (a 提示) and 02(B) (a 错误)


def cover(unit: str = UNIT) -> dict:
    import datetime as dt

    return {"UNIT": unit, "DATE": dt.datetime(2017, 1, 15), "PERSON": "张三", "PHONE": "0833-2133419"}


def annex1_with_findings() -> dict:
    """Annex 1 figures with one 错误 (A1-02), an open 提示 (A1-03-SUM) and a 提示 the unit can explain
    (A1-10-PER-I: 2,000 people on one chartered plane)."""
    import random

    from wennuan_xl.samples import consistent_values

    v = {k: x for k, x in consistent_values(random.Random(7)).items() if k.startswith("A1.")}
    v.update({"A1.10I": 1, "A1.10J": 2000, "A1.10": v["A1.10"] + 2000})
    v["A1.02B"] = v["A1.02A"] + 5
    v["A1.03A"] = v["A1.03A"] + 1
    return v


def consistent(form_id: str, seed: int) -> dict:
    import random

    from wennuan_xl.samples import consistent_values

    return {k: x for k, x in consistent_values(random.Random(seed)).items() if k.startswith(form_id + ".")}


def sheet_table(path: Path, sheet: str, header_row: int) -> list[dict]:
    """Rows below a header row as dicts (header -> value), as the clerk's Excel shows them."""
    return rows_under_header(openpyxl.load_workbook(path)[sheet], header_row)
