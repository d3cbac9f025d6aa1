"""Text that looks like a formula (=, +, -, @) reaches every output as text, never as a formula."""

from __future__ import annotations

import contextlib
import io
import json

from wennuan_xl.cli.main import main

from .conftest import all_texts, formula_texts
from .corpus import INJECTIONS


def _no_injected_formula(xlsx):
    formulas = formula_texts(xlsx)
    for text in INJECTIONS:
        bare = text.lstrip("=")
        assert not [f for f in formulas if bare in f], (text, formulas[:5])


def test_consolidated_workbook_holds_them_as_text(consolidated):
    _code, out, rows = consolidated
    _no_injected_formula(out)
    texts = all_texts(out)
    assert "=1+2" in texts  # the unit named "=1+2" (名单外), as typed
    assert INJECTIONS[4] in texts and INJECTIONS[5] in texts  # 填报人 and 联系电话 of r09
    assert rows["r10-公式单位名.xlsx"]["单位"] == "=1+2"


def test_flagged_copy_and_its_result_sheet_hold_them_as_text(hostile, tmp_path):
    folder, _ = hostile
    out = tmp_path / "标记.xlsx"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["check", str(folder / "r09-奇怪的数值.xlsx"), "--flagged-copy", str(out)]) == 1
    _no_injected_formula(out)
    texts = all_texts(out)
    for text in INJECTIONS[:4]:
        assert text in texts, text  # in the flagged cells, and quoted in 审核结果's 填写值 column
    import openpyxl

    ws = openpyxl.load_workbook(out)["审核结果"]
    column = [c.value for c in ws[4]].index("填写值")
    shown = [r[column] for r in ws.iter_rows(min_row=5, values_only=True)]
    assert "=1+2" in shown and "@SUM(A1:A2)" in shown


def test_json_and_text_reports_quote_them_verbatim(hostile):
    folder, _ = hostile
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["check", "--json", str(folder / "r09-奇怪的数值.xlsx"), str(folder / "r10-公式单位名.xlsx")])
    r09, r10 = json.loads(buf.getvalue())
    assert r10["unit"] == "=1+2"
    assert r09["values"]["A1.04C"] == "-1+2"
    assert any("=1+2" in f["message"] for f in r09["findings"])
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["check", str(folder / "r09-奇怪的数值.xlsx")])
    assert "=1+2" in buf.getvalue()
