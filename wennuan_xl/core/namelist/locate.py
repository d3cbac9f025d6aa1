"""Finding 实名制 lists in a workbook, as units make them.

A list is a table: a header row somewhere in the first rows (our template's, or the unit's own words for
the same columns, in any order, over one or two header rows), then one row per person, perhaps a 合计 row
and a signature line. Columns are recognised by their header words (``namelist.yaml``'s aliases), and where
the header says nothing useful by what they hold: a column of 18-character numbers whose check digits are
right is the ID column whatever its header. Several sheets with a list header are read as one list. What
cannot be settled (two columns that both look like the ID column) is a problem for the checks to report,
never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .. import printed
from ..cell_formulas import not_as_saved
from ..cover import find_cover
from ..forms import Campaign
from ..idnumber import looks_like_id
from ..values import raw_text
from ..workbook import CellRef, SheetData, WorkbookData, column_letter
from .spec import Column, ListSpec

HEADER_SCAN_ROWS = 30  # a header lower than this is no list header
_BRACKETS = re.compile(r"[(（【\[][^()（）【】\[\]]*[)）】\]]")
_TOTAL_WORDS = ("合计", "总计", "共计", "累计")
_SUBTOTAL_WORDS = ("小计",)
_FOOTER_WORDS = ("填表人", "填报人", "制表人", "审核人", "负责人", "经办人", "盖章", "注：", "注:", "说明：", "说明:", "填报日期", "联系电话：")
_SEX_WORDS = {"男", "女", "男性", "女性"}


@dataclass(frozen=True, slots=True)
class RawRow:
    row: int  # 1-based sheet row
    hidden: bool
    values: dict[str, object]  # column key -> raw cell value (blank cells left out)


@dataclass(frozen=True)
class ListProblem:
    check: str  # column_missing | column_ambiguous | one of UNREADABLE
    words: dict[str, str]
    cells: tuple[str, ...]
    at: tuple[tuple[int, int], ...] = ()  # (row, col) of the cells not read


@dataclass(frozen=True)
class ListSheet:
    sheet: str
    header_row: int  # the (last) header row
    columns: dict[str, int]  # column key -> 1-based column
    rows: tuple[RawRow, ...]
    total: tuple[CellRef, object] | None = None  # the unit's own 合计 row: its 金额 cell and value
    problems: tuple[ListProblem, ...] = ()
    notes: tuple[str, ...] = ()

    def cell(self, key: str, row: int) -> str:
        prefixes = self.__dict__.get("_prefixes")
        if prefixes is None:  # "实名制!D" per column, built once: every row asks
            prefixes = {k: f"{self.sheet}!{column_letter(c)}" for k, c in self.columns.items()}
            object.__setattr__(self, "_prefixes", prefixes)
        return f"{prefixes.get(key, self.sheet + '!A')}{row}"


@dataclass(frozen=True)
class ListData:
    source: str
    sheets: tuple[ListSheet, ...]
    title: str = ""
    cover_raw: dict[str, object] = field(default_factory=dict)
    cover_cells: dict[str, CellRef | None] = field(default_factory=dict)


def list_sheets(book: WorkbookData, spec: ListSpec) -> list[str]:
    """Names of the visible sheets that carry a list header: cheap, so every workbook can be asked."""
    return [s.name for s in book.sheets if s.visible and _header(s, spec) is not None]


def locate_list(book: WorkbookData, spec: ListSpec, campaign: Campaign, skip: frozenset[str] = frozenset()) -> ListData | None:
    """The list in ``book`` (sheets in ``skip`` hold annexes), or None when no sheet has a list header."""
    found: list[ListSheet] = []
    cover_raw: dict[str, object] = {}
    cover_cells: dict[str, CellRef | None] = {}
    title = ""
    covers = campaign.forms[0].cover if campaign.forms else ()
    for sheet in book.sheets:
        if not sheet.visible or sheet.name in skip:
            continue
        header = _header(sheet, spec)
        if header is None:
            continue
        listed = _read_sheet(sheet, spec, header, book)
        found.append(listed)
        if not title:
            title = _title(sheet, header[0], spec)
        last = max((r.row for r in listed.rows), default=header[1])
        if listed.total is not None:
            last = max(last, listed.total[0].row)
        for first_row, last_row in ((1, header[0] - 1), (last + 1, len(sheet.rows))):
            if first_row > last_row:
                continue
            wanted = {c.key for c in covers} - set(k for k, v in cover_raw.items() if v not in (None, ""))
            for key, (ref, raw) in find_cover(sheet, first_row, last_row, covers, wanted).items():
                if raw not in (None, "") or key not in cover_cells:
                    cover_raw[key], cover_cells[key] = raw, ref
    if not found:
        return None
    return ListData(book.source, tuple(found), title, cover_raw, cover_cells)


# --- the header ---------------------------------------------------------------------------------------


def _words(text: object) -> str:
    return printed.words(_BRACKETS.sub("", printed.nfkc(text)))


def _aliases(spec: ListSpec) -> dict[str, list[tuple[str, str]]]:
    cached = spec.__dict__.get("_aliases")
    if cached is None:
        cached = {c.key: [(w, h) for h in c.headers if (w := _words(h))] for c in spec.columns}
        object.__setattr__(spec, "_aliases", cached)
    return cached


def _match(text: object, spec: ListSpec) -> tuple[str, int] | None:
    """The column a header text names, with a score: an exact alias beats one contained in the text, a
    longer alias a shorter one."""
    if not isinstance(text, str) or not text.strip() or len(text) > 40:
        return None
    cache = spec.__dict__.get("_match_cache")
    if cache is None:
        cache = {}
        object.__setattr__(spec, "_match_cache", cache)
    if text in cache:
        return cache[text]
    hit = _match_words(_words(text), spec)
    if len(cache) < 100_000:
        cache[text] = hit
    return hit


# A header with these words is about another period or a plan, never this list's figure: 上年金额 is no 金额.
NOT_THIS_YEAR = ("上年", "去年", "上期", "同期", "同比", "增减", "计划", "应发", "标准", "预算")


def _match_words(w: str, spec: ListSpec) -> tuple[str, int] | None:
    if any(x in w for x in NOT_THIS_YEAR):
        return None
    if not w:
        return None
    best: tuple[str, int] | None = None
    for key, aliases in _aliases(spec).items():
        for alias, _ in aliases:
            if w == alias:
                score = 1000 + len(alias)
            elif len(alias) >= 2 and alias in w:
                score = len(alias)
            else:
                continue
            if best is None or score > best[1]:
                best = (key, score)
    return best


def _header(sheet: SheetData, spec: ListSpec) -> tuple[int, int, dict[int, tuple[str, int]]] | None:
    """(first header row, last header row, column -> (key, score)) of the sheet's list header."""
    for r in range(1, min(HEADER_SCAN_ROWS, len(sheet.rows)) + 1):
        matched = _row_matches(sheet, r, spec)
        keys = {k for k, _ in matched.values()}
        if "NAME" in keys and ("ID" in keys or "AMOUNT" in keys) and len(keys) >= 3:
            last = r
            below = _row_matches(sheet, r + 1, spec) if r + 1 <= len(sheet.rows) else {}
            if below and _is_sub_header(sheet, r, below):
                for col, hit in below.items():  # a second header row: 金额 over 合计 | 其中物资折款
                    matched[col] = hit
                last = r + 1
            return r, last, matched
    return None


