"""Text typed or pasted into a number cell: the template reads it as the engine does, and counts the same.

Data validation stops a clerk typing ``约30`` into a count cell, not pasting it. These forms are filled by
hand with openpyxl the way a clerk pastes from Word or a web page — text cells (formatted as text),
full-width digits, numbers with their unit or another one, thousands separators, words, placeholders — then
recalculated by LibreOffice. For every field the template's reading (read, a placeholder read as 0, not a
number, another unit; and the number) is the engine's; every cell's message is the engine's word for word;
and the count the form shows above its table is what ``wennuan check`` counts.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.core import excel_formulas as xf
from wennuan_xl.core.check import check_return, normalise
from wennuan_xl.core.layout import CHECK_COL, layout_for
from wennuan_xl.core.locate import locate
from wennuan_xl.core.values import Status
from wennuan_xl.files.read import read_workbook

from .conftest import consistent, cover, live_cells, needs_soffice, summary_counts
from .lo import convert_batch

STATUS = {Status.BLANK: xf.BLANK, Status.OK: xf.READ, Status.PLACEHOLDER: xf.PLACEHOLDER,
          Status.NOT_NUMBER: xf.NOT_NUMBER, Status.WRONG_UNIT: xf.WRONG_UNIT, Status.NOT_YESNO: xf.NOT_YESNO}

# What clerks paste, per form: each dict is one return (the other fields keep consistent numbers).
PASTED = {
    "A1": [
        # The case: two 错误 of rules and 约30 pasted; 30人 and ３０ read as numbers and take part in
        # the rules (02(B) 1,234 above 02(A) 30).
        {"A1.01A": "约30", "A1.01B": "30人", "A1.02A": "３０", "A1.02B": "1,234", "A1.03A": "—",
         "A1.05": "12.5万元", "A1.06": "2000万", "A1.03B": " 12 ", "A1.03C": "-5", "A1.03D": "1.5",
         "A1.05A": "25000", "A1.04A": "30户", "A1.04B": "0,123", "A1.04C": "12,34"},
        {"A1.01A": "５２，３４０", "A1.01B": "人 9000", "A1.02A": "1200人", "A1.02B": "１２５０人", "A1.05": "１２．５",
         "A1.05A": "3万元", "A1.05B": "３万", "A1.05C": "3.", "A1.05D": ".5万元", "A1.05E": "3,000元",
         "A1.06": "12.5 万元", "A1.07I": "零", "A1.07J": "无", "A1.09": "100人次", "A1.09A": "+10", "A1.09B": "20\n",
         "A1.09C": "30　", "A1.09D": "四十", "A1.10": "50%", "A1.10A": "1e3", "A1.10B": "1.234,5", "A1.10C": "/",
         "A1.10D": "－", "A1.10E": "--", "A1.10F": "2万人", "A1.10G": "12,345,678", "A1.10H": "1,23,456",
         "A1.04D": "\u3000 ", "A1.11": None},
    ],
    "A2": [
        {"A2.01": "3个", "A2.01A": "１", "A2.01B": "1个", "A2.01C": "２个", "A2.02": "约10", "A2.05": "100万元",
         "A2.05B": "50万", "A2.05C": "30", "A2.05D": "二十", "A2.06A": "0", "A2.06B": " 是 ", "A2.09A": "100人次",
         "A2.09B": "10.5元", "A2.09C": "60人", "A2.10A": "—", "A2.11A": "1，000", "A2.11B": "1,000.5", "A2.12C": "-3万元"},
        {"A2.06B": "对", "A2.06A": "5", "A2.03": "12,000", "A2.04A": "1 2", "A2.07A": "２", "A2.07B": "20.00万元",
         "A2.08A": "1家", "A2.09D": "６．９５万", "A2.09E": "5人次多", "A2.13A": "25,000"},
    ],
}


@pytest.fixture(scope="module")
def pasted(campaign, templates, tmp_path_factory) -> list[tuple[str, Path, Path]]:
    """(form id, the return as the clerk saved it, the same recalculated by LibreOffice)."""
    folder = tmp_path_factory.mktemp("pasted")
    made = []
    for form_id, returns in PASTED.items():
        form = campaign.form(form_id)
        for i, typed in enumerate(returns):
            book = openpyxl.load_workbook(templates[form_id])
            values = {**consistent(form_id, 40 + i), **typed}
            for f in form.fields:
                if f.code not in values:
                    continue
                sheet, coord = next(iter(book.defined_names[f.name].destinations))
                cell = book[sheet][coord.replace("$", "")]
                cell.value = values[f.code]
                if isinstance(values[f.code], str):
                    cell.number_format = "@"  # pasted with the source's formatting: a text cell
            for c in form.cover:
                sheet, coord = next(iter(book.defined_names[c.name(form_id)].destinations))
                book[sheet][coord.replace("$", "")].value = cover()[c.key]
            path = folder / f"{form_id}-{i}.xlsx"
            book.save(path)
            made.append((form_id, path))
    converted = convert_batch([p for _, p in made], folder / "recalculated", "xlsx", 600)
    return [(form_id, path, converted[path]) for form_id, path in made]


def _form_count(path: Path, sheet: str) -> str:
    import python_calamine as pc

    rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    (shown,) = [v for row in rows[:6] for v in row if isinstance(v, str) and v.startswith("审核：")]
    return shown


@needs_soffice
def test_each_cell_reads_as_the_engine_reads_it(campaign, pasted) -> None:
    checked = set()
    for form_id, path, recalculated in pasted:
        form = campaign.form(form_id)
        state = normalise(locate(read_workbook(path), campaign), campaign)
        live = live_cells(recalculated, form)
        for f in form.fields:
            engine, row = state.cleaned[f.code], live[f.code]
            assert row.status == STATUS[engine.status], (path.name, f.code, engine.text, engine.status, row.status)
            if engine.status in (Status.OK, Status.PLACEHOLDER) and not isinstance(engine.value, str):
                assert row.value == pytest.approx(engine.value), (path.name, f.code, engine.text)
            checked.add(engine.status)
    assert checked == set(Status)  # every kind of reading met


@needs_soffice
def test_the_form_counts_what_check_counts(campaign, rules, pasted, capsys) -> None:
    for form_id, path, recalculated in pasted:
        form = campaign.form(form_id)
        report = check_return(locate(read_workbook(path), campaign), campaign, rules)
        engine = (len(report.errors), len(report.open_warnings), len(report.explained))
        assert summary_counts(_form_count(recalculated, form.sheet)) == engine, (path.name, report.findings)
        assert main(["check", str(path), "--json"]) == 1
        findings = json.loads(capsys.readouterr().out)["findings"]
        assert sum(f["severity"] == "error" for f in findings) == engine[0]
        # Each cell's messages are the engine's, word for word.
        field_checks = {c.id for c in rules.field_checks}
        live = live_cells(recalculated, form)
        for f in form.fields:
            mine = [x.message for x in report.findings if x.rule in field_checks and x.codes == (f.code,)]
            assert live[f.code].message == "；".join(mine), (path.name, f.code)


@needs_soffice
def test_the_clerk_sees_the_pasted_text_flagged_on_its_row(campaign, rules, pasted) -> None:
    import python_calamine as pc

    _form_id, path, recalculated = pasted[0]
    rows = pc.CalamineWorkbook.from_path(str(recalculated)).get_sheet_by_name("附件1").to_python()
    row_of = {r.field.code: r.row for r in layout_for(campaign.form("A1")).rows if r.field is not None}
    shown = lambda code: rows[row_of[code] - 1][CHECK_COL - 1]  # noqa: E731
    assert shown("A1.01A") == "【错误】01(A) 当地职工总数 填写的“约30”不是数字，请填写数值（单位：人）"
    assert shown("A1.04A").startswith("【错误】04(A) 走访企业 填写的“30户”带有单位“户”")
    # 30人 and ３０ are numbers: no word about them, and 02(B) 1,234 above 02(A) 30 is the rule's 错误.
    assert shown("A1.01B") == ""
    assert shown("A1.02B").startswith("【错误】02(B) 其中困难农民工 1,234 人 大于 02(A) 当地困难职工总数 30 人")
    report = check_return(locate(read_workbook(path), campaign), campaign, rules)
    assert {"F-NUMBER", "F-UNIT", "F-NEGATIVE", "F-INTEGER", "F-YUAN", "A1-02"} <= {f.rule for f in report.findings}
