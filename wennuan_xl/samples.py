"""Realistic, internally consistent returns: for the bundled samples, the demo and the benchmarks.

``consistent_values`` builds one unit's figures so that every rule holds (money is built in whole
fen-hundredths, i.e. 0.01 万元, so sums are exact). Writers put them into workbooks: the styled
template through openpyxl (as a unit would return it), or a fast plain workbook through xlsxwriter
with the same cells and defined names (for thousands of benchmark files).

``workbook_from_values`` is a return in memory: the same WorkbookData a reader would produce from a
filled template, so tests and the fuzzer run the whole locate-and-check path without files.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .core.forms import Campaign
from .core.layout import CODE_COL, HEADERS, ITEM_COL, LABEL_COL, UNIT_COL, VALUE_COL, layout_for
from .core.locate import ReturnData, locate
from .core.workbook import CellRef, SheetData, WorkbookData, column_letter

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def _money(cents: int) -> float:
    return round(cents / 100, 2)


def consistent_values(rng: random.Random, size: float = 1.0) -> dict[str, object]:
    """Both annexes of one unit, every field filled, every rule (错误 and 提示) satisfied."""
    v: dict[str, Any] = {}  # numbers, and 是/否 for A2.06B
    r = rng.randint

    def split(total: int, parts: int) -> list[int]:
        cuts = sorted(r(0, total) for _ in range(parts - 1))
        return [b - a for a, b in zip([0] + cuts, cuts + [total])]

    # Annex 1 — 01..04: people and families, each 其中 inside its total.
    workers = int(r(20_000, 120_000) * size) + 100
    migrants = int(workers * rng.uniform(0.2, 0.45))
    poor = max(10, int(workers * rng.uniform(0.005, 0.02)))
    poor_migrants = min(migrants, int(poor * rng.uniform(0.3, 0.6)))
    families = max(3, int(poor * rng.uniform(0.6, 0.95)))
    c, d, e = split(families, 3)
    v.update({"A1.01A": workers, "A1.01B": migrants, "A1.02A": poor, "A1.02B": poor_migrants})
    v.update({"A1.03A": families, "A1.03C": c, "A1.03D": d, "A1.03E": e})
    v["A1.03B"] = int(min(families, poor_migrants) * rng.uniform(0.5, 0.9))
    v["A1.03F"] = int(families * rng.uniform(0.05, 0.2))
    visits = r(20, 200)
    visited = r(100, 800)
    worker_families = int(visited * rng.uniform(0.6, 0.9))
    v.update({"A1.04A": visits, "A1.04B": int(visits * rng.uniform(0.1, 0.4)), "A1.04C": r(500, 5000)})
    v.update({"A1.04D": visited, "A1.04E": worker_families})
    v.update({"A1.04F": int(worker_families * rng.uniform(0.2, 0.5)), "A1.04G": r(3, min(40, visited))})
    # 05 funds raised = the five sources; 06 spent ≤ raised; heating subsidy within spent.
    sources = [r(500, 8_000) * int(max(1, size * 10)) // 10 for _ in range(5)]
    v.update({f"A1.05{x}": _money(s) for x, s in zip("ABCDE", sources)})
    raised = sum(sources)
    v["A1.05"] = _money(raised)
    spent = int(raised * rng.uniform(0.8, 1.0))
    v["A1.06"] = _money(spent)
    v["A1.06A"] = _money(int(spent * rng.uniform(0.02, 0.1)))
    v["A1.06B"] = _money(int(spent * rng.uniform(0.1, 0.4)))
    households = r(50, 600)
    per_household_cents = r(2, 10)  # 0.02..0.10 万元 = 200..1,000 元
    heating = min(households * per_household_cents, spent // 2)
    households = max(1, heating // per_household_cents)
    heating = households * per_household_cents
    v.update({"A1.07I": households, "A1.07J": _money(heating)})
    for x in "ABCDEFGH":
        v[f"A1.07{x}"] = r(0, 3000)
    v["A1.07K"] = r(0, 200)
    v.update({"A1.08A": r(0, 300), "A1.08B": r(0, 5000), "A1.08C": r(0, 500), "A1.08D": _money(r(0, 20_000))})
    services = [r(0, 2000) for _ in range(4)]
    v.update({f"A1.09{x}": s for x, s in zip("ABCD", services)})
    v["A1.09"] = sum(services)
    # 10: vehicles and passengers, within what one vehicle carries.
    carried = 0
    for vehicle, passengers, cap in (("A", "B", 2000), ("C", "D", 130), ("E", "F", 60), ("G", "H", 1500), ("I", "J", 400)):
        n = r(0, 3) if vehicle in "AGI" else r(0, 30)
        people = r(n, n * cap // 2) if n else 0
        v[f"A1.10{vehicle}"], v[f"A1.10{passengers}"] = n, people
        carried += people
    v["A1.10"] = carried + r(0, 500)
    v["A1.10K"] = r(0, 3000)
    v["A1.11"] = _money(r(0, 5000))

    # Annex 2 — 01..03: centres and staff by level (a city-level centre only in some units).
    city = r(0, 1)
    v.update({"A2.01A": 0, "A2.01B": city, "A2.01C": 1, "A2.01": city + 1})
    staff_city = r(3, 8) if city else 0
    staff_county = r(3, 10)
    v.update({"A2.02A": 0, "A2.02B": staff_city, "A2.02C": staff_county, "A2.02": staff_city + staff_county})
    v["A2.03"] = r(20, 300)
    stations = {"A": r(5, 30), "B": r(0, 5), "C": r(10, 80), "D": r(5, 60)}
    v.update({f"A2.04{x}": n for x, n in stations.items()})
    v["A2.04E"] = int(stations["D"] * rng.uniform(0.2, 0.6))
    v["A2.04F"] = int(stations["D"] * rng.uniform(0.3, 0.8))
    # Ticket windows (annex 1) cannot outnumber centres and stations (annex 2).
    v["A1.10L"] = r(0, min(10, v["A2.01"] + sum(stations.values())))
    funds = [r(1_000, 20_000) for _ in range(5)]
    v.update({f"A2.05{x}": _money(s) for x, s in zip("BCDEF", funds)})
    v["A2.05"] = _money(sum(funds))
    budget = rng.random() < 0.6
    v["A2.06A"] = _money(r(1_000, 30_000)) if budget else 0
    v["A2.06B"] = "是" if budget else "否"
    for item in ("07", "08"):
        n = r(0, 1)
        v[f"A2.{item}A"], v[f"A2.{item}B"], v[f"A2.{item}C"] = n, _money(r(500, 5000) if n else 0), n * r(0, 1)
    # 09 / 10: help by kind, money per person-time between 200 and 3,000 元; 10 is a part of 09.
    for item, share in (("09", 1.0), ("10", rng.uniform(0.2, 0.6))):
        count_total = cents_total = 0
        for count_letter, money_letter in zip("CEGIKMOQS", "DFHJLNPRT"):
            if item == "09":
                n = r(0, 400)
                cents = n * r(2, 30) if n else 0  # 0.02..0.30 万元 = 200..3,000 元 a time
            else:
                n = int(v[f"A2.09{count_letter}"] * share)
                cents = int(round(v[f"A2.09{money_letter}"] * 100) * share) if n else 0
                cents = max(cents, n * 1)  # at least 100 元 a time keeps the per-person range
                cents = min(cents, round(v[f"A2.09{money_letter}"] * 100))
            v[f"A2.{item}{count_letter}"], v[f"A2.{item}{money_letter}"] = n, _money(cents)
            count_total += n
            cents_total += cents
        v[f"A2.{item}A"], v[f"A2.{item}B"] = count_total, _money(cents_total)
    v["A2.09U"] = r(0, 100)
    psych, other = r(0, 2000), r(0, 5000)
    v.update({"A2.11A": psych + other, "A2.11B": psych, "A2.11C": other})
    cases = r(0, 30)
    v.update({"A2.12A": cases, "A2.12B": r(0, cases * 5) if cases else 0, "A2.12C": _money(r(0, 5000)) if cases else 0})
    v.update({"A2.13A": _money(r(0, 20_000)), "A2.13B": _money(r(0, 10_000))})
    for x in "ABCDEFG":
        v[f"A2.14{x}"] = r(0, 5)
    return v


def cover_for(rng: random.Random, unit: str, day: dt.date | None = None) -> dict[str, object]:
    person = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    phone = f"0833-{rng.randint(2_100_000, 5_999_999)}" if rng.random() < 0.4 else f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
    day = day or dt.date(2017, 1, rng.randint(5, 20))
    return {"UNIT": unit, "PERSON": person, "PHONE": phone, "DATE": day}


def write_template_return(
    path: Path, campaign: Campaign, values: Mapping[str, object], cover: Mapping[str, object], forms: tuple[str, ...]
) -> Path:
    """A return as a unit sends it: the styled template (one sheet per annex), filled in."""
    from openpyxl import Workbook

    from .files.atomic import atomic_path
    from .files.template import FIXED_TIME, add_defined_names, fill_form_sheet

    book = Workbook()
    book.remove(book.worksheets[0])
    for form_id in forms:
        form = campaign.form(form_id)
        ws = book.create_sheet(form.sheet)
        layout = fill_form_sheet(ws, campaign, form)
        add_defined_names(book, ws, form, layout)
        for key, (row, col) in layout.cover_cells.items():
            ws.cell(row, col, cover.get(key))
        for r in layout.rows:
            if r.field is not None:
                ws.cell(r.row, 5, values.get(r.field.code))
    book.properties.created = book.properties.modified = FIXED_TIME
    with atomic_path(path) as tmp:
        book.save(tmp)
    return path


def write_plain_return(
    path: Path, campaign: Campaign, values: Mapping[str, object], cover: Mapping[str, object],
    forms: tuple[str, ...] = ("A1", "A2"), with_names: bool = True,
) -> Path:
    """The same cells and names as the template, unstyled, written fast with xlsxwriter."""
    import xlsxwriter

    book_data = workbook_from_values(campaign, values, cover=cover, forms=forms)
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    for sheet in book_data.sheets:
        ws = wb.add_worksheet(sheet.name)
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write(r, c, value)
    if with_names:
        for name, ref in book_data.names.items():
            wb.define_name(name, f"='{ref.sheet}'!${column_letter(ref.col)}${ref.row}")
    wb.close()
    return path


def workbook_from_values(
    campaign: Campaign,
    values: Mapping[str, object],
    cover: Mapping[str, object] | None = None,
    forms: tuple[str, ...] | None = None,
    source: str = "内存中的报表",
    with_names: bool = True,
    cover_formulas: tuple[str, ...] = (),
) -> WorkbookData:
    """``values`` by code (``A1.02B``) or name (``A1_02B``); ``cover`` by key (UNIT, DATE, PERSON, PHONE);
    ``cover_formulas``: cover keys whose values are formulas saved without a result (their cells read empty)."""
    by_code = {campaign.field(k).code: v for k, v in values.items()}
    wanted = forms or tuple(
        f.id for f in campaign.forms if any(code.startswith(f.id + ".") for code in by_code)
    ) or tuple(f.id for f in campaign.forms)
    sheets, names = [], {}
    for form in campaign.forms:
        if form.id not in wanted:
            continue
        layout = layout_for(form)
        height = layout.rows[-1].row if layout.rows else layout.header_row
        grid: list[list[object]] = [[None] * VALUE_COL for _ in range(height)]
        uncached: list[tuple[int, int, str]] = []

        def put(row: int, col: int, value: object, grid: list[list[object]] = grid) -> None:
            grid[row - 1][col - 1] = value

        put(layout.annex_row, ITEM_COL, form.annex)
        put(layout.title_row, ITEM_COL, form.title)
        for c in form.cover:
            put(*layout.cover_labels[c.key], c.label + "：")
            row, col = layout.cover_cells[c.key]
            if c.key in cover_formulas:
                uncached.append((row, col, str((cover or {}).get(c.key))))
            else:
                put(row, col, (cover or {}).get(c.key))
            names[c.name(form.id).upper()] = CellRef(form.sheet, row, col)
        for row, note in zip(layout.note_rows, form.notes):
            put(row, ITEM_COL, note)
        for col, text in enumerate(HEADERS, start=ITEM_COL):
            put(layout.header_row, col, text)
        for r in layout.rows:
            put(r.row, ITEM_COL, r.item or None)
            put(r.row, LABEL_COL, r.text)
            if r.field is None:
                continue
            put(r.row, CODE_COL, r.field.code)
            put(r.row, UNIT_COL, r.field.unit)
            put(r.row, VALUE_COL, by_code.get(r.field.code))
            names[r.field.name.upper()] = CellRef(form.sheet, r.row, VALUE_COL)
        sheets.append(SheetData(form.sheet, tuple(tuple(row) for row in grid), uncached=tuple(uncached)))
    return WorkbookData(source, tuple(sheets), names if with_names else {})


def return_from_values(campaign: Campaign, values: Mapping[str, object], **kwargs) -> ReturnData:
    return locate(workbook_from_values(campaign, values, **kwargs), campaign)
