"""The totals' cross-annex check (X-10L: 附件1 item 10(L) against 附件2's centres and stations) compares
the same units on both sides: only the units that sent both annexes."""

from __future__ import annotations

from .conftest import consolidate_dir, findings_table, load, unit_values, write_return

BOTH, ONLY_A1 = "沙湾区总工会", "夹江县总工会"


def stations(values: dict[str, object]) -> int:
    """附件2's centres and stations, the right side of X-10L."""
    return sum(int(values[c]) for c in ("A2.01", "A2.04A", "A2.04B", "A2.04C", "A2.04D"))  # type: ignore[call-overload]


def test_a_unit_that_sent_only_annex1_does_not_make_the_totals_disagree(folder, out_dir, campaign, rules):
    both = unit_values(1)
    both["A1.10L"] = stations(both)  # this unit's own figures agree
    alone = unit_values(2)
    alone["A1.10L"] = stations(both) + 5  # its 附件2 would say how many centres it has; it did not send one
    write_return(campaign, folder, "沙湾区-送温暖统计表.xlsx", BOTH, both)
    write_return(campaign, folder, "夹江县-附件1.xlsx", ONLY_A1, alone, forms=("A1",))
    result, out = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    assert result.unit_counts == {"A1": 2, "A2": 1}
    assert not [f for u, _, f in result.findings() if f.rule == "X-10L"]
    assert not [r for r in findings_table(load(out)) if r["规则"] == "X-10L"]


def test_over_the_units_that_sent_both_it_still_fires(folder, out_dir, campaign, rules):
    first, second = unit_values(3), unit_values(4)
    first["A1.10L"], second["A1.10L"] = stations(first) + stations(second) + 1, 0  # one market too many
    write_return(campaign, folder, "沙湾区-送温暖统计表.xlsx", BOTH, first)
    write_return(campaign, folder, "夹江县-送温暖统计表.xlsx", ONLY_A1, second)
    result, _ = consolidate_dir(folder, out_dir / "汇总.xlsx", campaign, rules)
    totals = [f for u, _, f in result.findings() if u == "汇总" and f.rule == "X-10L"]
    assert len(totals) == 1 and totals[0].message.endswith("（按同时报送附件1、附件2的 2 个单位计）")
