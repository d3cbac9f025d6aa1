"""Consolidating many returns into the city return: who sent what, which file counts, the totals.

Plain data in, plain data out. Each file arrives as a compact ``Returned`` (values in an array, so that
ten thousand returns fit in little memory); the result says, for every roster unit, its 上报情况, and
gives the totals of the units included, checked with the same rules as any return.
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import TYPE_CHECKING

from .check import check_values
from .findings import Finding, Report, Severity
from .forms import Campaign, Kind, RosterUnit
from .previous import PreviousYear
from .rollup_checks import resolve as resolve_double_counts
from .roster import UnitMatch, roster_index, unit_in_file_name
from .roster import identify as identify_unit
from .rules import RuleSet
from .values import NO, YES, as_number, parse_date

if TYPE_CHECKING:  # issue #16: the 实名制 lists travel with the returns and are consolidated beside them
    from .namelist.check import ListReport
    from .namelist.consolidate import ListConsolidation
    from .rollup import Rollup

# 上报情况
REPORTED, MISSING, UNREADABLE, SUPERSEDED, OFF_ROSTER = "已报", "未报", "无法读取", "已被替代", "名单外"
TOTAL_UNIT = "汇总"


@dataclass(frozen=True)
class Returned:
    """One file as read and checked, kept small: what consolidation needs and nothing more."""

    file: str  # as shown to the clerk (relative to the folder)
    mtime: float
    error: str = ""  # why the file could not be used; empty when it was read
    unit_typed: str = ""
    forms: tuple[str, ...] = ()
    cover: dict[str, dict[str, str]] = field(default_factory=dict)  # form -> key -> text
    values: array = field(default_factory=lambda: array("d"))  # campaign field order; NaN = no number
    texts: dict[str, str] = field(default_factory=dict)  # code -> text (是/否, or what could not be read)
    cells: dict[str, str] | None = None  # code -> "sheet!cell" when not at the template's place
    sheets: dict[str, str] = field(default_factory=dict)  # form -> sheet name
    findings: tuple[Finding, ...] = ()  # 错误, 提示 and 注意
    namelist: ListReport | None = None  # issue #16: the 实名制 list in this workbook, checked
    # The 填报单位 as the worker's cover check matched it against the roster (None when no check did):
    # the consolidation reuses it instead of matching the same name again.
    unit_match: UnitMatch | None = field(default=None, compare=False)
    # 层层汇总: a lower union's consolidated workbook read as its return: what it records below its totals
    rollup: Rollup | None = None

    def errors(self, form: str | None = None) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR and _in_form(f, form))

    def warnings(self, form: str | None = None) -> int:
        """Open 提示: those the unit has not explained in the 说明 column."""
        return sum(1 for f in self.findings if f.severity is Severity.WARNING and not f.explained and _in_form(f, form))

    def explained(self, form: str | None = None) -> int:
        """提示 the unit explained (说明 beside the row): shown, no longer open."""
        return sum(1 for f in self.findings if f.explained and _in_form(f, form))


def _in_form(finding: Finding, form: str | None) -> bool:
    return form is None or any(c.startswith(form + ".") for c in finding.codes)


def compact(report: Report, campaign: Campaign, mtime: float, cells: dict[str, str] | None, sheets: dict[str, str]) -> Returned:
    fields = tuple(campaign.fields())
    values = array("d", [math.nan]) * len(fields)  # exactly its size: appending over-allocates
    texts: dict[str, str] = {}
    for i, f in enumerate(fields):
        v = report.values.get(f.code)
        if isinstance(v, str):
            texts[f.code] = v
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            values[i] = float(v)
    return Returned(
        file=report.file,
        mtime=mtime,
        unit_typed=report.unit,
        forms=_shared(report.forms),
        cover=_cover(report.cover, report.unit),
        values=values,
        texts=texts or _NO_TEXTS,
        cells=cells,
        sheets=_shared(sheets),
        findings=report.findings,
        unit_match=report.unit_match,
    )


# What every return repeats (its forms, its sheets' names, the cover's keys) is kept once for all of them, not
# once per return: ten thousand returns held ~15 MB of copies of the same few strings and dicts. The shared
# objects are never changed (a Returned is read, never written to).
_SHARED: dict[object, object] = {}
_SHARED_MAX = 4096
_NO_TEXTS: dict[str, str] = {}


def _shared(value):
    key = (type(value), tuple(value.items()) if isinstance(value, dict) else value)
    known = _SHARED.get(key)
    if known is not None:
        return known
    if len(_SHARED) < _SHARED_MAX:
        _SHARED[key] = value
    return value


def _cover(cover: dict[str, dict[str, str]], unit: str) -> dict[str, dict[str, str]]:
    """The cover texts by form, an annex whose cover says what another's says sharing its dict, the keys
    shared by all returns, a 填报单位 as typed the very string of ``unit_typed``."""
    out: dict[str, dict[str, str]] = {}
    seen: list[dict[str, str]] = []
    for form, texts in cover.items():
        same = next((d for d in seen if d == texts), None)
        if same is None:
            same = {_key(k): (unit if v == unit else v) for k, v in texts.items()}
            seen.append(same)
        out[_key(form)] = same
    return out


def _key(text: str) -> str:
    return _shared(text) if len(text) <= 32 else text


@dataclass(frozen=True)
class UnitRow:
    """One line of 上报情况."""

    unit: str  # roster name, or what the file says for 名单外 / unknown
    status: str
    file: str = ""
    forms: tuple[str, ...] = ()  # annexes this line stands for
    match: str = ""  # exact | normalised | close | file | none
    typed: str = ""  # 填报单位 as typed
    person: str = ""
    phone: str = ""
    date: str = ""
    errors: int = 0
    warnings: int = 0  # open 提示
    included: bool = False  # its values are in the totals
    remark: str = ""
    explained: int = 0  # 提示 with the unit's 说明


@dataclass(frozen=True)
class Used:
    """A return whose values count for one unit and one annex."""

    unit: str
    form: str
    returned: Returned
    included: bool
    # 层层汇总: the roll-up (its unit and file) that already holds these figures; not counted again here
    covered_by: str = ""
    covered_file: str = ""


@dataclass(frozen=True)
class Consolidation:
    rows: tuple[UnitRow, ...]
    used: tuple[Used, ...]
    totals: dict[str, object]  # code -> sum; for 是/否 fields: {"是": n, "否": m}
    unit_counts: dict[str, int]  # form -> 单位个数 summed
    total_report: Report  # the totals checked with the rules
    returns: tuple[Returned, ...]
    unit_of: dict[str, str] = field(default_factory=dict)  # file -> unit it was counted for
    # code -> the units counted in the totals whose return gave no number for it (blank, not read, text)
    lacking: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lists: ListConsolidation | None = None  # issue #16: the units' 实名制 lists, duplicates, reconciliation
    previous: PreviousYear | None = None  # last year's figures the 上年同期 rules compared with (None: not given)
    # 层层汇总: form -> returns at the bottom of the chain the totals hold (a roll-up counts its base returns)
    base_counts: dict[str, int] = field(default_factory=dict)
    # (unit, file, finding) of the checks across roll-ups and returns (rules_rollup.yaml): double counts
    rollup_findings: tuple[tuple[str, str, Finding], ...] = ()

    def audit_counts(self) -> dict[str, int]:
        """错误 in the units' returns, 错误 of the totals that those cause, other 错误 of the totals, 提示
        (explained ones included, and those apart), and 注意 (counted apart: never a 错误 or 提示)."""
        items = self.findings()
        errors = [(unit, f) for unit, _, f in items if f.severity is Severity.ERROR]
        return {
            "unit_errors": sum(1 for unit, _ in errors if unit != TOTAL_UNIT),
            "caused": sum(1 for unit, f in errors if unit == TOTAL_UNIT and f.caused_by),
            "total_errors": sum(1 for unit, f in errors if unit == TOTAL_UNIT and not f.caused_by),
            "warnings": sum(1 for _, _, f in items if f.severity is Severity.WARNING),
            "explained": sum(1 for _, _, f in items if f.explained),
            "notes": sum(1 for _, _, f in items if f.severity is Severity.NOTE),
        }

    def audit_line(self) -> str:
        """“单位错误 3 个；由此引起的汇总数错误 2 个；提示 1 个；注意 2 条”: the totals' knock-on errors apart."""
        n = self.audit_counts()
        parts = [f"单位错误 {n['unit_errors']} 个"]
        if n["caused"]:
            parts.append(f"由此引起的汇总数错误 {n['caused']} 个")
        if n["total_errors"]:
            parts.append(f"汇总数本身的错误 {n['total_errors']} 个")
        parts.append(f"提示 {n['warnings']} 个" + (f"（其中 {n['explained']} 个提示已由单位说明）" if n["explained"] else ""))
        if n["notes"]:
            parts.append(f"注意 {n['notes']} 条")
        return "；".join(parts)

    def findings(self) -> list[tuple[str, str, Finding]]:
        """(unit, file, finding) for the returns in use (their 注意 among them), then the totals'.

        A file replaced by a newer one says nothing any more: a unit that corrected its return is not
        reminded of the mistakes it corrected.
        """
        in_use = {(u.returned.file, u.form) for u in self.used}
        out: list[tuple[str, str, Finding]] = []
        for r in self.returns:
            unit = self.unit_of.get(r.file, r.unit_typed)
            out.extend((unit, r.file, f) for f in r.findings if (r.file, f.codes[0].split(".")[0] if f.codes else "") in in_use)
        out.extend(self.rollup_findings)
        if self.lists is not None:  # issue #16
            out.extend(self.lists.findings)
        out.extend((TOTAL_UNIT, "", f) for f in self.total_report.findings)
        return out


