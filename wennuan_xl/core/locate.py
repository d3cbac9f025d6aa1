"""Finding the annexes and their fields in a returned workbook.

First by defined names (``A1_02B``), as the templates carry them. Where names are missing — a unit
retyped the form, pasted it into a new workbook, inserted rows or renamed the sheet — by the printed
codes, then by the printed labels in form order. A field that cannot be found stays ``None``: the engine
reports it, it is never read as 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .forms import Campaign, Field, Form
from .layout import CODE_COL, LABEL_COL, NOTE_HEADER, VALUE_COL, VALUE_HEADERS, layout_for, note_name
from .workbook import CellRef, SheetData, WorkbookData


@dataclass(frozen=True)
class LocatedForm:
    form_id: str
    sheet: str
    method: str  # "names" or "labels": how the fields were found
    cells: dict[str, CellRef | None]  # field code -> input cell, None when not found
    raw: dict[str, object]  # field code -> value as read, for found fields
    cover_cells: dict[str, CellRef | None]
    cover_raw: dict[str, object]
    explanations: dict[str, str] = field(default_factory=dict)  # field code -> 说明 typed on its row


@dataclass(frozen=True)
class ReturnData:
    source: str
    forms: tuple[LocatedForm, ...]

    def form(self, form_id: str) -> LocatedForm | None:
        for f in self.forms:
            if f.form_id == form_id:
                return f
        return None

    @property
    def explanations(self) -> dict[str, str]:
        """Field code -> the unit's 说明 on that field's row, for every annex found."""
        return {code: text for f in self.forms for code, text in f.explanations.items()}


_PUNCT = re.compile(r"[\s:：,，、。;；.．·()（）\[\]【】\"'“”‘’_\-—]+")
_LETTER_PREFIX = re.compile(r"^(?:其中:?)?\(([A-Z])\)")
_CODE_CELL = re.compile(r"^A\d+\.\d{2}[A-Z]?$")


def norm(text: object) -> str:
    """Compare labels as people retype them: width, spaces and punctuation do not matter."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(text or "")))


def _label_key(text: object) -> tuple[str, str]:
    """(letter, words) of a printed label: '其中：（A）中央财政' -> ('A', '中央财政')."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))
    s = re.sub(r"^其中[:：]?", "", s)
    m = _LETTER_PREFIX.match(s)
    letter = ""
    if m:
        letter = m.group(1)
        s = s[m.end() :]
    return letter, norm(re.sub(r"^其中[:：]?", "", s))


def locate(book: WorkbookData, campaign: Campaign) -> ReturnData:
    found = []
    for form in campaign.forms:
        located = _by_names(book, form) or _by_sheet_text(book, form)
        if located is not None:
            found.append(located)
    return ReturnData(book.source, tuple(found))


def _by_names(book: WorkbookData, form: Form) -> LocatedForm | None:
    named: dict[str, CellRef] = {}
    for f in form.fields:
        ref = book.names.get(f.name.upper())
        if ref is not None and book.sheet(ref.sheet):
            named[f.code] = ref
    if not named:
        return None
    sheet_name = max(
        {r.sheet for r in named.values()},
        key=lambda s: sum(1 for r in named.values() if r.sheet == s),
    )
    sheet = book.sheet(sheet_name)
    assert sheet is not None
    cells: dict[str, CellRef | None] = {c: r for c, r in named.items() if r and r.sheet == sheet_name}
    missing = [f for f in form.fields if f.code not in cells]
    if missing:
        cells.update(_anchor_fields(sheet, missing, form))
    cover_cells: dict[str, CellRef | None] = {}
    for cover in form.cover:
        ref = book.names.get(cover.name(form.id).upper())
        cover_cells[cover.key] = ref if ref is not None and ref.sheet == sheet_name else None
    cover_raw = {k: sheet.value(r.row, r.col) for k, r in cover_cells.items() if r is not None}
    # A named cover cell left empty: the clerk may have typed "填报单位：…" over the label instead.
    missing_cover = [c for c in form.cover if cover_cells[c.key] is None or _blank(cover_raw.get(c.key))]
    if missing_cover:
        for key, (ref, raw) in _find_cover(sheet, form, missing_cover).items():
            if cover_cells[key] is None or not _blank(raw):
                cover_cells[key], cover_raw[key] = ref, raw
    return _result(form, sheet, "names", cells, cover_cells, cover_raw, book.names)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _by_sheet_text(book: WorkbookData, form: Form) -> LocatedForm | None:
    sheet = _find_sheet(book, form)
    if sheet is None:
        return None
    cells = _anchor_fields(sheet, list(form.fields), form)
    if not any(cells.values()):
        return None
    cover = _find_cover(sheet, form, list(form.cover))
    cover_cells = {c.key: cover[c.key][0] if c.key in cover else None for c in form.cover}
    cover_raw = {k: raw for k, (_, raw) in cover.items()}
    return _result(form, sheet, "labels", cells, cover_cells, cover_raw, book.names)


def _result(form, sheet, method, cells, cover_cells, cover_raw, names) -> LocatedForm:
    ordered = {f.code: cells.get(f.code) for f in form.fields}
    raw = {c: sheet.value(r.row, r.col) for c, r in ordered.items() if r is not None}
    notes = _explanations(sheet, form, ordered, names)
    return LocatedForm(form.id, sheet.name, method, ordered, raw, cover_cells, cover_raw, notes)


def _explanations(sheet: SheetData, form: Form, cells: dict[str, CellRef | None], names: dict[str, CellRef]) -> dict[str, str]:
    """The unit's 说明 for each located field: the cell named ``A1_10I_NOTE`` (the templates), else the
    cell of the field's row in the column headed 说明 (a retyped form)."""
    column = _note_header_col(sheet)
    out: dict[str, str] = {}
    for f in form.fields:
        ref = cells.get(f.code)
        if ref is None:
            continue
        named = names.get(note_name(f).upper())
        if named is not None and named.sheet == sheet.name:
            raw = sheet.value(named.row, named.col)
        elif column is not None:
            raw = sheet.value(ref.row, column)
        else:
            continue
        text = _note_text(raw)
        if text:
            out[f.code] = text
    return out


