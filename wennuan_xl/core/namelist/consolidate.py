"""The lists of all units together: which list counts for each unit, the people paid by two units, and
each unit's list against its 附件1.

Duplicates are found with one dictionary on the normalised 18-character number: linear in the people, so
sixteen lists of ten thousand each take a fraction of a second. A person in two units' lists is a 错误 for
each of them, naming the other units, files and cells.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from .. import messages
from ..findings import Finding, Severity
from ..forms import Campaign
from ..idnumber import mask
from ..layout import layout_for
from ..values import parse_date
from ..workbook import column_letter
from .check import ListReport, Person
from .reconcile import reconcile
from .spec import Check, ListSpec

if TYPE_CHECKING:
    from ..consolidate import Consolidation, Returned

REPORTED, MISSING, SUPERSEDED, OFF_ROSTER = "已报", "未报", "已被替代", "名单外"


@dataclass(frozen=True)
class UnitList:
    unit: str  # the roster unit (or what the list says, off the roster)
    file: str
    report: ListReport
    mtime: float = 0.0
    on_roster: bool = True


@dataclass(frozen=True)
class Place:
    unit: str
    file: str
    person: Person


@dataclass(frozen=True)
class Duplicate:
    id: str
    name: str
    places: tuple[Place, ...]


@dataclass(frozen=True)
class ReconRow:
    """One line of 实名制核对."""

    unit: str
    status: str  # 已报 / 未报 / 已被替代 / 名单外
    file: str = ""
    totals: dict[str, float] | None = None
    annex: dict[str, object] | None = None  # A1 code -> value, when the unit's 附件1 is in use
    errors: int = 0
    warnings: int = 0
    remark: str = ""


@dataclass(frozen=True)
class ListConsolidation:
    lists: tuple[UnitList, ...]  # the list in use for each unit
    duplicates: tuple[Duplicate, ...]  # people in two or more units' lists
    findings: tuple[tuple[str, str, Finding], ...]  # (unit, file, finding)
    recon: tuple[ReconRow, ...]

    @property
    def people(self) -> int:
        return sum(len(u.report.people) for u in self.lists)


def gather(returns: Iterable[Returned]) -> list[tuple[str, float, ListReport]]:
    return [(r.file, r.mtime, r.namelist) for r in returns if r.namelist is not None]


def consolidate_lists(result: Consolidation, campaign: Campaign, spec: ListSpec) -> ListConsolidation:
    """The lists carried by ``result``'s returns, against the 附件1 in use for the same unit."""
    from ..consolidate import Returned, identify

    roster = {u.name for u in campaign.roster}
    chosen: dict[str, list[UnitList]] = {}
    for file, mtime, report in gather(result.returns):
        match = identify(Returned(file=file, mtime=mtime, unit_typed=report.unit), campaign)
        name = match.unit.name if match.unit is not None else (result.unit_of.get(file) or report.unit or PurePath(file).stem)
        chosen.setdefault(name, []).append(UnitList(name, file, report, mtime, name in roster))
    in_use: list[UnitList] = []
    superseded: list[UnitList] = []
    for lists in chosen.values():
        lists.sort(key=lambda u: (_date(u.report), u.mtime, u.file), reverse=True)
        in_use.append(lists[0])
        superseded.extend(lists[1:])
    order = {name: i for i, name in enumerate(u.name for u in campaign.roster)}
    in_use.sort(key=lambda u: (order.get(u.unit, len(order)), u.unit))

    duplicates = find_duplicates(in_use)
    findings: list[tuple[str, str, Finding]] = []
    for u in in_use:
        findings.extend((u.unit, u.file, f) for f in u.report.findings)
    findings.extend(duplicate_findings(duplicates, spec.cross_checks))
    annexes = _annexes(result, campaign)
    recon: list[ReconRow] = []
    by_unit = {u.unit: u for u in in_use}
    for name in [u.name for u in campaign.roster] + sorted(n for n in by_unit if n not in roster):
        found = by_unit.get(name)
        if found is None:
            recon.append(ReconRow(name, MISSING, remark="未报实名制名单"))
            continue
        u = found
        annex = annexes.get(name)
        mine: list[Finding] = []
        remark = ""
        if annex is None:
            remark = "未报附件1，未与统计表核对"
        else:
            values, cells = annex
            mine = reconcile(u.report.totals, values, campaign, spec, _list_cell(u.report), cells)
            findings.extend((name, u.file, f) for f in mine)
        own = [f for unit, file, f in findings if unit == name and file == u.file]
        recon.append(ReconRow(
            name, REPORTED if u.on_roster else OFF_ROSTER, u.file, dict(u.report.totals),
            annex[0] if annex is not None else None,
            errors=sum(1 for f in own if f.severity is Severity.ERROR),
            warnings=sum(1 for f in own if f.severity is Severity.WARNING),
            remark=remark if u.on_roster else "不在单位名单中；" + remark,
        ))
    for old in superseded:
        recon.append(ReconRow(old.unit, SUPERSEDED, old.file, dict(old.report.totals), remark="同一单位有更新的名单，本文件未使用"))
    return ListConsolidation(tuple(in_use), tuple(duplicates), tuple(findings), tuple(recon))