def identify(returned: Returned, campaign: Campaign) -> UnitMatch:
    """The unit ``returned`` counts for (``roster.identify``: 填报单位, then the file name)."""
    return identify_unit(returned.unit_typed, returned.file, campaign, returned.unit_match)


def _report_date(r: Returned, form: str) -> dt.date:
    raw = r.cover.get(form, {}).get("DATE", "")
    return parse_date(raw) or dt.date.min if raw else dt.date.min


def consolidate(
    returns: list[Returned], campaign: Campaign, rules: RuleSet, exclude_errors: bool = False
) -> Consolidation:
    returns = sorted(returns, key=lambda r: r.file)
    matches = {r.file: identify(r, campaign) for r in returns if not r.error}
    roster_names = {u.name: u for u in campaign.roster}

    # Which file counts for each (unit, annex): the newest by 填报日期, then by file time.
    candidates: dict[tuple[str, str], list[Returned]] = {}
    for r in returns:
        if r.error:
            continue
        m = matches[r.file]
        key_unit = m.unit.name if m.unit else (r.unit_typed or PurePath(r.file).stem)
        for form in r.forms:
            candidates.setdefault((key_unit, form), []).append(r)
    chosen: dict[tuple[str, str], Returned] = {}
    superseded: dict[str, list[tuple[str, str]]] = {}  # file -> (annex, why another file was kept)
    for key, files in candidates.items():
        # 层层汇总: a unit's roll-up comes before a plain return of the same unit, whatever their dates
        files.sort(key=lambda r: (r.rollup is not None, _report_date(r, key[1]), r.mtime, r.file), reverse=True)
        chosen[key] = files[0]
        for older in files[1:]:
            superseded.setdefault(older.file, []).append((key[1], _why_kept(files[0], older, key[1])))

    used: list[Used] = []
    for (unit, form), r in sorted(chosen.items()):
        in_roster = unit in roster_names and roster_names[unit].included
        ok = in_roster and not (exclude_errors and r.errors(form))
        used.append(Used(unit, form, r, ok))
    used, rollup_findings = resolve_double_counts(used, campaign, rules)

    rows = _status_rows(returns, matches, used, superseded, campaign, exclude_errors)
    totals, counts, lacking = _totals(used, campaign)
    total_report = _check_totals(totals, campaign, rules, counts, used)
    unit_of = {}
    for r in returns:
        match = matches.get(r.file)
        unit_of[r.file] = match.unit.name if match is not None and match.unit else (r.unit_typed or PurePath(r.file).stem)
    result = Consolidation(tuple(rows), tuple(used), totals, counts, total_report, tuple(returns), unit_of, lacking,
                           previous=rules.previous, base_counts=_base_counts(used, campaign),
                           rollup_findings=tuple(rollup_findings))
    return _with_lists(result, campaign)