def _row_matches(sheet: SheetData, r: int, spec: ListSpec, hidden: bool = False) -> dict[int, tuple[str, int]]:
    """Header words of row r by column; a column the unit hid is not read (a person does not see it), unless
    ``hidden`` asks for those alone."""
    out = {}
    for c, value in enumerate(sheet.rows[r - 1], start=1):
        if (c in sheet.hidden_cols) != hidden:
            continue
        hit = _match(value, spec)
        if hit is not None:
            out[c] = hit
    return out


def _is_sub_header(sheet: SheetData, r: int, below: dict[int, tuple[str, int]]) -> bool:
    """Row r + 1 is a second header row (合计 | 其中物资折款 under a merged 金额), not the first person: it holds no
    number and no ID, and each word it has is a column's name, or stands under a blank or merged header cell."""
    row = sheet.rows[r]
    if _has_id_like(row) or any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row):
        return False
    merged = {c for (r1, c1, r2, c2) in sheet.merged if r1 <= r <= r2 for c in range(c1, c2 + 1)}
    return all(score >= 1000 or sheet.value(r, col) is None or col in merged for col, (_, score) in below.items())


def _has_id_like(row) -> bool:
    return any(looks_like_id(v) for v in row)


def _title(sheet: SheetData, header_row: int, spec: ListSpec) -> str:
    detect = [printed.title_words(d) for d in spec.detect]
    texts = [v for row in sheet.rows[: header_row - 1] for v in row if isinstance(v, str) and v.strip()]
    for t in texts:
        if any(d in printed.title_words(t) for d in detect):
            return t.strip()
    return max(texts, key=len).strip() if texts else ""


