"""Checking one 实名制 list: every row, duplicates inside it, its own 合计 row, the columns found.

The result is a ``ListReport``: the people as read (``Person``, with the ID normalised to 18 characters),
the list's totals (``L_AMOUNT`` …) for the reconciliation, and ``Finding``s whose messages and values show an
ID only masked (511102********1234). Codes: ``L.<column>`` (``L.ID``) and ``L.R<row>`` for the row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import messages
from ..findings import Finding, Severity
from ..idnumber import mask
from ..values import clean, raw_text
from ..workbook import CellRef
from .locate import UNREADABLE, ListData
from .rows import YUAN, Person, check_row, money, no_field, no_lookup, number, tests_by_id_state
from .spec import Check, ListSpec

READ_NOTE = "L-READ"  # 注意: how a column of the list was read, or why it was not

__all__ = ["ListReport", "Person", "check_book", "check_list", "list_totals", "person_dict", "unit_in_title"]


@dataclass(frozen=True)
class ListReport:
    file: str
    unit: str  # 填报单位 as found ("" when none)
    sheets: tuple[str, ...]
    people: tuple[Person, ...]
    totals: dict[str, float]  # L_AMOUNT … (namelist.yaml's totals)
    findings: tuple[Finding, ...]  # 错误, 提示, and 注意 on how the list was read (a column taken by its content …)
    cover: dict[str, str] = field(default_factory=dict)  # key -> text
    title: str = ""

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def to_dict(self, show_ids: bool = False) -> dict:
        return {
            "file": self.file,
            "unit": self.unit,
            "kind": "namelist",
            "sheets": list(self.sheets),
            "cover": dict(self.cover),
            "totals": dict(self.totals),
            "people": [person_dict(p, show_ids) for p in self.people],
            "findings": [f.to_dict() for f in self.findings],
        }


def person_dict(p: Person, show_ids: bool = False) -> dict:
    return {
        "sheet": p.sheet, "row": p.row, "name": p.name, "sex": p.sex,
        "id": (p.id or p.id_typed) if show_ids else p.shown_id,
        "address": p.address, "category": p.category, "form": p.form, "amount": p.amount, "goods": p.goods,
        "date": p.date, "phone": p.phone, "remark": p.remark,
    }


def check_list(data: ListData, spec: ListSpec, unit_fallback: str = "") -> ListReport:
    """``unit_fallback``: the 填报单位 of the annex in the same workbook, for a list sheet without its own."""
    findings: list[Finding] = []
    people: list[Person] = []
    tests = tests_by_id_state(spec)
    for sheet in data.sheets:
        findings.extend(Finding(READ_NOTE, Severity.NOTE, ("L.COLUMN", f"L.R{sheet.header_row}"), (), {}, note)
                        for note in sheet.notes)
        for raw in sheet.rows:
            person, found = check_row(raw, sheet, spec, tests)
            people.append(person)
            findings.extend(found)
    refused = {c for sheet in data.sheets for p in sheet.problems if p.check in UNREADABLE for c in p.cells}
    if refused:  # read as empty, they are not: a row's check on one of them would say what is not so (未填写金额)
        findings = [f for f in findings if not refused.intersection(f.cells)]
    totals = list_totals(people, spec)
    cover = {k: raw_text(v).strip() for k, v in data.cover_raw.items() if v not in (None, "")}
    unit = cover.get("UNIT", "") or unit_fallback or unit_in_title(data.title)
    findings.extend(_list_findings(data, spec, people, totals, unit))
    findings.sort(key=_order(data))
    return ListReport(data.source, unit, tuple(s.sheet for s in data.sheets), tuple(people), totals, tuple(findings),
                      cover, data.title)


def _order(data: ListData):
    sheets = {s.sheet: i for i, s in enumerate(data.sheets)}

    def key(f: Finding) -> tuple:
        cell = f.cells[0] if f.cells else ""
        sheet, _, a1 = cell.rpartition("!")
        m = re.search(r"\d+$", a1)
        return (sheets.get(sheet, -1), int(m.group(0)) if m else 0)

    return key


def list_totals(people: list[Person] | tuple[Person, ...], spec: ListSpec) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, total in spec.totals.items():
        chosen = [p for p in people if not total.of or p.category in total.of]
        if total.sum:
            value = sum((getattr(p, total.sum.lower()) or 0.0) for p in chosen)
            out[name] = round(float(value), 2)
        else:
            out[name] = float(len(chosen))
    return out


# --- the whole list ----------------------------------------------------------------------------------


def _list_findings(data: ListData, spec: ListSpec, people: list[Person], totals: dict[str, float], unit: str) -> list[Finding]:
    out: list[Finding] = []
    by_id: dict[str, list[Person]] = {}
    by_birth: dict[tuple[str, str], dict[str, Person]] = {}
    for p in people:
        if p.id:
            by_id.setdefault(p.id, []).append(p)
            if p.name:
                by_birth.setdefault((p.name, p.id[6:14]), {}).setdefault(p.id, p)
    first_sheet = data.sheets[0]
    for check in spec.list_checks:
        if check.check == "dup_id":
            for group in by_id.values():
                if len(group) > 1:
                    cells = tuple(p.id_cell for p in group)
                    out.append(_list_finding(check, "ID", group[0].row, cells, {
                        "name": group[0].name or "（未填姓名）", "id": mask(group[0].id), "count": str(len(group)),
                        "cells": "、".join(cells)}, mask(group[0].id)))
        elif check.check == "dup_name_birth":
            for (name, _), ids in by_birth.items():
                if len(ids) > 1:
                    group = list(ids.values())
                    cells = tuple(p.id_cell for p in group)
                    out.append(_list_finding(check, "ID", group[0].row, cells, {
                        "name": name, "count": str(len(group)), "cells": "、".join(cells),
                        "ids": "、".join(mask(p.id) for p in group)}, mask(group[0].id)))
        elif check.check == "total_row":
            for sheet in data.sheets:
                if sheet.total is None:
                    continue
                ref, raw = sheet.total
                stated = clean(raw, YUAN, ())
                value = number(stated)
                mine = round(sum(p.amount or 0.0 for p in people if p.sheet == sheet.sheet), 2)
                if value is not None and abs(value - mine) > 0.005:
                    out.append(_list_finding(check, "AMOUNT", ref.row, (str(ref),), {
                        "cell": str(ref), "stated": money(value), "sum": money(mine), "sheet": sheet.sheet}, value))
        elif check.check == "empty":
            if not people:
                out.append(_list_finding(check, "NAME", first_sheet.header_row, (f"{first_sheet.sheet}!A{first_sheet.header_row}",),
                                         {"sheet": first_sheet.sheet}, None))
        elif check.check in ("column_missing", "column_ambiguous", *UNREADABLE):
            for sheet in data.sheets:
                for problem in sheet.problems:
                    if problem.check == check.check:
                        shown = problem.words.get("column") or problem.words.get("formula")
                        out.append(_list_finding(check, "COLUMN", sheet.header_row, problem.cells, problem.words, shown))
        elif check.check == "unit_missing" and not unit:
                out.append(_list_finding(check, "UNIT", 1, (f"{first_sheet.sheet}!A1",), {"sheet": first_sheet.sheet}, None))
    return out


_TITLE_UNIT = re.compile(r"^\s*([^\d\s“”\"'（(]{2,30}?(?:总工会|工会))")


def unit_in_title(title: str) -> str:
    """The unit a title starts with (“市中区总工会2017年送温暖……”), for a list without a 填报单位 line."""
    m = _TITLE_UNIT.match(title or "")
    return m.group(1) if m else ""


def _list_finding(check: Check, key: str, row: int, cells: tuple[str, ...], words: Mapping[str, object], value: object) -> Finding:
    all_words = {"sheet": "", "row": str(row), "cell": cells[0] if cells else "", "cells": "", "name": "", "id": "",
                 "ids": "", "count": "", "column": "", "columns": "", "stated": "", "sum": "", "formula": "", **words}
    return Finding(
        rule=check.id, severity=check.severity, codes=(f"L.{key}", f"L.R{row}"), cells=cells,
        values={f"L.{key}": value}, message=messages.render(check.message, no_field, no_lookup, all_words),
    )


def cell_of(sheet: str, row: int, col: int) -> str:
    return str(CellRef(sheet, row, col))


def check_book(book, spec: ListSpec, campaign, skip: frozenset[str] = frozenset(), unit_fallback: str = "") -> ListReport | None:
    """Locate and check the list in a workbook; None when it holds none."""
    from .locate import locate_list

    data = locate_list(book, spec, campaign, skip)
    return None if data is None else check_list(data, spec, unit_fallback)
