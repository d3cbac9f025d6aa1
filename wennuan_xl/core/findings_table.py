"""The findings table: one fixed set of columns, rendered by every surface that lists findings.

The CLI's text and JSON, the 审核结果 sheets (flagged copy, consolidated workbook, the Excel button), the
feedback letters and the analysts' findings frame all show these columns, under these headings, in this
order. A surface may leave out a column that is the same on every one of its rows (单位 and 文件 in a
one-file report); it never renames or reorders them. Each finding has one level, said the same way
everywhere: 错误, 提示 (open), 已说明 (a 提示 the unit explained in the 说明 column) or 注意 (how the checker
read what was typed; never a 错误 or 提示, never blocks). 填写值 is the first field's value: a number stays
a number, a blank is 未填.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .consolidate import TOTAL_UNIT
from .findings import Finding, Severity
from .forms import Campaign, Kind


@dataclass(frozen=True)
class Column:
    key: str  # stable English key: JSON, the analysts' frame
    heading: str  # what the clerk reads
    width: float  # Excel column width where a sheet shows it


COLUMNS = (
    Column("unit", "单位", 20),
    Column("file", "文件", 26),
    Column("annex", "附件", 7),
    Column("cell", "单元格", 12),
    Column("field", "指标", 22),
    Column("rule", "规则", 14),
    Column("level", "级别", 7),
    Column("value", "填写值", 11),
    Column("message", "问题说明", 46),
    Column("explanation", "单位说明", 18),
    Column("action", "处理要求", 22),
)
KEYS = tuple(c.key for c in COLUMNS)
HEADINGS = tuple(c.heading for c in COLUMNS)
HEADING = {c.key: c.heading for c in COLUMNS}

ERROR, WARNING, EXPLAINED, NOTE = "错误", "提示", "已说明", "注意"  # the four levels
BLANK = "未填"  # 填写值 of a blank cell
LIST_ANNEX = "实名制"  # 附件 of a finding on a 实名制 list (codes L.ID, L.R17 …)

# 处理要求: what whoever reads the row must do.
FIX = "改正后重新报送"
FIX_EXPLAINED = "改正后重新报送（错误不能以说明代替改正）"
CHECK = "核实，或在“说明”栏写明原因"
CHECK_LIST = "核实；确属实情的，在“备注”栏写明"  # a list has no 说明 column
DONE = "已说明，无需处理"
NOTED = "无需处理；如与本意不符，请改正后重新报送"
TOTALS_CAUSED = "待{units}改正后重新汇总"
TOTALS_FIX = "核实各单位的数，改正后重新汇总"
TOTALS_CHECK = "核实各单位的数"


@dataclass(frozen=True)
class FindingRow:
    """One finding as the table shows it. ``kind`` is the 填写值's number kind ("count", "money", or "" for
    text), for a sheet's number format; ``finding`` the finding itself, for what a surface adds (links)."""

    unit: str
    file: str
    annex: str
    cell: str
    field: str
    rule: str
    level: str
    value: int | float | str
    message: str
    explanation: str
    action: str
    kind: str = ""
    finding: Finding | None = dataclasses.field(default=None, compare=False, repr=False)

    def get(self, key: str) -> object:
        return getattr(self, key)

    def as_dict(self, keys: Sequence[str] = KEYS) -> dict[str, object]:
        return {k: getattr(self, k) for k in keys}


def columns(*dropped: str) -> tuple[Column, ...]:
    """The table's columns without those a surface leaves out (constant for it), in the table's order."""
    unknown = set(dropped) - set(KEYS)
    if unknown:
        raise ValueError(f"no such column: {sorted(unknown)}")
    return tuple(c for c in COLUMNS if c.key not in dropped)


def level(f: Finding) -> str:
    if f.severity is Severity.NOTE:
        return NOTE
    if f.severity is Severity.ERROR:
        return ERROR
    return EXPLAINED if f.explained else WARNING