def _note_text(raw: object) -> str:
    if raw is None or isinstance(raw, bool):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _note_header_col(sheet: SheetData) -> int | None:
    """The column headed 说明 in the table's header row (the row with 项目 / 指标名称)."""
    for row in sheet.rows[:40]:
        normed = [norm(c) if isinstance(c, str) else "" for c in row]
        if "指标名称" in normed or "项目" in normed:
            for c, text in enumerate(normed, start=1):
                if text == NOTE_HEADER or (text.startswith(NOTE_HEADER) and len(text) <= 8):
                    return c
            return None
    return None


def _find_sheet(book: WorkbookData, form: Form) -> SheetData | None:
    codes = {f.code for f in form.fields}
    best: tuple[int, int, SheetData] | None = None
    for order, sheet in enumerate(book.sheets):
        score = 0
        if sheet.name.strip() == form.sheet:
            score += 5
        head = " ".join(str(c) for row in sheet.rows[:12] for c in row if isinstance(c, str))
        if any(d in head for d in form.detect):
            score += 10
        score += min(10, sum(1 for row in sheet.rows for c in row if isinstance(c, str) and c.strip() in codes))
        if score and sheet.visible:
            score += 1
        if score >= 5 and (best is None or score > best[0]):
            best = (score, order, sheet)
    return best[2] if best else None


def _anchor_fields(sheet: SheetData, fields: list[Field], form: Form) -> dict[str, CellRef | None]:
    """Rows of fields by their printed code, else by label in form order; then the value column."""
    by_code: dict[str, tuple[int, int]] = {}
    wanted = {f.code for f in fields}
    for r, cells in enumerate(sheet.rows, start=1):
        for c, cell in enumerate(cells, start=1):
            if isinstance(cell, str) and cell.strip() in wanted and cell.strip() not in by_code:
                by_code[cell.strip()] = (r, c)
    value_col_by_header = _value_header_col(sheet)
    # A row that prints another field's code belongs to that field: never take it by label.
    coded_rows = {
        r for r, row in enumerate(sheet.rows, start=1)
        if any(isinstance(cell, str) and _CODE_CELL.match(cell.strip()) for cell in row)
    }
    items = _item_rows(sheet, {int(i.number) for i in form.items if i.number.isdigit()})
    out: dict[str, CellRef | None] = {}
    last_row = 0
    for f in fields:
        if f.code in by_code:
            row, code_col = by_code[f.code]
            col = value_col_by_header or code_col + (VALUE_COL - CODE_COL)
            out[f.code] = CellRef(sheet.name, row, col)
            last_row = row
            continue
        start, end = _item_block(items, f.item)
        hit = _find_label(sheet, f, after=max(last_row, start - 1), end=end, skip=coded_rows)
        if hit is None:
            out[f.code] = None
            continue
        row, label_col = hit
        col = value_col_by_header or label_col + (VALUE_COL - LABEL_COL)
        out[f.code] = CellRef(sheet.name, row, col)
        last_row = row
    return out


