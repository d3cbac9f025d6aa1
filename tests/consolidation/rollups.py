"""In-memory returns and roll-ups (层层汇总) for the consolidation's core: what the folder reader would hand it.

A unit's figures come from ``consistent_values`` seeded by its name, so the same unit has the same figures
wherever it appears (in a roll-up's record and in a return sent directly)."""

from __future__ import annotations

import math
import random
import zlib
from array import array

from wennuan_xl.core.consolidate import Returned
from wennuan_xl.core.forms import Campaign, Kind
from wennuan_xl.core.rollup import READ_BY_NAME, Origin, Rollup
from wennuan_xl.samples import consistent_values

FORMS = ("A1", "A2")


def values_of(name: str) -> dict[str, object]:
    return consistent_values(random.Random(zlib.crc32(name.encode())), 0.3)


def plain_return(campaign: Campaign, unit: str, file: str | None = None, values: dict[str, object] | None = None) -> Returned:
    values = values if values is not None else values_of(unit)
    numbers = array("d")
    texts: dict[str, str] = {}
    for f in campaign.fields():
        v = values.get(f.code)
        if isinstance(v, str):
            texts[f.code] = v
        numbers.append(float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan)
    cover = {form: {"UNIT": unit, "DATE": "2017-01-15", "PERSON": "张三", "PHONE": "0833-2133419"} for form in FORMS}
    return Returned(file or f"{unit}.xlsx", 0.0, unit_typed=unit, forms=FORMS, cover=cover, values=numbers, texts=texts,
                    sheets={form: campaign.form(form).sheet for form in FORMS})


def rollup_return(campaign: Campaign, unit: str, units: list[str], file: str | None = None) -> Returned:
    """``unit``'s roll-up of ``units`` (both annexes each, all counted), as the roll-up reader would give it."""
    origins = []
    sums: dict[str, float] = {}
    yes_no: dict[str, dict[str, int]] = {}
    for name in units:
        values = values_of(name)
        for form in FORMS:
            mine = {c: v for c, v in values.items() if c.startswith(form + ".")}
            origins.append(Origin(1, (), name, form, f"{name}.xlsx", campaign.form(form).sheet, READ_BY_NAME, True, {}, mine, "已报"))
        for f in campaign.fields():
            v = values.get(f.code)
            if f.kind is Kind.YESNO:
                yes_no.setdefault(f.code, {"是": 0, "否": 0})[str(v)] += 1
            elif isinstance(v, (int, float)):
                sums[f.code] = sums.get(f.code, 0.0) + float(v)
    totals: dict[str, object] = {code: round(v, 6) for code, v in sums.items()}
    for code, answers in yes_no.items():
        totals[code] = "是" if answers["是"] else "否"
    returned = plain_return(campaign, unit, file or f"{unit}汇总.xlsx", totals)
    record = Rollup(unit, {form: len(units) for form in FORMS}, len(units), yes_no, (), tuple(origins))
    sheets = {form: f"汇总-{campaign.form(form).annex}" for form in FORMS}
    return Returned(returned.file, 0.0, unit_typed=unit, forms=FORMS, cover=returned.cover, values=returned.values,
                    texts=returned.texts, sheets=sheets, rollup=record)