def _base_counts(used: list[Used], campaign: Campaign) -> dict[str, int]:
    counts = {f.id: 0 for f in campaign.forms}
    for u in used:
        if u.included:
            counts[u.form] += u.returned.rollup.base_count(u.form) if u.returned.rollup is not None else 1
    return counts


def _with_lists(result: Consolidation, campaign: Campaign) -> Consolidation:
    """Issue #16: the 实名制 lists the returns carry, consolidated against the 附件1 in use."""
    from .namelist.consolidate import consolidate_lists, gather
    from .namelist.spec import namelist_spec

    spec = namelist_spec(campaign)
    if spec is None or not gather(result.returns):
        return result
    return replace(result, lists=consolidate_lists(result, campaign, spec))


def _status_rows(returns, matches, used, superseded, campaign: Campaign, exclude_errors: bool) -> list[UnitRow]:
    by_unit: dict[str, list[Used]] = {}
    for u in used:
        by_unit.setdefault(u.unit, []).append(u)
    rows: list[UnitRow] = []
    form_names = {f.id: f.annex for f in campaign.forms}
    all_forms = tuple(f.id for f in campaign.forms)
    unreadable_by_unit: dict[str, list[Returned]] = {}
    unattributed: list[Returned] = []
    for r in returns:
        if not r.error:
            continue
        m = roster_index(campaign).confirm(PurePath(r.file).stem)
        named = m.unit if m.confirmed else unit_in_file_name(PurePath(r.file).stem, campaign)
        unit = named.name if named else None
        if unit:
            unreadable_by_unit.setdefault(unit, []).append(r)
        else:
            unattributed.append(r)

    def row_for(unit: str, u: Used | None, group: list[Used], status: str, remark: str = "") -> UnitRow:
        r = group[0].returned if group else None
        forms = tuple(g.form for g in group)
        cover = r.cover.get(forms[0], {}) if r else {}
        m = matches.get(r.file) if r else None
        return UnitRow(
            unit=unit,
            status=status,
            file="；".join(dict.fromkeys(g.returned.file for g in group)),
            forms=forms,
            match=m.how if m else "",
            typed=r.unit_typed if r else "",
            person=cover.get("PERSON", ""),
            phone=cover.get("PHONE", ""),
            date=cover.get("DATE", ""),
            errors=sum(g.returned.errors(g.form) for g in group),
            warnings=sum(g.returned.warnings(g.form) for g in group),
            explained=sum(g.returned.explained(g.form) for g in group),
            included=any(g.included for g in group),
            remark=remark,
        )

    for member in campaign.roster:
        group = by_unit.get(member.name, [])
        if group:
            remarks = []
            missing = [form_names[f] for f in all_forms if f not in {g.form for g in group}]
            if missing:
                remarks.append(f"缺{'、'.join(missing)}")
            m = matches.get(group[0].returned.file)
            if m is not None and m.how == "close":
                remarks.append(f"填报单位写作“{m.typed}”，按相近名称归入本单位，请确认")
            if m is not None and m.how == "file":
                typed = group[0].returned.unit_typed
                remarks.append(
                    f"表内填报单位“{typed}”不在名单中，按文件名归入本单位，请确认" if typed
                    else "表内未写明填报单位，按文件名归入本单位，请确认"
                )
            unread = [c for g in group for c in _not_read(g.returned, g.form)]
            if unread:
                captions = "、".join(campaign.field(c).number for c in unread[:8]) + (f" 等 {len(unread)} 项" if len(unread) > 8 else "")
                remarks.append(f"部分读取：{len(unread)} 项未能从表中读出（{captions}），汇总中缺这些数")
            remarks += _rollup_remarks(group, campaign)
            if not member.included:
                remarks.append("名单中未选择汇总")
            left_out = [form_names[g.form] for g in group if g.returned.errors(g.form) and not g.included]
            if exclude_errors and left_out:
                remarks.append(f"{'、'.join(left_out)}有错误，未计入汇总")
            rows.append(row_for(member.name, None, group, REPORTED, "；".join(remarks)))
        for bad in unreadable_by_unit.get(member.name, []):
            rows.append(UnitRow(member.name, UNREADABLE, bad.file, remark=bad.error))
        if not group and not unreadable_by_unit.get(member.name):
            rows.append(UnitRow(member.name, MISSING, remark="" if member.included else "名单中未选择汇总"))
    roster_names = {u.name for u in campaign.roster}
    for unit, group in sorted(by_unit.items()):
        if unit not in roster_names:
            covered = _rollup_remarks(group, campaign)
            rows.append(row_for(unit, None, group, OFF_ROSTER, "；".join(covered) if covered and all(g.covered_by for g in group)
                                else "不在单位名单中，未计入汇总；如属本市单位，请加入名单后重新汇总"))
    for r in returns:
        if r.file in superseded:
            forms = tuple(form for form, _ in superseded[r.file])
            why = "；".join(dict.fromkeys(text for _, text in superseded[r.file]))
            unit = matches[r.file].unit.name if matches[r.file].unit else r.unit_typed
            rows.append(
                UnitRow(
                    unit, SUPERSEDED, r.file, forms, typed=r.unit_typed,
                    date=r.cover.get(forms[0], {}).get("DATE", ""),
                    errors=sum(r.errors(f) for f in forms), warnings=sum(r.warnings(f) for f in forms),
                    explained=sum(r.explained(f) for f in forms),
                    remark=f"本文件未使用：同一单位的{'、'.join(form_names[f] for f in forms)}{why}",
                )
            )
    for bad in unattributed:
        rows.append(UnitRow("", UNREADABLE, bad.file, remark=bad.error))
    return rows


