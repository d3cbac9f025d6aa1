"""``check_returns`` (the 审核公式 column-wise over a table of units) against ``check_return`` one by one.

What a user sees must not depend on which path checked a return: the report's JSON (findings in their
order, rule, severity, cells, values, message, 说明, 注意 among them, values read, cover) and the skipped rules with
their reasons are compared whole, for generated units perturbed the way clerks type — blanks, text, “—”,
是/否, huge and tiny numbers, amounts on a rounding half (x.xx5) and totals on the tolerance's edge —
for the bundled sample returns and for the foreign corpus.
"""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import ReturnUnusable
from wennuan_xl.core.locate import locate
from wennuan_xl.core.previous import PreviousYear
from wennuan_xl.core.roster import identify
from wennuan_xl.files.read import read_workbook
from wennuan_xl.frame.columnar import check_returns, findings_frame, units_frame
from wennuan_xl.samples import consistent_values, cover_for, return_from_values

REPO = Path(__file__).resolve().parents[2]

# What a clerk may type into a number field, 是/否 field or anywhere.
TYPED = [None, "", "  ", "—", "－", "-", "/", "无", "是", "否", "约30", "12.5元", "2000万", "1,234", "１２３", "0",
         0, -5, 3.5, 10**20, 2**53 + 1, -(10**30), 1e300, 1e16 + 1, 1e-300, 5e-324, 1.005, 2.675, 0.125, 1e15 + 0.5,
         "1e400", True, "12.5万元", "☑是□否"]
# Totals and their parts: a total set a hair from the sum of its parts lands on the tolerance's edge.
SUMS = [("A1.05", "A1.05A A1.05B A1.05C A1.05D A1.05E"), ("A2.05", "A2.05B A2.05C A2.05D A2.05E A2.05F"),
        ("A2.09B", "A2.09D A2.09F A2.09H A2.09J A2.09L A2.09N A2.09P A2.09R A2.09T"),
        ("A1.09", "A1.09A A1.09B A1.09C A1.09D"), ("A2.11A", "A2.11B A2.11C")]
EDGES = [0.01, -0.01, 0.0100000001, 0.00999999999, 0.005, 0.00005, 0.000049999, 1e-12, 0.0150000001]


def same(campaign, rules, datas) -> None:
    one_by_one = [check_return(d, campaign, rules) for d in datas]
    together = check_returns(datas, campaign, rules)
    assert len(together) == len(one_by_one)
    for a, b in zip(one_by_one, together):
        assert b.to_dict() == a.to_dict(), a.file
        assert b.skipped == a.skipped, a.file
        assert b == a


@st.composite
def clerk_units(draw, campaign) -> list:
    units = []
    codes = [f.code for f in campaign.fields()]
    names = [u.name for u in campaign.roster]
    for _ in range(draw(st.integers(1, 8))):
        rng = random.Random(draw(st.integers(0, 2**32)))
        values: dict[str, object] = consistent_values(rng, size=draw(st.sampled_from([1.0, 0.01, 1000.0])))
        for total, parts in draw(st.lists(st.sampled_from(SUMS), max_size=2)):
            values[total] = round(sum(float(values[p]) for p in parts.split()), 2) + draw(st.sampled_from(EDGES))
        for code in draw(st.lists(st.sampled_from(codes), max_size=6)):
            values[code] = draw(st.one_of(st.sampled_from(TYPED), st.integers(-10, 10**6),
                                          st.floats(-1e6, 1e12, allow_nan=False).map(lambda x: round(x, 3))))
        if draw(st.booleans()):
            for code in draw(st.lists(st.sampled_from(codes), max_size=4)):
                values[code] = round(float(values[code]) + 0.005, 3) if isinstance(values[code], (int, float)) else None
        forms = draw(st.sampled_from([("A1", "A2"), ("A1", "A2"), ("A1",), ("A2",)]))
        cover = cover_for(rng, draw(st.sampled_from(names + ["某某单位", ""])))
        data = return_from_values(campaign, values, cover=cover, forms=forms, source=f"单位{len(units)}.xlsx")
        if draw(st.booleans()) and data.forms:
            first = data.forms[0]
            said = {code: "今年情况特殊" for code in draw(st.lists(st.sampled_from(list(first.cells)), max_size=3))}
            data = replace(data, forms=(replace(first, explanations=said), *data.forms[1:]))
        units.append(data)
    return units


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_columnar_and_per_return_reports_are_identical(campaign, rules, data):
    same(campaign, rules, data.draw(clerk_units(campaign)))


