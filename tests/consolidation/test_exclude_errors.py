"""--exclude-errors: a return with an 错误 stays out of the totals with it, and counts without it."""

from __future__ import annotations

import re

import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.core.layout import layout_for

from .conftest import (
    DETAIL_SHEET,
    assert_totals,
    consolidate_dir,
    load,
    one_row,
    status_table,
    total_sheet_value,
    unit_values,
    write_return,
)

GOOD, BAD = "市中区总工会", "犍为县总工会"


def with_a1_error(seed: int) -> dict[str, object]:
    v = unit_values(seed)
    v["A1.02B"] = v["A1.02A"] + 37  # 其中困难农民工 above 困难职工总数: A1-02, an 错误
    return v


@pytest.fixture
def two_units(folder, campaign):
    good, bad = unit_values(70), with_a1_error(71)
    write_return(campaign, folder, "市中区-送温暖统计表.xlsx", GOOD, good)
    write_return(campaign, folder, "犍为县-送温暖统计表.xlsx", BAD, bad)
    return good, bad


def test_without_the_option_a_return_with_errors_is_summed(folder, out_dir, campaign, rules, two_units):
    good, bad = two_units
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    assert result.unit_counts == {"A1": 2, "A2": 2}
    for form in ("A1", "A2"):
        assert_totals(result, campaign, form, [good, bad])
    row = one_row(status_table(load(out)), 单位=BAD)
    assert (row["计入汇总"], row["错误"]) == ("是", 1)
    assert "未计入" not in row["备注"]
    assert [f.rule for u, _, f in result.findings() if u == BAD] == ["A1-02"]


def test_with_the_option_the_annex_with_errors_is_left_out(folder, out_dir, campaign, rules, two_units):
    good, bad = two_units
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules, exclude_errors=True)
    # The 错误 is in 附件1: that annex is left out; its 附件2 has none and still counts.
    assert result.unit_counts == {"A1": 1, "A2": 2}
    assert_totals(result, campaign, "A1", [good])
    assert_totals(result, campaign, "A2", [good, bad])
    book = load(out)
    assert total_sheet_value(book, campaign, "A1.02B") == good["A1.02B"]
    assert total_sheet_value(book, campaign, "A2.03") == good["A2.03"] + bad["A2.03"]
    row = one_row(status_table(book), 单位=BAD)
    assert row["错误"] == 1
    assert "未计入汇总" in row["备注"] and "附件1" in row["备注"] and "附件2" not in row["备注"]
    assert one_row(status_table(book), 单位=GOOD)["备注"] == ""
    # The totals' own check no longer sees the mistake.
    assert not [f for u, _, f in result.findings() if u == "汇总" and f.rule == "A1-02"]


def test_with_errors_in_both_annexes_the_unit_is_left_out(folder, out_dir, campaign, rules):
    good, bad = unit_values(72), with_a1_error(73)
    bad["A2.02"] = bad["A2.02"] + 5  # 02 no longer the sum of its levels
    write_return(campaign, folder, "市中区-送温暖统计表.xlsx", GOOD, good)
    write_return(campaign, folder, "犍为县-附件1.xlsx", BAD, bad, forms=("A1",))
    write_return(campaign, folder, "犍为县-附件2.xlsx", BAD, bad, forms=("A2",))
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules, exclude_errors=True)
    assert {f.rule for u, _, f in result.findings() if u == BAD} == {"A1-02", "A2-02-SUM"}
    assert result.unit_counts == {"A1": 1, "A2": 1}
    for form in ("A1", "A2"):
        assert_totals(result, campaign, form, [good])
    row = one_row(status_table(load(out)), 单位=BAD)
    assert (row["上报情况"], row["计入汇总"], row["错误"]) == ("已报", "否", 2)
    assert "未计入汇总" in row["备注"]


def test_detail_total_formula_agrees_with_the_totals_when_an_annex_is_left_out(folder, out_dir, campaign, rules, two_units):
    """明细's total row is a SUMIFS over the unit rows: evaluated as Excel would, it equals its cached value
    and the 汇总 sheets, also when one annex of a unit is left out."""
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules, exclude_errors=True)
    formulas, cached = load(out)[DETAIL_SHEET], load(out, data_only=True)[DETAIL_SHEET]
    last = formulas.max_row
    checked = 0
    for col in range(1, formulas.max_column + 1):
        formula = formulas.cell(last, col).value
        if not (isinstance(formula, str) and formula.startswith("=SUMIFS")):
            continue
        m = re.fullmatch(r'=SUMIFS\(([A-Z]+)(\d+):\1(\d+),\$([A-Z]+)\$(\d+):\$\4\$(\d+),"(.+)"\)', formula)
        assert m, formula
        letter, first, end, crit, crit_first, crit_end, wanted = m.groups()
        assert (first, end) == (crit_first, crit_end) and int(end) == last - 1
        evaluated = sum(
            cached[f"{letter}{r}"].value or 0 for r in range(int(first), int(end) + 1)
            if cached[f"{crit}{r}"].value == wanted and isinstance(cached[f"{letter}{r}"].value, (int, float))
        )
        code = formulas.cell(1, col).value
        assert evaluated == pytest.approx(cached.cell(last, col).value, abs=1e-6), code
        assert evaluated == pytest.approx(result.totals[code] or 0, abs=1e-6), code
        checked += 1
    assert checked == sum(1 for f in campaign.fields() if f.kind.value != "yesno")


def test_exclude_errors_from_the_command_line(folder, out_dir, campaign, two_units, capsys):
    good, _bad = two_units
    out = out_dir / "汇总.xlsx"
    assert main(["consolidate", str(folder), "-o", str(out), "--exclude-errors"]) == 1
    capsys.readouterr()
    book = load(out)
    assert total_sheet_value(book, campaign, "A1.01A") == good["A1.01A"]
    last = layout_for(campaign.form("A1")).rows[-1].row + 2
    assert "本表汇总 1 个单位" in book["汇总-附件1"].cell(last, 1).value
    assert "本表汇总 2 个单位" in book["汇总-附件2"].cell(layout_for(campaign.form("A2")).rows[-1].row + 2, 1).value
