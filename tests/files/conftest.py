"""Shared fixtures for the file-level tests: the committed templates, a full set of values, filling helpers.

The values are plausible and mostly consistent, with a few deliberate mistakes so that the rule engine
has something to say (A1-02: 02(B) > 02(A); F-YUAN: 08(D) over 10,000 万元; A2-02-SUM; A2-11-SUM). The
findings of a filled file are compared with the in-memory path (``wennuan_xl.samples.return_from_values``), which needs
no file at all, so every file-level test has an independent oracle.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import Report
from wennuan_xl.core.forms import Campaign, Kind
from wennuan_xl.core.locate import ReturnData, locate
from wennuan_xl.core.rules import RuleSet
from wennuan_xl.core.workbook import WorkbookData
from wennuan_xl.files.read import read_workbook
from wennuan_xl.files.template import template_filename
from wennuan_xl.samples import return_from_values

REPO = Path(__file__).resolve().parents[2]
WORKBOOKS = REPO / "workbooks"
FORM_IDS = ("A1", "A2")

# Every field of both annexes: ints for counts, 2-decimal (never whole) floats for money, "是" for A2.06B.
VALUES: dict[str, object] = {
    # --- 附件1 ---
    "A1.01A": 5000, "A1.01B": 1200,
    "A1.02A": 800, "A1.02B": 900,  # deliberate: 02(B) > 02(A) -> A1-02
    "A1.03A": 600, "A1.03B": 150, "A1.03C": 200, "A1.03D": 250, "A1.03E": 150, "A1.03F": 40,
    "A1.04A": 30, "A1.04B": 8, "A1.04C": 1500, "A1.04D": 400, "A1.04E": 300, "A1.04F": 100, "A1.04G": 12,
    "A1.05": 123.45, "A1.05A": 10.15, "A1.05B": 20.55, "A1.05C": 40.25, "A1.05D": 30.35, "A1.05E": 22.15,
    "A1.06": 100.25, "A1.06A": 12.55, "A1.06B": 30.75,
    "A1.07A": 2000, "A1.07B": 300, "A1.07C": 50, "A1.07D": 400, "A1.07E": 60, "A1.07F": 80, "A1.07G": 90,
    "A1.07H": 20, "A1.07I": 150, "A1.07J": 15.36, "A1.07K": 35,
    "A1.08A": 45, "A1.08B": 3000, "A1.08C": 120, "A1.08D": 12345.67,  # deliberate: > 10,000 万元 -> F-YUAN
    "A1.09": 1000, "A1.09A": 100, "A1.09B": 300, "A1.09C": 400, "A1.09D": 200,
    "A1.10": 5000, "A1.10A": 2, "A1.10B": 1800, "A1.10C": 5, "A1.10D": 400, "A1.10E": 20, "A1.10F": 800,
    "A1.10G": 0, "A1.10H": 0, "A1.10I": 1, "A1.10J": 150, "A1.10K": 600, "A1.10L": 3,
    "A1.11": 8.88,
    # --- 附件2 ---
    "A2.01": 10, "A2.01A": 1, "A2.01B": 3, "A2.01C": 6,
    "A2.02": 60, "A2.02A": 10, "A2.02B": 20, "A2.02C": 25,  # deliberate: 10+20+25 != 60 -> A2-02-SUM
    "A2.03": 200,
    "A2.04A": 20, "A2.04B": 5, "A2.04C": 100, "A2.04D": 30, "A2.04E": 10, "A2.04F": 25,
    "A2.05": 500.55, "A2.05B": 100.15, "A2.05C": 150.25, "A2.05D": 200.05, "A2.05E": 30.15, "A2.05F": 19.95,
    "A2.06A": 80.25, "A2.06B": "是",
    "A2.07A": 3, "A2.07B": 45.65, "A2.07C": 2,
    "A2.08A": 6, "A2.08B": 33.35, "A2.08C": 4,
    "A2.09A": 330, "A2.09B": 54.55, "A2.09C": 100, "A2.09D": 10.05, "A2.09E": 50, "A2.09F": 20.05,
    "A2.09G": 30, "A2.09H": 9.05, "A2.09I": 20, "A2.09J": 0.55, "A2.09K": 40, "A2.09L": 2.05,
    "A2.09M": 60, "A2.09N": 0.35, "A2.09O": 10, "A2.09P": 1.25, "A2.09Q": 5, "A2.09R": 10.05,
    "A2.09S": 15, "A2.09T": 1.15, "A2.09U": 25,
    "A2.10A": 152, "A2.10B": 22.65, "A2.10C": 50, "A2.10D": 5.05, "A2.10E": 20, "A2.10F": 8.05,
    "A2.10G": 10, "A2.10H": 3.05, "A2.10I": 10, "A2.10J": 0.25, "A2.10K": 20, "A2.10L": 1.05,
    "A2.10M": 30, "A2.10N": 0.15, "A2.10O": 5, "A2.10P": 0.65, "A2.10Q": 2, "A2.10R": 4.05,
    "A2.10S": 5, "A2.10T": 0.35,
    "A2.11A": 500, "A2.11B": 200, "A2.11C": 250,  # deliberate: 200+250 != 500 -> A2-11-SUM (提示)
    "A2.12A": 8, "A2.12B": 30, "A2.12C": 12.34,
    "A2.13A": 60.45, "A2.13B": 25.75,
    "A2.14A": 2, "A2.14B": 3, "A2.14C": 4, "A2.14D": 5, "A2.14E": 6, "A2.14F": 7, "A2.14G": 8,
}

# Rule ids the values above are built to trigger, per annex.
DELIBERATE = {"A1": {"A1-02", "F-YUAN"}, "A2": {"A2-02-SUM", "A2-11-SUM"}}

UNIT = "市中区总工会"
COVER: dict[str, object] = {
    "UNIT": UNIT,
    "DATE": dt.datetime(2017, 1, 15),
    "PERSON": "张三",
    "PHONE": "0833-2133419",
}




@pytest.fixture(scope="session", autouse=True)
def _values_cover_every_field(campaign: Campaign) -> None:
    """The value set must be complete and typed as the brief says, or every other test is weaker."""
    codes = [f.code for f in campaign.fields()]
    assert set(VALUES) == set(codes), set(VALUES) ^ set(codes)
    for f in campaign.fields():
        v = VALUES[f.code]
        if f.kind is Kind.COUNT:
            assert type(v) is int, f.code
        elif f.kind is Kind.MONEY:
            assert type(v) is float and not v.is_integer() and round(v, 2) == v, f.code
        else:
            assert v == "是", f.code


def template_path(campaign: Campaign, form_id: str) -> Path:
    return WORKBOOKS / template_filename(campaign.form(form_id))


def form_values(form_id: str) -> dict[str, object]:
    return {k: v for k, v in VALUES.items() if k.startswith(form_id + ".")}


def name_destination(book: openpyxl.Workbook, name: str) -> tuple[str, str]:
    """(sheet title, 'E9') of a workbook-level defined name that points at exactly one cell."""
    defined = book.defined_names[name]
    destinations = list(defined.destinations)
    assert len(destinations) == 1, (name, defined.attr_text)
    sheet, coord = destinations[0]
    return sheet, coord.replace("$", "")


def fill_by_names(book: openpyxl.Workbook, campaign: Campaign, form_id: str,
                  values: dict[str, object], cover: dict[str, object]) -> None:
    form = campaign.form(form_id)
    for f in form.fields:
        if f.code in values:
            sheet, coord = name_destination(book, f.name)
            book[sheet][coord] = values[f.code]
    for c in form.cover:
        if c.key in cover:
            sheet, coord = name_destination(book, c.name(form_id))
            book[sheet][coord] = cover[c.key]


def fill_template(campaign: Campaign, form_id: str, target: Path,
                  values: dict[str, object] | None = None, cover: dict[str, object] | None = None) -> Path:
    book = openpyxl.load_workbook(template_path(campaign, form_id))
    fill_by_names(book, campaign, form_id, form_values(form_id) if values is None else values,
                  COVER if cover is None else cover)
    book.save(target)
    return target


@pytest.fixture(scope="session")
def filled(campaign: Campaign, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each committed template, filled through its defined names; form id -> file. Treat as read-only."""
    out = tmp_path_factory.mktemp("filled")
    return {
        fid: fill_template(campaign, fid, out / template_filename(campaign.form(fid))) for fid in FORM_IDS
    }


def run_file(path: Path, campaign: Campaign, rules: RuleSet) -> tuple[WorkbookData, ReturnData, Report]:
    book = read_workbook(path)
    ret = locate(book, campaign)
    return book, ret, check_return(ret, campaign, rules)


def memory_report(campaign: Campaign, rules: RuleSet, form_id: str) -> Report:
    """The same return without any file: the oracle for findings."""
    ret = return_from_values(campaign, form_values(form_id), cover=COVER, forms=(form_id,))
    return check_return(ret, campaign, rules)


def rule_ids(report: Report) -> list[str]:
    return sorted(f.rule for f in report.findings)


def findings_by_rule(report: Report) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return sorted((f.rule, f.codes, f.cells) for f in report.findings)


def assert_values_exact(actual: dict[str, object], expected: dict[str, object]) -> None:
    """Equal values with equal types: an int that came back as 3752.0 is a failure."""
    assert set(actual) == set(expected), sorted(set(actual) ^ set(expected))
    wrong = {k: (actual[k], expected[k]) for k in expected
             if actual[k] != expected[k] or type(actual[k]) is not type(expected[k])}
    assert not wrong, wrong


def soffice() -> str | None:
    return shutil.which("soffice")
