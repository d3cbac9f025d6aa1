"""层层汇总's double counts: a return whose figures a lower union's roll-up already holds is never summed twice.

When a county sends its roll-up and some of its base unions also send their returns straight to the city,
the same figures arrive twice. The rule: **the roll-up is kept** (it is the figures the county checked and
consolidated, and the city cannot take a unit out of a roll-up's totals without changing what the county
reported); the return sent directly is not counted, and a finding (rules_rollup.yaml, check ``double``)
says so, naming both files and whether the two agree. A return is held to be inside a roll-up when the
roll-up counted a unit of the same name (normalised as the roster does) or figures identical to it. Of two
roll-ups, the one with more base returns is looked at first, so a town's roll-up sent beside its county's is
the one left out. Two roll-ups kept that both hold the same unit cannot be separated: a finding (check
``overlap``) names the unit and both files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from . import messages
from .findings import Finding
from .forms import Campaign, Field, Kind
from .roster import _SUFFIXES, unit_key
from .rules import RollupCheck, RuleSet

if TYPE_CHECKING:
    from .consolidate import Returned, Used
    from .rollup import Origin

SAME_VALUES_MIN = 3  # identical figures count as evidence only when there are at least this many numbers


def return_values(r: Returned, form: str, fields: list[Field]) -> dict[str, object]:
    """A return's figures for one annex: code -> number or text; blanks left out."""
    out: dict[str, object] = {}
    for i, f in enumerate(fields):
        if f.form_id != form:
            continue
        text = r.texts.get(f.code)
        if text is not None:
            out[f.code] = text
        elif i < len(r.values) and not math.isnan(r.values[i]):
            v = r.values[i]
            out[f.code] = int(v) if v.is_integer() and abs(v) < 2**53 else v
    return out


@dataclass(frozen=True)
class Cover:
    """Why ``used`` is inside the roll-up ``by``: the origin there that is the same unit."""

    used: Used
    by: Used
    origin: Origin
    evidence: str  # "name" | "values"


def resolve(used: list[Used], campaign: Campaign, rules: RuleSet) -> tuple[list[Used], list[tuple[str, str, Finding]]]:
    """``used`` with every return a kept roll-up already holds set not to count (``covered_by``), and the
    findings that say so."""
    fields = list(campaign.fields())
    covers: list[Cover] = []
    overlaps: list[tuple[Used, Used, str]] = []
    for form in campaign.forms:
        # Every return is looked at, counted here or not: one left out as 名单外 is still inside the roll-up, and
        # the clerk must not be told to add it to the roster.
        group = [u for u in used if u.form == form.id]
        rollups = sorted((u for u in group if u.returned.rollup is not None and u.included),
                         key=lambda u: (-_rollup(u).base_count(u.form), u.unit, u.returned.file))
        if not rollups:
            continue
        kept: list[Used] = []
        for u in rollups:
            hit = _covering(u, kept, campaign, fields)
            if hit is not None:
                covers.append(hit)
            else:
                kept.append(u)
        for u in group:
            if u.returned.rollup is None or not u.included:
                hit = _covering(u, kept, campaign, fields)
                if hit is not None:
                    covers.append(hit)
        for i, a in enumerate(kept):
            names_a = {unit_name_key(o.unit, campaign): o.unit for o in _rollup(a).counted(a.form)}
            for b in kept[i + 1:]:
                for o in _rollup(b).counted(b.form):
                    if unit_name_key(o.unit, campaign) in names_a:
                        overlaps.append((a, b, o.unit))
    by_used = {id(c.used): c for c in covers}
    out = [replace(u, included=False, covered_by=by_used[id(u)].by.unit, covered_file=by_used[id(u)].by.returned.file)
           if id(u) in by_used else u for u in used]
    return out, _double_findings(covers, campaign, rules, fields) + _overlap_findings(overlaps, campaign, rules)


def unit_name_key(name: str, campaign: Campaign) -> str:
    """A unit's name as the roster compares it (spaces, width, 乐山市, 总工会 …), but never down to a bare
    总工会: 乐山市总工会 and 四川省总工会 are two unions."""
    key = unit_key(name, campaign.unit_prefixes)
    return key if len(key) > 1 and key not in _SUFFIXES else unit_key(name)


def _rollup(u: Used):
    rollup = u.returned.rollup
    assert rollup is not None
    return rollup


