"""The personalised templates' 上年同期 checks, recalculated by LibreOffice, agree with ``wennuan check
--previous``: the same PY- rules fire with the same message, and the count above the form is the report's.

Last year is a consolidation of last year's returns made by the tool (tests/previous ``two_years``):
市中区 grew from 121,500 to 182,000 职工 (PY-A1-01A-UP), 沙湾区 typed 05 in 元 (PY-A1-05-X10), 五通桥区 has no
农民工 any more (PY-…-GONE, one of them explained in 说明), 犍为县 did not report last year (no PY finding on
either side). The forms are filled with openpyxl, as the unit's Excel leaves them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from previous.conftest import expected_findings, two_years

from wennuan_xl.cli.main import main
from wennuan_xl.core.layout import note_name
from wennuan_xl.files.template import personal_filename

from .conftest import live_results, live_summary, needs_soffice, summary_counts
from .lo import convert_batch

FILLED = ("市中区总工会", "沙湾区总工会", "五通桥区总工会", "犍为县总工会")
NOTE = {"五通桥区总工会": {"A1.02B": "今年困难农民工已全部解困"}}


@pytest.fixture(scope="module")
def filled(tmp_path_factory, campaign, rules):
    """(years, {(unit, form id): (filled file, recalculated file)})."""
    base = tmp_path_factory.mktemp("personal-live")
    years = two_years(base, campaign, rules)
    forms = base / "forms"
    assert main(["template", "--for-units", "--previous", str(years.last_workbook), "--out", str(forms)]) == 0
    paths = {}
    for unit in FILLED:
        for form in campaign.forms:
            book = openpyxl.load_workbook(forms / personal_filename(unit, form))

            def cell(name: str):
                sheet, coord = next(iter(book.defined_names[name].destinations))  # noqa: B023 - used at once
                return book[sheet][coord.replace("$", "")]  # noqa: B023

            for f in form.fields:
                cell(f.name).value = years.now[unit].get(f.code)
                cell(note_name(f)).value = NOTE.get(unit, {}).get(f.code)
            cell(f"{form.id}_DATE").value = dt.datetime(2017, 1, 15)
            cell(f"{form.id}_PERSON").value = "张三"
            cell(f"{form.id}_PHONE").value = "0833-2133419"
            target = base / "filled" / f"{unit}-{form.id}.xlsx"
            target.parent.mkdir(exist_ok=True)
            book.save(target)
            paths[(unit, form.id)] = target
    converted = convert_batch(list(paths.values()), base / "recalculated", "xlsx", 900)
    return years, {key: (path, converted[path]) for key, path in paths.items()}


def engine(capsys, path: Path, last: Path) -> dict:
    main(["check", "--json", "--previous", str(last), str(path)])
    return json.loads(capsys.readouterr().out)


@needs_soffice
def test_last_year_checks_agree_with_wennuan_check_previous(filled, campaign, capsys) -> None:
    years, paths = filled
    fired_anywhere = set()
    for (unit, form_id), (path, recalculated) in paths.items():
        report = engine(capsys, path, years.last_workbook)
        live = {rid: v for rid, v in live_results(recalculated).items() if rid.startswith("PY-")}
        assert live, f"{unit} {form_id}: the 上年同期 rules are live in the form"
        want = {f["rule"]: ("已说明" if f.get("explained") else "提示", f["message"])
                for f in report["findings"] if f["rule"].startswith("PY-")}
        got = {rid: v for rid, v in live.items() if v[0]}
        assert got == want, (unit, form_id)
        # The oracle of tests/previous: the figures say which must fire.
        codes = {f.code for f in campaign.form(form_id).fields}
        before = {c: v for c, v in years.before.get(unit, {}).items() if c in codes}
        assert set(got) == expected_findings({c: years.now[unit].get(c) for c in codes}, before), (unit, form_id)
        # The count above the form: every 错误 and 提示 of the report, 上年同期 ones included.
        errors = sum(f["severity"] == "error" for f in report["findings"])
        open_ = sum(f["severity"] == "warning" and not f.get("explained") for f in report["findings"])
        explained = sum(bool(f.get("explained")) for f in report["findings"])
        assert summary_counts(live_summary(recalculated)) == (errors, open_, explained), (unit, form_id, report["findings"])
        fired_anywhere |= set(got)
    assert {"PY-A1-01A-UP", "PY-A1-05-X10", "PY-A1-01B-GONE", "PY-A1-02B-GONE"} <= fired_anywhere


@needs_soffice
def test_the_jump_is_said_on_the_form_with_both_years(filled) -> None:
    _, paths = filled
    result, message = live_results(paths[("市中区总工会", "A1")][1])["PY-A1-01A-UP"]
    assert result == "提示"
    assert message == "01(A) 当地职工总数 182,000 人，比上年 121,500 人增加 49.8 %，请核实或在“说明”栏写明原因"
    explained, _ = live_results(paths[("五通桥区总工会", "A1")][1])["PY-A1-02B-GONE"]
    assert explained == "已说明"


@needs_soffice
def test_a_unit_unknown_last_year_gets_no_last_year_finding_either_side(filled, capsys) -> None:
    years, paths = filled
    assert "犍为县总工会" not in years.before
    for form_id in ("A1", "A2"):
        path, recalculated = paths[("犍为县总工会", form_id)]
        live = {rid: v for rid, v in live_results(recalculated).items() if rid.startswith("PY-")}
        assert live and not any(result for result, _ in live.values())
        report = engine(capsys, path, years.last_workbook)
        assert not [f for f in report["findings"] if f["rule"].startswith("PY-")]
