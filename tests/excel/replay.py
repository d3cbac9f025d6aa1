"""What Excel would show after the remote engine's actions: a small model of a workbook, replayed.

xlwings' remote engine records every change as an action (``book.json()["actions"]``) and keeps no cell
state of its own. Replaying those actions over the payload a book was opened with gives what the clerk
would see: each sheet's displayed values (a ``=HYPERLINK(...)`` shows its text, an apostrophe prefix
is no part of the value), fills, notes, charts, visibility. ``ReplayView`` offers it through the same
``View`` interface the Windows smoke test reads real Excel with (wennuan_xl/excel/smoke.py), so the
smoke test's checks run here on the remote engine.

Only the actions our code emits are modelled; any other action fails loudly, so a new kind of write
cannot go unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wennuan_xl.core.workbook import parse_a1
from wennuan_xl.excel.smoke import HYPERLINK, link_of

IGNORED = {"alert", "activateSheet", "setColumnWidth", "setScreenUpdating", "runMacro"}
CHART_FORMATS = {"setChartTitle", "setChartLegend", "setChartAxis", "setChartName", "setChartStyle"}
UNKNOWN_NOTE = "（打开时已有的批注）"  # the payload says where notes are, not what they say


@dataclass
class SheetModel:
    name: str
    values: dict[tuple[int, int], object] = field(default_factory=dict)  # (row, col), 1-based, as written
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # "RRGGBB"
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    visible: bool = True
    charts: list[dict] = field(default_factory=list)


def _hex(colour) -> str:
    return "" if colour in (None, "") else str(colour).lstrip("#").upper()


def _rc(address: str) -> tuple[int, int]:
    rc = parse_a1(address.replace("$", ""))
    assert rc is not None, address
    return rc


class BookModel:
    def __init__(self, payload: dict):
        self.sheets: list[SheetModel] = []
        for s in payload["sheets"]:
            model = SheetModel(s["name"], visible=s.get("visibility", "Visible") == "Visible")
            for r, row in enumerate(s.get("values") or [], start=1):
                for c, v in enumerate(row or [], start=1):
                    if v not in (None, ""):
                        model.values[(r, c)] = v
            for n in s.get("notes") or []:
                model.notes[_rc(n["address"])] = UNKNOWN_NOTE
            model.charts = [dict(c) for c in s.get("charts") or []]
            self.sheets.append(model)
        self.screen_updating: list[bool] = []

    def sheet(self, name: str) -> SheetModel:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def apply(self, a: dict) -> None:
        func = a["func"]
        if func == "setScreenUpdating":
            self.screen_updating.append(bool(a["args"][0]))
        if func in IGNORED or func in CHART_FORMATS:
            return
        if func == "addSheet":
            ix, name = a["args"]
            self.sheets.insert(ix, SheetModel(name))
            return
        sheet = self.sheets[a["sheet_position"]]
        top, left = (a["start_row"] or 0) + 1, (a["start_column"] or 0) + 1
        if func == "setValues":
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    if v in (None, ""):
                        sheet.values.pop((top + i, left + j), None)
                    else:
                        sheet.values[(top + i, left + j)] = v
        elif func in ("rangeClear", "rangeClearContents"):
            cells = [(r, c) for r in range(top, top + a["row_count"]) for c in range(left, left + a["column_count"])]
            for rc in cells:
                sheet.values.pop(rc, None)
                if func == "rangeClear":
                    sheet.fills.pop(rc, None)
        elif func == "setRangeColors":
            for i, row in enumerate(a["args"][0]):
                for j, colour in enumerate(row):
                    if colour != "keep":
                        sheet.fills[(top + i, left + j)] = _hex(colour)
        elif func == "setRangeColor":
            for r in range(top, top + a["row_count"]):
                for c in range(left, left + a["column_count"]):
                    sheet.fills[(r, c)] = _hex(a["args"][0])
        elif func == "addNote":
            sheet.notes[_rc(a["args"][0])] = a["args"][1]
        elif func == "deleteNote":
            sheet.notes.pop(_rc(a["args"][0]), None)
        elif func == "setSheetVisibility":
            sheet.visible = a["args"][0] == "Visible"
        elif func == "addChart":
            name, kind, source_sheet, address = a["args"][:4]
            sheet.charts.append({"name": name, "chart_type": kind, "source": (source_sheet, address)})
        elif func == "deleteChart":
            del sheet.charts[a["args"][0]]
        else:
            raise AssertionError(f"an action the replay does not model: {func}")


def book_model(book) -> BookModel:
    model = BookModel(book.impl._original_payload)
    for a in book.json()["actions"]:
        model.apply(a)
    return model


def shown(value: object) -> object:
    """A written value as the cell displays it."""
    if isinstance(value, str):
        m = HYPERLINK.match(value)
        if m:
            return m.group(2).replace('""', '"')
        return value[1:] if value.startswith("'") else value
    return value


def link_target(value: object) -> str | None:
    return link_of(value)


def as_saved(book) -> dict:
    """The payload Excel would send for ``book`` after saving and reopening it: what the replay shows."""
    model = book_model(book)
    original = book.impl._original_payload
    sheets = []
    for s in model.sheets:
        height = max([r for r, _ in s.values] or [0])
        width = max([c for _, c in s.values] or [0])
        values = [[shown(s.values.get((r, c))) for c in range(1, width + 1)] for r in range(1, height + 1)] or [[]]
        address = lambda rc: f"${_letters(rc[1])}${rc[0]}"  # noqa: E731
        sheets.append({"name": s.name, "values": values, "pictures": [], "tables": [], "shapes": [], "charts": [],
                       "notes": [{"address": address(rc)} for rc in s.notes], "visibility": "Visible" if s.visible else "Hidden"})
    index = {s["name"]: i for i, s in enumerate(sheets)}
    names = [n | {"sheet_index": index[original["sheets"][n["sheet_index"]]["name"]]} for n in original["names"]]
    return {**original, "sheets": sheets, "names": names}


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out
