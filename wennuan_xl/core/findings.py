"""Findings and reports: plain, typed data that every shell (CLI, files, live Excel) renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .roster import UnitMatch


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"
    # 注意: how the checker read what was typed (“—” taken as 0, a stale cell name set aside). Its own kind:
    # never counted as 错误 or 提示, never blocks a return, colours no cell; no rule file can declare it.
    NOTE = "note"

    @property
    def label(self) -> str:
        return _LABELS[self.value]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """A rule's severity as a rule file writes it: 错误 or 提示."""
        for s in (cls.ERROR, cls.WARNING):
            if text in (s.value, s.label):
                return s
        raise ValueError(f"严重程度应为“错误”或“提示”，不是“{text}”")


_LABELS = {"error": "错误", "warning": "提示", "note": "注意"}


@dataclass(frozen=True)
class Finding:
    rule: str  # the rule's id, stable across runs: "A1-02"
    severity: Severity
    codes: tuple[str, ...]  # field codes involved, the offending one first
    cells: tuple[str, ...]  # "附件1!E9", same order as codes where known
    values: dict[str, object]  # code -> value found (None for blank)
    message: str  # Chinese, rendered from the rule's template
    # The unit's 说明 on the rows of the finding's fields (the template's 说明 column; check.explanation_of),
    # "" when none. It explains a 提示 (no longer open); a 错误 stays open whatever is written.
    explanation: str = ""
    # A finding on the consolidated totals that the named units' own errors cause (the same rule fired in
    # their returns): it goes away when they correct them, and is counted apart from the units' errors.
    caused_by: tuple[str, ...] = ()
    # A rule reading last year's figures (PREV, 上年同期): code -> last year's value it compared with.
    previous: dict[str, object] = field(default_factory=dict)

    @property
    def explained(self) -> bool:
        return self.severity is Severity.WARNING and bool(self.explanation)

    @property
    def open(self) -> bool:
        """Something to be done about it: a 错误, or a 提示 not explained (a 注意 never is)."""
        return self.severity is not Severity.NOTE and not self.explained

    def to_dict(self) -> dict:
        out: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "codes": list(self.codes),
            "cells": list(self.cells),
            "values": dict(self.values),
            "message": self.message,
        }
        if self.explanation:
            out["explanation"] = self.explanation
            out["explained"] = self.explained
        if self.caused_by:
            out["caused_by"] = list(self.caused_by)
        if self.previous:
            out["previous"] = dict(self.previous)
        return out


@dataclass(frozen=True)
class Skipped:
    """A rule that could not be evaluated (a field missing or unreadable): not a finding of its own."""

    rule: str
    reason: str


@dataclass(frozen=True)
class Report:
    file: str
    unit: str  # 填报单位 as found ("" when none)
    forms: tuple[str, ...]  # annexes found: ("A1", "A2")
    values: dict[str, object]  # every located field; blank -> None
    findings: tuple[Finding, ...]  # 错误, 提示 and 注意 (what was read generously: "—" taken as 0 ...)
    skipped: tuple[Skipped, ...] = field(default=(), compare=False)
    cover: dict[str, dict[str, str]] = field(default_factory=dict)  # form -> key -> text
    explanations: dict[str, str] = field(default_factory=dict)  # field code -> the unit's 说明 on its row
    # field code -> how the locator found it: name | code | letter | label | prose | pair
    located_by: dict[str, str] = field(default_factory=dict, compare=False)
    # ``unit`` matched against the roster by the cover check (None when no check matched it), carried to
    # the consolidation so that a file's 填报单位 is matched once
    unit_match: UnitMatch | None = field(default=None, compare=False)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def open_warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.warnings if not f.explained)

    @property
    def explained(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.explained)

    @property
    def notices(self) -> tuple[Finding, ...]:
        """The 注意 findings: how what was typed was read."""
        return tuple(f for f in self.findings if f.severity is Severity.NOTE)

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "unit": self.unit,
            "values": dict(self.values),
            "findings": [f.to_dict() for f in self.findings],
            "cover": {form: dict(keys) for form, keys in self.cover.items()},
            "located_by": dict(self.located_by),
        }


class ReturnUnusable(Exception):
    """A file that cannot be checked at all; the message says why, in Chinese, naming the file."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}：{reason}")
        self.file = file
        self.reason = reason
