"""Shared fixtures and helpers for the consolidation tests.

Every input is built here, in the test's own temp folder: returns are written with the package's sample
writers from ``consistent_values`` (every rule holds, so any 错误 in a test is one the test put there),
and bad files are made byte by byte. The consolidated workbook is read back with openpyxl, as a clerk's
Excel would show it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections.abc import Iterable, Mapping
from pathlib import Path

import openpyxl
import pytest
from sheet_rows import rows_under_header

from wennuan_xl.core.consolidate import Consolidation
from wennuan_xl.core.forms import Campaign, Kind
from wennuan_xl.core.layout import layout_for
from wennuan_xl.core.rules import RuleSet
from wennuan_xl.jobs import Settings, consolidate_folder
from wennuan_xl.samples import consistent_values, write_plain_return, write_template_return

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "workbooks" / "samples" / "returns"
DAY = dt.date(2017, 1, 15)
FORMS = ("A1", "A2")

STATUS_SHEET, FINDINGS_SHEET, DETAIL_SHEET, SOURCE_SHEET = "上报情况", "审核结果", "明细", "来源"
STATUS_HEADER_ROW, FINDINGS_HEADER_ROW, SOURCE_HEADER_ROW = 4, 3, 3




@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder of returns; outputs go to a sibling folder so they are never read as inputs."""
    path = tmp_path / "returns"
    path.mkdir()
    return path


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    return path


# --- building returns -------------------------------------------------------------------------------


def unit_values(seed: int, size: float = 0.3) -> dict[str, object]:
    """Both annexes of one unit, every rule satisfied (the seed makes each unit's figures different)."""
    return consistent_values(random.Random(seed), size)


def make_cover(unit: str, date: object = DAY, person: str = "张三", phone: str = "0833-2133419") -> dict[str, object]:
    return {"UNIT": unit, "DATE": date, "PERSON": person, "PHONE": phone}


def write_return(
    campaign: Campaign, folder: Path, name: str, unit: str, values: Mapping[str, object],
    forms: tuple[str, ...] = FORMS, date: object = DAY, person: str = "张三", phone: str = "0833-2133419",
    styled: bool = False,
) -> Path:
    """A returned workbook as a unit sends it (``styled``: the full template through openpyxl; else the
    same cells and defined names written fast)."""
    path = folder / name
    cover = make_cover(unit, date, person, phone)
    if styled:
        return write_template_return(path, campaign, values, cover, forms)
    return write_plain_return(path, campaign, values, cover, forms)


def consolidate_dir(
    folder: Path, out: Path, campaign: Campaign, rules: RuleSet, exclude_errors: bool = False, workers: int = 1,
    recursive: bool = False,
) -> tuple[Consolidation, Path]:
    job = Settings(campaign, rules, recursive=recursive, exclude_errors=exclude_errors, workers=workers)
    return consolidate_folder(folder, out, job)


# --- bad files ------------------------------------------------------------------------------------------


def encrypted(path: Path, source: Path) -> None:
    """``source`` with an open password, as Excel's 用密码进行加密 saves it (an OLE2 EncryptedPackage)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(source, "rb") as src, open(path, "wb") as dst:
        OOXMLFile(src).encrypt("pw1234", dst)


def wps_et(path: Path, source: Path | None = None) -> None:
    """A WPS 表格 .et file: an OLE2 container like an old .xls."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))


# --- expected values ----------------------------------------------------------------------------------


def expected_totals(campaign: Campaign, form_id: str, units: Iterable[Mapping[str, object]]) -> dict[str, object]:
    """What the 汇总 sheet must show for ``form_id``: sums of numbers, counts of 是/否."""
    units = list(units)
    out: dict[str, object] = {}
    for f in campaign.form(form_id).fields:
        if f.kind is Kind.YESNO:
            out[f.code] = f"是 {sum(1 for u in units if u[f.code] == '是')} 个，否 {sum(1 for u in units if u[f.code] == '否')} 个"
        else:
            out[f.code] = round(sum(float(u[f.code]) for u in units), 6)
    return out


def assert_totals(result: Consolidation, campaign: Campaign, form_id: str, units: Iterable[Mapping[str, object]]) -> None:
    """``result.totals`` for one annex equal the field-by-field sums of ``units``."""
    expected = expected_totals(campaign, form_id, units)
    wrong = {}
    for code, want in expected.items():
        got = result.totals[code]
        if isinstance(got, dict):
            got = f"是 {got.get('是', 0)} 个，否 {got.get('否', 0)} 个"
            ok = got == want
        else:
            ok = got is not None and math.isclose(float(got), float(want), abs_tol=1e-6)
        if not ok:
            wrong[code] = (got, want)
    assert not wrong, wrong


# --- reading the consolidated workbook -----------------------------------------------------------------


def load(path: Path, data_only: bool = False) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path, data_only=data_only)


def table(book: openpyxl.Workbook, sheet: str, header_row: int) -> list[dict[str, object]]:
    """Rows below a header row as dicts (header text -> value), up to the first empty row."""
    return rows_under_header(book[sheet], header_row)


def status_table(book: openpyxl.Workbook) -> list[dict[str, object]]:
    return table(book, STATUS_SHEET, STATUS_HEADER_ROW)


def findings_table(book: openpyxl.Workbook) -> list[dict[str, object]]:
    return table(book, FINDINGS_SHEET, FINDINGS_HEADER_ROW)


def sources_table(book: openpyxl.Workbook) -> list[dict[str, object]]:
    return table(book, SOURCE_SHEET, SOURCE_HEADER_ROW)


def total_sheet_value(book: openpyxl.Workbook, campaign: Campaign, code: str) -> object:
    """The 汇总 sheet's value cell for one field, at the place the form's layout defines."""
    field = campaign.field(code)
    form = campaign.form(field.form_id)
    row, col = layout_for(form).field_cell(code)
    return book[f"汇总-{form.annex}"].cell(row, col).value


def rows_for(rows: list[dict[str, object]], **match: object) -> list[dict[str, object]]:
    return [r for r in rows if all(r.get(k) == v for k, v in match.items())]


def one_row(rows: list[dict[str, object]], **match: object) -> dict[str, object]:
    found = rows_for(rows, **match)
    assert len(found) == 1, (match, found)
    return found[0]


def all_cell_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's cell values (formulas as text), for comparing two workbooks by content."""
    book = load(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def sha256_tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }
