"""One truth: the live checks inside the templates, recalculated by LibreOffice, agree with the engine.

Hundreds of generated returns (hypothesis: consistent ones from ``samples.consistent_values``, ones with
one or several relations broken, with blanks, with money exactly at and around the tolerance, with figures
pasted as text the way clerks paste them, with 说明 typed beside some rows — on any row of a rule's
fields) are filled into the templates with openpyxl, recalculated by LibreOffice in a couple of batched
soffice calls, and the 审核 sheet is compared with the Python engine's report on the same file: the same
rules fire, with the same severity, explained or not; each field's cell checks find the same 错误 and
提示; and the count the form shows above its table is the report's count of 错误, open 提示 and
explained ones.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from wennuan_xl.core import formula
from wennuan_xl.core.check import check_return
from wennuan_xl.core.excel_formulas import applicable
from wennuan_xl.core.findings import Report, Severity
from wennuan_xl.core.forms import Campaign, Field, Kind
from wennuan_xl.core.locate import locate
from wennuan_xl.core.rules import Rule, RuleSet
from wennuan_xl.files.read import read_workbook
from wennuan_xl.samples import consistent_values, return_from_values

from .conftest import Filler, cover, live_cells, live_results, live_summary, needs_soffice, summary_counts
from .lo import convert_batch

CASES = int(os.environ.get("WN_LIVE_CASES", "520"))
BATCH = 65  # returns per soffice call
KINDS = ("valid", "one", "one", "several", "several", "blanks", "tolerance", "tolerance", "wild", "pasted", "pasted")
DELTAS = (0.0, 0.0001, 0.005, 0.0099, 0.00999, 0.01, 0.0100001, 0.0101, 0.011, 0.02, -0.005, -0.01, -0.0101, -0.02)
NOTES = ("今年新增包机一架", "数据经核实无误", "  ", 1, "见附件说明")
RESULT = {"error": "错误", "warning": "提示"}
@dataclass(frozen=True)
class Case:
    form_id: str
    kind: str
    values: dict
    notes: dict


def form_rules(campaign: Campaign, rules: RuleSet, form_id: str) -> list[Rule]:
    names = {f.name for f in campaign.form(form_id).fields}
    return [r for r in rules.rules if applicable(r, names)]


def field_value(f: Field, current: object):
    if f.kind is Kind.YESNO:
        return st.sampled_from(["是", "否", None])
    base = current if isinstance(current, (int, float)) else 10
    if f.kind is Kind.COUNT:
        top = int(max(base, 10) * 3)
        return st.one_of(st.integers(0, top), st.sampled_from([0, int(base) + 1, max(int(base) - 1, 0), -1, 1.5]))
    cents = int(max(base, 1) * 300)
    return st.one_of(
        st.integers(0, cents).map(lambda c: round(c / 100, 2)),
        st.integers(0, cents * 100).map(lambda c: round(c / 10000, 4)),
        st.sampled_from([0, 0.0, round(base + 0.01, 4), 25000.0]),
    )


def pasted(f: Field, value: object):
    """What a clerk pastes into the cell instead of the number: the number as text, with its unit, in
    full-width digits, grouped, with spaces, or words the engine cannot read (F-NUMBER) and other units
    (F-UNIT)."""
    if f.kind is Kind.YESNO:
        return st.sampled_from([" 是", "否 ", "是　", "对", "Y", 1])
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else 12
    text = str(number)
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c == "." else c for c in text)
    grouped = f"{number:,}" if isinstance(number, int) else f"{number:,.2f}"
    return st.sampled_from([
        text, f"{text}{f.unit}", f" {text} ", wide, f"{wide}{f.unit}", grouped, grouped.replace(",", "，"),
        f"{f.unit}{text}", f"{text}\n", f"约{text}", f"{text}多", f"{text}万" if f.unit != "万元" else f"{text}元",
        f"{text}户" if f.unit != "户" else f"{text}人", "—", "－", "无", "/", "零", f"-{text}", "1,2", "1.234,5", "1e3",
        f"{text}%",
    ])


def _ref_names(node: formula.Node) -> list[str]:
    return [n for n in formula.refs(node) if n != "TOLERANCE"]


def at_tolerance(campaign: Campaign, rule: Rule, values: dict, delta: float) -> None:
    """Put the rule's relation exactly ``delta`` away from equality (money rules with TOLERANCE)."""
    def val(name: str) -> float:
        v = values.get(campaign.field(name).code)
        return v if isinstance(v, (int, float)) else 0.0

    node = rule.node
    assert isinstance(node, formula.Binary)
    if isinstance(node.left, formula.Call) and node.left.func == "ROUND":  # ROUND(ABS(T-SUM(parts)),4)<=TOLERANCE
        total, *parts = rule.names
        values[campaign.field(total).code] = round(sum(val(p) for p in parts) + delta, 4)
        return
    left, right = _ref_names(node.left), _ref_names(node.right)  # X[+Y]<=Z+TOLERANCE
    target = sum(val(n) for n in right) + delta
    values[campaign.field(left[-1]).code] = round(target - sum(val(n) for n in left[:-1]), 4)