# Last year's figure of a field, from this year's: on and around each 上年同期 rule's edges (30 % and 1,000
# 人, ten times, a tenth, from 0, to 0), unknown, or unrelated.
RATIOS = [1, 1.3, 1.3000001, 1 / 1.3, 0.7, 10, 10.000001, 0.1, 0.099999, 2.5]
SHIFTS = [1000, -1000, 1001, -999, 0.5]


@st.composite
def last_year(draw, campaign, rules, datas) -> PreviousYear:
    """Last year's figures of the roster units the returns name (by 填报单位 or file name), drawn around
    this year's, and last year's totals."""
    units: dict[str, dict] = {}
    for data in datas:
        report = check_return(data, campaign, rules)
        unit = identify(report.unit, report.file, campaign)
        if unit.unit is None or draw(st.integers(0, 5)) == 0:
            continue
        mine = units.setdefault(unit.unit.name, {})
        for code in rules.previous_codes:
            now = report.values.get(code)
            how = draw(st.integers(0, 6))
            if how == 0:
                continue  # not known
            if how == 1:
                mine[code] = 0
            elif how == 2 or not isinstance(now, (int, float)) or isinstance(now, bool):
                mine[code] = draw(st.one_of(st.integers(0, 10**6), st.floats(0, 1e6).map(lambda x: round(x, 4))))
            elif how in (3, 4):
                mine[code] = now / draw(st.sampled_from(RATIOS))
            else:
                mine[code] = max(0, now - draw(st.sampled_from(SHIFTS)))
    return PreviousYear("上年.xlsx", units, {})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_columnar_and_per_return_reports_are_identical_with_last_years_figures(campaign, rules, data):
    units = data.draw(clerk_units(campaign))
    names = [u.name for u in campaign.roster]
    # Some units named by their file only (填报单位 blank or off the roster): identified by the file name.
    units = [replace(d, source=f"{data.draw(st.sampled_from(names))}-附件{i}.xlsx") if data.draw(st.booleans()) else d
             for i, d in enumerate(units)]
    previous = data.draw(last_year(campaign, rules, units))
    with_previous = replace(rules, previous=previous)
    same(campaign, with_previous, units)
    assert check_returns(units, campaign, rules) == [check_return(d, campaign, rules) for d in units]


def test_last_years_figures_fire_the_same_rules_column_wise(campaign, rules):
    rng = random.Random(11)
    names = [u.name for u in campaign.roster]
    datas, before = [], {}
    for i, name in enumerate(names):
        values = consistent_values(rng)
        datas.append(return_from_values(campaign, values, cover=cover_for(rng, name), source=f"{i}.xlsx"))
        ratio = [1.0, 1.5, 0.5, 12.0, 0.05][i % 5]
        before[name] = {code: (values[code] / ratio if isinstance(values.get(code), (int, float)) else 0)
                        for code in rules.previous_codes}
    with_previous = replace(rules, previous=PreviousYear("上年.xlsx", before, {}))
    same(campaign, with_previous, datas)
    fired = {f.rule for r in check_returns(datas, campaign, with_previous) for f in r.findings if f.rule.startswith("PY-")}
    assert {"PY-A1-01A-UP", "PY-A1-01A-DOWN", "PY-A1-05-X10", "PY-A1-05-D10"} <= fired
    assert not {f.rule for r in check_returns(datas, campaign, rules) for f in r.findings if f.rule.startswith("PY-")}


def test_a_large_batch_of_perturbed_units_gives_identical_reports(campaign, rules):
    rng = random.Random(13)
    names = [u.name for u in campaign.roster]
    codes = [f.code for f in campaign.fields()]
    datas = []
    for i in range(300):
        values = consistent_values(rng)
        if i % 7 == 0:
            total, parts = rng.choice(SUMS)
            values[total] = round(sum(float(values[p]) for p in parts.split()), 2) + rng.choice(EDGES)
        for code in rng.sample(codes, rng.randint(0, 5)):
            values[code] = rng.choice(TYPED)
        datas.append(return_from_values(campaign, values, cover=cover_for(rng, rng.choice(names)), source=f"{i}.xlsx"))
    same(campaign, rules, datas)


def _read(paths, campaign) -> list:
    datas = []
    for path in paths:
        try:
            datas.append(locate(read_workbook(path, path.name), campaign))
        except ReturnUnusable:
            continue
    return datas


def test_bundled_sample_returns(campaign, rules):
    datas = _read(sorted((REPO / "workbooks/samples/returns").iterdir()), campaign)
    assert len(datas) == 28
    same(campaign, rules, datas)
    assert any(r.findings for r in check_returns(datas, campaign, rules))