def _value_header_col(sheet: SheetData) -> int | None:
    for row in sheet.rows[:40]:
        normed = [norm(c) if isinstance(c, str) else "" for c in row]
        if "指标名称" in normed or "项目" in normed:
            for c, text in enumerate(normed, start=1):
                if text in VALUE_HEADERS:
                    return c
    return None


def _item_rows(sheet: SheetData, numbers: set[int]) -> list[tuple[int, int]]:
    """(row, item number) of the item numbers printed in the 项目 column below its header; none when
    that column holds something else (such as one serial number a row)."""
    for h, row in enumerate(sheet.rows[:40], start=1):
        normed = [norm(c) if isinstance(c, str) else "" for c in row]
        if "项目" in normed and "指标名称" in normed:
            col = normed.index("项目") + 1
            out = []
            for r in range(h + 1, len(sheet.rows) + 1):
                cell = sheet.value(r, col)
                text = norm(cell) if isinstance(cell, str) else cell
                if (isinstance(text, str) and text.isdigit() and len(text) <= 2) or (isinstance(text, (int, float)) and not isinstance(text, bool) and float(text).is_integer()):
                    out.append((r, int(text)))
            found = [n for _, n in out]
            return out if set(found) <= numbers and found == sorted(set(found)) else []
    return []


def _item_block(items: list[tuple[int, int]], item: str) -> tuple[int, int | None]:
    """Rows (first, last) of an item by its printed number; (0, None) when its number is not printed."""
    number = int(item) if item.isdigit() else None
    for i, (row, n) in enumerate(items):
        if n == number:
            nxt = next((r for r, m in items[i + 1 :] if m != n), None)
            return row, nxt - 1 if nxt is not None else None
    return 0, None


def _find_label(
    sheet: SheetData, field: Field, after: int, end: int | None = None, skip: frozenset[int] | set[int] = frozenset()
) -> tuple[int, int] | None:
    key = _label_key(field.label)[1]  # as printed cells are keyed: a leading 其中 does not count
    contained: tuple[int, int] | None = None
    last = len(sheet.rows) if end is None else min(end, len(sheet.rows))
    for r in range(after + 1, last + 1):
        if r in skip:
            continue
        for c, cell in enumerate(sheet.rows[r - 1], start=1):
            if not isinstance(cell, str) or not cell.strip():
                continue
            letter, words = _label_key(cell)
            if letter and field.letter and letter != field.letter:
                continue
            if words == key:
                return r, c
            if contained is None and len(key) >= 4 and key in words:
                contained = (r, c)
    return contained


def _find_cover(sheet: SheetData, form: Form, covers) -> dict[str, tuple[CellRef | None, object]]:
    layout = layout_for(form)
    offsets = {k: layout.cover_cells[k][1] - layout.cover_labels[k][1] for k in layout.cover_cells}
    labels = {norm(c.label): c.key for c in covers}
    all_cover_words = ("填报单位", "填报日期", "填报人", "联系电话", "日期", "电话")
    out: dict[str, tuple[CellRef | None, object]] = {}
    for r, row in enumerate(sheet.rows[:15], start=1):
        for c, cell in enumerate(row, start=1):
            if not isinstance(cell, str):
                continue
            text = unicodedata.normalize("NFKC", cell).strip()
            squeezed = re.sub(r"\s+", "", text)
            for word, key in labels.items():
                if key in out or not squeezed.startswith(word):
                    continue
                rest = squeezed[len(word) :].lstrip(":：")
                if rest:
                    out[key] = (CellRef(sheet.name, r, c), text.split(":", 1)[-1].strip())
                    continue
                value, ref = None, CellRef(sheet.name, r, c + offsets.get(key, 1))
                for c2 in range(c + 1, min(c + 5, len(row) + 1)):
                    nxt = row[c2 - 1]
                    if isinstance(nxt, str) and any(norm(nxt).startswith(w) for w in all_cover_words):
                        break
                    if nxt not in (None, ""):
                        value, ref = nxt, CellRef(sheet.name, r, c2)
                        break
                out[key] = (ref, value)
    return out
