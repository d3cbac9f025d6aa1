"""The consolidation for analysts: ``result.frame`` (units × fields, what went into the totals) and
``result.findings_frame()``, on the bundled sample returns; and the column-wise checking a consolidation uses
gives the returns exactly the findings each gets checked on its own."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from wennuan_xl.core.forms import Kind
from wennuan_xl.files.bulk import read_folder
from wennuan_xl.frame.columnar import check_returns
from wennuan_xl.jobs import Settings, consolidate_folder

SAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "samples" / "returns"


@pytest.fixture(scope="module")
def consolidated(campaign, rules, tmp_path_factory):
    return consolidate_folder(SAMPLES, tmp_path_factory.mktemp("out") / "汇总.xlsx", Settings(campaign, rules, workers=1))[0]


def test_the_frame_sums_to_the_totals(consolidated, campaign):
    frame = consolidated.frame
    counted = frame[frame["included"]]
    assert len(frame) == len({u.unit for u in consolidated.used})
    numbers = [f.code for f in campaign.fields() if f.kind is not Kind.YESNO]
    for code in numbers:
        total = consolidated.totals[code]
        assert math.isclose(counted[code].sum(), total, abs_tol=1e-6), code
    yes = [f.code for f in campaign.fields() if f.kind is Kind.YESNO]
    for code in yes:
        assert (counted[code] == "是").sum() == consolidated.totals[code]["是"], code


def test_the_findings_frame_lists_every_finding_with_its_unit(consolidated):
    frame = consolidated.findings_frame(chinese=True)
    findings = consolidated.findings()
    assert len(frame) == len(findings) > 0
    # The findings table's columns, as every other surface shows them.
    assert list(frame.columns) == ["单位", "文件", "附件", "单元格", "指标", "规则", "级别", "填写值", "问题说明", "单位说明",
                                   "处理要求"]
    assert list(consolidated.findings_frame().columns) == ["unit", "file", "annex", "cell", "field", "rule", "level",
                                                           "value", "message", "explanation", "action"]
    assert list(frame["问题说明"]) == [f.message for _, _, f in findings]
    assert list(frame["单位"]) == [unit for unit, _, _ in findings]
    # The samples have 错误 and a “—” read as 0 (注意); no 提示.
    assert set(frame["级别"]) == {"错误", "注意"}
    counts = frame.groupby(["单位", "级别"]).size()
    assert counts[("井研县总工会", "注意")] >= 1


def test_the_consolidation_checks_column_wise_as_each_return_on_its_own(campaign, rules):
    each = read_folder(SAMPLES, campaign, rules, workers=1)
    columns = read_folder(SAMPLES, campaign, rules, workers=1, check_many=check_returns)
    assert [r.file for r in each] == [r.file for r in columns]
    for a, b in zip(each, columns):
        assert (a.findings, a.error, numbers(a), a.texts) == (b.findings, b.error, numbers(b), b.texts), a.file


def numbers(returned) -> list:
    return [None if math.isnan(v) else v for v in returned.values]