def _rollup_remarks(group: list[Used], campaign: Campaign) -> list[str]:
    """上报情况's words on 层层汇总: what a roll-up holds, and a return left out because a roll-up holds it."""
    form_names = {f.id: f.annex for f in campaign.forms}
    out = []
    rollup = next((g.returned.rollup for g in group if g.returned.rollup is not None), None)
    if rollup is not None:
        held = "、".join(f"{form_names[g.form]} {rollup.counts.get(g.form, 0)} 个单位" for g in group if g.returned.rollup is not None)
        bases = "、".join(f"{form_names[g.form]} {rollup.base_count(g.form)} 个" for g in group if g.returned.rollup is not None)
        text = f"下级汇总表：{rollup.unit}汇总了{held}（其名单应报 {rollup.expected} 个"
        missing = rollup.missing()
        if missing:
            text += f"，未报 {len(missing)} 个：{'、'.join(missing[:5])}{'等' if len(missing) > 5 else ''}"
        text += f"）；按最基层的报表计：{bases}；各单位的文件和数见“来源”“下级明细”表"
        out.append(text)
    covered: dict[tuple[str, str], list[str]] = {}
    for g in group:
        if g.covered_by:
            covered.setdefault((g.covered_by, g.covered_file), []).append(form_names[g.form])
    for (by, file), annexes in covered.items():
        out.append(f"{'、'.join(annexes)}已含在{by}的汇总表“{file}”中，为免重复计算未计入汇总（见审核结果）")
    return out


