"""The 审核 engine: every check of a located return, collected lazily into one Report.

Checking never stops at the first problem. Rules only describe; this module owns the loop, the blank
semantics (a rule over blank cells only does not fire), and what counts as "cannot evaluate".
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from . import formula, messages
from .findings import Finding, Report, Severity, Skipped
from .forms import Campaign, Field, Kind
from .layout import VALUE_COL, layout_for
from .locate import LocatedForm, ReturnData
from .roster import UnitMatch, identify, roster_index
from .rules import CONSTANTS, CoverCheck, FieldCheck, FormCheck, Rule, RuleSet
from .values import Cleaned, Status, clean, parse_date, raw_text
from .workbook import CellRef

_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:0\d{2,3})?[2-9]\d{6,7}(?:(?:转|-)\d{1,5})?$")


@dataclass(frozen=True)
class State:
    """The cleaned values of a return, shared by all checks (and by ``frame.columnar``'s table)."""

    campaign: Campaign
    data: ReturnData
    cleaned: dict[str, Cleaned]  # code -> cleaned, for located fields
    cells: dict[str, CellRef | None]  # code -> cell for fields of the annexes found
    # 填报单位 texts matched against the roster, each once however many annexes name it
    unit_matches: dict[str, UnitMatch] = field(default_factory=dict)
    # Last year's figures the rules read (PREV), by code: only those known (``with_previous``)
    previous: Mapping[str, object] = field(default_factory=dict)

    def value(self, code: str) -> object:
        c = self.cleaned.get(code)
        if c is None or c.value is formula.BLANK:
            return None
        return c.value

    def view(self, name: str) -> messages.FieldView:
        f = self.campaign.field(name)
        ref = self.cells.get(f.code)
        return messages.FieldView(
            f.caption, f.label, f.unit, f.kind is Kind.MONEY, self.value(f.code), str(ref) if ref else ""
        )


def check_return(data: ReturnData, campaign: Campaign, rules: RuleSet,
                 previous: Mapping[str, object] | None = None) -> Report:
    """Every check of one located return. ``frame.columnar.check_returns`` runs the same pieces for many
    returns at once, with the 审核公式 evaluated column-wise; both give the same Report. ``previous``: last
    year's figures by code for the rules' PREV (default: the unit's, from ``rules.previous``)."""
    state = normalise(data, campaign)
    findings, notes = form_findings(state, rules)
    state = with_previous(state, rules, previous)
    env, presence = rule_inputs(state, rules)
    outcomes = [apply_rule(state, rule, env, presence) for rule in rules.rules]
    return build_report(state, rules, findings, outcomes, notes)


def normalise(data: ReturnData, campaign: Campaign) -> State:
    """Every located field of the return read as a value (``values.clean``)."""
    cleaned: dict[str, Cleaned] = {}
    cells: dict[str, CellRef | None] = {}
    units = tuple(campaign.units)
    placeholders = campaign.placeholders
    field = campaign.field
    yesno = _yesno(campaign)
    ints, floats = _PLAIN_INTS, _PLAIN_FLOATS
    for located in data.forms:
        raw = located.raw.get
        cells.update(located.cells)
        for code, ref in located.cells.items():
            if ref is None:
                continue
            value = raw(code)
            kind = type(value)
            # A number from the reader reads the same in every field but a 是/否 one: its Cleaned is shared.
            cache = ints if kind is int else floats if kind is float else None
            if cache is None or code in yesno:
                cleaned[code] = clean(value, field(code), placeholders, units)
                continue
            c = cache.get(value)
            if c is None:
                c = clean(value, field(code), placeholders, units)
                if len(cache) >= _PLAIN_LIMIT:
                    cache.clear()
                cache[value] = c
            cleaned[code] = c
    return State(campaign, data, cleaned, cells)


_PLAIN_LIMIT = 50_000  # numbers remembered (~10 MB at most)
# What a plain int and a plain float from a reader read as, in any field but a 是/否 one (``clean`` does not
# look at the field for them). Kept apart: 2**53 and 2.0**53 are equal keys but read as an int and a float.
_PLAIN_INTS: dict[object, Cleaned] = {}
_PLAIN_FLOATS: dict[object, Cleaned] = {}


def _yesno(campaign: Campaign) -> frozenset[str]:
    cached = campaign.__dict__.get("_yesno_codes")
    if cached is None:
        cached = frozenset(f.code for f in campaign.fields() if f.kind is Kind.YESNO)
        object.__setattr__(campaign, "_yesno_codes", cached)
    return cached


def form_findings(state: State, rules: RuleSet, suspects: Container[str] | None = None) -> tuple[list[Finding], list[Finding]]:
    """The cover, field and form checks of each annex found, and its 注意 findings (what was read generously),
    in the report's order before sorting. ``suspects``: the only fields whose field checks can fire or that
    carry a placeholder note (the columnar path knows them from its table); None looks at every field."""
    campaign, data, cleaned = state.campaign, state.data, state.cleaned
    findings: list[Finding] = []
    notes: list[Finding] = []
    by_kind = checks_by_kind(rules)
    for located in data.forms:
        findings.extend(_cover_findings(state, located, rules.cover_checks))
        form = campaign.form(located.form_id)
        # Fields a located problem already names (an ambiguous column, nothing readable) get no F-LOCATE each.
        answered = {code for p in located.problems for code in p.codes}
        coded = _coded(form)
        if suspects is not None:
            coded = tuple(pair for pair in coded if pair[1] in suspects) if suspects else ()
        for f, code in coded:
            buckets = by_kind[f.kind]
            if code in answered and located.cells.get(code) is None:
                buckets = ((), buckets[1], buckets[2])
            findings.extend(_field_findings(state, f, located, buckets))
            c = cleaned.get(code)
            if c is not None and c.status is Status.PLACEHOLDER:
                try:
                    message = _render_field(rules.placeholder_note, state, f, located, c, {})
                    notes.append(Finding(PLACEHOLDER, Severity.NOTE, (code,), _cells_of(state, (code,)),
                                         {code: c.text or c.value}, message))
                except _CannotEvaluate as exc:
                    findings.append(_cannot_evaluate("placeholder_note", (code,), _cells_of(state, (code,)), {},
                                                     exc.reason))
        findings.extend(_form_findings(state, located, rules.form_checks))
        notes.extend(located.notes)
    return findings, notes


def with_previous(state: State, rules: RuleSet, given: Mapping[str, object] | None = None) -> State:
    """The state with last year's figures its rules read (PREV): ``given``, or those of the unit the return
    is counted for (``roster.identify``: 填报单位, then the file name, as the consolidation counts it) in
    ``rules.previous``. Called after the cover checks, which have matched the 填报单位 already."""
    wanted = rules.previous_codes
    if not wanted:
        return state
    if given is None:
        if rules.previous is None:
            return state
        typed = _unit(state.data)
        match = identify(typed, state.data.source, state.campaign, state.unit_matches.get(typed))
        given = rules.previous.values(match.unit.name) if match.unit is not None else {}
    known = {code: given[code] for code in wanted if given.get(code) is not None}
    return replace(state, previous=known) if known else state


def rule_inputs(state: State, rules: RuleSet) -> tuple[dict[str, formula.Value], Presence]:
    """What ``apply_rule`` needs of a return: its usable values by field name, and which fields it has."""
    env: dict[str, formula.Value] = dict(rules.constants)
    name = _names(state.campaign)
    cleaned = state.cleaned
    unusable = []
    filled = []
    ok, blank, placeholder = Status.OK, Status.BLANK, Status.PLACEHOLDER  # by identity: an Enum hashes slowly
    for code, c in cleaned.items():
        status = c.status
        if status is ok or status is placeholder:
            env[name[code]] = c.value
            filled.append(code)
        elif status is blank:
            env[name[code]] = c.value
        else:
            unusable.append(code)
            filled.append(code)
    previous = state.previous
    if rules.previous_codes:
        for code in rules.previous_codes:
            env[formula.previous_key(name[code])] = previous.get(code, formula.BLANK)  # type: ignore[assignment]
    presence = Presence(
        codes=frozenset(state.cells),
        found=frozenset(cleaned),
        unusable=frozenset(unusable),
        filled=frozenset(filled),
        previous=frozenset(previous),
    )
    return env, presence


def build_report(state: State, rules: RuleSet, findings: list[Finding], outcomes: Iterable[Finding | Skipped | None],
                 notes: list[Finding]) -> Report:
    """The Report of one return from its findings and notes (``form_findings``) and its rules' outcomes in
    rule order: one list, sorted by the fields' places on the form."""
    data, campaign = state.data, state.campaign
    findings = [*findings, *notes]
    skipped: list[Skipped] = []
    for outcome in outcomes:
        if isinstance(outcome, Finding):
            findings.append(outcome)
        elif isinstance(outcome, Skipped):
            skipped.append(outcome)
    order = _field_order(campaign)
    findings.sort(key=lambda fd: _sort_key(fd, order, state))
    explanations = data.explanations
    if explanations:
        # A finding about the whole form (blank fields, a column that cannot be told) is answered by filling
        # the form, not explained.
        whole_form = {c.id for c in rules.form_checks} | {CANNOT_EVALUATE}
        findings = [
            replace(fd, explanation=explanation_of(fd.codes, explanations)) if fd.rule not in whole_form else fd
            for fd in findings
        ]
    cleaned = state.cleaned
    blank = formula.BLANK
    values: dict[str, object] = {code: (None if c.value is blank else c.value) for code, c in cleaned.items()}
    unit = _unit(data)
    return Report(
        file=data.source,
        unit=unit,
        forms=tuple(f.form_id for f in data.forms),
        values=values,
        findings=tuple(findings),
        skipped=tuple(skipped),
        cover={f.form_id: {k: raw_text(v).strip() for k, v in f.cover_raw.items()} for f in data.forms},
        explanations=explanations,
        located_by=_merged([f.how for f in data.forms]),
        unit_match=state.unit_matches.get(unit),
    )


def explanation_of(codes: Iterable[str], explanations: Mapping[str, str]) -> str:
    """A finding's 说明: what the unit wrote on the rows of its fields — any of them, since the form colours
    every field of a rule that fires and the clerk writes beside the one that caught the eye — the distinct
    texts in the order of the fields, joined by “；”. The templates join them the same way
    (``excel_formulas.explanation_formula``)."""
    return "；".join(dict.fromkeys(explanations[c] for c in codes if c in explanations))


def _coded(form) -> tuple[tuple[Field, str], ...]:
    cached = form.__dict__.get("_coded")
    if cached is None:
        cached = tuple((f, f.code) for f in form.fields)
        object.__setattr__(form, "_coded", cached)
    return cached


def _merged(dicts: list[dict[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in dicts:
        out.update(d)
    return out


def _names(campaign: Campaign) -> dict[str, str]:
    cached = campaign.__dict__.get("_names_by_code")
    if cached is None:
        cached = {f.code: f.name for f in campaign.fields()}
        object.__setattr__(campaign, "_names_by_code", cached)
    return cached


def _field_order(campaign: Campaign) -> dict[str, int]:
    cached = campaign.__dict__.get("_field_order")
    if cached is None:
        cached = {code: i for i, code in enumerate(f.code for f in campaign.fields())}
        object.__setattr__(campaign, "_field_order", cached)
    return cached


def check_values(values: Mapping[str, object], campaign: Campaign, rules: RuleSet, forms: tuple[str, ...],
                 unit: str = "", source: str = "", previous: Mapping[str, object] | None = None) -> Report:
    """A set of values by field code (the consolidated totals) checked as a return that holds them at the
    template's cells would be: no workbook, no locator. ``previous``: last year's figures of the same
    (last year's totals), by code; None: none."""
    located = []
    for form_id in forms:
        form = campaign.form(form_id)
        layout = layout_for(form)
        cells: dict[str, CellRef | None] = {
            r.field.code: CellRef(form.sheet, r.row, VALUE_COL) for r in layout.rows if r.field is not None}
        cover_cells: dict[str, CellRef | None] = {k: CellRef(form.sheet, *rc) for k, rc in layout.cover_cells.items()}
        raw = {code: values.get(code) for code in cells}
        located.append(LocatedForm(form_id, form.sheet, "values", cells, raw, cover_cells, {"UNIT": unit}))
    return check_return(ReturnData(source or unit, tuple(located)), campaign, rules,
                        previous if previous is not None else {})


def _unit(data: ReturnData) -> str:
    for located in data.forms:
        text = raw_text(located.cover_raw.get("UNIT")).strip()
        if text:
            return text
    return ""


def _sort_key(finding: Finding, order: dict[str, int], state: State) -> tuple:
    first = finding.codes[0] if finding.codes else ""
    if first in order:
        ref = state.cells.get(first)
        return (first[:2], 1, ref.row if ref else 10**9, order[first])
    return (first[:2], 0, 0, 0)  # cover findings first, per annex


# --- field checks ----------------------------------------------------------------------------------


_NUMERIC_CHECKS = ("min", "max", "integer")


def checks_by_kind(rules: RuleSet) -> dict[Kind, tuple[tuple[FieldCheck, ...], ...]]:
    """Per kind: (checks for a missing cell, checks for a number, checks for a status), built once."""
    cached = rules.__dict__.get("_by_kind")
    if cached is None:
        cached = {}
        for kind in Kind:
            mine = [c for c in rules.field_checks if c.kinds is None or kind in c.kinds]
            cached[kind] = (
                tuple(c for c in mine if c.check == "located"),
                tuple(c for c in mine if c.check in _NUMERIC_CHECKS),
                tuple(c for c in mine if c.check not in _NUMERIC_CHECKS and c.check != "located"),
            )
        object.__setattr__(rules, "_by_kind", cached)
    return cached


def _field_findings(state: State, f: Field, located: LocatedForm, buckets) -> Iterator[Finding]:
    ref = state.cells.get(f.code)
    c = state.cleaned.get(f.code)
    missing, numeric, by_status = buckets
    if ref is None or c is None:
        candidates = missing
    elif c.status is Status.BLANK:
        return  # an empty cell is no field check's business
    elif c.status in (Status.OK, Status.PLACEHOLDER) and not isinstance(c.value, str):
        candidates = numeric
    else:
        candidates = by_status
    for check in candidates:
        if _field_fires(check, ref, c):
            cells = (str(ref),) if ref else (located.sheet,)
            values: dict[str, object] = {f.code: (c.value if c and c.value is not formula.BLANK else None)}
            try:
                message = _render_field(check.message, state, f, located, c, check.params)
            except _CannotEvaluate as exc:
                yield _cannot_evaluate(check.id, (f.code,), cells, values, exc.reason)
                continue
            yield Finding(rule=check.id, severity=check.severity, codes=(f.code,), cells=cells, values=values,
                          message=message)


def _field_fires(check: FieldCheck, ref: CellRef | None, c: Cleaned | None) -> bool:
    if check.check == "located":
        return ref is None
    if c is None:
        return False
    number = c.value if c.status in (Status.OK, Status.PLACEHOLDER) and isinstance(c.value, (int, float)) else None
    if check.check == "number":
        return c.status is Status.NOT_NUMBER
    if check.check == "unit":
        return c.status is Status.WRONG_UNIT
    if check.check == "yesno":
        return c.status is Status.NOT_YESNO
    if number is None:
        return False
    if check.check == "min":
        return number < float(check.params["min"])
    if check.check == "max":
        return number > float(check.params["max"])
    if check.check == "integer":
        return not float(number).is_integer()
    return False


def _render_field(template, state: State, f: Field, located: LocatedForm, c: Cleaned | None, params) -> str:
    ref = state.cells.get(f.code)
    value = state.value(f.code)
    words: dict[str, object] = {
        "caption": f.caption,
        "name": f.name,
        "code": f.code,
        "label": f.label,
        "unit": f.unit,
        "text": c.text if c else "",
        "value": messages.format_number(value, f.kind is Kind.MONEY) if isinstance(value, (int, float)) else (c.text if c else ""),
        "unit_found": c.unit_found if c else "",
        "sheet": located.sheet,
        "cell": str(ref) if ref else located.sheet,
        **{k: messages.format_number(v) for k, v in params.items()},
    }
    return _render(template, state, _lookup(state, {}), words)


# --- form checks -----------------------------------------------------------------------------------

_MAX_LISTED = 12  # fields named in one message; the rest are counted ("等 30 项")


def _form_findings(state: State, located: LocatedForm, checks: tuple[FormCheck, ...]) -> Iterator[Finding]:
    form = state.campaign.form(located.form_id)
    cleaned = state.cleaned  # holds exactly the fields found
    found: list[Field] = []
    blank: list[Field] = []
    empty = Status.BLANK
    for f, code in _coded(form):
        c = cleaned.get(code)
        if c is not None:
            found.append(f)
            if c.status is empty:
                blank.append(f)
    refused = any(p.check == "no_values" for p in located.problems)
    for check in checks:
        if check.check == "blank_form":
            if found and len(blank) == len(found) and not refused:
                yield _form_finding(state, located, check, (found[0],), (located.sheet,), {"count": str(len(found))})
        elif check.check == "blanks":
            if blank and len(blank) < len(found):
                cells = tuple(str(located.cells[f.code]) for f in blank)
                yield _form_finding(state, located, check, tuple(blank), cells, {})
        else:
            for p in located.problems:
                if p.check == check.check:
                    fields = tuple(state.campaign.field(c) for c in p.codes)
                    yield _form_finding(state, located, check, fields, p.cells, p.words)


def _form_finding(state: State, located: LocatedForm, check: FormCheck, fields: tuple[Field, ...],
                  cells: tuple[str, ...], extra: dict[str, str]) -> Finding:
    form = state.campaign.form(located.form_id)
    listed = "、".join(f.caption for f in fields[:_MAX_LISTED])
    if len(fields) > _MAX_LISTED:
        listed += f" 等 {len(fields)} 项"
    words: dict[str, object] = {"annex": form.annex, "sheet": located.sheet, "count": str(len(fields)), "fields": listed,
                                "columns": "", "column": "", "cells": "、".join(cells), "reason": "", "formula": "", **extra}
    codes = tuple(f.code for f in fields)
    values = {f.code: state.value(f.code) for f in fields}
    try:
        message = _render(check.message, state, _lookup(state, {}), words)
    except _CannotEvaluate as exc:
        return _cannot_evaluate(check.id, codes, cells, values, exc.reason)
    return Finding(rule=check.id, severity=check.severity, codes=codes, cells=cells, values=values, message=message)


# --- cover checks ----------------------------------------------------------------------------------


def _cover_findings(state: State, located: LocatedForm, checks: tuple[CoverCheck, ...]) -> Iterator[Finding]:
    form = state.campaign.form(located.form_id)
    for check in checks:
        raw = located.cover_raw.get(check.key)
        text = raw_text(raw).strip()
        suggestion = ""
        fires = False
        unread = located.cover_unread.get(check.key)
        if check.check == "required":
            fires = not text and unread is None  # a formula without its result is not 未填: "formula" says so
        elif check.check == "formula":
            fires, text = unread is not None, unread or ""
        elif not text:
            fires = False  # an empty cover cell is the "required" check's business
        elif check.check == "roster":
            match = state.unit_matches.get(text)
            if match is None:
                match = state.unit_matches[text] = roster_index(state.campaign).match(text)
            fires = not match.confirmed
            suggestion = f"，是否为“{match.unit.name}”？" if match.unit else ""
        elif check.check == "phone":
            digits = re.sub(r"[\s()（）]", "", text).replace("—", "-")
            fires = not any(_valid_phone(p) for p in re.split(r"[,，;；/、]", digits) if p)
        elif check.check == "date":
            day = parse_date(raw)
            fires = day is None or not (state.campaign.report_from <= day <= state.campaign.report_to)
        if fires:
            words: dict[str, object] = {
                "annex": form.annex,
                "label": next((c.label for c in form.cover if c.key == check.key), check.key),
                "text": text,
                "from": state.campaign.report_from.isoformat(),
                "to": state.campaign.report_to.isoformat(),
                "suggestion": suggestion,
            }
            ref = located.cover_cells.get(check.key)
            codes = (f"{located.form_id}.{check.key}",)
            cells = (str(ref) if ref else located.sheet,)
            values: dict[str, object] = {codes[0]: text or None}
            try:
                message = _render(check.message, state, _lookup(state, {}), words)
            except _CannotEvaluate as exc:
                yield _cannot_evaluate(check.id, codes, cells, values, exc.reason)
                continue
            yield Finding(rule=check.id, severity=check.severity, codes=codes, cells=cells, values=values,
                          message=message)


def _valid_phone(text: str) -> bool:
    if _MOBILE.match(text):
        return True
    return bool(_LANDLINE.match(text.replace("-", "", 1) if text.count("-") <= 2 else text))


# --- 审核公式 ---------------------------------------------------------------------------------------


class _CannotEvaluate(Exception):
    def __init__(self, reason: str):
        self.reason = reason


CANNOT_EVALUATE = "E-RULE"  # a rule or check that loaded fine but cannot be computed on this return
PLACEHOLDER = "F-PLACEHOLDER"  # 注意: “—”, “无” … typed in a number cell, read as 0 (rules_fields.yaml's placeholder_note)


def _render(template: messages.Template, state: State, lookup: formula.Lookup, words: dict[str, object],
            money=None) -> str:
    try:
        if money is None:
            return messages.render(template, state.view, lookup, words)
        return messages.render(template, state.view, lookup, words, money)
    except KeyError as exc:  # a name the message uses that this return has no usable value for
        name = str(exc.args[0]) if exc.args else ""
        what = _named(state.campaign.field(name)) if state.campaign.has_field(name) else name
        raise _CannotEvaluate(f"{what} 未找到或无法识别") from None


def _named(f: Field) -> str:
    return f"{f.code}（{f.caption}）"


def _cells_of(state: State, codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(str(state.cells[c]) if state.cells.get(c) is not None else "" for c in codes)


def _cannot_evaluate(rule_id: str, codes: tuple[str, ...], cells: tuple[str, ...], values: dict[str, object],
                     reason: str) -> Finding:
    return Finding(
        rule=CANNOT_EVALUATE,
        severity=Severity.WARNING,
        codes=codes,
        cells=cells,
        values=values,
        message=(f"审核规则 {rule_id} 无法计算（{reason}），本条审核未完成；"
                 "这是审核规则本身的问题，不是填报的问题，请将此文件和本提示转交技术人员"),
    )


def _lookup(state: State, constants: dict[str, float]) -> formula.Lookup:
    def lookup(name: str) -> formula.Value:
        if name in CONSTANTS:
            return constants.get(name, 0.0)
        f = state.campaign.field(name)
        c = state.cleaned.get(f.code)
        if c is None:
            raise _CannotEvaluate(f"{_named(f)} 未找到")
        if not c.usable:
            raise _CannotEvaluate(f"{_named(f)} 无法识别")
        return c.value

    return lookup


@dataclass(frozen=True)
class Presence:
    """Which fields a return has, computed once so each rule is a few set operations."""

    codes: frozenset[str]  # fields of the annexes in the return
    found: frozenset[str]  # located
    unusable: frozenset[str]  # located but unreadable (text, wrong unit, not 是/否)
    filled: frozenset[str]  # located and not blank
    previous: frozenset[str] = frozenset()  # fields whose last year's figure is known (PREV)


def apply_rule(state: State, rule: Rule, env: dict[str, formula.Value], presence: Presence) -> Finding | Skipped | None:
    codes = rule.codes
    if rule.previous and not presence.previous.issuperset(rule.previous):
        return None  # a figure of last year's it reads is unknown (no previous year, or the unit's not known)
    if not presence.codes.issuperset(codes):
        return None  # an annex this return does not contain: the rule does not apply
    if not presence.found.issuperset(codes):
        return Skipped(rule.id, f"{'、'.join(c for c in codes if c not in presence.found)} 未找到")
    if presence.unusable and not presence.unusable.isdisjoint(codes):
        return Skipped(rule.id, f"{'、'.join(c for c in codes if c in presence.unusable)} 无法识别")
    if presence.filled.isdisjoint(codes):
        return None
    lookup = env.__getitem__
    try:
        when = rule.precondition
        if when is not None and not formula.truth(when(lookup)):
            return None
        assert rule.test is not None
        holds = formula.truth(rule.test(lookup))
    except formula.FormulaError as exc:
        return Skipped(rule.id, exc.code)
    except KeyError as exc:
        return _cannot_evaluate(rule.id, rule.codes, _cells_of(state, rule.codes), {}, f"{exc.args[0] if exc.args else ''} 不可用")
    except (TypeError, ValueError, ArithmeticError, RecursionError) as exc:
        return _cannot_evaluate(rule.id, rule.codes, _cells_of(state, rule.codes), {}, f"{type(exc).__name__}: {str(exc)[:80]}")
    if holds:
        return None

    def money(node: formula.Node) -> bool:
        return any(n not in CONSTANTS and state.campaign.field(n).kind is Kind.MONEY for n in formula.all_refs(node))

    cells = _cells_of(state, rule.codes)
    values = {c: state.value(c) for c in rule.codes}
    try:
        message = _render(rule.message, state, lookup, {}, money)
    except _CannotEvaluate as exc:
        return _cannot_evaluate(rule.id, rule.codes, cells, values, exc.reason)
    return Finding(rule=rule.id, severity=rule.severity, codes=rule.codes, cells=cells, values=values, message=message,
                   previous={c: state.previous[c] for c in rule.previous})