# --- columns and rows ------------------------------------------------------------------------------------


def _assign(matched: dict[int, tuple[str, int]]) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Each key to its best column; a key two columns claim equally well goes to neither."""
    by_key: dict[str, list[tuple[int, int]]] = {}
    for col, (key, score) in matched.items():
        by_key.setdefault(key, []).append((score, col))
    columns: dict[str, int] = {}
    ambiguous: dict[str, list[int]] = {}
    for key, hits in by_key.items():
        hits.sort(reverse=True)
        best = hits[0][0]
        # Two headers that both are one of the column's names (身份证号码, 证件号码) leave it open; among
        # headers that only contain a name, the longer name decides.
        top = [col for score, col in hits if (score >= 1000 and best >= 1000) or score == best]
        if len(top) > 1:
            ambiguous[key] = sorted(top)
        else:
            columns[key] = top[0]
    return columns, ambiguous


def _read_sheet(sheet: SheetData, spec: ListSpec, header: tuple[int, int, dict[int, tuple[str, int]]],
                book: WorkbookData | None = None) -> ListSheet:
    first, last, matched = header
    columns, ambiguous = _assign(matched)
    notes: list[str] = []
    body = range(last + 1, len(sheet.rows) + 1)
    taken = set(columns.values()) | {c for cols in ambiguous.values() for c in cols}
    for column in spec.columns:  # by content, where the header said nothing
        if column.key in columns or column.key in ambiguous:
            continue
        found = _by_content(sheet, body, column, spec, taken)
        if len(found) == 1:
            columns[column.key] = found[0]
            taken.add(found[0])
            notes.append(f"工作表“{sheet.name}”{column_letter(found[0])} 列的表头“{_header_text(sheet, first, last, found[0])}”"
                         f"未写明，按内容认作“{column.label}”列")
        elif len(found) > 1:
            ambiguous[column.key] = found
    problems: list[ListProblem] = []
    for key, cols in ambiguous.items():
        letters = "、".join(column_letter(c) for c in cols)
        problems.append(ListProblem("column_ambiguous", {"column": spec.column(key).label, "columns": letters, "sheet": sheet.name,
                                                          "row": str(last)},
                                    tuple(f"{sheet.name}!{column_letter(c)}{last}" for c in cols)))
    for column in spec.columns:
        if column.required and column.key not in columns and column.key not in ambiguous:
            problems.append(ListProblem("column_missing", {"column": column.label, "sheet": sheet.name, "row": str(last)},
                                        (f"{sheet.name}!A{last}",)))
    hidden = {c: hit for r in range(first, last + 1) for c, hit in _row_matches(sheet, r, spec, hidden=True).items()}
    if hidden:
        notes.append(f"工作表“{sheet.name}”中以下列已隐藏，未读取："
                     + "、".join(f"{column_letter(c)} 列“{_header_text(sheet, first, last, c)}”" for c in sorted(hidden)[:6]))
    unknown = [c for c in range(1, max((len(sheet.rows[r - 1]) for r in range(first, last + 1)), default=0) + 1)
               if c not in taken and c not in columns.values() and c not in sheet.hidden_cols and _header_text(sheet, first, last, c)]
    if unknown:
        notes.append(f"工作表“{sheet.name}”中以下列未能识别，未读取："
                     + "、".join(f"{column_letter(c)} 列“{_header_text(sheet, first, last, c)}”" for c in unknown[:6]))
    unreadable = _unreadable(book or WorkbookData("", (sheet,)), sheet, spec, columns, last)
    if unreadable:
        problems += unreadable
        sheet = _blanked(sheet, {(r, c) for p in unreadable for r, c in p.at})
    rows, total = _body(sheet, spec, columns, last)
    return ListSheet(sheet.name, last, columns, tuple(rows), total, tuple(problems), tuple(notes))


# The list's cells that do not read as a person sees them, by check (the reader's lists on SheetData): a formula
# without a saved result, an error value, a format or font that shows another figure, a saved result that is not
# the formula's. Each is refused (its cells read as empty; the rows' own checks on them are dropped).
UNREADABLE = ("uncached_formula", "error_value", "shown_otherwise", "stale_formula", "comment_figure")


def _unreadable(book: WorkbookData, sheet: SheetData, spec: ListSpec, columns: dict[str, int],
                header_last: int) -> list[ListProblem]:
    """Cells of the list that do not read as a person sees them: any read column's but 序号's for a formula without
    a result or an error value; for a format or font showing another figure, a saved result that is not the
    formula's, or an empty cell with a figure in its comment, only the amounts' (a date shown as 2017.01.10, a struck
    old 备注 hide no figure)."""
    read = {col for key, col in columns.items() if spec.column(key).kind != "seq"}
    figures = {col for key, col in columns.items() if spec.column(key).kind == "yuan"}

    def wanted(cells, among: set[int]) -> list[tuple[int, int, str]]:
        return sorted((r, c, t) for r, c, t in cells if r > header_last and c in among)

    found = {
        "uncached_formula": [(r, c, f"的公式 {t}") for r, c, t in wanted(sheet.uncached, read)],
        "error_value": [(r, c, f"显示 {t}") for r, c, t in wanted(sheet.errors, read)],
        "shown_otherwise": [(r, c, f"的{t}，存的是“{raw_text(sheet.value(r, c))}”") for r, c, t in wanted(sheet.shown, figures)
                            if sheet.value(r, c) not in (None, "")],
        "comment_figure": [(r, c, f"的批注“{t}”") for r, c, t in wanted(sheet.comments, figures)
                           if sheet.value(r, c) in (None, "")],
    }
    if sheet.recalc:
        at = [(r, c) for r, c, _ in wanted(sheet.recalc, figures)]
        found["stale_formula"] = [(r, c, f"的公式 {t}") for r, c, t in not_as_saved(book, book.sheet(sheet.name) or sheet, at)]
    out = []
    for check, cells in found.items():
        if not cells:
            continue
        r, c, said = cells[0]
        names = tuple(f"{sheet.name}!{column_letter(col)}{row}" for row, col, _ in cells)
        out.append(ListProblem(check, {"sheet": sheet.name, "count": str(len(names)),
                                       "cells": "、".join(names[:10]) + (f" 等 {len(names)} 个" if len(names) > 10 else ""),
                                       "formula": f"{column_letter(c)}{r} {said}"}, names, tuple((r, c) for r, c, _ in cells)))
    return out


def _blanked(sheet: SheetData, cells: set[tuple[int, int]]) -> SheetData:
    rows = [list(row) if any((r, c) in cells for c in range(1, len(row) + 1)) else row
            for r, row in enumerate(sheet.rows, start=1)]
    for r, c in cells:
        if r <= len(rows) and c <= len(rows[r - 1]):
            rows[r - 1][c - 1] = None  # type: ignore[index]
    return replace(sheet, rows=tuple(tuple(row) for row in rows))


def _header_text(sheet: SheetData, first: int, last: int, col: int) -> str:
    parts = [str(sheet.value(r, col)).strip() for r in range(first, last + 1) if isinstance(sheet.value(r, col), str)]
    return " ".join(p for p in parts if p)


def _by_content(sheet: SheetData, body: range, column: Column, spec: ListSpec, taken: set[int]) -> list[int]:
    if column.kind not in ("id", "sex", "choice"):
        return []
    width = max((len(sheet.rows[r - 1]) for r in body[:200]), default=0)
    found = []
    for col in range(1, width + 1):
        if col in taken or col in sheet.hidden_cols:
            continue
        values = [sheet.value(r, col) for r in body[:500]]
        filled = [v for v in values if v is not None and str(v).strip()]
        if not filled:
            continue
        if column.kind == "id":
            hits = sum(1 for v in filled if looks_like_id(v, strict=True))
            ok = hits >= max(1, 0.6 * len(filled))
        elif column.kind == "sex":
            ok = all(printed.squeeze(v) in _SEX_WORDS for v in filled)
        else:
            known = set(column.choices) | set(column.synonyms)
            ok = sum(1 for v in filled if printed.squeeze(v) in known) >= max(1, 0.8 * len(filled))
        if ok:
            found.append(col)
    return found


def _body(sheet: SheetData, spec: ListSpec, columns: dict[str, int], header_last: int
          ) -> tuple[list[RawRow], tuple[CellRef, object] | None]:
    rows: list[RawRow] = []
    total: tuple[CellRef, object] | None = None
    person_keys = [k for k in columns if k != "SEQ"]
    items = list(columns.items())
    amount_col = columns.get("AMOUNT")
    label_cols = [c for c in (columns.get("SEQ"), columns.get("NAME"), 1) if c]
    hidden = sheet.hidden_rows
    for r in range(header_last + 1, len(sheet.rows) + 1):
        cells = sheet.rows[r - 1]
        values: dict[str, object] = {}
        for key, col in items:
            if col <= len(cells):
                v = cells[col - 1]
                if v is not None and v != "" and not (isinstance(v, str) and not v.strip()):
                    values[key] = v
        if not any(k in values for k in person_keys):
            continue  # a blank row (a pre-numbered 序号 alone is blank)
        label = next((printed.squeeze(t) for c in label_cols if c <= len(cells) and isinstance(t := cells[c - 1], str) and t.strip()), "")
        if label.startswith(_TOTAL_WORDS) or label.replace(" ", "") in _TOTAL_WORDS:
            if amount_col:
                total = (CellRef(sheet.name, r, amount_col), sheet.value(r, amount_col))
            continue
        if label.startswith(_SUBTOTAL_WORDS):
            continue
        if _is_footer(cells, values):
            continue
        name = values.get("NAME")
        if isinstance(name, str) and (hit := _match(name, spec)) is not None and hit[0] == "NAME" and _is_repeated_header(cells, spec):
            continue  # the header typed again (a list pasted from several pages)
        rows.append(RawRow(r, r in hidden, values))
    return rows, total


def _is_footer(cells, values: dict[str, object]) -> bool:
    """A signature or note line under the table; a row with a name of its own is a person, whatever else it says."""
    if isinstance(values.get("AMOUNT"), (int, float)) or ("ID" in values and looks_like_id(values["ID"])):
        return False
    name = values.get("NAME")
    if isinstance(name, str) and name.strip() and not any(w in printed.squeeze(name) for w in (*_FOOTER_WORDS, ":", "：")):
        return False
    text = "".join(printed.squeeze(v) for v in cells if isinstance(v, str))
    return any(w in text for w in _FOOTER_WORDS)


def _is_repeated_header(cells, spec: ListSpec) -> bool:
    keys = {hit[0] for v in cells if (hit := _match(v, spec)) is not None}
    return "NAME" in keys and len(keys) >= 3