def _totals(used: list[Used], campaign: Campaign) -> tuple[dict[str, object], dict[str, int], dict[str, tuple[str, ...]]]:
    fields = list(campaign.fields())
    sums = [0.0] * len(fields)
    filled = [False] * len(fields)
    lacking: dict[str, list[str]] = {}
    yes_no: dict[str, dict[str, int]] = {f.code: {YES: 0, NO: 0} for f in fields if f.kind is Kind.YESNO}
    counts = {f.id: 0 for f in campaign.forms}
    # Each annex's fields once: (position in ``values``, code, 是/否?); a unit's row is walked over its own annex.
    by_form: dict[str, list[tuple[int, str, bool]]] = {form.id: [] for form in campaign.forms}
    for i, f in enumerate(fields):
        by_form.setdefault(f.form_id, []).append((i, f.code, f.kind is Kind.YESNO))
    isnan = math.isnan
    for u in used:
        if not u.included:
            continue
        counts[u.form] += 1
        values = u.returned.values
        texts = u.returned.texts
        rollup = u.returned.rollup
        n = len(values)
        for i, code, yesno in by_form[u.form]:
            # A roll-up's totals hold its base returns: those without a number are named, not the roll-up.
            below = rollup.lacking(code, u.form) if rollup is not None else []
            if yesno:
                text = texts.get(code)
                if rollup is not None:  # its units' answers are counted, not its own 是 / 否
                    answers = rollup.yes_no.get(code, {})
                    yes_no[code][YES] += answers.get(YES, 0)
                    yes_no[code][NO] += answers.get(NO, 0)
                    if below:
                        lacking.setdefault(code, []).extend(below)
                elif text in (YES, NO):
                    yes_no[code][text] += 1
                else:
                    lacking.setdefault(code, []).append(u.unit)
                continue
            v = values[i] if i < n else math.nan
            if not isnan(v):
                sums[i] += v
                filled[i] = True
            if below:
                lacking.setdefault(code, []).extend(below)
            elif isnan(v):
                lacking.setdefault(code, []).append(u.unit)
    totals: dict[str, object] = {}
    for i, f in enumerate(fields):
        if f.kind is Kind.YESNO:
            totals[f.code] = dict(yes_no[f.code])
        elif filled[i]:
            # Money has at most 4 decimals: rounding the running sum removes binary noise.
            totals[f.code] = as_number(round(sums[i], 6))
        else:
            totals[f.code] = None
    return totals, counts, {code: tuple(units) for code, units in lacking.items()}


