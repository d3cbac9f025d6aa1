"""The charts' descriptions (files/chart.py) for consolidations unlike the samples: many units, an annex no
unit sent, no unit chosen for the totals."""

from __future__ import annotations

from dataclasses import replace

from wennuan_xl.core.consolidate import consolidate
from wennuan_xl.core.forms import RosterUnit
from wennuan_xl.core.remind import NOT_SENT, SENT_ERRORS, STATES
from wennuan_xl.files.chart import MAX_NAMED_UNITS, consolidation_charts, progress_chart
from wennuan_xl.generated import many_returns


def test_a_long_list_of_units_is_cut_under_the_progress_chart(campaign, rules):
    big, returns = many_returns(campaign, rules, 120)
    result = consolidate(returns[:60], big, rules)  # half the units sent nothing
    spec = progress_chart(result, big)
    assert spec is not None and spec.y_max == 120
    missing = next(line for line in spec.lines if line.startswith(f"附件1{NOT_SENT}"))
    assert missing.startswith("附件1未报（60 个）：")
    assert missing.endswith("等 60 个，全部见“催报清单”") and missing.count("、") == MAX_NAMED_UNITS - 1
    header, annex1, annex2 = spec.rows
    assert header == (None, *STATES, "应报")
    assert sum(annex1[1:5]) == annex1[5] == 120 and annex1[STATES.index(SENT_ERRORS) + 1] > 0
    assert annex2[0] == "附件2"


def test_an_annex_no_unit_sent_gets_no_chart(campaign, rules):
    big, returns = many_returns(campaign, rules, 16)
    only_annex1 = [replace(r, forms=("A1",)) for r in returns]
    result = consolidate(only_annex1, big, rules)
    names = [c.name for c in consolidation_charts(result, big, len(big.roster))]
    assert names == ["上报进度", "送温暖筹集款物"]


def test_no_unit_chosen_no_progress_chart(campaign, rules):
    small = replace(campaign, roster=(RosterUnit("市中区总工会", included=False),))
    result = consolidate([], small, rules)
    assert consolidation_charts(result, small, 0) == []
