"""层层汇总: what a consolidated workbook of this program says about the returns behind its totals.

A county union consolidates its base unions with this program and sends the city the workbook it wrote;
the city reads that workbook's 汇总 sheets as the county's figures (core/rollup_read.py), and keeps what
the workbook records below them: every unit, annex, file and cell its 明细 and 来源 sheets name, and what
those units' own roll-ups recorded further down. Plain data, read once and carried up level by level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .forms import Campaign
from .layout import layout_for
from .workbook import column_letter

READ_BY_NAME, READ_BY_TEXT, READ_ROLLUP = "单元格名称", "按表内文字定位", "下级汇总表"  # 来源's 读取方式
READ_METHODS = (READ_BY_NAME, READ_BY_TEXT, READ_ROLLUP)
CHAIN = " ← "  # 来源's 经由: the roll-ups a return came through, the nearest to us first


@dataclass(frozen=True)
class Origin:
    """One annex of one unit's return at some level below a consolidation, as the workbooks record it.

    ``level`` 1 is a return the consolidation read itself; ``via`` names the roll-ups between (level 2:
    the county whose workbook lists it; level 3: the county, then the town)."""

    level: int
    via: tuple[str, ...]
    unit: str
    form: str
    file: str  # as the workbook that read it names it (relative to that consolidation's folder)
    sheet: str
    method: str  # one of READ_METHODS
    included: bool  # counted in the totals of the consolidation that read it
    moved: dict[str, str] = field(default_factory=dict)  # code -> "sheet!A1" where not at the template's place
    values: dict[str, object] = field(default_factory=dict)  # code -> number or text, this annex's fields; blank: absent
    status: str = ""  # its 上报情况 there (已报, 名单外)

    @property
    def rollup(self) -> bool:
        return self.method == READ_ROLLUP

    @property
    def key(self) -> tuple[int, tuple[str, ...], str, str]:
        return self.level, self.via, self.unit, self.form

    @property
    def parent(self) -> tuple[int, tuple[str, ...], str, str] | None:
        """The key of the roll-up this origin was read from (None at level 1)."""
        if self.level == 1:
            return None
        return self.level - 1, self.via[:-1], self.via[-1], self.form

    def cell(self, code: str, campaign: Campaign) -> str:
        """Where the value of ``code`` was read: its own cell when the locator found it elsewhere, else the
        template's place on the sheet it was read from."""
        if code in self.moved:
            return self.moved[code]
        row, col = layout_for(campaign.form(self.form)).field_cell(code)
        return f"{self.sheet}!{column_letter(col)}{row}"

    def below(self, unit: str) -> tuple[int, tuple[str, ...]]:
        """(level, via) of the origins one level under this one, when it is a roll-up."""
        return self.level + 1, (*self.via, unit)


@dataclass(frozen=True)
class StatusLine:
    """One line of a roll-up's own 上报情况."""

    unit: str
    status: str
    file: str = ""
    included: bool = False


@dataclass(frozen=True)
class Rollup:
    """A consolidated workbook read as one unit's return: its own figures are the ReturnData beside this."""

    unit: str  # its 填报单位
    counts: dict[str, int]  # form -> units its totals count (the 单位个数 its 汇总 sheets state)
    expected: int  # units its roster expected (名单中应报)
    yes_no: dict[str, dict[str, int]]  # 是/否 field code -> {"是": n, "否": m} as its 汇总 sheets count them
    statuses: tuple[StatusLine, ...]
    origins: tuple[Origin, ...]  # level 1: the returns it read; deeper: what their roll-ups recorded

    def counted(self, form: str) -> list[Origin]:
        """The origins of ``form`` whose figures are in this roll-up's totals: counted at their level, and
        every roll-up above them counted too."""
        cache = self.__dict__.setdefault("_counted", {})  # asked for each field of the totals: computed once
        if form not in cache:
            cache[form] = counted_origins(self.origins, form)
        return cache[form]

    def base_count(self, form: str) -> int:
        """Returns at the bottom of the chain (not roll-ups) that its totals of ``form`` hold."""
        return sum(1 for o in self.counted(form) if not o.rollup)

    def lacking(self, code: str, form: str) -> list[str]:
        """The base returns counted in its totals that gave no number (or no 是/否) for ``code``, named with
        the roll-ups they came through."""
        return [shown_unit(o.unit, (self.unit, *o.via)) for o in self.counted(form)
                if not o.rollup and o.values.get(code) is None]

    def missing(self) -> list[str]:
        return [s.unit for s in self.statuses if s.status == "未报" and s.unit]


def counted_origins(origins: Iterable[Origin], form: str) -> list[Origin]:
    by_key = {}
    out = []
    for o in origins:
        if o.form != form:
            continue
        by_key[o.key] = o
    for o in by_key.values():
        node: Origin | None = o
        ok = True
        while node is not None:
            if not node.included:
                ok = False
                break
            parent = node.parent
            node = by_key.get(parent) if parent is not None else None
            if parent is not None and node is None:
                ok = False  # a chain with a gap counts for nothing (the reader refuses such a workbook)
                break
        if ok:
            out.append(o)
    return out


def shown_unit(unit: str, via: tuple[str, ...]) -> str:
    """``清溪镇工会（经犍为县总工会）``: a lower unit named with the roll-ups it came through."""
    return f"{unit}（经{CHAIN.join(via)}）" if via else unit


def via_text(via: tuple[str, ...]) -> str:
    return CHAIN.join(via)
