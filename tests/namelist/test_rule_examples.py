"""Every check of the 实名制 list carries an example where it fires and one where it holds; both run here.

The examples live in rules_namelist.yaml. IDs in them end in ``?`` (the right check character, computed) or
``!`` (a wrong one): every number is generated, none is a real person's.
"""

from __future__ import annotations

import pytest

from wennuan_xl.core.idnumber import mask_text
from wennuan_xl.core.namelist.check import check_book
from wennuan_xl.core.namelist.consolidate import UnitList, duplicate_findings, find_duplicates
from wennuan_xl.core.namelist.reconcile import environment, fires
from wennuan_xl.core.namelist.spec import namelist_spec
from wennuan_xl.files.campaign_files import load_campaign
from wennuan_xl.namelist_samples import list_rows, list_workbook

CAMPAIGN = load_campaign()
SPEC = namelist_spec(CAMPAIGN)
assert SPEC is not None


def run_rows(rows, **kwargs):
    report = check_book(list_workbook(SPEC, list_rows(SPEC, rows), **kwargs), SPEC, CAMPAIGN)
    assert report is not None, "the example list was not recognised as a list"
    return report


def row_report(example: dict):
    example = dict(example)
    hidden = (0,) if example.pop("hidden", False) else ()
    return run_rows([example], hidden=hidden)


def list_report(example: dict):
    kwargs: dict = {}
    if "columns" in example:
        kwargs["headers"] = {k: SPEC.column(k).label for k in example["columns"]}
    if "headers" in example:
        kwargs["headers"] = dict(example["headers"])
    if "total" in example:
        kwargs["total"] = example["total"]
    if "unit" in example:
        kwargs["unit"] = example["unit"]
    if "formulas" in example:
        kwargs["formulas"] = tuple(example["formulas"])
    if "errors" in example:
        kwargs["errors"] = tuple(example["errors"])
    for key in ("shown", "recalc", "comments"):
        if key in example:
            kwargs[key] = dict(example[key])
    return run_rows(example.get("rows", [{}]), **kwargs)


def cross_findings(example: dict):
    lists = [UnitList(unit, f"{unit}-实名制.xlsx", run_rows(rows, unit=unit)) for unit, rows in example["units"].items()]
    return [f for _, _, f in duplicate_findings(find_duplicates(lists), SPEC.cross_checks)]


def all_checks():
    for check in SPEC.row_checks:
        yield pytest.param("row", check, id=check.id)
    for check in SPEC.list_checks:
        yield pytest.param("list", check, id=check.id)
    for check in SPEC.cross_checks:
        yield pytest.param("cross", check, id=check.id)
    for rule in SPEC.reconcile:
        yield pytest.param("reconcile", rule, id=rule.id)


def findings_of(kind, check, example):
    if kind == "row":
        return list(row_report(example).findings)
    if kind == "list":
        return list(list_report(example).findings)
    return cross_findings(example)


def reconcile_fires(rule, example):
    totals = {name: 0.0 for name in SPEC.totals}
    totals.update({k: float(v) for k, v in example.items() if k in SPEC.totals})
    annex = {CAMPAIGN.field(k).code: v for k, v in example.items() if k not in SPEC.totals}
    return fires(rule, environment(totals, annex, CAMPAIGN, SPEC))


@pytest.mark.parametrize("kind,check", list(all_checks()))
def test_check_fires_on_its_example(kind, check):
    assert "fires" in check.examples, f"{check.id} 缺少 fires 示例"
    if kind == "reconcile":
        assert reconcile_fires(check, check.examples["fires"])
        return
    found = [f for f in findings_of(kind, check, check.examples["fires"]) if f.rule == check.id]
    assert found, f"{check.id} did not fire"
    finding = found[0]
    assert finding.severity is check.severity
    assert finding.message and "{" not in finding.message
    assert finding.cells and "!" in finding.cells[0]
    assert mask_text(finding.message) == finding.message, "a message shows an ID unmasked"


@pytest.mark.parametrize("kind,check", list(all_checks()))
def test_check_holds_on_its_example(kind, check):
    assert "holds" in check.examples, f"{check.id} 缺少 holds 示例"
    if kind == "reconcile":
        assert not reconcile_fires(check, check.examples["holds"])
        return
    assert check.id not in {f.rule for f in findings_of(kind, check, check.examples["holds"])}


def test_a_good_list_has_no_finding():
    rows = [{"NAME": "张秀英"}, {"NAME": "李建国", "SEX": "男", "ID": "51112319700512013?", "CATEGORY": "困难农民工"},
            {"NAME": "王芳", "ID": "51118119850704002?", "CATEGORY": "困难劳模", "FORM": "现金和物资", "AMOUNT": 1000, "GOODS": 400}]
    report = run_rows(rows)
    assert [(f.rule, f.message) for f in report.findings] == []
    assert report.totals["L_PEOPLE"] == 3
    assert report.totals["L_AMOUNT"] == 2000
    assert report.totals["L_WORKERS"] == 2  # 困难职工 includes 困难农民工
    assert report.totals["L_MODELS_AMOUNT"] == 1000


def test_the_campaign_still_travels_to_workers_after_the_list_is_loaded():
    import pickle

    assert namelist_spec(CAMPAIGN) is SPEC  # loaded once
    pickle.dumps(CAMPAIGN)  # feedback and flagged copies send it to isolated workers
