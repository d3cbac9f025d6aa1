"""What to mark where: the findings of a report grouped by cell, for any shell that flags cells."""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Finding, Severity
from .workbook import parse_a1


@dataclass(frozen=True)
class CellFlag:
    sheet: str
    a1: str
    row: int
    col: int
    severity: Severity  # the worst finding on the cell
    messages: tuple[str, ...]  # one line per finding, 错误 first

    @property
    def note(self) -> str:
        return "\n".join(self.messages)


def split_cell(cell: str) -> tuple[str, str] | None:
    """'附件1!E9' -> ('附件1', 'E9'); None for a location that is a whole sheet."""
    sheet, sep, a1 = cell.rpartition("!")
    if not sep or parse_a1(a1) is None:
        return None
    return sheet.strip("'"), a1


def flag_plan(findings: tuple[Finding, ...] | list[Finding]) -> list[CellFlag]:
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        for cell in finding.cells:
            where = split_cell(cell)
            if where is not None:
                grouped.setdefault(where, []).append(finding)
    plan = []
    for (sheet, a1), items in grouped.items():
        items.sort(key=lambda f: f.severity is not Severity.ERROR)
        worst = Severity.ERROR if items[0].severity is Severity.ERROR else Severity.WARNING
        rc = parse_a1(a1)
        assert rc is not None
        lines = tuple(dict.fromkeys(f"【{f.severity.label}】{f.message}（{f.rule}）" for f in items))
        plan.append(CellFlag(sheet, a1, rc[0], rc[1], worst, lines))
    plan.sort(key=lambda p: (p.sheet, p.row, p.col))
    return plan


def summary(findings) -> str:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    if not errors and not warnings:
        return "未发现问题"
    parts = []
    if errors:
        parts.append(f"{errors} 个错误")
    if warnings:
        parts.append(f"{warnings} 个提示")
    return "发现 " + "、".join(parts)
