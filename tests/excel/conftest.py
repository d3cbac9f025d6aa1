"""Real xlwings objects without Excel: xlwings' remote engine builds a Book from a JSON payload and records
every change as an action (``book.json()["actions"]``). That engine is xlwings PRO code (PolyForm
Noncommercial), enabled here and ONLY here — the product never needs it.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import random
from collections.abc import Callable
from pathlib import Path

os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # before xlwings is imported, tests only

import pytest
import xlwings as xw

from wennuan_xl.excel import protection
from wennuan_xl.files import campaign_cache
from wennuan_xl.files.master import CONFIG, CONFIG_ROWS, RESULTS
from wennuan_xl.files.read import read_workbook
from wennuan_xl.samples import consistent_values, write_template_return

from .com_fakes import FakeWorksheet, sheets_of

UNIT = "市中区总工会"
COVER = {"UNIT": UNIT, "DATE": dt.date(2017, 1, 12), "PERSON": "张三", "PHONE": "0833-2133419"}


def write_unit_return(campaign, path: Path, bad_fields: int = 0, seed: int = 4, changes: dict | None = None) -> Path:
    """A styled return (the template through openpyxl) with ``bad_fields`` number fields typed as “约30”,
    and the values in ``changes`` (code -> value) typed over the consistent ones."""
    values = consistent_values(random.Random(seed), 0.3)
    numbers = [f.code for f in campaign.fields() if f.code in values and isinstance(values[f.code], (int, float))]
    for code in numbers[:bad_fields]:
        values[code] = "约30"
    values.update(changes or {})
    return write_template_return(path, campaign, values, COVER, ("A1", "A2"))


def _plain(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def payload_for(path: Path, notes: dict[str, list[str]] | None = None, name: str | None = None, extra_sheets=()) -> dict:
    """The payload an Office.js client would send for the workbook at ``path`` (values, names, notes)."""
    data = read_workbook(path)
    sheets = []
    for s in data.sheets:
        width = max((len(r) for r in s.rows), default=0)
        values = [[_plain(v) if v != "" else None for v in list(r) + [None] * (width - len(r))] for r in s.rows] or [[]]
        sheets.append(sheet_payload(s.name, values, (notes or {}).get(s.name, [])))
    sheets += list(extra_sheets)
    index = {s["name"]: i for i, s in enumerate(sheets)}
    names = [
        {"name": n, "sheet_index": index[ref.sheet], "address": ref.a1, "book_scope": True,
         "scope_sheet_name": None, "scope_sheet_index": None}
        for n, ref in data.names.items() if ref.sheet in index
    ]
    return book_payload(name or path.name, sheets, names)  # Excel names a workbook by its file name


def sheet_payload(name: str, values, notes=(), visibility: str = "Visible") -> dict:
    return {"name": name, "values": values, "pictures": [], "tables": [], "shapes": [], "charts": [],
            "notes": [{"address": a} for a in notes], "visibility": visibility}


def book_payload(name: str, sheets: list[dict], names: list[dict]) -> dict:
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1"}, "names": names, "sheets": sheets}


def master_payload(folder: Path, settings: dict[str, object], roster: list[list[object]] | None = None) -> dict:
    """The master workbook as the build makes it (files/master.py): 设置 with one named cell per setting,
    单位名单, xlwings.conf, the result sheets holding a previous run's content."""
    keys = list(settings)
    values = [["设置", None]] + [[k, settings[k]] for k in keys]
    names = [{"name": k, "sheet_index": 0, "address": f"$B${i + 2}", "book_scope": True,
              "scope_sheet_name": None, "scope_sheet_index": None} for i, k in enumerate(keys)]
    sheets = [sheet_payload("设置", values)]
    if roster is not None:  # the build's header, unless the rows bring their own (contact columns, another order)
        rows = roster if roster and roster[0][:1] == ["单位名称"] else [["单位名称", "选择汇总"]] + roster
        sheets.append(sheet_payload("单位名单", rows))
    sheets.append(sheet_payload(CONFIG, [[k, v] for k, v, _ in CONFIG_ROWS]))
    for name in RESULTS:
        sheets.append(sheet_payload(name, [["上次的内容"]]))
    return book_payload(str(folder / "wennuan_master.xlsm"), sheets, names)


def open_master(folder: Path, settings: dict[str, object], roster=None):
    """The master, opened last (so it is the active workbook, as when the clerk clicks its ribbon) and set
    as the caller, as xlwings' RunPython does."""
    master = open_book(master_payload(folder, settings, roster))
    master.set_mock_caller()
    return master


def open_book(payload: dict):
    book = xw.Book(json=payload)
    book.impl._original_payload = copy.deepcopy(payload)  # the engine edits its payload; replay.py starts from this
    return book


def clock(book) -> Callable[[], int]:
    """How many actions ``book`` has recorded so far: the time line of a COM fake's log."""
    return lambda: len(book.json()["actions"])


def protect_like_excel(monkeypatch, book, path: Path, **overrides: FakeWorksheet) -> dict[str, FakeWorksheet]:
    """Model Excel's sheet protection for ``book`` (opened from ``path``): each sheet protected as the file
    says, or as ``overrides`` (sheet name -> FakeWorksheet) say. Other workbooks keep the remote engine's
    behaviour (no protection)."""
    fakes = {**sheets_of(path, clock(book)), **overrides}
    previous, name = protection.protection_for, book.name  # by name: the same workbook after a reopen

    def protection_for(sheet):
        if sheet.book.name == name and sheet.name in fakes:
            return protection.SheetProtection(fakes[sheet.name])
        return previous(sheet)

    monkeypatch.setattr(protection, "protection_for", protection_for)
    return fakes


def actions(book, func: str | None = None) -> list[dict]:
    acts = book.json()["actions"]
    return [a for a in acts if func is None or a["func"] == func]


def alerts(book) -> list[str]:
    return [a["args"][0] for a in actions(book, "alert")]


@pytest.fixture(autouse=True)
def _fresh_excel():
    """Each test its own remote Excel, with no workbook open (workbooks of earlier tests are not 'open
    beside the master'), and no mock caller left behind."""
    app = xw.engines["remote"].apps.add(add_book=False)
    yield app
    app.kill()
    if hasattr(xw.Book, "_mock_caller"):
        del xw.Book._mock_caller


@pytest.fixture(autouse=True, scope="session")
def _private_campaign_cache(tmp_path_factory):
    """The compiled campaign's cache in a folder of the test session, not the user's cache folder."""
    folder = tmp_path_factory.mktemp("campaign-cache")
    saved = os.environ.get(campaign_cache.ENV_DIR)
    os.environ[campaign_cache.ENV_DIR] = str(folder)
    yield folder
    if saved is None:
        del os.environ[campaign_cache.ENV_DIR]
    else:
        os.environ[campaign_cache.ENV_DIR] = saved