def test_foreign_corpus(campaign, rules):
    datas = _read(sorted((REPO / "tests/foreign/returns").iterdir()), campaign)
    assert len(datas) >= 50
    same(campaign, rules, datas)


def test_chunks_give_the_same_reports_as_the_whole(campaign, rules):
    rng = random.Random(5)
    datas = [return_from_values(campaign, consistent_values(rng) | {"A1.02B": 10**6}) for _ in range(10)]
    whole = check_returns(datas, campaign, rules)
    assert check_returns(datas[:3], campaign, rules) + check_returns(datas[3:], campaign, rules) == whole
    assert check_returns([], campaign, rules) == []
    assert all(any(f.rule == "A1-02" for f in r.findings) for r in whole)


def test_frames_for_analysts(campaign, rules):
    rng = random.Random(7)
    values = consistent_values(rng)
    values["A1.02B"] = values["A1.02A"] + 50
    values["A1.07C"] = "约30"
    good = return_from_values(campaign, consistent_values(rng), cover=cover_for(rng, "市中区总工会"), source="a.xlsx")
    bad = return_from_values(campaign, values, cover=cover_for(rng, "五通桥区总工会"), source="b.xlsx")
    reports = check_returns([good, bad], campaign, rules)
    units = units_frame(reports)
    assert list(units.columns[:2]) == ["unit", "file"]
    assert list(units["unit"]) == ["市中区总工会", "五通桥区总工会"]
    assert units.loc[1, "A1.02B"] == values["A1.02A"] + 50 and units.loc[1, "A1.07C"] == "约30"
    findings = findings_frame(reports, campaign)
    assert list(findings.columns) == ["unit", "file", "annex", "cell", "field", "rule", "level", "value", "message",
                                      "explanation", "action"]
    row = findings[findings["rule"] == "A1-02"].iloc[0]
    assert row["file"] == "b.xlsx" and row["unit"] == "五通桥区总工会" and row["level"] == "错误"
    assert row["field"] == "02(B) 其中困难农民工" and row["cell"].startswith("附件1!E") and row["annex"] == "附件1"
    assert "大于" in row["message"] and row["value"] == values["A1.02A"] + 50
    assert set(findings["file"]) == {"b.xlsx"}
    chinese = findings_frame(reports, campaign, chinese=True)
    assert list(chinese.columns) == ["单位", "文件", "附件", "单元格", "指标", "规则", "级别", "填写值", "问题说明", "单位说明",
                                     "处理要求"]
    empty = findings_frame([], campaign)
    assert empty.empty and list(empty.columns[:3]) == ["unit", "file", "annex"]


def test_the_package_and_the_single_return_path_do_not_import_pandas(tmp_path):
    sample = REPO / "workbooks/samples/returns/五通桥区-附件1.xlsx"
    code = (
        "import sys, runpy\n"
        "import wennuan_xl, wennuan_xl.core.check, wennuan_xl.cli.main\n"
        "assert 'pandas' not in sys.modules and 'numpy' not in sys.modules, 'import'\n"
        f"sys.argv = ['wennuan', 'check', {str(sample)!r}]\n"
        "try:\n"
        "    runpy.run_module('wennuan_xl', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    print('exit', exc.code)\n"
        "print('pandas' in sys.modules, 'numpy' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[-1] == "False False", proc.stdout
    assert "五通桥区" in proc.stdout  # the report was printed: the check really ran


def test_a_consolidation_checks_with_numpy_and_imports_pandas_only_for_the_analysts_views(tmp_path):
    """pandas costs a consolidation ~0.4 s to import; the column-wise checks need numpy only, and
    ``result.frame`` imports pandas when an analyst asks for it."""
    code = (
        "import sys\n"
        "from wennuan_xl import jobs\n"
        "result = jobs.read_and_consolidate(jobs.settings(workers=1), jobs.sample_returns_folder())\n"
        "print('numpy' in sys.modules, 'pandas' in sys.modules)\n"
        "frame = result.frame\n"
        "print('pandas' in sys.modules, len(frame) > 10)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-2:] == ["True False", "True True"], proc.stdout


def test_rules_used_by_the_columnar_path_still_travel_to_workers(campaign, rules):
    import pickle

    rng = random.Random(3)
    check_returns([return_from_values(campaign, consistent_values(rng))], campaign, rules)
    again = pickle.loads(pickle.dumps(rules))
    data = return_from_values(campaign, consistent_values(rng) | {"A1.02B": 10**6})
    assert check_returns([data], pickle.loads(pickle.dumps(campaign)), again) == [check_return(data, campaign, rules)]