def _date(report: ListReport) -> dt.date:
    return parse_date(report.cover.get("DATE", "")) or dt.date.min


def _list_cell(report: ListReport) -> str:
    first = report.people[0] if report.people else None
    return first.id_cell if first is not None else (f"{report.sheets[0]}!A1" if report.sheets else "")


def _annexes(result: Consolidation, campaign: Campaign) -> dict[str, tuple[dict[str, object], dict[str, str]]]:
    """unit -> (附件1 values by code, cells by code) for the 附件1 in use of each unit."""
    fields = list(campaign.fields())
    out = {}
    for u in result.used:
        if u.form != "A1":
            continue
        values: dict[str, object] = {}
        cells: dict[str, str] = {}
        layout = layout_for(campaign.form("A1"))
        sheet = u.returned.sheets.get("A1", campaign.form("A1").sheet)
        for i, f in enumerate(fields):
            if f.form_id != "A1":
                continue
            v = u.returned.values[i] if i < len(u.returned.values) else math.nan
            values[f.code] = None if math.isnan(v) else (int(v) if v.is_integer() else v)
            moved = (u.returned.cells or {}).get(f.code)
            if moved:
                cells[f.code] = moved
            else:
                row, col = layout.field_cell(f.code)
                cells[f.code] = f"{sheet}!{column_letter(col)}{row}"
        out[u.unit] = (values, cells)
    return out


def find_duplicates(lists: Iterable[UnitList]) -> list[Duplicate]:
    """People (by normalised ID) in the lists of two or more units."""
    seen: dict[str, list[Place]] = {}
    for u in lists:
        for p in u.report.people:
            if p.id:
                seen.setdefault(p.id, []).append(Place(u.unit, u.file, p))
    out = []
    for number, places in seen.items():
        if len({pl.unit for pl in places}) > 1:
            out.append(Duplicate(number, places[0].person.name, tuple(places)))
    out.sort(key=lambda d: (d.places[0].unit, d.places[0].person.row))
    return out


def duplicate_findings(duplicates: list[Duplicate], checks: tuple[Check, ...]) -> list[tuple[str, str, Finding]]:
    out: list[tuple[str, str, Finding]] = []
    for check in checks:
        if check.check != "dup_units":
            continue
        for d in duplicates:
            units = list(dict.fromkeys(pl.unit for pl in d.places))
            where = "、".join(f"{pl.unit}（文件“{pl.file}”{pl.person.id_cell}，{pl.person.name}）" for pl in d.places)
            words: dict[str, object] = {"name": d.name or "（未填姓名）", "id": mask(d.id), "units": "、".join(units), "places": where,
                     "count": str(len(units))}
            message = messages.render(check.message, _none, _none, words)
            for unit in units:
                mine = [pl for pl in d.places if pl.unit == unit]
                out.append((unit, mine[0].file, Finding(
                    rule=check.id, severity=check.severity, codes=("L.ID", f"L.R{mine[0].person.row}"),
                    cells=tuple(pl.person.id_cell for pl in mine), values={"L.ID": mask(d.id)}, message=message,
                )))
    return out


def _none(name: str):
    raise KeyError(name)
