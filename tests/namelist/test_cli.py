"""`wennuan check` on lists: alone, beside 附件1 in one workbook, and with the unit's 附件1 named in the same command."""

from __future__ import annotations

import io
import json
import random
from contextlib import redirect_stdout

import openpyxl

from wennuan_xl.cli.main import main
from wennuan_xl.samples import write_plain_return

from .lists import COVER, annex_values, person, write_list


def run(*argv: str) -> tuple[int, str]:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(list(argv))
    return code, buf.getvalue()


def test_a_clean_list_alone(tmp_path):
    rng = random.Random(11)
    path = write_list(tmp_path / "井研县-实名制.xlsx", "井研县总工会", [person(rng) for _ in range(3)])
    code, text = run("check", str(path))
    assert code == 0
    assert "实名制名单：填报单位 井研县总工会" in text and "3 人，金额合计 1,500.00 元" in text and "未发现问题" in text
    assert "未附同一单位的附件1" in text  # says it could not reconcile, and how to


def test_an_error_in_a_list_exits_1_and_json_names_rule_cell_and_masked_value(tmp_path):
    rng = random.Random(12)
    rows = [person(rng) for _ in range(2)]
    rows[1]["AMOUNT"] = -5
    path = write_list(tmp_path / "l.xlsx", "市中区总工会", rows)
    code, text = run("check", str(path), "--json")
    assert code == 1
    data = json.loads(text)
    assert data["kind"] == "namelist" and data["reconciled"] is False
    (finding,) = data["findings"]
    assert (finding["rule"], finding["severity"], finding["cells"][0]) == ("L-AMOUNT-POSITIVE", "error", "Sheet1!H6")
    assert finding["codes"] == ["L.AMOUNT", "L.R6"]
    assert data["people"][0]["id"].count("*") == 8


def test_a_list_and_its_units_annex1_named_together_are_reconciled(tmp_path, campaign):
    rng = random.Random(13)
    rows = [person(rng, amount=1000) for _ in range(3)]  # 3,000 元
    annex = write_plain_return(tmp_path / "市中区-附件1.xlsx", campaign, annex_values(6, 0.2, 3, 0, 0, 0),
                               {"UNIT": "市中区总工会", **COVER}, ("A1",))
    listed = write_list(tmp_path / "市中区-实名制.xlsx", "市中区总工会", rows)
    code, text = run("check", str(annex), str(listed))
    assert code == 1
    assert "L-X-06" in text and "名单金额合计 3,000 元（合 0.30 万元）多于附件1 06 发放款物 0.20 万元" in text


def test_a_list_sheet_in_the_annex_workbook_is_reconciled_with_it(tmp_path, campaign):
    rng = random.Random(14)
    rows = [person(rng, amount=500) for _ in range(4)]  # 2,000 元 = 0.2 万元, as 06 says
    path = write_plain_return(tmp_path / "市中区.xlsx", campaign, annex_values(6, 0.2, 4, 0, 0, 0),
                              {"UNIT": "市中区总工会", **COVER}, ("A1",))
    write_list(path, "", rows, sheet="实名制", book=openpyxl.load_workbook(path), title="实名制汇总表")
    _, text = run("check", str(path), "--json")
    objects = json.loads(text)
    assert [o.get("kind", "annex") for o in objects] == ["annex", "namelist"]
    assert objects[1]["reconciled"] is True
    assert not [f for f in objects[1]["findings"] if f["rule"].startswith("L-X-")]


def test_a_flagged_copy_of_a_workbook_with_annex1_and_a_list_flags_both(tmp_path, campaign):
    rng = random.Random(15)
    rows = [person(rng) for _ in range(2)]
    rows[1]["AMOUNT"] = 0
    path = write_plain_return(tmp_path / "市中区.xlsx", campaign, annex_values(6, 0.2, 4, 0, 0, 0),
                              {"UNIT": "市中区总工会", **COVER}, ("A1",))
    write_list(path, "", rows, sheet="实名制", book=openpyxl.load_workbook(path), title="实名制汇总表")
    out = tmp_path / "标记.xlsx"
    code, _ = run("check", str(path), "--flagged-copy", str(out))
    assert code == 1 and out.is_file()
    book = openpyxl.load_workbook(out)
    assert "L-AMOUNT-POSITIVE" in book["实名制"]["H6"].comment.text
    rule_col = [c.value for c in book["审核结果"][4]].index("规则")
    rules = {r[rule_col] for r in book["审核结果"].iter_rows(min_row=5, values_only=True) if r[rule_col]}
    assert "L-AMOUNT-POSITIVE" in rules and "L-X-06-LESS" in rules
