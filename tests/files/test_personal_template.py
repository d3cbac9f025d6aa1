"""``wennuan template --for-units``: one set of forms per roster unit, its 填报单位 filled in and locked, with
last year's figures in a locked 上年数 column when ``--previous`` is given; read back as a normal return.

Last year's source is made by the tool itself (a consolidation of last year's returns, tests/previous) and
by hand (a clerk's 明细 typed with openpyxl, tests/previous/test_detail_by_hand)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from previous.conftest import two_years
from previous.test_detail_by_hand import clerk_detail

from wennuan_xl.cli.main import main
from wennuan_xl.core.forms import Campaign
from wennuan_xl.core.layout import PREVIOUS_HEADER, VALUE_COL, note_name
from wennuan_xl.files.live_checks import CHECK_SHEET
from wennuan_xl.files.template import personal_filename


@pytest.fixture(scope="module")
def years(tmp_path_factory, campaign, rules):
    return two_years(tmp_path_factory.mktemp("personal-years"), campaign, rules)


@pytest.fixture(scope="module")
def personal(years, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("personal")
    assert main(["template", "--for-units", "--previous", str(years.last_workbook), "--out", str(out)]) == 0
    return out


def _cell(book, name: str):
    sheet, coord = next(iter(book.defined_names[name].destinations))
    return book[sheet][coord.replace("$", "")]


def _previous_column(ws, header_row: int) -> int | None:
    for col in range(1, ws.max_column + 1):
        if str(ws.cell(header_row, col).value or "").startswith(PREVIOUS_HEADER):
            return col
    return None


def _header_row(ws) -> int:
    return next(r for r in range(1, 20) if ws.cell(r, VALUE_COL).value == "数值")


def test_a_form_for_each_roster_unit_with_its_name_filled_in_and_locked(personal, campaign: Campaign) -> None:
    units = [u.name for u in campaign.roster if u.included]
    assert len(units) == 16
    written = sorted(p.name for p in personal.iterdir())
    assert written == sorted(personal_filename(u, f) for u in units for f in campaign.forms)
    for unit in units:
        for form in campaign.forms:
            book = openpyxl.load_workbook(personal / personal_filename(unit, form))
            ws = book[form.sheet]
            assert ws.protection.sheet
            cell = _cell(book, next(c for c in form.cover if c.key == "UNIT").name(form.id))
            assert cell.value == unit
            assert cell.protection.locked  # the unit cannot type another name
            for key in ("DATE", "PERSON", "PHONE"):
                other = _cell(book, next(c for c in form.cover if c.key == key).name(form.id))
                assert other.value is None and not other.protection.locked
            assert not _cell(book, form.fields[0].name).protection.locked


def test_the_previous_column_holds_the_units_last_year_locked_and_says_its_source(personal, years, campaign) -> None:
    form = campaign.form("A1")
    book = openpyxl.load_workbook(personal / personal_filename("市中区总工会", form))
    ws = book[form.sheet]
    header = _header_row(ws)
    col = _previous_column(ws, header)
    assert col == VALUE_COL + 1  # beside the value column
    assert years.last_workbook.name in ws.cell(header, col).value
    before = years.before["市中区总工会"]
    for f in form.fields:
        value = _cell(book, f.name)
        shown = ws.cell(value.row, col)
        assert shown.protection.locked
        want = before.get(f.code)
        assert shown.value == (want if want not in ("", None) else None), f.code
    assert ws.cell(_cell(book, "A1_01A").row, col).value == 121_500
    # 犍为县 did not report last year: its column is there, blank.
    book = openpyxl.load_workbook(personal / personal_filename("犍为县总工会", form))
    ws = book[form.sheet]
    col = _previous_column(ws, _header_row(ws))
    assert col is not None
    assert all(ws.cell(_cell(book, f.name).row, col).value is None for f in form.fields)


def test_without_previous_no_previous_column_and_no_last_year_rules(tmp_path, campaign) -> None:
    assert main(["template", "--for-units", "--out", str(tmp_path)]) == 0
    for form in campaign.forms:
        book = openpyxl.load_workbook(tmp_path / personal_filename("沙湾区总工会", form))
        ws = book[form.sheet]
        assert _cell(book, f"{form.id}_UNIT").value == "沙湾区总工会"
        assert _previous_column(ws, _header_row(ws)) is None
        ids = [str(r[0]) for r in book[CHECK_SHEET].iter_rows(min_row=5, max_col=1, values_only=True) if r[0]]
        assert ids and not any(i.startswith("PY-") for i in ids)


def test_previous_without_for_units_is_refused(tmp_path, years, capsys) -> None:
    assert main(["template", "--previous", str(years.last_workbook), "--out", str(tmp_path)]) == 3
    assert "--for-units" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_a_clerks_detail_typed_by_hand_gives_the_previous_column(tmp_path, campaign) -> None:
    source = clerk_detail(tmp_path / "2016汇总.xlsx")
    out = tmp_path / "forms"
    assert main(["template", "--for-units", "--previous", str(source), "--out", str(out)]) == 0
    form = campaign.form("A1")
    book = openpyxl.load_workbook(out / personal_filename("市中区总工会", form))
    ws = book[form.sheet]
    col = _previous_column(ws, _header_row(ws))
    assert col is not None
    shown = {f.code: ws.cell(_cell(book, f.name).row, col).value for f in form.fields}
    assert (shown["A1.01A"], shown["A1.01B"], shown["A1.05"]) == (121500, 3000, 12.5)
    assert shown["A1.06"] is None  # not in the clerk's 明细: unknown, blank


def test_no_template_lands_on_last_years_source(years, campaign, capsys) -> None:
    # A folder of last year's returns given as the output folder too: refused, the returns untouched.
    before = {p: p.read_bytes() for p in years.last_folder.iterdir()}
    target = years.last_folder / personal_filename("市中区总工会", campaign.form("A1"))
    target.write_bytes(b"")  # a file of the folder (an input) where a template would go
    before[target] = b""
    try:
        code = main(["template", "--for-units", "--previous", str(years.last_folder), "--out", str(years.last_folder)])
        assert code == 2
        assert "与输入文件相同" in capsys.readouterr().err
        assert {p: p.read_bytes() for p in before} == before
    finally:
        target.unlink()


def _fill(path: Path, target: Path, values: dict, form_id: str, notes: dict | None = None) -> Path:
    """The unit fills its form in Excel: figures, 填报日期, 填报人, 电话; the 填报单位 is already there."""
    from wennuan_xl.files.campaign_files import load_campaign

    book = openpyxl.load_workbook(path)
    form = load_campaign().form(form_id)
    for f in form.fields:
        _cell(book, f.name).value = values.get(f.code)
        _cell(book, note_name(f)).value = (notes or {}).get(f.code)
    _cell(book, f"{form_id}_DATE").value = dt.datetime(2017, 1, 15)
    _cell(book, f"{form_id}_PERSON").value = "张三"
    _cell(book, f"{form_id}_PHONE").value = "0833-2133419"
    book.save(target)
    return target


def _check_json(capsys, *args: str) -> dict:
    main(["check", "--json", *args])
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("form_id", ["A1", "A2"])
def test_a_filled_personal_form_reads_as_a_normal_return(personal, years, campaign, tmp_path, capsys, form_id) -> None:
    form = campaign.form(form_id)
    now = {f.code: years.now["市中区总工会"].get(f.code) for f in form.fields}
    filled = _fill(personal / personal_filename("市中区总工会", form), tmp_path / "市中区-填好.xlsx", now, form_id)
    want = {code: (None if v in ("", None) else v) for code, v in now.items()}
    for extra in ([], ["--previous", str(years.last_workbook)]):
        report = _check_json(capsys, str(filled), *extra)
        assert report["unit"] == "市中区总工会"
        assert {c: report["values"][c] for c in want} == want  # the 上年数 column is not read as values
        assert not [f for f in report["findings"] if f["rule"].startswith(("F-LOCATE", "F-COVER"))]


def test_the_filled_form_without_its_names_still_reads_its_values_not_last_years(personal, years, campaign,
                                                                                tmp_path, capsys) -> None:
    """A clerk who copied the sheet into a new workbook lost the defined names: the value column is still
    told by its header 数值, not taken from 上年数 beside it."""
    form = campaign.form("A1")
    now = {f.code: years.now["市中区总工会"].get(f.code) for f in form.fields}
    filled = _fill(personal / personal_filename("市中区总工会", form), tmp_path / "填好.xlsx", now, "A1")
    book = openpyxl.load_workbook(filled)
    for name in list(book.defined_names):
        del book.defined_names[name]
    book.save(tmp_path / "无名称.xlsx")
    report = _check_json(capsys, str(tmp_path / "无名称.xlsx"))
    want = {code: (None if v in ("", None) else v) for code, v in now.items()}
    assert {c: report["values"][c] for c in want} == want
    assert report["values"]["A1.01A"] == 182_000  # this year's, not last year's 121,500
