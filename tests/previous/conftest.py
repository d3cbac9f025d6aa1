"""Two years of returns, last year's consolidated workbook, and an oracle for the 上年同期 rules.

Last year (2016) and this year (2017) are written with the package's sample writers from
``consistent_values`` (every within-year rule holds), each unit's figures the same in both years except
the changes a test plants. Last year's consolidated workbook is written by this program under last
year's campaign name, as last winter's run wrote it. ``expected_findings`` says which 上年同期 rules must
fire, computed from the figures with plain arithmetic, not by the engine.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from wennuan_xl.core.forms import Campaign
from wennuan_xl.core.rules import RuleSet
from wennuan_xl.jobs import Settings, consolidate_folder
from wennuan_xl.samples import consistent_values, write_plain_return

LAST_YEAR = "2016年元旦春节送温暖活动"
# The fields of rules_previous.yaml, by family.
PEOPLE = ("A1.01A", "A1.01B")  # ±30 % and 1,000 人
COUNTS = ("A1.01A", "A1.01B", "A1.02A", "A1.02B", "A1.03A", "A2.01", "A2.02")  # from nothing / to nothing
MONEY = ("A1.05", "A1.06", "A2.05", "A2.09B", "A2.10B")  # x10 / ÷10
MONEY_PARTS = {"A1.05": ("A1.05A", "A1.05B", "A1.05C", "A1.05D", "A1.05E")}


def rule_id(code: str, family: str) -> str:
    return f"PY-{code.replace('.', '-')}-{family}"


def expected_findings(now: Mapping[str, object], before: Mapping[str, object]) -> set[str]:
    """The 上年同期 rules that must fire for figures ``now`` against last year's ``before``."""
    out = set()

    def number(values, code):
        v = values.get(code)
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    for code in PEOPLE:
        x, p = number(now, code), number(before, code)
        if x is None or p is None or p <= 0:
            continue
        if x - p > 1000 and x - p > 0.3 * p:
            out.add(rule_id(code, "UP"))
        if x > 0 and p - x > 1000 and p - x > 0.3 * p:
            out.add(rule_id(code, "DOWN"))
    for code in COUNTS:
        x, p = number(now, code), number(before, code)
        if x is None or p is None:
            continue
        if p == 0 and x != 0:
            out.add(rule_id(code, "NEW"))
        if p > 0 and x == 0:
            out.add(rule_id(code, "GONE"))
    for code in MONEY:
        x, p = number(now, code), number(before, code)
        if x is None or p is None or p <= 0 or x <= 0:
            continue
        if x >= 10 * p:
            out.add(rule_id(code, "X10"))
        if x * 10 <= p:
            out.add(rule_id(code, "D10"))
    return out


def totals(units: Mapping[str, Mapping[str, object]]) -> dict[str, float]:
    codes = set(PEOPLE) | set(COUNTS) | set(MONEY)
    return {code: round(sum(float(v[code]) for v in units.values()), 6) for code in codes}  # type: ignore[arg-type]


@dataclass
class TwoYears:
    last_folder: Path  # last year's returns
    now_folder: Path  # this year's
    last_workbook: Path  # last year's consolidated workbook, written by this program
    before: dict[str, dict[str, object]]  # roster unit -> last year's figures
    now: dict[str, dict[str, object]]  # roster unit -> this year's
    files: dict[str, str]  # roster unit -> this year's file name


def cover(unit: str, year: int) -> dict[str, object]:
    return {"UNIT": unit, "DATE": dt.date(year, 1, 15), "PERSON": "张三", "PHONE": "0833-2133419"}


def two_years(base: Path, campaign: Campaign, rules: RuleSet) -> TwoYears:
    """市中区 grew from 121,500 to 182,000 职工; 沙湾区 typed 05 in 元; 五通桥区 has no 农民工 any more;
    犍为县 reports for the first time, 金口河区 reported last year only."""
    last, now = base / "2016", base / "2017"
    last.mkdir()
    now.mkdir()
    before: dict[str, dict[str, object]] = {}
    this: dict[str, dict[str, object]] = {}
    for i, unit in enumerate(("市中区总工会", "沙湾区总工会", "五通桥区总工会", "犍为县总工会", "金口河区总工会")):
        values = consistent_values(random.Random(300 + i), 0.3)
        values["A1.01A"] = 100_000
        before[unit], this[unit] = dict(values), dict(values)
    before["市中区总工会"]["A1.01A"], this["市中区总工会"]["A1.01A"] = 121_500, 182_000
    for code in ("A1.05", *MONEY_PARTS["A1.05"]):
        this["沙湾区总工会"][code] = round(float(this["沙湾区总工会"][code]) * 10_000, 2)  # type: ignore[arg-type]
    for code in ("A1.01B", "A1.02B", "A1.03B"):
        this["五通桥区总工会"][code] = 0
    del before["犍为县总工会"], this["金口河区总工会"]
    files = {}
    for unit, values in before.items():
        write_plain_return(last / f"{unit[:-3]}-2016年送温暖统计表.xlsx", campaign, values, cover(unit, 2016))
    for unit, values in this.items():
        files[unit] = f"{unit[:-3]}-送温暖统计表.xlsx"
        write_plain_return(now / files[unit], campaign, values, cover(unit, 2017))
    workbook = base / "2016年送温暖汇总.xlsx"
    consolidate_folder(last, workbook, Settings(replace(campaign, name=LAST_YEAR), rules, workers=1))
    return TwoYears(last, now, workbook, before, this, files)


@pytest.fixture(scope="module")
def years(tmp_path_factory, campaign, rules) -> TwoYears:
    return two_years(tmp_path_factory.mktemp("two-years"), campaign, rules)
