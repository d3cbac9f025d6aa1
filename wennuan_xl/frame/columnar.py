"""Many returns checked at once: the 审核公式 evaluated column-wise over a table of units × fields.

``check_returns(datas, campaign, rules)`` gives exactly the Reports ``core.check.check_return`` gives one
by one — the same findings in the same order, messages, cells, values, skipped reasons and notes — because
every finding is still made by the core's own code: this module only decides, for all units together,
which (unit, rule) pairs need looking at. Each return is normalised by ``core.check.normalise``; its
values go into a table of numpy arrays (``UnitsTable``, also a pandas DataFrame when asked for: the checks
themselves need numpy only, which spares a consolidation pandas' import); each rule's ``when`` and formula are evaluated over
the table's columns by ``frame.vector``; a row where the rule surely holds (or surely does not apply) is
done, and only the rows where it fires, where a field is missing or unreadable, or where the vector
answer is unsure (an edge, text, a division by zero) go through ``core.check.apply_rule``, which renders
the finding or the skipped reason exactly as for a single return. Field checks are filtered the same way:
only fields that can fire (not found, unreadable, out of range, a placeholder) are looked at per return.

The core never imports numpy or pandas; this package is imported only where many returns are checked.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..core import formula
from ..core.check import (
    Presence,
    State,
    apply_rule,
    build_report,
    checks_by_kind,
    form_findings,
    normalise,
    rule_inputs,
    with_previous,
)
from ..core.findings import Finding, Report, Skipped
from ..core.findings_table import HEADINGS, KEYS, FindingRow, finding_rows
from ..core.forms import Campaign, Kind
from ..core.locate import ReturnData
from ..core.rules import Rule, RuleSet
from ..core.values import Status
from .vector import Columns, Compiled, compile_vector, evaluate_truth

if TYPE_CHECKING:
    import pandas as pd


def _pandas():
    import pandas  # the analysts' views only (units_frame, findings_frame, UnitsTable.values …)

    return pandas

# What a return holds for a field, in the table's ``status`` matrix (ordered: >= BLANK is usable).
ABSENT, MISSING, UNUSABLE, BLANK, PLACEHOLDER, OK = range(6)
_STATUS_NAMES = {ABSENT: "absent", MISSING: "missing", UNUSABLE: "unusable", BLANK: "blank",
                 PLACEHOLDER: "placeholder", OK: "ok"}
_EXACT = 2**53  # a Python int beyond this is not one double: the scalar path judges it


@dataclass
class UnitsTable:
    """The located, normalised values of many returns, one row per return.

    ``numbers``: units × fields, float64 (NaN where blank, not read, not a number, and in the 是/否 columns);
    ``texts``: the 是/否 fields' text by column (None where blank); ``status``: the same shape as int8
    (ABSENT … OK); ``inexact``: an integer too large for a double (the scalar path decides). As pandas
    DataFrames (pandas imported on first use): ``values`` (units × field codes, ``A1.02B``, numbers and the
    是/否 texts), ``raw`` (what was typed in each non-blank cell that is not a plain number: row, code, text,
    status) and ``notes`` (the units' 说明: row, code, text).
    """

    codes: list[str]
    numbers: np.ndarray
    texts: dict[int, list[object]]
    status: np.ndarray
    inexact: np.ndarray
    raw_rows: list[tuple[int, str, str, str]]
    note_rows: list[tuple[int, str, str]]

    @functools.cached_property
    def values(self) -> pd.DataFrame:
        pd = _pandas()
        frame = pd.DataFrame(self.numbers, columns=self.codes, copy=False)
        for j, texts in self.texts.items():
            frame[self.codes[j]] = pd.Series(texts, dtype=object)
        return frame

    @functools.cached_property
    def raw(self) -> pd.DataFrame:
        return _pandas().DataFrame(self.raw_rows, columns=["row", "code", "text", "status"])

    @functools.cached_property
    def notes(self) -> pd.DataFrame:
        return _pandas().DataFrame(self.note_rows, columns=["row", "code", "text"])


def units_table(states: Sequence[State], campaign: Campaign) -> UnitsTable:
    fields = list(campaign.fields())
    codes = [f.code for f in fields]
    column = {code: j for j, code in enumerate(codes)}
    n, m = len(states), len(fields)
    numbers = np.full((n, m), np.nan)
    status = np.zeros((n, m), np.int8)
    inexact = np.zeros((n, m), bool)
    yesno = [j for j, f in enumerate(fields) if f.kind is Kind.YESNO]
    texts: dict[int, list[object]] = {j: [None] * n for j in yesno}
    raw_rows: list[tuple[int, str, str, str]] = []
    note_rows: list[tuple[int, str, str]] = []
    nan = float("nan")
    ok, blank, placeholder = Status.OK, Status.BLANK, Status.PLACEHOLDER
    for i, state in enumerate(states):
        row_numbers = [nan] * m
        row_status = [ABSENT] * m
        cleaned = state.cleaned
        if len(cleaned) < len(state.cells):  # fields of an annex found that were not
            for code in state.cells:
                row_status[column[code]] = MISSING
        for code, c in cleaned.items():
            j = column[code]
            s = c.status  # compared by identity: an Enum's hash is Python code
            if s is ok and not c.text:  # a plain number (or 是/否) from the reader: most cells
                row_status[j] = OK
                value = c.value
                if type(value) is str:
                    texts[j][i] = value
                else:
                    row_numbers[j] = value  # type: ignore[assignment]  # large ints: checked below
                continue
            if s is blank:
                row_status[j] = BLANK
                continue
            if c.text:
                raw_rows.append((i, code, c.text, s.value))
            if s is ok:
                row_status[j] = OK
            elif s is placeholder:
                row_status[j] = PLACEHOLDER
            else:
                row_status[j] = UNUSABLE
                continue
            value = c.value
            kind = type(value)
            if kind is str:
                texts[j][i] = value
            else:
                row_numbers[j] = value  # type: ignore[assignment]
        try:
            numbers[i] = row_numbers
        except OverflowError:  # an integer past any double (10**400 from a reader): left to the scalar path
            for j, v in enumerate(row_numbers):
                if type(v) is int and abs(v) >= _EXACT:
                    inexact[i, j] = True
                    row_numbers[j] = float(v) if abs(v) < 2**1000 else nan
            numbers[i] = row_numbers
        status[i] = row_status
        for code, text in state.data.explanations.items():
            note_rows.append((i, code, text))
    # A Python int past 2^53 is not one double: its rules and field checks are left to the scalar path.
    for i, j in zip(*np.nonzero(np.abs(numbers) >= _EXACT)):
        if type(states[i].cleaned[codes[j]].value) is int:
            inexact[i, j] = True
    return UnitsTable(codes, numbers, texts, status, inexact, raw_rows, note_rows)


@dataclass(frozen=True)
class _CompiledRule:
    rule: Rule
    columns: np.ndarray  # the table's columns of the rule's fields
    test: Compiled
    when: Compiled | None
    previous: np.ndarray  # the columns (of ``RuleSet.previous_codes``) of the fields it reads last year's figure of


# The vector form of a rule set, by the rule set and campaign it was compiled for. Kept here, not on the
# RuleSet: closures cannot be pickled, and rule sets travel to worker processes.
_COMPILED: dict[tuple[int, int], tuple[weakref.ref, weakref.ref, tuple[_CompiledRule, ...], np.ndarray]] = {}


def _compiled(rules: RuleSet, campaign: Campaign) -> tuple[tuple[_CompiledRule, ...], np.ndarray]:
    """Each rule compiled to vector form, and the fields × rules incidence (1 where a rule reads a field)."""
    key = (id(rules), id(campaign))
    known = _COMPILED.get(key)
    if known is not None and known[0]() is rules and known[1]() is campaign:
        return known[2], known[3]
    column = {f.code: j for j, f in enumerate(campaign.fields())}
    previous = {code: j for j, code in enumerate(rules.previous_codes)}
    compiled = tuple(
        _CompiledRule(rule, np.array([column[c] for c in rule.codes], dtype=np.intp), compile_vector(rule.node),
                      compile_vector(rule.when) if rule.when is not None else None,
                      np.array([previous[c] for c in rule.previous], dtype=np.intp))
        for rule in rules.rules)
    incidence = np.zeros((len(column), len(compiled)), np.int32)  # integers: a float product would use BLAS threads
    for k, c in enumerate(compiled):
        incidence[c.columns, k] = 1
    for stale in [k for k, v in _COMPILED.items() if v[0]() is None or v[1]() is None]:
        del _COMPILED[stale]
    _COMPILED[key] = (weakref.ref(rules), weakref.ref(campaign), compiled, incidence)
    return compiled, incidence


def _field_suspects(table: UnitsTable, rules: RuleSet, campaign: Campaign) -> np.ndarray:
    """units × fields: True where a field check could fire or a placeholder note is due. Conservative:
    a False is a field for which ``core.check`` would surely say nothing."""
    status = table.status
    fields = list(campaign.fields())
    # A field of an annex the return has that the locator did not list is "not found" too; the fields of an
    # annex it does not have are no field check's business.
    form_of = {form.id: k for k, form in enumerate(campaign.forms)}
    column_form = np.array([form_of[f.form_id] for f in fields], dtype=np.intp)
    has_form = np.zeros((len(status), len(campaign.forms)), bool)
    for k in range(len(campaign.forms)):
        has_form[:, k] = (status[:, column_form == k] != ABSENT).any(axis=1)
    suspect = ((status == ABSENT) & has_form[:, column_form]) | (status == MISSING) | (status == UNUSABLE)
    suspect |= (status == PLACEHOLDER) | table.inexact
    numbers = table.numbers
    by_kind = checks_by_kind(rules)
    with np.errstate(invalid="ignore"):
        for kind in Kind:
            columns = np.array([j for j, f in enumerate(fields) if f.kind is kind], dtype=np.intp)
            if not len(columns):
                continue
            x = numbers[:, columns]
            fires = np.zeros(x.shape, bool)
            for check in by_kind[kind][1]:  # the checks of a number: min, max, integer
                if check.check == "min":
                    fires |= x < float(check.params["min"])
                elif check.check == "max":
                    fires |= x > float(check.params["max"])
                elif check.check == "integer":
                    fires |= np.isfinite(x) & (x != np.trunc(x))
            suspect[:, columns] |= fires
    return suspect


def check_returns(datas: Sequence[ReturnData], campaign: Campaign, rules: RuleSet) -> list[Report]:
    """The Reports of ``[check_return(d, campaign, rules) for d in datas]``, with the 审核公式 evaluated
    column-wise over all the returns at once."""
    reports, _ = _check(datas, campaign, rules)
    return reports


def _check(datas: Sequence[ReturnData], campaign: Campaign, rules: RuleSet) -> tuple[list[Report], UnitsTable]:
    states = [normalise(d, campaign) for d in datas]
    n = len(states)
    table = units_table(states, campaign)
    if not n:
        return [], table
    fields = list(campaign.fields())
    codes = [f.code for f in fields]
    suspect_rows, suspect_columns = np.nonzero(_field_suspects(table, rules, campaign))
    suspects: list[set[str]] = [set() for _ in range(n)]
    for i, j in zip(suspect_rows.tolist(), suspect_columns.tolist()):
        suspects[i].add(codes[j])
    base = [form_findings(state, rules, suspects[i]) for i, state in enumerate(states)]
    states = [with_previous(state, rules) for state in states]  # after the cover checks matched each 填报单位

    numbers = table.numbers
    cols = Columns(
        n,
        {f.name: numbers[:, j] for j, f in enumerate(fields) if f.kind is not Kind.YESNO},
        {f.name: _objects(table.texts[j]) for j, f in enumerate(fields) if f.kind is Kind.YESNO},
        rules.constants,
    )
    previous_known, previous_large = _previous_columns(states, rules, campaign, cols)
    outcomes: list[list[Finding | Skipped | None]] = [[] for _ in range(n)]
    inputs: list[tuple[dict[str, formula.Value], Presence] | None] = [None] * n
    status = table.status
    compiled_rules, incidence = _compiled(rules, campaign)
    # Per unit and rule, how many of the rule's fields are absent, unusable, filled, too large: one product
    # of the units × fields masks with the fields × rules incidence for all rules at once.
    absent = (status == ABSENT).astype(np.int32) @ incidence
    unusable = (status < BLANK).astype(np.int32) @ incidence
    filled = (status >= PLACEHOLDER).astype(np.int32) @ incidence
    large = (table.inexact.astype(np.int32) @ incidence) > 0
    applies = absent == 0
    for k, compiled in enumerate(compiled_rules):  # a rule reading last year's figures applies where each is known
        if len(compiled.previous):
            if previous_known is None:
                applies[:, k] = False
            else:
                applies[:, k] &= previous_known[:, compiled.previous].all(axis=1)
                large[:, k] |= previous_large[:, compiled.previous].any(axis=1)
    # A field not found or unreadable: the scalar path words the skipped reason.
    skipped = applies & (unusable > 0)
    evaluated = applies & (unusable == 0) & (filled > 0)
    to_evaluate = evaluated.any(axis=0).tolist()
    to_skip = skipped.any(axis=0).tolist()
    for k, compiled in enumerate(compiled_rules):
        if to_evaluate[k]:
            holds, unsure = evaluate_truth(compiled.test, cols)
            doubt = unsure | ~holds
            if compiled.when is not None:
                when, when_unsure = evaluate_truth(compiled.when, cols)
                doubt = when_unsure | (when & doubt)
            doubt |= large[:, k]
            scalar = evaluated[:, k] & doubt
            if to_skip[k]:
                scalar |= skipped[:, k]
        elif to_skip[k]:
            scalar = skipped[:, k]
        else:
            continue
        for i in np.flatnonzero(scalar).tolist():
            got = inputs[i]
            if got is None:
                got = inputs[i] = rule_inputs(states[i], rules)
            outcomes[i].append(apply_rule(states[i], compiled.rule, got[0], got[1]))
    reports = [build_report(state, rules, base[i][0], outcomes[i], base[i][1]) for i, state in enumerate(states)]
    return reports, table


def _previous_columns(states: Sequence[State], rules: RuleSet, campaign: Campaign, cols: Columns
                      ) -> tuple[np.ndarray | None, np.ndarray]:
    """Last year's figures the rules read, added to ``cols`` as ``PREV(name)`` columns (NaN / None where
    unknown); and units × ``rules.previous_codes``: known, and an integer too large for a double (the
    scalar path judges it). (None, …) when no rule reads any or no return has one."""
    codes = rules.previous_codes
    n = len(states)
    large = np.zeros((n, len(codes)), bool)
    if not codes or not any(state.previous for state in states):
        return None, large
    known = np.zeros((n, len(codes)), bool)
    numbers, texts = dict(cols.numbers), dict(cols.texts)
    for j, code in enumerate(codes):
        f = campaign.field(code)
        key = formula.previous_key(f.name)
        values = [state.previous.get(code) for state in states]
        known[:, j] = [v is not None for v in values]
        if f.kind is Kind.YESNO:
            texts[key] = np.array(values, dtype=object)
        else:
            large[:, j] = [type(v) is int and abs(v) >= _EXACT for v in values]
            numbers[key] = np.array([np.nan if v is None else float(v) for v in values])  # type: ignore[arg-type]
    cols.numbers, cols.texts = numbers, texts
    return known, large
def _objects(values: list[object]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def units_frame(reports: Sequence[Report]) -> pd.DataFrame:
    """One row per report: ``unit`` (填报单位 as found), ``file``, then one column per field code with the
    value read (None / NaN where blank or not located; text that could not be read as typed)."""
    pd = _pandas()
    rows = [{"unit": r.unit, "file": r.file, **r.values} for r in reports]
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["unit", "file"])
    return frame


def findings_frame(reports: Sequence[Report], campaign: Campaign, chinese: bool = False) -> pd.DataFrame:
    """One row per finding (注意 included), in each report's order, with the findings table's columns
    (core/findings_table.py): unit, file, annex, cell, field, rule, level, value, message, explanation,
    action; ``chinese=True``: under their headings (单位, 文件, 附件, 单元格, 指标, 规则, 级别, 填写值, 问题说明,
    单位说明, 处理要求). 填写值 holds numbers as numbers, 未填 for a blank."""
    return table_frame(finding_rows(campaign, ((r.unit, r.file, f) for r in reports for f in r.findings)), chinese)


def table_frame(rows: list[FindingRow], chinese: bool = False) -> pd.DataFrame:
    frame = _pandas().DataFrame([r.as_dict() for r in rows], columns=list(KEYS))
    if chinese:
        frame.columns = list(HEADINGS)
    return frame


def status_name(code: int) -> str:
    return _STATUS_NAMES[code]


__all__ = ["UnitsTable", "check_returns", "findings_frame", "units_frame", "units_table"]