def _why_kept(kept: Returned, older: Returned, form: str) -> str:
    """Why ``kept`` counts rather than ``older``: a roll-up before a plain return (层层汇总), then the later
    填报日期, or, dates equal or missing, the later file time."""
    if kept.rollup is not None and older.rollup is None:
        return (f"以“{kept.file}”为准：那是本单位用本程序生成的汇总表，同一单位既报送汇总表又报送单独的报表时以汇总表为准，"
                "以免重复计算")
    new_date, old_date = _report_date(kept, form), _report_date(older, form)
    if new_date > old_date:
        shown = older.cover.get(form, {}).get("DATE", "") or "未填"
        return (f"以“{kept.file}”为准：其填报日期 {kept.cover.get(form, {}).get('DATE', '')} 晚于本文件的"
                f"{'填报日期 ' + shown if shown != '未填' else '（本文件未填填报日期）'}")
    when = "两份的填报日期相同" if new_date != dt.date.min else "填报日期未填"
    if kept.mtime != older.mtime:
        return f"以“{kept.file}”为准：{when}，其文件修改时间较晚"
    return f"以“{kept.file}”为准：{when}，文件时间也相同，按文件名取后一份"


def _check_totals(totals: dict[str, object], campaign: Campaign, rules: RuleSet, counts: dict[str, int],
                  used: list[Used] | tuple[Used, ...] = ()) -> Report:
    """The totals checked with the rules, for the annexes some unit is counted in. Blank totals are
    no finding of their own: the 汇总 sheets say beside each total which units gave no number.

    A rule across annexes (X-10L) compares totals over the same units: only those that sent both
    annexes (a unit that sent 附件1 alone would make the 附件1 side larger for no reason). A 错误 of the
    totals whose rule fired in some units' own returns says so (``caused_by``)."""
    def cross(rule) -> bool:
        return len({c.split(".")[0] for c in rule.codes}) > 1

    single = replace(rules, rules=tuple(r for r in rules.rules if not cross(r)))
    # 上年同期 of the totals: last year's totals (the rules' PREV on a unit reads that unit's figures)
    report = _check_numbers(totals, campaign, single, counts,
                            rules.previous.totals if rules.previous is not None else None)
    crossing = tuple(r for r in rules.rules if cross(r))
    if crossing and used:
        all_forms = {f.id for f in campaign.forms}
        sent: dict[str, set[str]] = {}
        for u in used:
            if u.included:
                sent.setdefault(u.unit, set()).add(u.form)
        both = [u for u in used if u.included and sent.get(u.unit, set()) >= all_forms]
        if both:
            units = len({u.unit for u in both})
            totals_both, counts_both, _ = _totals(both, campaign)
            cross_report = _check_numbers(totals_both, campaign, replace(rules, rules=crossing, field_checks=(),
                                                                         form_checks=()), counts_both)
            annexes = "、".join(f.annex for f in campaign.forms)
            extra = tuple(replace(f, message=f"{f.message}（按同时报送{annexes}的 {units} 个单位计）")
                          for f in cross_report.findings if f.rule in {r.id for r in crossing})
            report = replace(report, findings=report.findings + extra)
    causes: dict[str, list[str]] = {}
    for u in used:
        if not u.included:
            continue
        for f in u.returned.findings:
            if f.severity is Severity.ERROR and _in_form(f, u.form) and u.unit not in causes.get(f.rule, []):
                causes.setdefault(f.rule, []).append(u.unit)
    findings = tuple(
        replace(f, caused_by=tuple(causes[f.rule]),
                message=f"{f.message}（由{'、'.join(causes[f.rule])}报表中的同一错误引起，单位改正后即消除）")
        if f.severity is Severity.ERROR and f.rule in causes else f
        for f in report.findings
    )
    return replace(report, findings=findings)