def _covering(u: Used, kept: list[Used], campaign: Campaign, fields: list[Field]) -> Cover | None:
    keys = {unit_name_key(name, campaign) for name in (u.unit, u.returned.unit_typed) if name}
    mine = return_values(u.returned, u.form, fields)
    for k in kept:
        if k.unit == u.unit:
            continue
        counted = _rollup(k).counted(u.form)
        for o in counted:
            if unit_name_key(o.unit, campaign) in keys:
                return Cover(u, k, o, "name")
        for o in counted:
            if _same(mine, o.values):
                return Cover(u, k, o, "values")
    return None


def _same(a: dict[str, object], b: dict[str, object]) -> bool:
    numbers = sum(1 for v in a.values() if isinstance(v, (int, float)) and v)
    return numbers >= SAME_VALUES_MIN and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)


def _equal(x: object, y: object) -> bool:
    if isinstance(x, (int, float)) and isinstance(y, (int, float)) and not isinstance(x, bool) and not isinstance(y, bool):
        return math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=1e-9)
    return x == y


def _checks(rules: RuleSet, kind: str) -> list[RollupCheck]:
    return [c for c in rules.rollup_checks if c.check == kind]


def _none(_name):  # a roll-up message quotes no field of the forms
    raise KeyError(_name)


def _finding(check: RollupCheck, words: dict[str, object]) -> Finding:
    return Finding(rule=check.id, severity=check.severity, codes=(), cells=(), values={},
                   message=messages.render(check.message, _none, _none, words))


def _annexes(campaign: Campaign, forms: Iterable[str]) -> str:
    wanted = set(forms)
    return "、".join(f.annex for f in campaign.forms if f.id in wanted)


def _double_findings(covers: list[Cover], campaign: Campaign, rules: RuleSet, fields: list[Field]) -> list[tuple[str, str, Finding]]:
    out: list[tuple[str, str, Finding]] = []
    grouped: dict[tuple[str, str], list[Cover]] = {}
    for c in covers:
        grouped.setdefault((c.used.returned.file, c.by.returned.file), []).append(c)
    for check in _checks(rules, "double"):
        for group in grouped.values():
            first = group[0]
            words: dict[str, object] = {
                "unit": first.used.unit, "annex": _annexes(campaign, (c.used.form for c in group)),
                "file": first.used.returned.file, "rollup": first.by.unit, "rollup_file": first.by.returned.file,
                "evidence": ("其中记录的数与本文件完全相同" if all(c.evidence == "values" for c in group)
                             else f"其中计入了“{first.origin.unit}”"),
                "difference": _difference(group, campaign, fields),
            }
            out.append((first.used.unit, first.used.returned.file, _finding(check, words)))
    return out


def _difference(group: list[Cover], campaign: Campaign, fields: list[Field]) -> str:
    differ: list[tuple[Field, object, object]] = []
    for c in group:
        mine = return_values(c.used.returned, c.used.form, fields)
        for f in fields:
            if f.form_id == c.used.form and not _equal(mine.get(f.code), c.origin.values.get(f.code)):
                differ.append((f, mine.get(f.code), c.origin.values.get(f.code)))
    if not differ:
        return "两份的数完全相同"
    f, here, there = differ[0]
    return (f"两份的数有 {len(differ)} 项不同（如 {f.number} {f.short or f.label}：本文件 {_shown(here, f)}，"
            f"汇总表中 {_shown(there, f)}），请核实哪一份是对的")


def _shown(value: object, f: Field) -> str:
    if value is None:
        return "空白"
    if isinstance(value, str):
        return f"“{value}”"
    return f"{messages.format_number(value, f.kind is Kind.MONEY)} {f.unit}"


def _overlap_findings(overlaps: list[tuple[Used, Used, str]], campaign: Campaign, rules: RuleSet) -> list[tuple[str, str, Finding]]:
    grouped: dict[tuple[str, str, str], list[tuple[Used, Used, str]]] = {}
    for a, b, unit in overlaps:
        grouped.setdefault((a.returned.file, b.returned.file, unit), []).append((a, b, unit))
    out: list[tuple[str, str, Finding]] = []
    for check in _checks(rules, "overlap"):
        for group in grouped.values():
            a, b, unit = group[0]
            words: dict[str, object] = {
                "unit": unit, "annex": _annexes(campaign, (x.form for x, _, _ in group)),
                "rollup": a.unit, "rollup_file": a.returned.file, "other": b.unit, "other_file": b.returned.file,
            }
            out.append((b.unit, b.returned.file, _finding(check, words)))
    return out