def action(f: Finding, unit: str = "") -> str:
    lvl = level(f)
    if lvl == NOTE:
        return NOTED
    if lvl == EXPLAINED:
        return DONE
    if unit == TOTAL_UNIT:  # the city's own totals: nobody resubmits them, they are summed again
        if f.caused_by:
            return TOTALS_CAUSED.format(units="、".join(f.caused_by))
        return TOTALS_FIX if lvl == ERROR else TOTALS_CHECK
    if lvl == ERROR:
        return FIX_EXPLAINED if f.explanation else FIX
    return CHECK_LIST if _prefix(f) == "L" else CHECK


def _prefix(f: Finding) -> str:
    return f.codes[0].split(".")[0] if f.codes else ""


def annex_of(campaign: Campaign, f: Finding) -> str:
    prefix = _prefix(f)
    if prefix == "L":
        return LIST_ANNEX
    return next((form.annex for form in campaign.forms if form.id == prefix), "")


def field_name(campaign: Campaign, code: str) -> str:
    """指标: the item number and the field's name (“02(B) 其中困难农民工”), a cover line's label (填报单位),
    a 实名制 list's column (公民身份号码); "" for a finding on the whole form."""
    if campaign.has_field(code):
        return campaign.field(code).caption
    prefix, _, key = code.partition(".")
    if prefix == "L":
        return _list_column(campaign, key)
    for form in campaign.forms:
        if form.id == prefix:
            return next((c.label for c in form.cover if c.key == key), "")
    return ""


def _list_column(campaign: Campaign, key: str) -> str:
    from .namelist.spec import namelist_spec  # only where a list's findings are shown

    spec = namelist_spec(campaign)
    if spec is None:
        return ""
    if key == "UNIT":
        return "填报单位"
    return next((c.label for c in spec.columns if c.key == key), "")


def shown_value(f: Finding) -> int | float | str:
    """填写值: the first field's value as the return holds it, a number as a number (3752.0 as 3752),
    a blank as 未填; "" when the finding names no value."""
    if not f.codes or f.codes[0] not in f.values:
        return ""
    value = f.values[f.codes[0]]
    if value is None:
        return BLANK
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN: no number
            return BLANK
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
        return value
    if isinstance(value, int):
        return value
    return str(value)


def _kind(campaign: Campaign, f: Finding, value: object) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    code = f.codes[0]
    if campaign.has_field(code):
        return "money" if campaign.field(code).kind is Kind.MONEY else "count"
    return "money" if code in ("L.AMOUNT", "L.GOODS") else "count"


def finding_row(campaign: Campaign, f: Finding, unit: str = "", file: str = "") -> FindingRow:
    value = shown_value(f)
    return FindingRow(
        unit=unit, file=file, annex=annex_of(campaign, f), cell=f.cells[0] if f.cells else "",
        field=field_name(campaign, f.codes[0]) if f.codes else "", rule=f.rule, level=level(f), value=value,
        message=f.message, explanation=f.explanation, action=action(f, unit), kind=_kind(campaign, f, value), finding=f,
    )


def finding_rows(campaign: Campaign, items: Iterable[tuple[str, str, Finding]]) -> list[FindingRow]:
    """One row per (unit, file, finding), in the order given."""
    return [finding_row(campaign, f, unit, file) for unit, file, f in items]


LETTER_ORDER = (ERROR, WARNING, EXPLAINED, NOTE)


def by_level(rows: Iterable[FindingRow]) -> list[FindingRow]:
    """Rows with what must be done first: 错误, then open 提示, 已说明, 注意 (each in its own order)."""
    return sorted(rows, key=lambda r: LETTER_ORDER.index(r.level))


def json_finding(row: FindingRow, keys: Sequence[str] = KEYS) -> dict[str, object]:
    """A finding in JSON: the table's row under its English keys, then what a program needs besides: the
    severity (error / warning / note), every field code, cell and value the finding names, whether a 提示
    is explained, the units whose errors a totals' error comes from, and last year's figures a 上年同期 rule
    compared with."""
    f = row.finding
    assert f is not None
    out = row.as_dict(keys)
    out.update(severity=f.severity.value, codes=list(f.codes), cells=list(f.cells), values=dict(f.values),
               explained=f.explained)
    if f.caused_by:
        out["caused_by"] = list(f.caused_by)
    if f.previous:
        out["previous"] = dict(f.previous)
    return out