def _check_numbers(totals: dict[str, object], campaign: Campaign, rules: RuleSet, counts: dict[str, int],
                   previous: dict | None = None) -> Report:
    numeric = {code: v for code, v in totals.items() if not isinstance(v, dict)}
    yes_no = {code: v for code, v in totals.items() if isinstance(v, dict)}
    for code, answers in yes_no.items():
        numeric[code] = YES if answers.get(YES) else (NO if answers.get(NO) else None)
    forms = tuple(f.id for f in campaign.forms if counts.get(f.id))
    if not forms:
        return Report(TOTAL_UNIT, TOTAL_UNIT, (), {}, ())
    form_checks = tuple(c for c in rules.form_checks if c.check not in ("blank_form", "blanks"))
    report = check_values(numeric, campaign, replace(rules, cover_checks=(), form_checks=form_checks), forms,
                          unit=campaign.issuer, source=TOTAL_UNIT, previous=previous)
    return replace(report, unit=TOTAL_UNIT)


def _not_read(r: Returned, form: str) -> list[str]:
    """Fields of ``form`` the locator could not read in this return (an F-LOCATE… 错误 names them)."""
    out: list[str] = []
    for f in r.findings:
        if f.rule.startswith("F-LOCATE") and f.severity is Severity.ERROR:
            out.extend(c for c in f.codes if c.startswith(form + ".") and c not in out)
    return out


def roster_unit(campaign: Campaign, name: str) -> RosterUnit | None:
    return next((u for u in campaign.roster if u.name == name), None)