@st.composite
def returns(draw, campaign: Campaign, rules_set: RuleSet, by_form: dict[str, list[Rule]]) -> Case:
    form_id = draw(st.sampled_from(sorted(by_form)))
    seed = draw(st.integers(0, 2**31 - 1))
    values = {k: v for k, v in consistent_values(random.Random(seed)).items() if k.startswith(form_id + ".")}
    kind = draw(st.sampled_from(KINDS))
    rules = by_form[form_id]
    if kind in ("one", "several", "wild"):
        for _ in range(1 if kind == "one" else draw(st.integers(2, 6 if kind == "several" else 15))):
            rule = draw(st.sampled_from(rules))
            fires = rule.examples.get("fires")
            if fires and kind != "wild" and draw(st.booleans()):
                for name, v in fires.items():
                    values[campaign.field(name).code] = v
            else:
                f = campaign.field(draw(st.sampled_from(rule.names)))
                values[f.code] = draw(field_value(f, values.get(f.code)))
    elif kind == "blanks":
        if draw(st.booleans()):
            for name in draw(st.sampled_from(rules)).names:  # a whole rule blank: it must not fire
                values[campaign.field(name).code] = None
        codes = sorted(values)
        for code in draw(st.lists(st.sampled_from(codes), max_size=len(codes) // 2, unique=True)):
            values[code] = None
    elif kind == "pasted":
        codes = sorted(values)
        for code in draw(st.lists(st.sampled_from(codes), min_size=1, max_size=8, unique=True)):
            values[code] = draw(pasted(campaign.field(code), values.get(code)))
    elif kind == "tolerance":
        money_rules = [r for r in rules if "TOLERANCE" in r.text]
        for _ in range(draw(st.integers(1, 3))):
            at_tolerance(campaign, draw(st.sampled_from(money_rules)), values, draw(st.sampled_from(DELTAS)))
    notes = {}
    if draw(st.integers(0, 2)) == 0:  # 说明 beside rows, mostly rows that have a finding (错误 too)
        report = check_return(return_from_values(campaign, values, forms=(form_id,)), campaign, rules_set)
        # Mostly rows of a finding's fields, the leading one or another: a 说明 on any of them explains it.
        flagged = sorted({c for f in report.findings for c in f.codes if c in values})
        anchors = flagged if flagged and draw(st.integers(0, 3)) else sorted({campaign.field(r.names[0]).code for r in rules})
        for code in draw(st.lists(st.sampled_from(anchors), min_size=1, max_size=4, unique=True)):
            notes[code] = draw(st.sampled_from(NOTES))
    return Case(form_id, kind, values, notes)


@pytest.fixture(scope="module")
def cases(campaign: Campaign, rules: RuleSet) -> list[Case]:
    by_form = {f.id: form_rules(campaign, rules, f.id) for f in campaign.forms}
    collected: list[Case] = []

    @settings(max_examples=CASES, database=None, derandomize=True, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(returns(campaign, rules, by_form))
    def collect(case: Case) -> None:
        collected.append(case)

    collect()
    return collected


def engine_results(report: Report, ids: set[str]) -> dict[str, tuple[str, str]]:
    out = {i: ("", "") for i in ids}
    for f in report.findings:
        if f.rule in ids:
            out[f.rule] = ("已说明" if f.explained else RESULT[f.severity.value], f.message)
    return out


def engine_cells(report: Report, form_fields: list[Field], field_checks: set[str]) -> dict[str, tuple]:
    """field code -> (结果, 错误, 提示, unexplained 提示, messages) of its cell checks in the report."""
    out = {}
    for f in form_fields:
        mine = [x for x in report.findings if x.rule in field_checks and x.codes == (f.code,)]
        errors = sum(x.severity is Severity.ERROR for x in mine)
        warnings = sum(x.severity is Severity.WARNING for x in mine)
        open_ = sum(x.severity is Severity.WARNING and not x.explained for x in mine)
        result = "错误" if errors else ("提示" if open_ else "已说明") if warnings else ""
        out[f.code] = (result, errors, warnings, open_, "；".join(x.message for x in mine))
    return out


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@needs_soffice
def test_libreoffice_agrees_with_the_engine_rule_by_rule(
    cases: list[Case], campaign: Campaign, rules: RuleSet, templates: dict[str, Path], tmp_path: Path
) -> None:
    assert len(cases) >= min(500, CASES)
    started = time.perf_counter()
    fillers = {fid: Filler(campaign, fid, path) for fid, path in templates.items()}
    paths: list[Path] = []
    converted: dict[Path, Path] = {}
    # Batches of returns go to LibreOffice (two soffice calls side by side) while the next are filled.
    with ThreadPoolExecutor(2) as pool:
        jobs = []
        for start in range(0, len(cases), BATCH):
            batch = [
                fillers[case.form_id].save(tmp_path / f"{i:04d}-{case.form_id}.xlsx", case.values, case.notes, cover())
                for i, case in enumerate(cases[start:start + BATCH], start=start)
            ]
            paths += batch
            jobs.append(pool.submit(convert_batch, batch, tmp_path / "recalculated" / str(start), "xlsx", 900))
        filled = time.perf_counter()
        for job in jobs:
            converted.update(job.result())
    recalculated = time.perf_counter()

    blanks = next(c.id for c in rules.form_checks if c.check == "blanks")
    ids = {fid: {r.id for r in form_rules(campaign, rules, fid)} | {blanks} for fid in templates}
    field_checks = {c.id for c in rules.field_checks}
    disagreements, wording, counted = [], [], []
    fired, by_result, kinds, cell_results = Counter(), Counter(), Counter(), Counter()
    exact = 0
    for case, path in zip(cases, paths):
        report = check_return(locate(read_workbook(path), campaign), campaign, rules)
        live = live_results(converted[path])
        engine = engine_results(report, ids[case.form_id])
        assert set(live) == ids[case.form_id], path.name  # every rule of the annex has its row
        got = {k: v[0] for k, v in live.items()}
        want = {k: v[0] for k, v in engine.items()}
        if got != want:
            diff = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
            disagreements.append(f"{path.name} [{case.kind}] engine vs LibreOffice {diff}\n  values {case.values}\n  notes {case.notes}")
        form_fields = list(campaign.form(case.form_id).fields)
        cells_live = live_cells(converted[path], campaign.form(case.form_id))
        for code, (result, errors, warnings, open_, message) in engine_cells(report, form_fields, field_checks).items():
            row = cells_live[code]
            if (row.result, row.errors, row.warnings, row.open) != (result, errors, warnings, open_):
                disagreements.append(f"{path.name} [{case.kind}] {code} {case.values.get(code)!r}: engine "
                                     f"{(result, errors, warnings, open_)} vs LibreOffice {(row.result, row.errors, row.warnings, row.open)}")
            elif result:
                cell_results[result] += 1
                if row.message != message:
                    wording.append(f"{path.name} {code}:\n  engine {message}\n  live   {row.message}")
        # The count above the form: every 错误 and 提示 of the report (the cover is filled in, as it must be).
        shown = summary_counts(live_summary(converted[path]))
        if shown != (len(report.errors), len(report.open_warnings), len(report.explained)):
            counted.append(f"{path.name} [{case.kind}] form {shown} vs engine "
                           f"{(len(report.errors), len(report.open_warnings), len(report.explained))}: "
                           f"{[(x.rule, x.codes[:1]) for x in report.findings]}")
        kinds[case.kind] += 1
        for rid, (result, message) in engine.items():
            if not result or got.get(rid) != result:
                continue
            fired[rid] += 1
            by_result[result] += 1
            shown_message = live[rid][1]
            if rid == blanks:
                # The form shows how many fields are still empty; the report also names them.
                if _NUMBER.findall(shown_message)[:1] != _NUMBER.findall(message)[:1] or not message.startswith(shown_message):
                    wording.append(f"{path.name} {rid}:\n  engine {message}\n  live   {shown_message}")
                continue
            exact += shown_message == message
            # The clerk reads the same numbers and captions in the live message as in the report.
            if _NUMBER.findall(shown_message) != _NUMBER.findall(message) or shown_message.split(" ")[0] != message.split(" ")[0]:
                wording.append(f"{path.name} {rid}:\n  engine {message}\n  live   {shown_message}")
    print(f"\n{len(cases)} returns: filled in {filled - started:.1f}s, recalculated by LibreOffice {recalculated - started:.1f}s after start, "
          f"compare {time.perf_counter() - recalculated:.1f}s; {sum(fired.values())} findings "
          f"({dict(by_result)}), {len(fired)} rules fired at least once, {exact} messages word for word; "
          f"cell checks {dict(cell_results)}; kinds {dict(kinds)}")
    assert not disagreements, f"{len(disagreements)} disagreements:\n" + "\n".join(disagreements[:10])
    assert not counted, f"{len(counted)} returns counted differently:\n" + "\n".join(counted[:10])
    assert not wording, f"{len(wording)} messages differ in numbers or captions:\n" + "\n".join(wording[:10])
    assert exact >= 0.95 * (sum(fired.values()) - fired[blanks]), exact
    assert fired[blanks] > 20, fired[blanks]  # the blank-fields 提示 agrees on returns with fields left empty
    # The generated returns exercise what they claim to: both severities, explanations, most rules.
    assert by_result["错误"] > 100 and by_result["提示"] > 50 and by_result["已说明"] > 10, by_result
    all_ids = set().union(*ids.values())
    assert len(fired) >= 0.8 * len(all_ids), sorted(all_ids - set(fired))
    assert cell_results["错误"] > 50 and cell_results["提示"] > 5, cell_results  # pasted text, -1, 1.5, 25000
